// Which software wrote a JPEG's APP segments and comments: cameras, phones and editors leave
// segments of their own (Adobe Photoshop its image resources in APP13 and the Adobe APP14,
// "Save for Web" an APP12 "Ducky", cameras a Multi-Picture APP2), and some libraries sign the
// comment (PHP's GD, GIMP, LEADTOOLS, JPEGmini). Only what the identifiers say for certain;
// unknown identifiers are no evidence either way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gv {

struct JpegWriter {
  std::string name;     // who writes it, e.g. "Adobe Photoshop (image resources or IPTC)"
  bool editor = false;  // written when a file is saved by editing or re-encoding software
};

// `marker`: the segment's second byte (0xE0..0xEF for APP0..APP15); `app_id`: its identifier.
std::optional<JpegWriter> AppSegmentWriter(std::uint8_t marker, std::string_view app_id);
// A COM segment's text.
std::optional<JpegWriter> CommentWriter(std::string_view comment);

}  // namespace gv
