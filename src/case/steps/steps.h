// The steps of the case pipeline, one file each (listed in order in case/steps.cc).
#pragma once

#include <memory>

#include "case/pipeline.h"
#include "geo/known_sites.h"
#include "sun/shadow.h"

namespace gv {

// Finding of the same_scene step for a photo without usable local features; locate and
// georef do not apply to such a photo.
inline constexpr const char* kTooLittleTexture = "TOO_LITTLE_TEXTURE";
bool HasFinding(const PhotoRecord& photo, const char* code);
// A video's keyframe other than its first: the video's own clues (position, time zone) come
// once, from the first keyframe, so that fusion does not count one measurement twice (the
// keyframes of one video are one place group: GroupPlaces).
bool RepeatsItsVideo(const PhotoContext& ctx);

// Clue builders of the steps, shared with the fusion evaluation (bench/eval_fusion.cc) so
// that it fuses the clues a real run would make.
// time.cc: the zones with that UTC offset at that instant.
Result<Clue> MakeTimeZoneClue(int offset_s, const std::string& offset_source,
                              std::int64_t taken_at_utc);
// analyst_clues.cc: a case.yaml clue (country, near, not_near, within).
Result<Clue> MakeInvestigatorClue(const ManualClueSpec& spec);
// fusion.cc: the known sites as the fusion's weak prior (a `known_site` clue).
Clue MakeKnownSitesClue(const std::vector<KnownSite>& sites, const std::string& source);
// shadow.cc: where the sun fits the observations over `grid` (the likelihood to 4 sigma, the
// outline and area within the tolerances); nullopt when nowhere.
Result<std::optional<Clue>> MakeShadowClue(std::vector<ShadowObservation> observations,
                                           const nlohmann::ordered_json& specs,
                                           const GridSpec& grid);

std::unique_ptr<Step> MakeMetadataStep();      // metadata.cc
std::unique_ptr<Step> MakeForensicsStep();     // forensics.cc
std::unique_ptr<Step> MakeTimeStep();          // time.cc
std::unique_ptr<Step> MakeGpsStep();           // gps.cc
std::unique_ptr<Step> MakeAnalystCluesStep();  // analyst_clues.cc
std::unique_ptr<Step> MakeTextStep();          // text.cc
std::unique_ptr<Step> MakeShadowStep();        // shadow.cc
std::unique_ptr<Step> MakeSameSceneStep();     // same_scene.cc
std::unique_ptr<Step> MakeLocateStep();        // locate.cc
std::unique_ptr<Step> MakeGeorefStep();        // georef.cc
std::unique_ptr<Step> MakeFusionStep();        // fusion.cc

}  // namespace gv
