// The registry: every step of `geoverify run`, in the order they run on each photo. Adding a
// step is one file in case/steps/ and one line here.
#include "case/steps/steps.h"

namespace gv {

bool HasFinding(const PhotoRecord& photo, const char* code) {
  for (const auto& f : photo.findings)
    if (f.code == code) return true;
  return false;
}

bool RepeatsItsVideo(const PhotoContext& ctx) {
  if (!ctx.photo.frame) return false;
  for (const auto& v : ctx.c.videos)
    if (v.path == ctx.photo.frame->video)
      return !v.frames.empty() && v.frames.front() != ctx.photo.path;
  return false;
}

std::vector<std::unique_ptr<Step>> MakeSteps() {
  std::vector<std::unique_ptr<Step>> steps;
  steps.push_back(MakeMetadataStep());
  steps.push_back(MakeForensicsStep());
  steps.push_back(MakeTimeStep());
  steps.push_back(MakeGpsStep());
  steps.push_back(MakeAnalystCluesStep());
  steps.push_back(MakeTextStep());
  steps.push_back(MakeShadowStep());
  steps.push_back(MakeSameSceneStep());
  steps.push_back(MakeLocateStep());
  steps.push_back(MakeGeorefStep());
  steps.push_back(MakeFusionStep());
  return steps;
}

}  // namespace gv
