// Pictures for the investigator (match drawings, forensic maps, shadow maps) written as PNG,
// atomically (temporary file, fsync, rename).
#pragma once

#include <filesystem>
#include <opencv2/core/mat.hpp>

#include "util/result.h"

namespace gv {

// Encodes `image` (8-bit, 1, 3 or 4 channels) as PNG and writes it to `path` atomically.
// Errors name the file.
Status WritePngAtomic(const std::filesystem::path& path, const cv::Mat& image);

}  // namespace gv
