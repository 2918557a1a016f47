// The steps of the case pipeline, one file each (listed in order in case/steps.cc).
#pragma once

#include <memory>

#include "case/pipeline.h"

namespace gv {

// Finding of the same_scene step for a photo without usable local features; locate and
// georef do not apply to such a photo.
inline constexpr const char* kTooLittleTexture = "TOO_LITTLE_TEXTURE";
bool HasFinding(const PhotoRecord& photo, const char* code);

std::unique_ptr<Step> MakeMetadataStep();      // metadata.cc
std::unique_ptr<Step> MakeForensicsStep();     // forensics.cc
std::unique_ptr<Step> MakeTimeStep();          // time.cc
std::unique_ptr<Step> MakeGpsStep();           // gps.cc
std::unique_ptr<Step> MakeAnalystCluesStep();  // analyst_clues.cc
std::unique_ptr<Step> MakeShadowStep();        // shadow.cc
std::unique_ptr<Step> MakeSameSceneStep();     // same_scene.cc
std::unique_ptr<Step> MakeLocateStep();        // locate.cc
std::unique_ptr<Step> MakeGeorefStep();        // georef.cc
std::unique_ptr<Step> MakeFusionStep();        // fusion.cc

}  // namespace gv
