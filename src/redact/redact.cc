#include "redact/redact.h"

#include <lcms2.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <opencv2/imgproc.hpp>
#include <optional>

#include "metadata/exiv2_reader.h"
#include "redact/clean_copy.h"
#include "util/sha256.h"
#include "util/text.h"

namespace gv {

Result<cv::Mat> SharedPixels(const Evidence& evidence, std::string* note) {
  const auto& pixels = evidence.Pixels();
  if (!pixels.ok()) return pixels.error();
  cv::Mat bgr = pixels->clone();
  if (note) *note = "";
  const std::vector<std::uint8_t> icc = ReadIccProfile(evidence.bytes());
  if (icc.empty()) return bgr;
  cmsHPROFILE in = cmsOpenProfileFromMem(icc.data(), static_cast<cmsUInt32Number>(icc.size()));
  if (!in || cmsGetColorSpace(in) != cmsSigRgbData) {
    if (in) cmsCloseProfile(in);
    if (note) *note = "its ICC profile is not an RGB profile lcms2 reads: pixels kept as decoded";
    return bgr;
  }
  cmsHPROFILE srgb = cmsCreate_sRGBProfile();
  cmsHTRANSFORM t = cmsCreateTransform(in, TYPE_BGR_8, srgb, TYPE_BGR_8, INTENT_PERCEPTUAL, 0);
  if (t) {
    for (int y = 0; y < bgr.rows; ++y)
      cmsDoTransform(t, bgr.ptr(y), bgr.ptr(y), static_cast<cmsUInt32Number>(bgr.cols));
    cmsDeleteTransform(t);
    if (note) *note = "converted from its ICC profile to sRGB";
  } else if (note) {
    *note = "lcms2 could not convert its ICC profile: pixels kept as decoded";
  }
  cmsCloseProfile(srgb);
  cmsCloseProfile(in);
  return bgr;
}

std::string RegionPixelsSha256(const cv::Mat& shown, const cv::Rect& region,
                               const std::string& salt_hex) {
  std::vector<std::uint8_t> data = HexDecode(salt_hex).value_or(std::vector<std::uint8_t>{});
  const cv::Rect r = region & cv::Rect(0, 0, shown.cols, shown.rows);
  data.reserve(data.size() + static_cast<std::size_t>(r.area()) * 3);
  for (int y = r.y; y < r.y + r.height; ++y) {
    const std::uint8_t* row = shown.ptr<std::uint8_t>(y) + static_cast<std::ptrdiff_t>(r.x) * 3;
    data.insert(data.end(), row, row + static_cast<std::ptrdiff_t>(r.width) * 3);
  }
  return Sha256Hex(data);
}

Result<RedactedCopy> RedactEvidence(const Evidence& evidence, const std::vector<RedactBox>& boxes,
                                    const FaceDetector* faces, const RedactOptions& options) {
  std::string icc_note;
  auto shown = SharedPixels(evidence, &icc_note);
  if (!shown.ok()) return shown.error();
  const cv::Rect picture(0, 0, shown->cols, shown->rows);
  RedactedCopy copy;
  copy.width = shown->cols, copy.height = shown->rows;
  for (const auto& b : boxes)
    if (b.box.width <= 0 || b.box.height <= 0 || (b.box & picture) != b.box) {
      char msg[160];
      std::snprintf(msg, sizeof msg, "box %d,%d,%d,%d lies outside the picture (%d x %d as shown)",
                    b.box.x, b.box.y, b.box.width, b.box.height, shown->cols, shown->rows);
      return MakeError(msg);
    }
  copy.salt = RandomHex(16);
  if (copy.salt.empty()) return MakeError("no random bytes for the salt");
  const auto grow = [&](const cv::Rect& r) {
    const int dx = static_cast<int>(std::ceil(options.margin * r.width));
    const int dy = static_cast<int>(std::ceil(options.margin * r.height));
    return cv::Rect(r.x - dx, r.y - dy, r.width + 2 * dx, r.height + 2 * dy) & picture;
  };
  for (const auto& b : boxes) copy.regions.push_back({grow(b.box), "box", b.label, ""});
  if (faces && options.faces != FaceMode::kOff) {
    copy.proposals = faces->Detect(*shown, options.detect);
    if (options.faces == FaceMode::kFill)
      for (const auto& f : copy.proposals)
        copy.regions.push_back({grow(f.box), "face", f.detector, ""});
  }
  for (auto& r : copy.regions) r.pixels_sha256 = RegionPixelsSha256(*shown, r.box, copy.salt);
  cv::Mat out = *shown;
  for (const auto& r : copy.regions)
    out(r.box).setTo(cv::Scalar(options.fill[0], options.fill[1], options.fill[2]));
  // The capture time, rewritten: only with keep_time, only DateTimeOriginal and its offset.
  std::vector<std::uint8_t> exif;
  if (options.keep_time) {
    PhotoMetadata md;
    if (ReadPhotoMetadata(evidence.bytes(), md).ok() && md.datetime_original)
      exif = CaptureTimeExif(*md.datetime_original, md.offset_time_original_s);
  }
  const bool png = evidence.format() != ImageFormat::kJpeg &&
                   evidence.format() != ImageFormat::kWebp &&
                   evidence.format() != ImageFormat::kHeif;
  auto encoded = png ? EncodeCleanPng(out, exif) : EncodeCleanJpeg(out, options.quality, exif);
  if (!encoded.ok()) return encoded.error();
  copy.bytes = std::move(*encoded);
  copy.extension = png ? ".png" : ".jpg";
  if (Status s =
          VerifyCleanCopy(copy.bytes, options.keep_time, IdentifyingStrings(evidence.bytes()));
      !s.ok())
    return MakeError("verification after encoding failed: " + s.error().message);
  char fill[8];
  std::snprintf(fill, sizeof fill, "#%02x%02x%02x", options.fill[2], options.fill[1],
                options.fill[0]);
  copy.method = std::string("solid fill ") + fill + ", margin " +
                std::to_string(options.margin).substr(0, 4) +
                "; re-encoded from the pixels as shown (EXIF orientation applied" +
                (icc_note.empty() ? "" : "; " + icc_note) + ") as " +
                (png ? "PNG" : "JPEG quality " + std::to_string(options.quality) + ", 4:4:4") +
                "; no metadata" + (exif.empty() ? "" : " but the capture time, rewritten");
  return copy;
}

Status CheckDerivation(const cv::Mat& original, const cv::Mat& copy,
                       const std::vector<RedactRegion>& regions, const std::string& salt_hex) {
  const auto salt = HexDecode(salt_hex);
  if (!salt || salt->size() != 16) return MakeError("the log's salt is not 16 bytes of hex");
  if (original.size() != copy.size()) {
    char msg[128];
    std::snprintf(msg, sizeof msg, "the copy is %d x %d, the original %d x %d as shown", copy.cols,
                  copy.rows, original.cols, original.rows);
    return MakeError(msg);
  }
  cv::Mat outside(original.size(), CV_8U, cv::Scalar(255));
  for (std::size_t i = 0; i < regions.size(); ++i) {
    const cv::Rect r = regions[i].box;
    char where[96];
    std::snprintf(where, sizeof where, "region %zu (%d,%d %dx%d)", i + 1, r.x, r.y, r.width,
                  r.height);
    if ((r & cv::Rect(0, 0, copy.cols, copy.rows)) != r || r.area() == 0)
      return MakeError(std::string(where) + " lies outside the picture");
    if (RegionPixelsSha256(original, r, salt_hex) != regions[i].pixels_sha256)
      return MakeError(std::string(where) +
                       ": the original's pixels there do not match the logged hash");
    cv::Scalar mean, dev;
    cv::meanStdDev(copy(r), mean, dev);
    if (std::max({dev[0], dev[1], dev[2]}) > 4)
      return MakeError(std::string(where) + " is not a solid fill in the copy");
    outside(r).setTo(0);
  }
  cv::Mat diff;
  cv::absdiff(original, copy, diff);
  cv::Mat grey;
  cv::transform(diff, grey, cv::Matx13f(1.f / 3, 1.f / 3, 1.f / 3));
  const double mad = cv::mean(grey, outside)[0];
  if (mad > 2) {
    char msg[128];
    std::snprintf(msg, sizeof msg,
                  "outside the regions the pictures differ by %.2f levels on average (at most 2)",
                  mad);
    return MakeError(msg);
  }
  for (int y = 0; y < copy.rows; y += 16)
    for (int x = 0; x < copy.cols; x += 16) {
      const cv::Rect block = cv::Rect(x, y, 16, 16) & cv::Rect(0, 0, copy.cols, copy.rows);
      const cv::Mat mask = outside(block);
      if (cv::countNonZero(mask) == 0) continue;
      const double m = cv::mean(grey(block), mask)[0];
      if (m > 12) {
        char msg[128];
        std::snprintf(msg, sizeof msg,
                      "the pictures differ at %d,%d (16x16 block, %.1f levels; at most 12)", x, y,
                      m);
        return MakeError(msg);
      }
    }
  return OkStatus();
}

}  // namespace gv
