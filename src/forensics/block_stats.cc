#include "forensics/block_stats.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace gv {
namespace {

double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  auto it = v.begin() + static_cast<std::ptrdiff_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), it, v.end());
  return *it;
}

}  // namespace

// The same order statistic as Quantile, without a copy of the values in doubles: a 12 MP
// photo's map in doubles, and its copy, held 195 MB at once (the forensics step's peak on
// HEIC photos). 8-bit maps are counted in 256 bins; float maps copied as floats.
double Percentile(const cv::Mat& map, double q) {
  CV_Assert(map.channels() == 1);
  const std::size_t n = map.total();
  if (n == 0) return 0;
  const auto k = static_cast<std::size_t>(q * static_cast<double>(n - 1));
  if (map.depth() == CV_8U) {
    std::size_t counts[256] = {};
    for (int r = 0; r < map.rows; ++r) {
      const std::uint8_t* row = map.ptr<std::uint8_t>(r);
      for (int c = 0; c < map.cols; ++c) ++counts[row[c]];
    }
    std::size_t below = 0;
    for (int v = 0; v < 256; ++v) {
      below += counts[v];
      if (below > k) return v;
    }
    return 255;
  }
  if (map.depth() == CV_32F) {
    std::vector<float> v;
    v.reserve(n);
    for (int r = 0; r < map.rows; ++r)
      v.insert(v.end(), map.ptr<float>(r), map.ptr<float>(r) + map.cols);
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
  }
  cv::Mat values;  // continuous, whatever the map (a view's rows are not)
  map.convertTo(values, CV_64F);
  return Quantile(std::vector<double>(values.begin<double>(), values.end<double>()), q);
}

void Summarise(BlockStats& s) {
  std::vector<double> v(s.means.begin<double>(), s.means.end<double>());
  s.median = Quantile(v, 0.5);
  s.p99 = Quantile(v, 0.99);
  for (double& x : v) x = std::abs(x - s.median);
  s.mad = Quantile(v, 0.5);
}

BlockStats BlockMeans(const cv::Mat& map, int block) {
  BlockStats s;
  const int rows = map.rows / block, cols = map.cols / block;
  s.means = cv::Mat(std::max(rows, 1), std::max(cols, 1), CV_64F, cv::Scalar(0));
  double best = -1;
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const double m = cv::mean(map(cv::Rect(c * block, r * block, block, block)))[0];
      s.means.at<double>(r, c) = m;
      if (m > best) {
        best = m;
        s.max_at = {c * block, r * block};
      }
    }
  }
  Summarise(s);
  return s;
}

RegionOutlier MostOutlyingRegion(const cv::Mat& block_means, bool two_sided) {
  BlockStats s;
  cv::blur(block_means, s.means, cv::Size(3, 3), cv::Point(-1, -1), cv::BORDER_REPLICATE);
  Summarise(s);
  RegionOutlier r;
  double farthest = -1;
  for (int y = 0; y < s.means.rows; ++y) {
    for (int x = 0; x < s.means.cols; ++x) {
      const double d = s.means.at<double>(y, x) - s.median;
      const double away = two_sided ? std::abs(d) : d;
      if (away > farthest) {
        farthest = away;
        r.block = {x, y};
        r.z = away / (1.4826 * s.mad + 0.01);
      }
    }
  }
  return r;
}

}  // namespace gv
