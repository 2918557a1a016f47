#include "forensics/noise.h"

#include <cmath>
#include <opencv2/imgproc.hpp>

#include "forensics/block_stats.h"

namespace gv {

Result<NoiseResult> NoiseResidual(const cv::Mat& image, int block) {
  if (image.empty()) return MakeError("empty image");
  if (block < 8) return MakeError("noise block must be at least 8 px");
  cv::Mat gray = image;
  if (image.channels() == 3) cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  // Immerkær's mask: the difference of two Laplacians, blind to edges and ramps. Filtered
  // from the 8-bit grey into floats, and its magnitude taken in place: one float picture of
  // the photo's size at a time (a 12 MP photo's three took 146 MB).
  const cv::Mat kernel = (cv::Mat_<float>(3, 3) << 1, -2, 1, -2, 4, -2, 1, -2, 1);
  cv::Mat magnitude;
  cv::filter2D(gray, magnitude, CV_32F, kernel, cv::Point(-1, -1), 0, cv::BORDER_REFLECT);
  if (gray.data != image.data) gray.release();
  cv::absdiff(magnitude, cv::Scalar::all(0), magnitude);
  // sigma = sqrt(pi / 2) / 6 * mean |residual| over a block.
  BlockStats blocks = BlockMeans(magnitude, block);
  blocks.means *= std::sqrt(CV_PI / 2) / 6.0;
  Summarise(blocks);
  NoiseResult r;
  r.block_sigma = blocks.means;
  r.median_sigma = blocks.median;
  r.inconsistency = blocks.median > 0 ? blocks.mad / blocks.median : 0;
  const RegionOutlier odd = MostOutlyingRegion(blocks.means, true);
  r.region_z = odd.z;
  r.most_different = odd.block * block;
  const double white = std::max(1.0, Percentile(magnitude, 0.99));
  magnitude.convertTo(r.picture, CV_8U, 255.0 / white);
  return r;
}

}  // namespace gv
