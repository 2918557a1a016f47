// forensics: every analysis of `geoverify forensics` on the photo's pixels and JPEG stream.
#include "case/steps/steps.h"

namespace gv {
namespace {

class ForensicsStep : public Step {
 public:
  const char* name() const override { return "forensics"; }
  const char* description() const override {
    return "JPEG structure, double compression, copy-move, ELA, noise, thumbnail, hashes";
  }
  bool Applies(const PhotoContext&) const override { return true; }
  Status Run(PhotoContext& ctx) override {
    ForensicsReport report = AnalyzeEvidence(ctx.evidence, ctx.options.forensics);
    for (auto& f : report.findings) ctx.AddFinding(f.code, f.severity, f.message);
    report.file = ctx.photo.path;
    for (auto& p : report.pictures)
      ctx.photo.pictures.push_back({p.kind, std::move(p.image), "", {}, {}});
    report.pictures.clear();
    const std::string error = report.error;
    ctx.photo.forensics = ToJson(report);
    if (!error.empty()) return MakeError(error);
    return OkStatus();
  }
};

}  // namespace

std::unique_ptr<Step> MakeForensicsStep() { return std::make_unique<ForensicsStep>(); }

}  // namespace gv
