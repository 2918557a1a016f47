// geoverify match A B [--json] [--detector sift|akaze|orb] [--cascade auto|off|always]
//                      [--draw FILE.png]
#include <iostream>

#include "cli/command.h"
#include "image/encode.h"
#include "image/evidence.h"
#include "match/affine_views.h"
#include "match/pair_match.h"
#include "metadata/metadata_json.h"
#include "metadata/preflight.h"

namespace gv::cli {

int RunMatch(int argc, char** argv) {
  CLI::App app{
      "Do two photos show the same place? Local features, ratio test, mutual check and\n"
      "MAGSAC++ verification of a homography and a fundamental matrix; when that finds no\n"
      "same scene, affine views of both photos (wide baseline: far apart, strongly oblique).",
      "geoverify match"};
  std::string a, b, detector = "sift", draw, cascade = "auto";
  FeatureOptions features;
  MatchOptions options;
  bool json = false;
  std::uint64_t max_bytes = 1ull << 30;
  app.add_option("a", a, "first photo")->required();
  app.add_option("b", b, "second photo")->required();
  app.add_option("--detector", detector, "sift (RootSIFT), akaze or orb")
      ->capture_default_str()
      ->check(CLI::IsMember({"sift", "akaze", "orb"}));
  app.add_option("--max-features", features.max_features, "features per image")
      ->capture_default_str()
      ->check(CLI::Range(16, 100000));
  app.add_option("--ratio", options.ratio, "Lowe's ratio test")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 0.99));
  app.add_option("--cascade", cascade,
                 "auto: affine views only when plain features give no same_scene verdict; "
                 "off: plain features only; always: affine views too (sift only)")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "off", "always"}));
  app.add_option("--draw", draw, "write the inlier matches side by side to this PNG");
  app.add_flag("--json", json, "print JSON");
  double deadline_s = 10;
  AddDeadlineOption(app, deadline_s, "reads and decodes a photo (once, before the matching)");
  AddCommonOptions(app);
  if (const int code = Parse(app, argc, argv); code >= 0) return code;
  features.detector = *ParseDetector(detector);
  // Affine views are RootSIFT; with another detector the first stage is the whole match.
  const CascadeMode mode = cascade == "off" || features.detector != Detector::kSift
                               ? CascadeMode::kOff
                           : cascade == "always" ? CascadeMode::kAlways
                                                 : CascadeMode::kAuto;

  EvidenceLimits limits;
  limits.max_bytes = max_bytes;
  auto ea = OpenEvidence(a, limits), eb = OpenEvidence(b, limits);
  nlohmann::ordered_json j{{"verdict", nullptr},
                           {"a", a},
                           {"a_sha256", ea.ok() ? nlohmann::ordered_json(ea->sha256()) : nullptr},
                           {"b", b},
                           {"b_sha256", eb.ok() ? nlohmann::ordered_json(eb->sha256()) : nullptr},
                           {"detector", detector}};
  for (const auto* e : {&ea, &eb})
    if (!e->ok()) return FailInput("match", json, j, e->error().message);
  // Each photo read and decoded once in a supervised worker before this process parses it.
  const auto failures = PreflightFiles({a, b}, limits, deadline_s, "match");
  for (std::size_t k = 0; k < 2; ++k) {
    if (!failures[k]) continue;
    j["findings"] = nlohmann::ordered_json::array({ToJson(failures[k]->finding)});
    return FailInput("match", json, j, (k ? b : a) + ": " + failures[k]->message);
  }
  for (const auto* e : {&ea, &eb})
    if (!(*e)->Pixels().ok()) return FailInput("match", json, j, (*e)->Pixels().error().message);
  const cv::Mat& pa = *ea->Pixels();
  const cv::Mat& pb = *eb->Pixels();
  auto fa = DetectFeatures(pa, features), fb = DetectFeatures(pb, features);
  if (!fa.ok() || !fb.ok())
    return FailInput(
        "match", json, j,
        (fa.ok() ? b : a) + ": " + (fa.ok() ? fb.error().message : fa.error().message));
  j["features_a"] = fa->keypoints.size();
  j["features_b"] = fb->keypoints.size();
  AffineViewOptions views;
  views.progress_label = "match: affine views";  // seconds of work; shown on a terminal only
  const CascadeMatch c = MatchCascade(pa, *fa, pb, *fb, options, mode, views);
  const PairMatch& m = c.match;
  if (!draw.empty()) {
    if (auto st = WritePngAtomic(draw, DrawMatches(pa, pb, m)); !st.ok())
      return FailInput("match", json, j, st.error().message);
  }
  if (json) {
    j.update(ToJson(m));
    j["stage"] = c.stage;
    j["stages"] = c.stages;
    j["error"] = nullptr;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << a << " <-> " << b << ": " << m.verdict << " (" << m.inliers << " inliers of "
              << m.tentative << " matches, model " << (m.model.empty() ? "none" : m.model)
              << ", by " << (c.stage == "affine_views" ? "affine views" : "plain features")
              << ")\n";
  }
  return kExitOk;
}

}  // namespace gv::cli
