// metadata: exiv2 metadata, capture time and the metadata checks (what `inspect` does).
#include "case/steps/steps.h"

namespace gv {
namespace {

class MetadataStep : public Step {
 public:
  const char* name() const override { return "metadata"; }
  const char* description() const override {
    return "EXIF/IPTC/XMP metadata, capture time in UTC, metadata checks (as `inspect`)";
  }
  bool Applies(const PhotoContext&) const override { return true; }
  Status Run(PhotoContext& ctx) override {
    if (ctx.photo.frame) {
      // A video's keyframe: the video's metadata at its offset (case/videos.h), findings
      // included; the PNG itself has none.
      for (const auto& f : ctx.photo.metadata.findings) ctx.photo.findings.push_back(f);
      return OkStatus();
    }
    PhotoMetadata m = InspectEvidence(ctx.evidence, ctx.options.inspect);
    m.file = ctx.photo.path;
    for (const auto& f : m.findings) ctx.photo.findings.push_back(f);
    std::optional<std::string> error = m.error;
    ctx.photo.metadata = std::move(m);
    if (error) return MakeError(*error);
    return OkStatus();
  }
};

}  // namespace

std::unique_ptr<Step> MakeMetadataStep() { return std::make_unique<MetadataStep>(); }

}  // namespace gv
