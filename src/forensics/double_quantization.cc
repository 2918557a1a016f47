#include "forensics/double_quantization.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "forensics/block_stats.h"
#include "image/jpeg_structure.h"

namespace gv {
namespace {

constexpr int kRange = 16;      // histogram bins -kRange..kRange
constexpr int kMaxStep = 100;   // largest first quantisation step considered
constexpr double kSigma = 0.4;  // noise of a coefficient between the two saves (pixel
                                // rounding and clipping of the first decoding), DCT units
constexpr int kMinNonZero = 300;

using Histogram = std::vector<double>;  // 2 * kRange + 1 bins

// DCT coefficients of the selected (natural-order) frequencies of every 8x8 block of `y`
// whose top-left corner is `origin` + multiples of 8; blocks with a clipped pixel (0 or
// 255) are left out: clipping, not quantisation, shapes them.
// `blocks` (if given) receives each kept block's index (column, row).
std::vector<std::vector<float>> BlockCoefficients(const cv::Mat& y, cv::Point origin,
                                                  const std::vector<int>& frequencies,
                                                  std::vector<cv::Point>* blocks = nullptr) {
  std::vector<std::vector<float>> out(frequencies.size());
  cv::Mat shifted, block, coefficients;
  y.convertTo(shifted, CV_32F, 1, -128);
  for (int by = origin.y; by + 8 <= y.rows; by += 8) {
    for (int bx = origin.x; bx + 8 <= y.cols; bx += 8) {
      const cv::Rect cell(bx, by, 8, 8);
      double lo, hi;
      cv::minMaxLoc(y(cell), &lo, &hi);
      if (lo <= 0 || hi >= 255) continue;
      shifted(cell).copyTo(block);
      cv::dct(block, coefficients);
      const float* c = coefficients.ptr<float>();
      for (std::size_t i = 0; i < frequencies.size(); ++i) out[i].push_back(c[frequencies[i]]);
      if (blocks) blocks->emplace_back(bx / 8, by / 8);
    }
  }
  return out;
}

double NormalCdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

// Symmetric chi-square distance between an observed histogram and a model scaled to the
// same number of coefficients.
double Misfit(const Histogram& observed, const Histogram& model, double scale) {
  double chi = 0;
  for (std::size_t k = 0; k < observed.size(); ++k) {
    const double m = model[k] * scale, d = observed[k] - m;
    chi += d * d / (observed[k] + m + 1);
  }
  return chi;
}

// One frequency: the calibrated (unquantised) coefficients, sorted, and the observed
// histogram of the final quantised integers.
struct Frequency {
  std::vector<float> calibrated;  // sorted
  Histogram observed = Histogram(2 * kRange + 1, 0);
  double observed_total = 0;
  int step = 1;           // the file's (last) quantisation step b
  int natural = 0;        // the frequency's natural-order index
  std::size_t index = 0;  // in the list of analysed frequencies

  // Calibrated coefficients within [lo, hi).
  double Count(double lo, double hi) const {
    return static_cast<double>(std::lower_bound(calibrated.begin(), calibrated.end(), hi) -
                               std::lower_bound(calibrated.begin(), calibrated.end(), lo));
  }
  double Scale() const { return observed_total / static_cast<double>(calibrated.size()); }

  Histogram SingleModel() const {
    Histogram model(2 * kRange + 1, 0);
    for (int k = -kRange; k <= kRange; ++k)
      model[static_cast<std::size_t>(k + kRange)] = Count((k - 0.5) * step, (k + 0.5) * step);
    return model;
  }
  double SingleMisfit() const { return Misfit(observed, SingleModel(), Scale()); }
  double DoubleMisfit(int a) const { return Misfit(observed, DoubleModel(a), Scale()); }

