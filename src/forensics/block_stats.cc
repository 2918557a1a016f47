#include "forensics/block_stats.h"

#include <algorithm>
#include <cmath>

namespace gv {
namespace {

double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  auto it = v.begin() + static_cast<std::ptrdiff_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), it, v.end());
  return *it;
}

}  // namespace

double Percentile(const cv::Mat& map, double q) {
  cv::Mat values;
  map.reshape(1, 1).convertTo(values, CV_64F);
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

}  // namespace gv
