// Redacted copies for sharing (geoverify redact): the picture as shown (EXIF orientation
// applied, an embedded ICC profile converted to sRGB), regions filled solid (analyst boxes,
// faces), encoded afresh from the pixels so that nothing of the original's container comes
// along, checked after encoding, and logged so that a court can verify against the original
// what was hidden.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "image/evidence.h"
#include "redact/faces.h"
#include "util/result.h"

namespace gv {

enum class FaceMode { kFill, kPropose, kOff };

struct RedactOptions {
  FaceMode faces = FaceMode::kFill;
  cv::Vec3b fill{0, 0, 0};  // BGR
  double margin = 0.2;      // each side grows by this times the box's width (height)
  bool keep_time = false;   // write DateTimeOriginal (and its offset) afresh
  int quality = 95;         // JPEG
  FaceDetectOptions detect;
};

struct RedactBox {
  cv::Rect box;  // in the picture as shown
  std::string label;
};

struct RedactRegion {
  cv::Rect box;               // filled, margin included, in the picture as shown
  std::string source;         // "face" or "box"
  std::string label;          // the box's label, or the face detector
  std::string pixels_sha256;  // SHA-256 of salt + the original's pixels there
};

struct RedactedCopy {
  std::vector<std::uint8_t> bytes;
  std::string extension;  // ".jpg" or ".png"
  std::vector<RedactRegion> regions;
  std::vector<FaceProposal> proposals;  // what the face detectors proposed
  std::string salt;                     // hex, random per photo
  std::string method;                   // in words
  int width = 0, height = 0;
};

// The picture as geoverify shares it: 8-bit BGR as shown, converted to sRGB from an
// embedded ICC profile (when it is an RGB profile lcms2 can read). `note` says what was done.
Result<cv::Mat> SharedPixels(const Evidence& evidence, std::string* note = nullptr);

// SHA-256 (hex) of the 16 salt bytes (given in hex; no bytes when it is not hex) followed by
// the pixels of `region` in `shown`, row by row, 3 bytes a pixel in B, G, R order.
std::string RegionPixelsSha256(const cv::Mat& shown, const cv::Rect& region,
                               const std::string& salt_hex);

// Makes the redacted copy of one photo. Boxes must lie inside the picture (error otherwise).
// With FaceMode::kPropose nothing is filled for faces; the proposals come back.
Result<RedactedCopy> RedactEvidence(const Evidence& evidence, const std::vector<RedactBox>& boxes,
                                    const FaceDetector* faces, const RedactOptions& options);

// Whether `copy` derives from `original` (both as shown) with exactly `regions` changed:
// the same size; each region solid and its original pixels matching their hash; outside
// them a mean absolute difference of at most 2 levels and no 16x16 block above 12 (the
// re-encoding's error). The error says where the pictures differ or which hash fails.
Status CheckDerivation(const cv::Mat& original, const cv::Mat& copy,
                       const std::vector<RedactRegion>& regions, const std::string& salt_hex);

}  // namespace gv
