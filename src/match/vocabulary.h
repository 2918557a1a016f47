// Visual vocabulary for retrieval (Sivic & Zisserman, "Video Google", ICCV 2003): k-means
// centres of descriptors, and quantisation of descriptors to their nearest centre (word)
// with a FLANN k-d forest.
#pragma once

#include <memory>
#include <opencv2/core.hpp>
#include <opencv2/flann.hpp>
#include <vector>

#include "util/result.h"

namespace gv {

class Vocabulary {
 public:
  // Trains `k` words from float descriptors (rows); uses at most `max_samples` rows.
  static Result<Vocabulary> Train(const cv::Mat& descriptors, int k, int max_samples = 60000,
                                  int seed = 1);
  static Result<Vocabulary> FromCenters(cv::Mat centers);
  // The rows Train() uses of `total` descriptor rows, in its order: all of them in order when
  // there are at most `max_samples`, else the first `max_samples` of a seeded shuffle. Lets a
  // caller gather exactly Train's sample from descriptors that are not in one matrix.
  static std::vector<int> SampleRows(int total, int max_samples = 60000, int seed = 1);
  Vocabulary() = default;
  Vocabulary(Vocabulary&&) = default;
  Vocabulary& operator=(Vocabulary&&) = default;

  int size() const { return centers_.rows; }
  const cv::Mat& centers() const { return centers_; }
  // Word id of every descriptor row. Thread-compatible (const use from several threads is
  // not guaranteed by FLANN: guard externally).
  std::vector<int> Quantize(const cv::Mat& descriptors) const;

 private:
  cv::Mat centers_;  // CV_32F, k x dim
  std::shared_ptr<cv::flann::Index> index_;
};

}  // namespace gv
