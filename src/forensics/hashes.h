// Perceptual hashes (64 bits each) that stay nearly equal when a photo is re-sent at
// another size or quality: pHash (low frequencies of a 32x32 DCT against their median),
// aHash (8x8 mean) and dHash (8x8 horizontal gradient signs). Compare with HammingDistance:
// about 10 bits or fewer usually means the same picture. OpenCV's img_hash module adds
// hashes other tools print: Marr-Hildreth (edges), radial variance and colour moments
// (which survive rotation), block mean.
#pragma once

#include <array>
#include <cstdint>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace gv {

struct PerceptualHashes {
  std::uint64_t phash = 0, ahash = 0, dhash = 0;
};

// `image`: 8-bit BGR or grey, not empty.
PerceptualHashes ComputeHashes(const cv::Mat& image);

struct ImgHashes {
  std::vector<std::uint8_t> marr_hildreth, radial_variance, block_mean;  // bytes
  std::vector<double> color_moment;                                      // 42 moments
};
// OpenCV img_hash of the image shrunk to at most 512 px; `image`: 8-bit BGR or grey, not
// empty.
ImgHashes ComputeImgHashes(const cv::Mat& image);
// img_hash's own distances: bit differences for Marr-Hildreth and block mean, 1 - peak
// cross-correlation for radial variance (0 = same), L2 for colour moments.
struct ImgHashDistances {
  double marr_hildreth = 0, radial_variance = 0, block_mean = 0, color_moment = 0;
};
ImgHashDistances CompareImgHashes(const ImgHashes& a, const ImgHashes& b);
std::string HashHex(std::uint64_t hash);  // 16 lower-case hex digits
int HammingDistance(std::uint64_t a, std::uint64_t b);

// pHashes of a photo and of parts of it, for copies re-sent cropped: the whole frame; the
// centre at 80 % and 64 % of each side; and the four corners at 80 %. A copy cropped by up to
// about a fifth (on any sides) is close to one of these parts.
struct CropHashes {
  std::uint64_t whole = 0;
  std::array<std::uint64_t, 6> parts{};
};
// `image`: 8-bit BGR or grey, not empty. `whole` equals ComputeHashes(image).phash.
CropHashes ComputeCropHashes(const cv::Mat& image);
// The smallest distance between one photo's whole frame and the other's whole frame or
// parts, either way round.
int CropTolerantDistance(const CropHashes& a, const CropHashes& b);

// pHash bits within which two photos count as the same picture (`forensics --duplicates`).
inline constexpr int kNearDuplicateBits = 10;

// Groups of indices within `max_distance` bits of one another (CropTolerantDistance), linked
// transitively (single linkage); only groups of two or more, each sorted, in order of their
// first member.
std::vector<std::vector<std::size_t>> GroupNearDuplicates(const std::vector<CropHashes>& hashes,
                                                          int max_distance = kNearDuplicateBits);

}  // namespace gv
