#include "forensics/hashes.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <opencv2/img_hash.hpp>
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

namespace {

std::vector<std::uint8_t> Bytes(const cv::Mat& hash) {
  return std::vector<std::uint8_t>(hash.datastart, hash.dataend);
}

}  // namespace

ImgHashes ComputeImgHashes(const cv::Mat& image) {
  cv::Mat bgr = image;
  if (image.channels() == 1) cv::cvtColor(image, bgr, cv::COLOR_GRAY2BGR);
  // The hashes look at 512 px or less themselves; radial variance and colour moments would
  // blur the whole photo first: it is shrunk to 512 px here (time).
  const double shrink = 512.0 / std::max(bgr.cols, bgr.rows);
  if (shrink < 1) cv::resize(bgr, bgr, cv::Size(), shrink, shrink, cv::INTER_AREA);
  ImgHashes h;
  cv::Mat out;
  cv::img_hash::MarrHildrethHash::create()->compute(bgr, out);
  h.marr_hildreth = Bytes(out);
  cv::img_hash::RadialVarianceHash::create()->compute(bgr, out);
  h.radial_variance = Bytes(out);
  cv::img_hash::BlockMeanHash::create()->compute(bgr, out);
  h.block_mean = Bytes(out);
  cv::img_hash::ColorMomentHash::create()->compute(bgr, out);
  out.convertTo(out, CV_64F);
  h.color_moment.assign(out.ptr<double>(), out.ptr<double>() + out.total());
  return h;
}

ImgHashDistances CompareImgHashes(const ImgHashes& a, const ImgHashes& b) {
  const auto mat = [](const std::vector<std::uint8_t>& v) {
    return cv::Mat(1, static_cast<int>(v.size()), CV_8U, const_cast<std::uint8_t*>(v.data()));
  };
  const auto moments = [](const std::vector<double>& v) {
    return cv::Mat(1, static_cast<int>(v.size()), CV_64F, const_cast<double*>(v.data()));
  };
  ImgHashDistances d;
  d.marr_hildreth =
      cv::img_hash::MarrHildrethHash::create()->compare(mat(a.marr_hildreth), mat(b.marr_hildreth));
  d.radial_variance = 1 - cv::img_hash::RadialVarianceHash::create()->compare(
                              mat(a.radial_variance), mat(b.radial_variance));
  d.block_mean =
      cv::img_hash::BlockMeanHash::create()->compare(mat(a.block_mean), mat(b.block_mean));
  d.color_moment = cv::img_hash::ColorMomentHash::create()->compare(moments(a.color_moment),
                                                                    moments(b.color_moment));
  return d;
}

std::string HashHex(std::uint64_t hash) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(hash));
  return buffer;
}

int HammingDistance(std::uint64_t a, std::uint64_t b) { return std::popcount(a ^ b); }

CropHashes ComputeCropHashes(const cv::Mat& image) {
  CropHashes h;
  h.whole = ComputeHashes(image).phash;
  // The parts from a copy shrunk to 512 px (seven resizes of a 12 MP photo would cost time).
  cv::Mat small = image;
  const double shrink = 512.0 / std::max(image.cols, image.rows);
  if (shrink < 1) cv::resize(image, small, cv::Size(), shrink, shrink, cv::INTER_AREA);
  const int w = small.cols, h80 = small.rows * 4 / 5, w80 = w * 4 / 5;
  const int h64 = small.rows * 16 / 25, w64 = w * 16 / 25;
  const std::array<cv::Rect, 6> parts = {cv::Rect((w - w80) / 2, (small.rows - h80) / 2, w80, h80),
                                         cv::Rect((w - w64) / 2, (small.rows - h64) / 2, w64, h64),
                                         cv::Rect(0, 0, w80, h80),
                                         cv::Rect(w - w80, 0, w80, h80),
                                         cv::Rect(0, small.rows - h80, w80, h80),
                                         cv::Rect(w - w80, small.rows - h80, w80, h80)};
  for (std::size_t i = 0; i < parts.size(); ++i)
    h.parts[i] =
        parts[i].width > 0 && parts[i].height > 0 ? ComputeHashes(small(parts[i])).phash : h.whole;
  return h;
}

int CropTolerantDistance(const CropHashes& a, const CropHashes& b) {
  int d = HammingDistance(a.whole, b.whole);
  for (std::size_t i = 0; i < a.parts.size(); ++i)
    d = std::min({d, HammingDistance(a.whole, b.parts[i]), HammingDistance(a.parts[i], b.whole)});
  return d;
}

std::vector<std::vector<std::size_t>> GroupNearDuplicates(const std::vector<CropHashes>& hashes,
                                                          int max_distance) {
  // Union-find over all pairs: a case holds hundreds to a few thousand photos.
  std::vector<std::size_t> parent(hashes.size());
  for (std::size_t i = 0; i < parent.size(); ++i) parent[i] = i;
  const auto root = [&](std::size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    for (std::size_t j = i + 1; j < hashes.size(); ++j) {
      if (CropTolerantDistance(hashes[i], hashes[j]) <= max_distance) parent[root(j)] = root(i);
    }
  }
  std::vector<std::vector<std::size_t>> by_root(hashes.size());
  for (std::size_t i = 0; i < hashes.size(); ++i) by_root[root(i)].push_back(i);
  std::vector<std::vector<std::size_t>> groups;
  for (auto& g : by_root) {
    if (g.size() > 1) groups.push_back(std::move(g));
  }
  std::sort(groups.begin(), groups.end());
  return groups;
}

}  // namespace gv
