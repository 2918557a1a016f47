#include "metadata/platform.h"

#include <algorithm>

#include "util/text.h"

namespace gv {
namespace {

bool OnlyJfifSegments(const JpegSummary& j) {
  return std::all_of(j.app_ids.begin(), j.app_ids.end(), [](const std::string& id) {
    return id.rfind("APP0:JFIF", 0) == 0 || id.rfind("APP2:ICC_PROFILE", 0) == 0;
  });
}

}  // namespace

std::vector<std::string> ReencodingHints(const PhotoMetadata& photo) {
  std::vector<std::string> hints;
  if (photo.iptc_special_instructions.find("FBMD") != std::string::npos) {
    hints.push_back(
        "Facebook/Instagram/Messenger (IPTC FBMD marker written by Facebook's pipeline)");
  }
  const int longest = std::max(photo.width, photo.height);
  if (photo.jpeg && OnlyJfifSegments(*photo.jpeg)) {
    const auto& j = *photo.jpeg;
    const std::string tables =
        j.standard_tables ? "standard libjpeg tables" : "non-standard tables";
    const std::string quality =
        j.quality_estimate ? ", quality ~" + std::to_string(*j.quality_estimate) : "";
    if (longest == 1600 || longest == 4096) {
      hints.push_back("WhatsApp (longest side " + std::to_string(longest) + " px, JFIF only, " +
                      tables + quality + ")");
    }
    if (longest == 1280 || longest == 2560) {
      hints.push_back("Telegram or older WhatsApp (longest side " + std::to_string(longest) +
                      " px, JFIF only, " + tables + quality + ")");
    }
    if (longest == 2048 || longest == 960 || longest == 1080) {
      hints.push_back("Facebook/Instagram (longest side " + std::to_string(longest) +
                      " px, JFIF only" + quality + ")");
    }
    for (const auto& c : j.comments) {
      if (ContainsIgnoreCase(c, "gd-jpeg"))
        hints.push_back("a web server's GD library (JPEG comment '" + c + "')");
    }
  }
  if (photo.format == "PNG" && !photo.has_exif) {
    hints.push_back("a screenshot or an image saved from an app (PNG without camera metadata)");
  }
  return hints;
}

}  // namespace gv
