// Reading text in photos: candidate text lines found with MSER (Tesseract alone is poor at
// finding text in scenes), or boxes an analyst gives; each line deskewed, scaled to
// Tesseract's preferred x-height and read with the region's language models (Tesseract 5,
// LSTM), then its script identified from its Unicode blocks and read again with that
// script's own model when the first pass used others. Garbage (low confidence, mixed
// scripts within one word) is dropped. Items (phones, domains, plates, currency, place
// names) are found in each line.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "text/items.h"
#include "util/result.h"

namespace gv {

struct TextLine {
  std::string text;       // Unicode (Zawgyi converted)
  std::string script;     // ISO 15924
  std::string language;   // the Tesseract model that read it
  double confidence = 0;  // 0..100, Tesseract's mean word confidence
  cv::Rect box;           // in the photo's pixels
  bool zawgyi = false;    // read as Zawgyi Burmese, converted
  std::string latin;      // ICU transliteration, when there is one
  std::vector<TextItem> items;
};

struct TextReadOptions {
  // Tesseract models of the first pass; each must be installed.
  std::vector<std::string> languages = {"khm", "mya", "lao", "tha", "chi_sim", "vie", "eng"};
  std::vector<cv::Rect> boxes;  // analyst boxes: read as given, in addition to the detected
  bool detect = true;           // find candidate lines with MSER
  int max_lines = 40;           // the largest candidates, at most
  double min_confidence = 60;   // lines below are dropped as garbage
  std::filesystem::path tessdata = "/usr/share/tesseract-ocr/5/tessdata";
};

// The Debian package that installs a Tesseract model: "tesseract-ocr-chi-sim" for chi_sim.
std::string TesseractPackage(const std::string& language);

class TextReader {
 public:
  // Error naming the Debian package of every missing model.
  static Result<std::unique_ptr<TextReader>> Open(const TextReadOptions& options);
  ~TextReader();
  // The lines of a BGR or grey image, with `extra_boxes` read as given too. Not
  // thread-safe (one reader per thread).
  Result<std::vector<TextLine>> Read(const cv::Mat& image,
                                     const std::vector<cv::Rect>& extra_boxes = {});
  // Tesseract on the whole image (no region detection), for the evaluation's comparison.
  Result<std::vector<TextLine>> ReadWhole(const cv::Mat& image, const std::string& languages);

 private:
  TextReader() = default;
  struct Engine;
  Engine* EngineFor(const std::string& languages);
  Result<TextLine> ReadLine(const cv::Mat& gray, const cv::Rect& box);
  TextReadOptions options_;
  std::map<std::string, std::unique_ptr<Engine>> engines_;
  std::shared_ptr<const PlaceNames> places_;
};

// Candidate text lines of a grey image: MSER regions grouped into lines (boxes in the
// image's pixels), largest first.
std::vector<cv::Rect> DetectTextLines(const cv::Mat& gray, int max_lines);

}  // namespace gv
