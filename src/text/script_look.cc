#include "text/script_look.h"

#include <algorithm>
#include <mutex>
#include <opencv2/imgproc.hpp>
#include <opencv2/ml.hpp>
#include <opencv2/objdetect.hpp>
#include <optional>

#include "util/data_dir.h"

namespace gv {

namespace {
// Windows of 48 x 48 px on the strip scaled to 48 px high, every 12 px; per window the
// gradients' orientations (9 bins) in 8 px cells, normalised over 3 x 3 blocks of 2 x 2
// cells: 324 numbers.
constexpr int kWindow = 48;
constexpr int kStride = 12;

const cv::HOGDescriptor& Hog() {
  static const cv::HOGDescriptor hog(cv::Size(kWindow, kWindow), cv::Size(16, 16), cv::Size(16, 16),
                                     cv::Size(8, 8), 9);
  return hog;
}
}  // namespace

double LookShares::ScriptShare(const std::string& script) const {
  double letters = 0, mine = 0;
  for (int c = 0; c < kLookScripts; ++c) {
    letters += share[static_cast<std::size_t>(c)];
    if (script == kLookClasses[static_cast<std::size_t>(c)])
      mine = share[static_cast<std::size_t>(c)];
  }
  return letters > 0 ? mine / letters : 0;
}

Result<std::shared_ptr<const ScriptLook>> ScriptLook::Load(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return MakeError("script look model missing: " + path.string() +
                     " (shipped in data/; scripts/train-script-look makes it)");
  auto look = std::shared_ptr<ScriptLook>(new ScriptLook);
  try {
    look->net_ = cv::Algorithm::load<cv::ml::ANN_MLP>(path.string());
  } catch (const cv::Exception& e) {
    return MakeError("script look model " + path.string() + " unreadable: " + e.what());
  }
  if (look->net_.empty() || !look->net_->isTrained())
    return MakeError("script look model " + path.string() + " unreadable");
  const cv::Mat layers = look->net_->getLayerSizes();
  if (layers.total() < 2 || layers.at<int>(0) != kFeatures ||
      layers.at<int>(static_cast<int>(layers.total()) - 1) != static_cast<int>(kLookClasses.size()))
    return MakeError("script look model " + path.string() +
                     " does not fit this version (layer sizes); rerun scripts/train-script-look");
  return std::shared_ptr<const ScriptLook>(std::move(look));
}

Result<std::shared_ptr<const ScriptLook>> ScriptLook::Default() {
  static std::mutex mutex;
  static std::optional<Result<std::shared_ptr<const ScriptLook>>> loaded;
  std::lock_guard lock(mutex);
  if (!loaded) loaded.emplace(Load(DataDir() / "script-look.yml.gz"));
  return *loaded;
}

cv::Mat ScriptLook::WindowFeatures(const cv::Mat& strip) {
  if (strip.empty()) return {};
  cv::Mat gray;
  if (strip.channels() == 3)
    cv::cvtColor(strip, gray, cv::COLOR_BGR2GRAY);
  else
    gray = strip;
  const double scale = static_cast<double>(kWindow) / gray.rows;
  cv::Mat scaled;
  cv::resize(gray, scaled,
             cv::Size(std::max(kWindow, static_cast<int>(std::lround(gray.cols * scale))), kWindow),
             0, 0, cv::INTER_AREA);
  std::vector<float> values;
  Hog().compute(scaled, values, cv::Size(kStride, kWindow), cv::Size(0, 0));
  const int windows = static_cast<int>(values.size()) / kFeatures;
  cv::Mat out(windows, kFeatures, CV_32F);
  std::copy(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(windows) * kFeatures,
            out.ptr<float>());
  return out;
}

LookShares ScriptLook::Classify(const cv::Mat& strip) const {
  LookShares out;
  const cv::Mat features = WindowFeatures(strip);
  if (features.rows == 0) return out;
  cv::Mat responses;
  net_->predict(features, responses);
  for (int r = 0; r < responses.rows; ++r) {
    cv::Point best;
    cv::minMaxLoc(responses.row(r), nullptr, nullptr, nullptr, &best);
    out.share[static_cast<std::size_t>(best.x)] += 1;
    if (best.x < kLookScripts) ++out.letter_windows;
  }
  out.windows = responses.rows;
  for (auto& s : out.share) s /= out.windows;
  return out;
}

}  // namespace gv
