// Statistics of an 8-bit or float single-channel map over square blocks, shared by the
// forensic analyses that compare regions of a photo with each other.
#pragma once

#include <opencv2/core.hpp>
#include <vector>

namespace gv {

struct BlockStats {
  cv::Mat means;                        // CV_64F, one value per block (rows x cols of blocks)
  double median = 0, p99 = 0, mad = 0;  // over the block values
  cv::Point max_at;                     // top-left pixel of the block with the largest value
};

// Means of `map` over blocks of `block` pixels (partial blocks at the edges are dropped).
BlockStats BlockMeans(const cv::Mat& map, int block);

// Summary of a set of per-block values (median, 99th percentile, median absolute deviation).
void Summarise(BlockStats& stats);

// The region of 3x3 blocks that stands out most from the photo's own blocks: the block
// means are averaged with their neighbours (so that a region of several blocks stands out
// from block-to-block noise) and the robust z-score (against the median and 1.4826 x the
// median absolute deviation) of the highest, or with `two_sided` the farthest, is returned
// with the block's index (column, row).
struct RegionOutlier {
  double z = 0;
  cv::Point block;
};
RegionOutlier MostOutlyingRegion(const cv::Mat& block_means, bool two_sided);

// q-quantile (0..1) of a single-channel map's values.
double Percentile(const cv::Mat& map, double q);

}  // namespace gv
