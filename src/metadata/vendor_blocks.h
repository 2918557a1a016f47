// Bounds-checked readers for camera metadata that exiv2 0.27 does not decode but that
// exiftool does, so that `inspect` agrees with exiftool on old and special cameras:
//   - Canon CIFF heap in a JPEG APP0 segment (PowerShot A5 era): make, model, capture time
//   - Olympus/Agfa "[picture info]" text in APP12: capture time
//   - Reconyx HyperFire maker note (trail cameras): capture time, serial number
// Capture times stored as Unix seconds by cameras without a time zone are read as UTC,
// which gives back the camera's local clock (as exiftool does with TZ=UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "util/time.h"

namespace gv {

struct VendorInfo {
  std::string make, model, serial;
  std::optional<CivilTime> datetime_original;
};

// `body`: the APP0 segment body starting with "II\x1a\0\0\0HEAP".
VendorInfo ParseCiffApp0(std::span<const std::uint8_t> body);
// `body`: the APP12 segment body.
VendorInfo ParsePictureInfoApp12(std::span<const std::uint8_t> body);
// `note`: the raw MakerNote bytes of a RECONYX camera.
VendorInfo ParseReconyxMakerNote(std::span<const std::uint8_t> note);

}  // namespace gv
