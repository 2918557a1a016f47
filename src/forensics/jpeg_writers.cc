#include "forensics/jpeg_writers.h"

#include <array>

namespace gv {
namespace {

struct Known {
  std::uint8_t marker;  // 0 for comments
  std::string_view prefix;
  std::string_view name;
  bool editor;
};

constexpr std::array<Known, 18> kApp = {{
    {0xE0, "JFIF", "JFIF header (libjpeg and most encoders)", false},
    {0xE0, "JFXX", "JFIF extension (thumbnail)", false},
    {0xE1, "Exif", "EXIF (camera or phone, or an editor keeping it)", false},
    {0xE1, "http://ns.adobe.com/xap/1.0/", "XMP (Adobe's toolkit: editors, phones, exiftool)",
     false},
    {0xE1, "http://ns.adobe.com/xmp/extension/", "extended XMP (large XMP: editors, phones)",
     false},
    {0xE2, "ICC_PROFILE", "ICC colour profile", false},
    {0xE2, "MPF", "Multi-Picture Format (camera or phone: previews, depth maps)", false},
    {0xE2, "FPXR", "FlashPix extension (Kodak and some Fujifilm cameras)", false},
    {0xE3, "Meta", "Kodak camera metadata", false},
    {0xE3, "META", "Kodak camera metadata", false},
    {0xE5, "RMETA", "Ricoh camera metadata", false},
    {0xE6, "GoPro", "GoPro camera metadata", false},
    {0xE8, "SPIFF", "SPIFF header", false},
    {0xEC, "OLYMPUS OPTICAL", "Olympus camera information", false},
    {0xEC, "Ducky", "Adobe Photoshop \"Save for Web\"", true},
    {0xED, "Photoshop 3.0", "Adobe Photoshop image resources (Photoshop, or an IPTC editor)", true},
    {0xED, "Adobe_Photoshop2.5", "Adobe Photoshop 2.5 image resources", true},
    // Photoshop always writes it; libjpeg only for CMYK files, which cameras do not make.
    {0xEE, "Adobe", "Adobe APP14 (Adobe software, or an encoder writing CMYK)", true},
}};

constexpr std::array<Known, 8> kComments = {{
    {0, "CREATOR: gd-jpeg", "GD library (PHP: a website or service re-encoded the photo)", true},
    {0, "Created with GIMP", "GIMP", true},
    {0, "LEAD Technologies", "LEADTOOLS", true},
    {0, "Optimized by JPEGmini", "JPEGmini", true},
    {0, "File written by Adobe Photoshop", "Adobe Photoshop", true},
    {0, "Intel(R) JPEG Library", "Intel JPEG Library", true},
    {0, "Compressed by jpeg-recompress", "jpeg-recompress", true},
    {0, "AppleMark", "Apple (older macOS or iPhoto)", false},
}};

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::optional<JpegWriter> AppSegmentWriter(std::uint8_t marker, std::string_view app_id) {
  for (const Known& k : kApp)
    if (k.marker == marker && StartsWith(app_id, k.prefix))
      return JpegWriter{std::string(k.name), k.editor};
  return std::nullopt;
}

std::optional<JpegWriter> CommentWriter(std::string_view comment) {
  for (const Known& k : kComments)
    if (StartsWith(comment, k.prefix)) return JpegWriter{std::string(k.name), k.editor};
  return std::nullopt;
}

}  // namespace gv
