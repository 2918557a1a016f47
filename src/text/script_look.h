// The script of a text line by its look, before any model reads it: a small network
// (OpenCV's multi-layer perceptron) over the histograms of oriented gradients of windows
// slid along the line's strip. Tesseract's models read other scripts' letters as lookalikes
// of their own, often as surely as their own, so the models' confidences alone confuse
// Khmer, Lao and Thai; the look is a second, independent witness in the reader's contest
// (docs/commands/text.md, step 3). The network is trained by bench/train_script_look.cc
// (scripts/train-script-look) on fonts that the evaluation does not use, and shipped as
// data/script-look.yml.gz.
#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <opencv2/core.hpp>
#include <string>

#include "util/result.h"

namespace cv::ml {
class ANN_MLP;
}

namespace gv {

// What a window of a strip can show: the six scripts' letters, digits and punctuation
// (Zyyy, common to all scripts), or no text (Zzzz: the scene around a sign).
inline constexpr std::array<const char*, 8> kLookClasses = {"Khmr", "Mymr", "Laoo", "Thai",
                                                            "Hani", "Latn", "Zyyy", "Zzzz"};
inline constexpr int kLookScripts = 6;  // the first six classes are scripts

struct LookShares {
  // Per class, the share of the strip's windows that look most like it (sums to 1).
  std::array<double, kLookClasses.size()> share{};
  int windows = 0;         // all windows
  int letter_windows = 0;  // windows that look like one of the six scripts
  // The share of `script` (ISO 15924) among the windows that look like letters (0 when
  // none does, or for a script the network does not know).
  double ScriptShare(const std::string& script) const;
};

class ScriptLook {
 public:
  // The network in `path` (an OpenCV ANN_MLP file, .yml or .yml.gz).
  static Result<std::shared_ptr<const ScriptLook>> Load(const std::filesystem::path& path);
  // data/script-look.yml.gz, loaded once per process.
  static Result<std::shared_ptr<const ScriptLook>> Default();

  // The features of each window of a strip (a line warped upright, text about a third of
  // its height, as the reader's LineStrip makes it): one row of kFeatures per window.
  static cv::Mat WindowFeatures(const cv::Mat& strip);
  static constexpr int kFeatures = 324;
  LookShares Classify(const cv::Mat& strip) const;

 private:
  cv::Ptr<cv::ml::ANN_MLP> net_;
};

}  // namespace gv
