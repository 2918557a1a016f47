#include "report/forensics_pictures.h"

#include "image/encode.h"

namespace gv {

void WriteForensicsPictures(const ForensicsReport& report, const std::filesystem::path& photo,
                            const std::filesystem::path& dir, nlohmann::ordered_json& json) {
  if (!json["sha256"].is_string()) return;
  const std::string sha8 = json["sha256"].get<std::string>().substr(0, 8);
  for (const auto& picture : report.pictures) {
    const auto out = dir / (photo.stem().string() + "." + sha8 + "." + picture.kind + ".png");
    if (auto st = WritePngAtomic(out, picture.image); !st.ok()) {
      json["findings"].push_back(
          {{"code", "OUTPUT_FAILED"}, {"severity", "warning"}, {"message", st.error().message}});
      continue;
    }
    SetPicturePath(json, picture.kind, out.string());
  }
}

}  // namespace gv
