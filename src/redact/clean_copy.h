// A copy that carries nothing from the original's container: encoded from raw pixels
// (JPEG through libjpeg at 4:4:4, PNG through OpenCV), with at most a capture time written
// afresh, and the check, after writing, that nothing else is in it.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "util/result.h"
#include "util/time.h"

namespace gv {

// A minimal EXIF block (TIFF, little-endian) holding only DateTimeOriginal and, when known,
// OffsetTimeOriginal: the capture time rewritten, never copied.
std::vector<std::uint8_t> CaptureTimeExif(const CivilTime& taken, std::optional<int> offset_s);

// JPEG of 8-bit BGR pixels: baseline, 4:4:4 chroma, the JFIF header and nothing else but the
// EXIF block when given (APP1).
Result<std::vector<std::uint8_t>> EncodeCleanJpeg(const cv::Mat& bgr, int quality,
                                                  const std::vector<std::uint8_t>& exif = {});
// PNG: IHDR, IDAT, IEND, and an eXIf chunk when `exif` is given.
Result<std::vector<std::uint8_t>> EncodeCleanPng(const cv::Mat& bgr,
                                                 const std::vector<std::uint8_t>& exif = {});

// The check after writing. Walks the container (JPEG markers, PNG chunks): any APP segment
// but JFIF (and EXIF when `time_allowed`), a comment, an ancillary chunk, data after the end
// of the image, fails; so does any metadata exiv2 reads but the capture time, and any of
// `forbidden` (strings of the original: serial numbers, GPS text) found in the bytes.
// The error says what was found.
Status VerifyCleanCopy(std::span<const std::uint8_t> bytes, bool time_allowed,
                       const std::vector<std::string>& forbidden);

}  // namespace gv