  // Quantised first with step a, decoded (noise kSigma), quantised again with `step`.
  Histogram DoubleModel(int a) const {
    Histogram model(2 * kRange + 1, 0);
    const int jmax = static_cast<int>(std::ceil((kRange + 1.0) * step / a + 4 * kSigma / a)) + 1;
    for (int j = -jmax; j <= jmax; ++j) {
      const double n = Count((j - 0.5) * a, (j + 0.5) * a);
      if (n == 0) continue;
      const double centre = static_cast<double>(j) * a;
      // Only the bins within 5 sigma of the first-quantised value can receive it.
      const int k_lo =
          std::max(-kRange, static_cast<int>(std::floor((centre - 5 * kSigma) / step)));
      const int k_hi = std::min(kRange, static_cast<int>(std::ceil((centre + 5 * kSigma) / step)));
      for (int k = k_lo; k <= k_hi; ++k) {
        const double p = NormalCdf(((k + 0.5) * step - centre) / kSigma) -
                         NormalCdf(((k - 0.5) * step - centre) / kSigma);
        if (p > 1e-9) model[static_cast<std::size_t>(k + kRange)] += n * p;
      }
    }
    return model;
  }
};

}  // namespace

Result<DoubleQuantizationResult> DetectDoubleQuantization(
    const cv::Mat& luminance, const std::array<std::uint16_t, 64>& table,
    const DoubleQuantizationOptions& options) {
  if (luminance.empty() || luminance.type() != CV_8UC1)
    return MakeError("double quantisation needs the 8-bit luminance");
  if (options.frequencies < 1 || options.frequencies > 63 || options.max_side < 64)
    return MakeError("bad double quantisation options");
  const int w = std::min(options.max_side, luminance.cols) / 8 * 8;
  const int h = std::min(options.max_side, luminance.rows) / 8 * 8;
  if (w < 64 || h < 64) return MakeError("image too small for the DCT histograms");
  const int x0 = (luminance.cols - w) / 2 / 8 * 8, y0 = (luminance.rows - h) / 2 / 8 * 8;
  const cv::Mat y = luminance(cv::Rect(x0, y0, w, h));

  std::vector<int> frequencies;
  for (int k = 1; k <= options.frequencies; ++k) frequencies.push_back(kJpegZigZag[k]);
  std::vector<cv::Point> blocks;
  const auto observed = BlockCoefficients(y, {0, 0}, frequencies, &blocks);
  const auto calibrated = BlockCoefficients(y, {4, 4}, frequencies);

  DoubleQuantizationResult r;
  std::vector<Frequency> used;
  for (std::size_t i = 0; i < frequencies.size(); ++i) {
    Frequency f;
    f.natural = frequencies[i];
    f.index = i;
    f.step = table[static_cast<std::size_t>(f.natural)];
    if (f.step < 1 || calibrated[i].size() < 64) continue;
    int non_zero = 0;
    for (float v : observed[i]) {
      const long k = std::lround(v / f.step);
      f.observed_total += 1;
      non_zero += k != 0;
      if (std::labs(k) <= kRange) f.observed[static_cast<std::size_t>(k + kRange)] += 1;
    }
    if (non_zero < kMinNonZero) continue;
    f.calibrated = calibrated[i];
    std::sort(f.calibrated.begin(), f.calibrated.end());
    used.push_back(std::move(f));
  }
  r.frequencies = static_cast<int>(used.size());
  if (used.size() < 3) return r;  // too flat or too coarsely quantised to tell

  // Misfit of every first step at every frequency. A single compression is measured with
  // or without the decoder's rounding noise (the noisy one is the double model with a = b);
  // first steps that divide b leave the single histogram and are no evidence.
  // The first steps of one save are all finer than the last ones (saved again at a lower
  // quality) or all coarser (at a higher one): the gain is measured on each side and the
  // better side counts. A fit that needs a finer first step at some frequencies and a
  // coarser one at others is no single first table: photos the camera processed strongly
  // (a phone's noise reduction) show such fits with one save only.
  std::vector<std::vector<double>> misfit(used.size(), std::vector<double>(kMaxStep + 1, 0));
  std::vector<double> single(used.size());
  double finer_gain = 0, coarser_gain = 0;
  for (std::size_t i = 0; i < used.size(); ++i) {
    auto& m = misfit[i];
    const int b = used[i].step;
    for (int a = 1; a <= kMaxStep; ++a) m[static_cast<std::size_t>(a)] = used[i].DoubleMisfit(a);
    single[i] = std::min(used[i].SingleMisfit(), m[static_cast<std::size_t>(b)]);
    double finer = single[i], coarser = single[i];
    for (int a = 1; a <= kMaxStep; ++a) {
      if (b % a == 0) continue;
      double& side = a < b ? finer : coarser;
      side = std::min(side, m[static_cast<std::size_t>(a)]);
    }
    if (single[i] <= 0) continue;
    finer_gain += (1 - finer / single[i]) / static_cast<double>(used.size());
    coarser_gain += (1 - coarser / single[i]) / static_cast<double>(used.size());
  }
  r.fit_gain = std::max(finer_gain, coarser_gain);
  const bool first_finer = finer_gain >= coarser_gain;
  // One first quality for all frequencies: the IJG table (libjpeg and most editors).
  const auto first_misfit = [&](int q) {
    const auto t = IjgTable(q, false);
    double m = 0;
    for (std::size_t i = 0; i < used.size(); ++i) {
      const int a = std::min<int>(kMaxStep, t[static_cast<std::size_t>(used[i].natural)]);
      m += used[i].step % a == 0 ? single[i] : misfit[i][static_cast<std::size_t>(a)];
    }
    return m;
  };
  double total_single = 0, best_ijg = 0;
  for (double v : single) total_single += v;
  best_ijg = total_single;
  int best_q = 0;
  for (int q = 1; q <= 100; ++q) {
    const double m = first_misfit(q);
    if (m < best_ijg) {
      best_ijg = m;
      best_q = q;
    }
  }
  r.ijg_gain = total_single > 0 ? 1 - best_ijg / total_single : 0;
  r.detected = r.fit_gain >= options.min_fit_gain || r.ijg_gain >= options.min_ijg_gain;
  if (r.detected && best_q > 0) r.first_quality = best_q;
  if (!r.detected) return r;

  // Where the photo is not double compressed: per 8x8 block, the log-likelihood ratio of its
  // coefficients under each frequency's best double model against the single one; a region
  // pasted from another picture (its first grid elsewhere) or painted in scores low.
  cv::Mat ratio(h / 8, w / 8, CV_64F, cv::Scalar(0)), informative = ratio.clone();
  for (std::size_t i = 0; i < used.size(); ++i) {
    const Frequency& f = used[i];
    int a_best = 0;  // the best first step on the side that counted
    for (int a = 1; a <= kMaxStep; ++a)
      if (f.step % a != 0 && (a < f.step) == first_finer &&
          (a_best == 0 ||
           misfit[i][static_cast<std::size_t>(a)] < misfit[i][static_cast<std::size_t>(a_best)]))
        a_best = a;
    if (a_best == 0 || misfit[i][static_cast<std::size_t>(a_best)] >= single[i]) continue;
    const Histogram d = f.DoubleModel(a_best), s1 = f.SingleModel();
    double dn = 0, sn = 0;
    for (std::size_t k = 0; k < d.size(); ++k) {
      dn += d[k] + 0.5;
      sn += s1[k] + 0.5;
    }
    std::vector<double> log_ratio(d.size());
    for (std::size_t k = 0; k < d.size(); ++k)
      log_ratio[k] = std::log((d[k] + 0.5) / dn) - std::log((s1[k] + 0.5) / sn);
    const auto& values = observed[f.index];
    for (std::size_t n = 0; n < values.size(); ++n) {
      const long k = std::lround(values[n] / f.step);
      if (std::labs(k) > kRange) continue;
      ratio.at<double>(blocks[n]) += log_ratio[static_cast<std::size_t>(k + kRange)];
      informative.at<double>(blocks[n]) += k != 0;
    }
  }
  // Regions of 4x4 blocks (32 px): the evidence per non-zero coefficient (flat regions
  // carry little either way); the lowest against the photo's own regions.
  const cv::Mat evidence = BlockMeans(ratio, 4).means, count = BlockMeans(informative, 4).means;
  const cv::Mat regions = evidence / (count + 0.5);
  if (regions.rows >= 3 && regions.cols >= 3) {
    const RegionOutlier low = MostOutlyingRegion(-regions, false);
    r.single_region_z = low.z;
    r.single_region_at = cv::Point(x0, y0) + low.block * 32;
  }
  return r;
}

bool RecompressionEvidence::Detected() const {
  return (dct && dct->detected) || (ghost && ghost->detected);
}

std::optional<int> RecompressionEvidence::FirstQuality() const {
  if (dct && dct->detected && dct->first_quality) return dct->first_quality;
  if (ghost && ghost->detected) return ghost->first_quality;
  return std::nullopt;
}

Result<RecompressionEvidence> TestRecompression(std::span<const std::uint8_t> jpeg_bytes,
                                                const DecodeLimits& limits) {
  auto jpeg = ParseJpegStructure(jpeg_bytes);
  if (!jpeg.ok()) return jpeg.error();
  const JpegQuantTable* luma = jpeg->LuminanceTable();
  if (luma == nullptr || !jpeg->EstimatedQuality()) return MakeError("no luminance table");
  auto y = DecodeImage(jpeg_bytes, limits, DecodeAs::kStoredGrey);
  if (!y.ok()) return y.error();
  RecompressionEvidence e;
  e.last_quality = *jpeg->EstimatedQuality();
  if (auto d = DetectDoubleQuantization(*y, luma->values); d.ok()) e.dct = *d;
  if (auto g = DetectDoubleCompression(*y, e.last_quality); g.ok()) e.ghost = *g;
  if (!e.dct && !e.ghost) return MakeError("image too small for the double-compression tests");
  return e;
}

}  // namespace gv
