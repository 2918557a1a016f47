#include "match/vocabulary.h"

#include <algorithm>
#include <numeric>
#include <opencv2/flann.hpp>
#include <random>

#include "match/seeded_rng.h"

namespace gv {

Result<Vocabulary> Vocabulary::Train(const cv::Mat& descriptors, int k, int max_samples, int seed) {
  if (descriptors.empty() || descriptors.type() != CV_32F)
    return MakeError("vocabulary needs float descriptors");
  if (k < 2) return MakeError("vocabulary size must be at least 2");
  cv::Mat sample = descriptors;
  if (descriptors.rows > max_samples) {
    const std::vector<int> rows = SampleRows(descriptors.rows, max_samples, seed);
    sample = cv::Mat(max_samples, descriptors.cols, CV_32F);
    for (int i = 0; i < max_samples; ++i)
      descriptors.row(rows[static_cast<std::size_t>(i)]).copyTo(sample.row(i));
  }
  k = std::min(k, sample.rows);
  cv::Mat labels, centers;
  cv::setRNGSeed(seed);
  try {
    cv::kmeans(sample, k, labels,
               cv::TermCriteria(cv::TermCriteria::COUNT | cv::TermCriteria::EPS, 8, 1e-4), 1,
               cv::KMEANS_PP_CENTERS, centers);
  } catch (const cv::Exception& e) {
    return MakeError(std::string("k-means failed: ") + e.what());
  }
  return FromCenters(centers);
}

std::vector<int> Vocabulary::SampleRows(int total, int max_samples, int seed) {
  std::vector<int> rows(static_cast<std::size_t>(std::max(0, total)));
  std::iota(rows.begin(), rows.end(), 0);
  if (total <= max_samples) return rows;
  std::mt19937 rng(static_cast<std::uint32_t>(seed));
  std::shuffle(rows.begin(), rows.end(), rng);
  rows.resize(static_cast<std::size_t>(std::max(0, max_samples)));
  return rows;
}

Result<Vocabulary> Vocabulary::FromCenters(cv::Mat centers) {
  if (centers.empty() || centers.type() != CV_32F) return MakeError("invalid vocabulary centres");
  Vocabulary v;
  v.centers_ = centers;
  const SeededRng seeded(kFlannSeed);  // the same trees whatever ran before
  v.index_ = std::make_shared<cv::flann::Index>(v.centers_, cv::flann::KDTreeIndexParams(4));
  return v;
}

std::vector<int> Vocabulary::Quantize(const cv::Mat& descriptors) const {
  std::vector<int> words;
  if (descriptors.empty() || !index_) return words;
  cv::Mat indices, dists;
  index_->knnSearch(descriptors, indices, dists, 1, cv::flann::SearchParams(32));
  words.resize(static_cast<std::size_t>(indices.rows));
  for (int i = 0; i < indices.rows; ++i) words[static_cast<std::size_t>(i)] = indices.at<int>(i, 0);
  return words;
}

}  // namespace gv
