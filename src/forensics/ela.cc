#include "forensics/ela.h"

#include <algorithm>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "forensics/block_stats.h"

namespace gv {

Status ElaOptions::Check() const {
  if (quality < 1 || quality > 100) return MakeError("ELA quality must be within 1..100");
  if (block < 4 || block > 256) return MakeError("ELA block must be within 4..256 px");
  return OkStatus();
}

Result<ElaResult> ErrorLevelAnalysis(const cv::Mat& image, const ElaOptions& o) {
  if (auto st = o.Check(); !st.ok()) return st.error();
  if (image.empty()) return MakeError("empty image");
  std::vector<std::uint8_t> jpeg;
  if (!cv::imencode(".jpg", image, jpeg, {cv::IMWRITE_JPEG_QUALITY, o.quality}))
    return MakeError("cannot re-encode the image as JPEG");
  cv::Mat diff;
  {
    const cv::Mat resaved =
        cv::imdecode(jpeg, image.channels() == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
    std::vector<std::uint8_t>().swap(jpeg);  // freed (`= {}` keeps the capacity)
    cv::absdiff(image, resaved, diff);
  }
  // The largest error of the three channels, per pixel (in place of three planes: a 12 MP
  // photo's ELA used to hold five pictures of its size at once).
  cv::Mat error = diff;
  if (diff.channels() == 3) {
    cv::reduce(diff.reshape(1, static_cast<int>(diff.total())), error, 1, cv::REDUCE_MAX);
    error = error.reshape(1, diff.rows);
    diff.release();
  }
  ElaResult r;
  r.mean_error = cv::mean(error)[0];
  const RegionOutlier hottest = MostOutlyingRegion(BlockMeans(error, o.block).means, false);
  r.unevenness = hottest.z;
  r.hottest_block = hottest.block * o.block;
  const double white = std::max(1.0, Percentile(error, 0.99));
  error.convertTo(r.picture, CV_8U, 255.0 / white);
  return r;
}

}  // namespace gv
