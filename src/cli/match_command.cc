// geoverify match A B [--json] [--detector sift|akaze|orb] [--draw FILE.png]
#include <iostream>

#include "cli/command.h"
#include "image/decode.h"
#include "image/encode.h"
#include "match/pair_match.h"
#include "util/file.h"
#include "util/sha256.h"

namespace gv::cli {
namespace {

struct LoadedImage {
  cv::Mat pixels;
  std::string sha256;
};

Result<LoadedImage> Load(const std::string& path, std::uint64_t max_bytes) {
  std::vector<std::uint8_t> bytes;
  if (auto st = ReadFileBounded(path, max_bytes, bytes); !st.ok()) return st.error();
  auto image = DecodeImage(bytes);
  if (!image.ok()) return MakeError(path + ": " + image.error().message);
  return LoadedImage{*image, Sha256Hex(bytes)};
}

}  // namespace

int RunMatch(int argc, char** argv) {
  CLI::App app{
      "Do two photos show the same place? Local features, ratio test, mutual check and\n"
      "MAGSAC++ verification of a homography and a fundamental matrix.",
      "geoverify match"};
  std::string a, b, detector = "sift", draw;
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
  app.add_option("--draw", draw, "write the inlier matches side by side to this PNG");
  app.add_flag("--json", json, "print JSON");
  AddCommonOptions(app);
  if (const int code = Parse(app, argc, argv); code >= 0) return code;
  features.detector = *ParseDetector(detector);

  auto ia = Load(a, max_bytes), ib = Load(b, max_bytes);
  for (const auto* r : {&ia, &ib}) {
    if (!r->ok()) {
      std::cerr << "geoverify match: " << r->error().message << "\n";
      return kExitSomeFailed;
    }
  }
  auto fa = DetectFeatures(ia->pixels, features), fb = DetectFeatures(ib->pixels, features);
  if (!fa.ok() || !fb.ok()) {
    std::cerr << "geoverify match: " << (fa.ok() ? b : a) << ": "
              << (fa.ok() ? fb.error().message : fa.error().message) << "\n";
    return kExitSomeFailed;
  }
  const PairMatch m = MatchFeatures(*fa, *fb, options);
  if (!draw.empty()) {
    if (auto st = WritePngAtomic(draw, DrawMatches(ia->pixels, ib->pixels, m)); !st.ok()) {
      std::cerr << "geoverify match: " << st.error().message << "\n";
      return kExitSomeFailed;
    }
  }
  if (json) {
    nlohmann::ordered_json j{{"a", a},
                             {"a_sha256", ia->sha256},
                             {"b", b},
                             {"b_sha256", ib->sha256},
                             {"detector", detector},
                             {"features_a", fa->keypoints.size()},
                             {"features_b", fb->keypoints.size()}};
    j.update(ToJson(m));
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << a << " <-> " << b << ": " << m.verdict << " (" << m.inliers << " inliers of "
              << m.tentative << " matches, model " << (m.model.empty() ? "none" : m.model) << ")\n";
  }
  return kExitOk;
}

}  // namespace gv::cli
