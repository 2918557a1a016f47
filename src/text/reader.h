// Reading text in photos: candidate text lines found with MSER (Tesseract alone is poor at
// finding text in scenes), or boxes an analyst gives; each line deskewed, scaled to
// Tesseract's preferred x-height and read by each of the region's models (Tesseract 5,
// LSTM) in turn: the surest reading in its own script wins, which identifies the script
// (its Unicode blocks) better than one mixed multi-language model. Garbage (low
// confidence, mixed scripts within one word) is dropped. Items (phones, domains, plates, currency,
// place names) are found in each line.
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

class ScriptLook;

struct TextLine {
  std::string text;       // Unicode (Zawgyi converted)
  std::string script;     // ISO 15924
  std::string language;   // the Tesseract model that read it
  double confidence = 0;  // 0..100: the reading's score (docs/commands/text.md, step 3)
  cv::Rect box;           // in the photo's pixels
  bool zawgyi = false;    // read as Zawgyi Burmese, converted
  std::string latin;      // ICU transliteration, when there is one
  std::vector<TextItem> items;
};

struct TextReadOptions {
  // Tesseract models that compete to read each line; each must be installed. chi_tra
  // challenges a chi_sim reading, eng a vie reading without Vietnamese letters.
  std::vector<std::string> languages = {"khm",     "mya",     "lao", "tha",
                                        "chi_sim", "chi_tra", "vie", "eng"};
  std::vector<cv::Rect> boxes;  // analyst boxes: read as given, in addition to the detected
  bool detect = true;           // find candidate lines with MSER
  int max_lines = 40;           // the largest candidate lines, at most (and an eighth as many
                                // short words)
  double min_confidence = 60;   // lines below are dropped as garbage
  std::filesystem::path tessdata = "/usr/share/tesseract-ocr/5/tessdata";
};

// The Debian package that installs a Tesseract model: "tesseract-ocr-chi-sim" for chi_sim.
std::string TesseractPackage(const std::string& language);

// A candidate text line: its quadrilateral in the photo (top-left, top-right, bottom-right,
// bottom-left: slanted and converging under perspective) and its bounding box.
struct TextCandidate {
  cv::Rect box;
  std::vector<cv::Point2f> quad;
  bool from_box = false;  // an analyst's rectangle (deskewed by its ink when read)
  bool word = false;      // a short word found by its letters' marks (a quota of its own)
};
TextCandidate CandidateFromBox(const cv::Rect& box);

// The line made readable: its quadrilateral (slant and perspective) warped to an upright
// grey strip with the letters about 48 px high, a margin (a third of their height above and
// below for the marks of Thai, Lao, Khmer and Burmese, a fifth at the ends, then 12 px), dark
// text on light, deskewed by the ink when an analyst's rectangle was given.
cv::Mat LineStrip(const cv::Mat& gray, const TextCandidate& line);

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
  // Frees the Tesseract models loaded so far (about 180 MB for the eight languages); the
  // next Read loads again those it needs (about 0.3 s a photo). `run` frees them after each
  // photo's text step, so that they and the forensics step's working memory are not held at
  // once (docs/evaluation.md, run's memory).
  void ReleaseModels();
  std::size_t LoadedModels() const { return engines_.size(); }

 private:
  TextReader() = default;
  struct Engine;
  Engine* EngineFor(const std::string& languages);
  // `numbers`: the English model's reading of the line when it read 7 digits or more and
  // another model won (the models of other scripts misread Latin digits beside their letters).
  Result<TextLine> ReadLine(const cv::Mat& gray, const TextCandidate& candidate,
                            std::string& numbers);
  TextReadOptions options_;
  std::map<std::string, std::unique_ptr<Engine>> engines_;
  std::shared_ptr<const PlaceNames> places_;
  std::shared_ptr<const ScriptLook> look_;
};

// Candidate text lines of a grey image: MSER regions grouped into lines whose characters'
// centres lie on a straight line, with the quadrilateral through their tops and bottoms
// (in the image's pixels), largest first: at most max_lines lines, and an eighth as many
// (rounded up) short words of one or two letters found by the marks around them
// (TextCandidate::word).
std::vector<TextCandidate> DetectTextLines(const cv::Mat& gray, int max_lines);

// Otsu's separability of a grey image: the between-class variance at Otsu's threshold over
// the total variance (0..1). Ink on a background is near 1; foliage and gravel are not: a
// detected strip under 0.7 is not read.
double InkSeparability(const cv::Mat& gray);

}  // namespace gv
