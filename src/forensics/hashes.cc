#include "forensics/hashes.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace gv {

PerceptualHashes ComputeHashes(const cv::Mat& image) {
  cv::Mat gray = image;
  if (image.channels() == 3) cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  PerceptualHashes h;
  cv::Mat small, dct;
  cv::resize(gray, small, cv::Size(32, 32), 0, 0, cv::INTER_AREA);
  small.convertTo(small, CV_32F);
  cv::dct(small, dct);
  std::vector<float> low;
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 8; ++x) low.push_back(dct.at<float>(y, x));
  }
  std::vector<float> sorted(low.begin() + 1, low.end());  // the DC term carries no structure
  std::nth_element(sorted.begin(), sorted.begin() + 31, sorted.end());
  const float median = sorted[31];
  for (int i = 0; i < 64; ++i)
    h.phash |= static_cast<std::uint64_t>(low[static_cast<std::size_t>(i)] > median) << i;
  cv::Mat eight, nine;
  cv::resize(gray, eight, cv::Size(8, 8), 0, 0, cv::INTER_AREA);
  const double mean = cv::mean(eight)[0];
  for (int i = 0; i < 64; ++i) h.ahash |= static_cast<std::uint64_t>(eight.data[i] > mean) << i;
  cv::resize(gray, nine, cv::Size(9, 8), 0, 0, cv::INTER_AREA);
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 8; ++x)
      h.dhash |= static_cast<std::uint64_t>(nine.at<uchar>(y, x + 1) > nine.at<uchar>(y, x))
                 << (y * 8 + x);
  }
  return h;
}

std::string HashHex(std::uint64_t hash) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(hash));
  return buffer;
}

int HammingDistance(std::uint64_t a, std::uint64_t b) { return std::popcount(a ^ b); }

std::vector<std::vector<std::size_t>> GroupNearDuplicates(const std::vector<std::uint64_t>& phashes,
                                                          int max_distance) {
  // Union-find over all pairs: a case holds hundreds to a few thousand photos.
  std::vector<std::size_t> parent(phashes.size());
  for (std::size_t i = 0; i < parent.size(); ++i) parent[i] = i;
  const auto root = [&](std::size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (std::size_t i = 0; i < phashes.size(); ++i) {
    for (std::size_t j = i + 1; j < phashes.size(); ++j) {
      if (HammingDistance(phashes[i], phashes[j]) <= max_distance) parent[root(j)] = root(i);
    }
  }
  std::vector<std::vector<std::size_t>> by_root(phashes.size());
  for (std::size_t i = 0; i < phashes.size(); ++i) by_root[root(i)].push_back(i);
  std::vector<std::vector<std::size_t>> groups;
  for (auto& g : by_root) {
    if (g.size() > 1) groups.push_back(std::move(g));
  }
  std::sort(groups.begin(), groups.end());
  return groups;
}

}  // namespace gv
