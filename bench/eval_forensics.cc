// Double-compression detection on the real camera photos of ../shared/data/exif (every
// subfolder): each camera JPEG (first compression: the camera's own tables, quality q1 on the
// IJG scale) is decoded and saved again with libjpeg at q2 in {50, 60, 70, 80, 90, 95}
// wherever |q2 - q1| >= 10; the untouched originals are the negatives. Photos of at least
// 200 px and the 100-px thumbnails are counted apart. A second set: the photos of
// homography/ saved first with libjpeg at q1, then at q2. Prints, per set, the detection
// rate of each method (DCT histograms, JPEG ghost) and of either, and how often the first
// quality was found. Copy-move: four seeded forgeries per photo (two translated, two rotated
// and scaled), JPEG 70-95; detection at the threshold that keeps false positives on the
// untouched photos at or under 5 %, and mask F1; aerial crops of rasters/ (natural
// repetition) are scored as extra negatives, reported apart. Splices: ELA and noise scores at the
// threshold that keeps false positives at or under 5 %.
// Usage: eval_forensics SHARED_DATA_DIR [double-compression|copy-move|hand-made|splices]
// (GV_VERBOSE=1 prints every case; GV_DUMP_DIR=DIR writes the missed copy-move forgeries;
// GV_SPLIT=tune|validation runs one split of the hand-made copies, GV_PHOTO=I one photo.)
#include <cstdio>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <random>

#include "forensics/copy_move.h"
#include "forensics/double_compression.h"
#include "forensics/double_quantization.h"
#include "forensics/ela.h"
#include "forensics/noise.h"
#include "forgeries.h"
#include "image/decode.h"
#include "image/jpeg_structure.h"
#include "util/file.h"

namespace fs = std::filesystem;

namespace {

// Both double-compression tests on one JPEG file's bytes, as `geoverify forensics` runs
// them (gv::TestRecompression).
struct DcVerdict {
  bool ghost = false, dct = false;
  double gain = 0, ijg_gain = 0;
  gv::RecompressionEvidence evidence;
  bool Detected() const { return evidence.Detected(); }
  std::optional<int> FirstQuality() const { return evidence.FirstQuality(); }
};

DcVerdict DoubleCompression(const std::vector<std::uint8_t>& bytes) {
  DcVerdict v;
  auto e = gv::TestRecompression(bytes);
  if (!e.ok()) return v;
  v.evidence = *e;
  v.ghost = e->ghost && e->ghost->detected;
  v.dct = e->dct && e->dct->detected;
  v.gain = e->dct ? e->dct->fit_gain : 0;
  v.ijg_gain = e->dct ? e->dct->ijg_gain : 0;
  return v;
}

using gv::bench::Forgery;

// Copies a square region (1/5 of the short side) to another place of `photo`: translated,
// or also rotated (up to 45 deg) and scaled (0.8-1.2), then JPEG-compressed (70-95).
Forgery MakeCopyMove(const cv::Mat& photo, std::mt19937_64& rng, bool rotate) {
  std::uniform_real_distribution<double> u(0, 1);
  const int side = std::min(photo.cols, photo.rows) / 5;
  const cv::Rect source(static_cast<int>(u(rng) * (photo.cols - side)),
                        static_cast<int>(u(rng) * (photo.rows - side)), side, side);
  cv::Point2f to;
  do {
    to = cv::Point2f(static_cast<float>(side + u(rng) * (photo.cols - 2 * side)),
                     static_cast<float>(side + u(rng) * (photo.rows - 2 * side)));
  } while (cv::norm(to - (cv::Point2f(source.tl()) + cv::Point2f(side / 2.0f, side / 2.0f))) <
           1.5 * side);
  const double angle = rotate ? -45 + 90 * u(rng) : 0, scale = rotate ? 0.8 + 0.4 * u(rng) : 1;
  gv::bench::Forgery f = gv::bench::CopyRegion(photo, source, to, angle, scale);
  std::vector<std::uint8_t> jpeg;
  cv::imencode(".jpg", f.image, jpeg,
               {cv::IMWRITE_JPEG_QUALITY, 70 + static_cast<int>(u(rng) * 26)});
  f.image = cv::imdecode(jpeg, cv::IMREAD_COLOR);
  return f;
}

double F1(const cv::Mat& predicted, const cv::Mat& truth) {
  const double tp = cv::countNonZero(predicted & truth);
  const double p = cv::countNonZero(predicted), t = cv::countNonZero(truth);
  return p + t > 0 ? 2 * tp / (p + t) : 0;
}

// True-positive rate of `forged` scores at the lowest threshold that keeps at most 5 % of
// the `clean` scores at or above it; the threshold is returned too.
std::pair<double, double> RateAtFivePercent(std::vector<double> clean,
                                            const std::vector<double>& forged) {
  std::sort(clean.begin(), clean.end());
  const double threshold = clean[clean.size() - 1 - clean.size() / 20] + 1e-9;
  int hit = 0;
  for (double f : forged) hit += f >= threshold;
  return {threshold, 100.0 * hit / static_cast<double>(std::max<std::size_t>(1, forged.size()))};
}

// Splices: a square a quarter of the short side, cut from the next photo of the set (its own
// compression history), pasted at a random place; the result and the untouched photo (the
// negative) are both saved at the same random quality 70-95, so that only the paste differs.
void EvaluateSplices(const std::vector<cv::Mat>& photos) {
  std::mt19937_64 rng(20261129);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> ela_clean, ela_forged, noise_clean, noise_forged, dq_clean, dq_forged;
  int dq_detected = 0;
  // The DCT-histogram test's least double-compressed region (0 when the photo as a whole is
  // not found double compressed).
  const auto single_region = [&](const std::vector<std::uint8_t>& bytes) {
    const DcVerdict v = DoubleCompression(bytes);
    return v.dct ? v.evidence.dct->single_region_z : 0.0;
  };
  for (std::size_t i = 0; i < photos.size(); ++i) {
    const cv::Mat& host = photos[i];
    cv::Mat donor = photos[(i + 1) % photos.size()];
    const int side = std::min(host.cols, host.rows) / 4;
    if (std::min(donor.cols, donor.rows) < side) continue;
    for (int k = 0; k < 2; ++k) {
      const cv::Rect from(static_cast<int>(u(rng) * (donor.cols - side)),
                          static_cast<int>(u(rng) * (donor.rows - side)), side, side);
      const cv::Rect to(static_cast<int>(u(rng) * (host.cols - side)),
                        static_cast<int>(u(rng) * (host.rows - side)), side, side);
      cv::Mat forged = host.clone();
      donor(from).copyTo(forged(to));
      const int quality = 70 + static_cast<int>(u(rng) * 26);
      std::vector<std::uint8_t> a, b;
      cv::imencode(".jpg", host, a, {cv::IMWRITE_JPEG_QUALITY, quality});
      cv::imencode(".jpg", forged, b, {cv::IMWRITE_JPEG_QUALITY, quality});
      const cv::Mat clean_image = cv::imdecode(a, cv::IMREAD_COLOR),
                    forged_image = cv::imdecode(b, cv::IMREAD_COLOR);
      auto ec = gv::ErrorLevelAnalysis(clean_image), ef = gv::ErrorLevelAnalysis(forged_image);
      auto nc = gv::NoiseResidual(clean_image), nf = gv::NoiseResidual(forged_image);
      if (!ec.ok() || !ef.ok() || !nc.ok() || !nf.ok()) continue;
      ela_clean.push_back(ec->unevenness);
      ela_forged.push_back(ef->unevenness);
      noise_clean.push_back(nc->region_z);
      noise_forged.push_back(nf->region_z);
      dq_clean.push_back(single_region(a));
      dq_forged.push_back(single_region(b));
      dq_detected += dq_clean.back() > 0;
    }
  }
  if (ela_clean.empty()) return;
  const auto [ela_t, ela_rate] = RateAtFivePercent(ela_clean, ela_forged);
  const auto [noise_t, noise_rate] = RateAtFivePercent(noise_clean, noise_forged);
  const auto [dq_t, dq_rate] = RateAtFivePercent(dq_clean, dq_forged);
  std::printf(
      "\nsplices: %zu forgeries (a quarter of the short side from another photo, JPEG 70-95), "
      "negatives: the same photos saved alike without the paste\n",
      ela_forged.size());
  std::printf("%-44s %9s %10s\n", "score", "threshold", "detected");
  std::printf("%-44s %9.2f %9.1f%%\n", "ELA unevenness (hottest 3x3 blocks, z)", ela_t, ela_rate);
  std::printf("%-44s %9.2f %9.1f%%\n", "noise: most different 3x3 blocks (z)", noise_t, noise_rate);
  std::printf("%-44s %9.2f %9.1f%%   (host found double compressed in %d of %zu)\n",
              "DCT histograms: least double-compressed (z)", dq_t, dq_rate, dq_detected,
              dq_clean.size());
}

// Aerial crops as extra negatives for copy-move: fields, crop rows and ponds repeat
// naturally (no copy). 640x480 crops of the NAIP images (corners) and of the Landsat scene's
// data area, saved as JPEG 85 like a screenshot sent on.
std::vector<cv::Mat> AerialCrops(const fs::path& data) {
  std::vector<cv::Mat> out;
  for (const char* name : {"rasters/m_4709963_se_14_1_20090818.tif",
                           "rasters/m_4709963_se_14_1_20200831.tif", "rasters/RGB.byte.tif"}) {
    const cv::Mat raster = cv::imread((data / name).string(), cv::IMREAD_COLOR);
    if (raster.cols < 640 || raster.rows < 480) continue;
    std::vector<cv::Rect> crops;
    if (std::string(name).find("RGB.byte") != std::string::npos) {
      crops.push_back(cv::Rect((raster.cols - 400) / 2, (raster.rows - 400) / 2, 400, 400));
    } else {
      crops = {cv::Rect(0, 0, 640, 480), cv::Rect(raster.cols - 640, 0, 640, 480),
               cv::Rect(0, raster.rows - 480, 640, 480),
               cv::Rect(raster.cols - 640, raster.rows - 480, 640, 480)};
    }
    for (const auto& r : crops) {
      std::vector<std::uint8_t> jpeg;
      cv::imencode(".jpg", raster(r), jpeg, {cv::IMWRITE_JPEG_QUALITY, 85});
      out.push_back(cv::imdecode(jpeg, cv::IMREAD_COLOR));
    }
  }
  return out;
}

void EvaluateCopyMove(const std::vector<cv::Mat>& photos, const std::vector<cv::Mat>& aerial) {
  std::mt19937_64 rng(20261128);
  std::vector<double> clean;
  struct Scored {
    double score;
    double f1;
    bool rotated;
  };
  std::vector<Scored> forged;
  for (const auto& photo : photos) {
    auto c = gv::DetectCopyMove(photo);
    clean.push_back(c.ok() ? c->score : 0);
    if (std::getenv("GV_VERBOSE") && c.ok())
      std::printf("  untouched: %s %d matches, detail correlation %.2f\n", c->method.c_str(),
                  c->matches, c->score);
    if (std::getenv("GV_VERBOSE") && c.ok())
      std::printf("  clean matches %d score %.2f\n", c->matches, c->score);
    for (int k = 0; k < 4; ++k) {
      const bool rotated = k >= 2;
      const Forgery f = MakeCopyMove(photo, rng, rotated);
      auto r = gv::DetectCopyMove(f.image);
      if (const char* dump = std::getenv("GV_DUMP_DIR"); dump && r.ok() && !r->detected) {
        static int missed = 0;
        const std::string stem = std::string(dump) + "/miss" + std::to_string(missed++);
        cv::imwrite(stem + ".png", f.image);
        cv::imwrite(stem + ".truth.png", f.truth);
      }
      forged.push_back(
          {r.ok() ? r->score : 0, r.ok() && r->detected ? F1(r->mask, f.truth) : 0, rotated});
      if (std::getenv("GV_VERBOSE") && r.ok())
        std::printf("  forged %d: %s %d matches, detail correlation %.2f\n", k, r->method.c_str(),
                    r->matches, r->score);
    }
  }
  // The lowest threshold with at most 5 % of the untouched photos at or above it.
  std::vector<double> sorted = clean;
  std::sort(sorted.begin(), sorted.end());
  const std::size_t allowed = sorted.size() / 20;
  const double threshold =
      std::max(gv::CopyMoveOptions{}.min_score, sorted[sorted.size() - 1 - allowed] + 1e-6);
  int tp[2] = {0, 0}, n[2] = {0, 0};
  double f1_sum = 0;
  int f1_n = 0;
  for (const auto& s : forged) {
    ++n[s.rotated];
    if (s.score >= threshold) {
      ++tp[s.rotated];
      f1_sum += s.f1;
      ++f1_n;
    }
  }
  int fp = 0;
  for (double c : clean) fp += c >= threshold;
  int aerial_fp = 0;
  double aerial_max = 0;
  for (const auto& a : aerial) {
    auto c = gv::DetectCopyMove(a);
    const double score = c.ok() ? c->score : 0;
    aerial_max = std::max(aerial_max, score);
    aerial_fp += score >= threshold;
  }
  std::printf(
      "\ncopy-move: %zu untouched photos, %zu forgeries (region 1/5 of the short side, JPEG "
      "70-95)\n",
      clean.size(), forged.size());
  std::printf(
      "threshold %.2f detail correlation (at most 5%% of untouched above): false positives "
      "%.1f%%\n",
      threshold, 100.0 * fp / std::max<std::size_t>(1, clean.size()));
  std::printf(
      "aerial crops (natural repetition, not in the threshold): %zu, above it %d, highest score "
      "%.2f\n",
      aerial.size(), aerial_fp, aerial_max);
  std::printf("%-44s %6d %9.1f%%\n", "translated copies", n[0], 100.0 * tp[0] / std::max(1, n[0]));
  std::printf("%-44s %6d %9.1f%%\n", "rotated (<= 45 deg) and scaled (0.8-1.2)", n[1],
              100.0 * tp[1] / std::max(1, n[1]));
  std::printf("detection %.1f%% (target >= 90%%), mean pixel F1 on detected %.2f (target >= 0.7)\n",
              100.0 * (tp[0] + tp[1]) / std::max(1, n[0] + n[1]), f1_n ? f1_sum / f1_n : 0.0);
}

// Copies made by hand (gv::bench::CopyObject): objects cut along their outline, feathered,
// scaled 0.8-1.2, turned up to 30 deg, a third of them mirrored, saved at JPEG 75-95; the
// negatives are the same photos saved alike without a copy. Four per photo. The photos are
// split in two by their order: the even ones are `tune`, the odd ones `validation`, and each
// split is reported apart (the detector is changed while looking at `tune` only).
void EvaluateObjectCopies(const std::vector<cv::Mat>& photos) {
  std::uniform_real_distribution<double> u(0, 1);
  const double threshold = gv::CopyMoveOptions{}.min_score;
  const bool verbose = std::getenv("GV_VERBOSE") != nullptr;
  struct Split {
    int clean = 0, clean_flagged = 0;
    int n[2] = {0, 0}, hit[2] = {0, 0};  // by mirrored
    int small_angle_n = 0, small_angle_hit = 0;
    double f1_sum = 0;
    int skipped = 0;
  } splits[2];
  // GV_SPLIT=tune or validation runs that split only (the other's photos are skipped).
  const std::string only = std::getenv("GV_SPLIT") ? std::getenv("GV_SPLIT") : "";
  for (std::size_t i = 0; i < photos.size(); ++i) {
    Split& s = splits[i % 2];
    if (!only.empty() && only != (i % 2 ? "validation" : "tune")) continue;
    if (const char* one = std::getenv("GV_PHOTO"); one && std::to_string(i) != one) continue;
    std::mt19937_64 rng(20261201 + i);  // each photo's own: a split alone gives the same copies
    const auto save = [&](const cv::Mat& image) {
      std::vector<std::uint8_t> jpeg;
      cv::imencode(".jpg", image, jpeg,
                   {cv::IMWRITE_JPEG_QUALITY, 75 + static_cast<int>(u(rng) * 21)});
      return cv::imdecode(jpeg, cv::IMREAD_COLOR);
    };
    auto c = gv::DetectCopyMove(save(photos[i]));
    ++s.clean;
    s.clean_flagged += c.ok() && c->score >= threshold;
    if (verbose && c.ok())
      std::printf("  photo %zu (%s, %dx%d) untouched: %s %.2f\n", i, i % 2 ? "validation" : "tune",
                  photos[i].cols, photos[i].rows, c->method.c_str(), c->score);
    for (int k = 0; k < 4; ++k) {
      auto copy = gv::bench::CopyObject(photos[i], rng);
      if (!copy) {
        ++s.skipped;
        continue;
      }
      const cv::Mat forged = save(copy->forgery.image);
      auto r = gv::DetectCopyMove(forged);
      const bool hit = r.ok() && r->score >= threshold;
      const double f1 = hit ? F1(r->mask, copy->forgery.truth) : 0;
      ++s.n[copy->mirrored];
      s.hit[copy->mirrored] += hit;
      if (std::abs(copy->angle_deg) < 10) ++s.small_angle_n, s.small_angle_hit += hit;
      s.f1_sum += f1;
      if (verbose)
        std::printf(
            "    copy %d: box %dx%d (%.0f%% object), %+.0f deg, x%.2f%s, feather %.1f px: %s %d "
            "matches, %.2f%s, F1 %.2f\n",
            k, copy->object.width, copy->object.height, 100 * copy->coverage, copy->angle_deg,
            copy->scale, copy->mirrored ? " mirrored" : "", copy->feather_px,
            r.ok() ? r->method.c_str() : "error", r.ok() ? r->matches : 0, r.ok() ? r->score : 0,
            hit ? " FOUND" : "", f1);
      if (const char* dump = std::getenv("GV_DUMP_DIR"); dump && !hit) {
        const std::string stem =
            std::string(dump) + "/object" + std::to_string(i) + "_" + std::to_string(k);
        cv::imwrite(stem + ".jpg", forged);
        cv::imwrite(stem + ".truth.png", copy->forgery.truth);
        // For a look: the truth outlined in red, at most 1,000 px.
        cv::Mat view = forged.clone();
        std::vector<std::vector<cv::Point>> outline;
        cv::findContours(copy->forgery.truth, outline, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
        cv::drawContours(view, outline, -1, cv::Scalar(0, 0, 255), 2);
        const double f = std::min(1.0, 1000.0 / std::max(view.cols, view.rows));
        cv::resize(view, view, cv::Size(), f, f, cv::INTER_AREA);
        cv::imwrite(stem + ".view.png", view);
      }
    }
  }
  std::printf(
      "\ncopy-move, copies made by hand: objects cut by GrabCut, feathered 1-4 px, scaled "
      "0.8-1.2, turned <= 30 deg, 1/3 mirrored, JPEG 75-95 (threshold %.2f)\n",
      threshold);
  std::printf("%-12s %6s %9s %9s %9s %9s %9s %12s\n", "split", "copies", "detected", "plain",
              "mirrored", "<10 deg", "pixel F1", "untouched");
  for (int k = 0; k < 2; ++k) {
    const Split& s = splits[k];
    const int n = s.n[0] + s.n[1], hit = s.hit[0] + s.hit[1];
    std::printf(
        "%-12s %6d %8.1f%% %8.1f%% %8.1f%% %8.1f%% %9.2f %5d of %-4d%s\n",
        k ? "validation" : "tune", n, 100.0 * hit / std::max(1, n),
        100.0 * s.hit[0] / std::max(1, s.n[0]), 100.0 * s.hit[1] / std::max(1, s.n[1]),
        100.0 * s.small_angle_hit / std::max(1, s.small_angle_n), hit ? s.f1_sum / hit : 0.0,
        s.clean_flagged, s.clean,
        s.skipped
            ? (" (" + std::to_string(s.skipped) + " copies not made: no object found)").c_str()
            : "");
  }
  std::printf(
      "target: >= 85%% detected with <= 1 in 16 untouched photos flagged; pixel F1 is the mean "
      "over the detected copies\n");
}

// A camera JPEG of ../shared/data/exif (all subfolders; of orientation/, whose 16 files
// are one picture in 8 orientations twice, only landscape_1.jpg; xmp/ holds XMP samples,
// a drawn blue square and a quality-100 file, not camera photos, and is left out).
struct CameraPhoto {
  std::string name;
  cv::Mat image;
  int q1 = 0;
};

std::vector<CameraPhoto> CameraPhotos(const fs::path& exif) {
  std::vector<fs::path> paths;
  for (const auto& e : fs::recursive_directory_iterator(exif)) {
    const auto ext = e.path().extension().string();
    if (!e.is_regular_file() || (ext != ".jpg" && ext != ".jpeg")) continue;
    if (e.path().parent_path().filename() == "xmp") continue;
    if (e.path().parent_path().filename() == "orientation" &&
        e.path().filename() != "landscape_1.jpg")
      continue;
    paths.push_back(e.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<CameraPhoto> out;
  for (const auto& path : paths) {
    std::vector<std::uint8_t> bytes;
    if (!gv::ReadFileBounded(path, 1 << 28, bytes).ok()) continue;
    auto jpeg = gv::ParseJpegStructure(bytes);
    auto image = gv::DecodeImage(bytes);
    if (!jpeg.ok() || !image.ok() || !jpeg->EstimatedQuality()) continue;
    out.push_back({fs::relative(path, exif).string(), *image, *jpeg->EstimatedQuality()});
  }
  return out;
}

// Detection counts of one set of cases.
struct Tally {
  int n = 0, ghost = 0, dct = 0, either = 0, quality = 0;
  void Add(const DcVerdict& v, int q1, int tolerance) {
    ++n;
    ghost += v.ghost;
    dct += v.dct;
    either += v.Detected();
    quality += v.Detected() && v.FirstQuality() && std::abs(*v.FirstQuality() - q1) <= tolerance;
  }
  void Print(const char* label) const {
    const double d = std::max(1, n);
    std::printf("%-40s %6d %7.1f%% %7.1f%% %7.1f%% %9.1f%%\n", label, n, 100.0 * ghost / d,
                100.0 * dct / d, 100.0 * either / d, 100.0 * quality / d);
  }
};

std::vector<std::uint8_t> Save(const cv::Mat& image, int quality) {
  std::vector<std::uint8_t> bytes;
  cv::imencode(".jpg", image, bytes, {cv::IMWRITE_JPEG_QUALITY, quality});
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(
        stderr,
        "usage: eval_forensics SHARED_DATA_DIR [double-compression|copy-move|hand-made|splices]\n");
    return 2;
  }
  const std::string only = argc > 2 ? argv[2] : "";
  const bool dc = only.empty() || only == "double-compression",
             cm = only.empty() || only == "copy-move", sp = only.empty() || only == "splices",
             hand = only.empty() || only == "copy-move" || only == "hand-made";
  const bool verbose = std::getenv("GV_VERBOSE") != nullptr;
  const auto camera = CameraPhotos(fs::path(argv[1]) / "exif");
  // Camera photos: the first compression is the camera's own (tables of its own, quality
  // estimated on the IJG scale); re-saved with libjpeg at q2 wherever |q2 - q1| >= 10.
  Tally clean_small, clean_big, up_small, up_big, down_small, down_big;
  std::vector<cv::Mat> photos;
  for (const auto& c : camera) {
    const bool small = std::min(c.image.cols, c.image.rows) < 200;
    if (!small) photos.push_back(c.image);
    std::vector<std::uint8_t> original;
    if (!gv::ReadFileBounded(fs::path(argv[1]) / "exif" / c.name, 1 << 28, original).ok()) continue;
    if (!dc) continue;
    const DcVerdict clean = DoubleCompression(original);
    (small ? clean_small : clean_big).Add(clean, c.q1, 5);
    if (verbose)
      std::printf("  %-40s %4dx%-4d q%d untouched: fit gain %.2f, IJG gain %.2f%s\n",
                  c.name.c_str(), c.image.cols, c.image.rows, c.q1, clean.gain, clean.ijg_gain,
                  clean.Detected() ? " DETECTED" : "");
    for (int q2 : {50, 60, 70, 80, 90, 95}) {
      if (std::abs(q2 - c.q1) < 10) continue;
      const DcVerdict v = DoubleCompression(Save(c.image, q2));
      if (verbose)
        std::printf("    q2 %d: ghost %d, DCT %d (fit gain %.2f, IJG gain %.2f), q1 %d\n", q2,
                    v.ghost, v.dct, v.gain, v.ijg_gain, v.FirstQuality().value_or(0));
      (q2 > c.q1 ? (small ? up_small : up_big) : (small ? down_small : down_big)).Add(v, c.q1, 5);
    }
  }
  if (dc) {
    const int big_photos = clean_big.n, small_photos = clean_small.n;
    std::printf("camera photos of exif/: %d of at least 200 px, %d thumbnails under 200 px\n",
                big_photos, small_photos);
    std::printf("%-40s %6s %8s %8s %8s %10s\n", "case", "photos", "ghost", "DCT", "either",
                "q1 +-5");
    up_big.Print("re-saved at q2 >= q1 + 10");
    down_big.Print("re-saved at q2 <= q1 - 10");
    clean_big.Print("untouched originals (false positives)");
    up_small.Print("thumbnails: q2 >= q1 + 10");
    down_small.Print("thumbnails: q2 <= q1 - 10");
    clean_small.Print("thumbnails untouched (false positives)");
    const int recompressed = up_big.n + down_big.n + up_small.n + down_small.n;
    std::printf(
        "target: >= 90%% of recompressed photos with |q2 - q1| >= 10: %.1f%% of the photos, "
        "%.1f%% with the thumbnails\n",
        100.0 * (up_big.either + down_big.either) / std::max(1, up_big.n + down_big.n),
        100.0 * (up_big.either + down_big.either + up_small.either + down_small.either) /
            std::max(1, recompressed));
  }

  // The real photos of homography/ (640-1000 px, PNG or JPEG): a first save with libjpeg at
  // q1, then q2; the single saves of the PNGs are negatives too.
  Tally lib_up, lib_down, lib_single;
  for (const char* name : {"grafA.png", "grafB.png", "boatA.png", "boatB.png", "adamA.png",
                           "adamB.png", "WhiteBoardA.jpg", "WhiteBoardB.jpg"}) {
    const cv::Mat photo =
        cv::imread((fs::path(argv[1]) / "homography" / name).string(), cv::IMREAD_COLOR);
    if (photo.empty()) continue;
    photos.push_back(photo);
    if (!dc) continue;
    for (const auto& [q1, q2] : std::vector<std::pair<int, int>>{
             {50, 70}, {60, 80}, {70, 90}, {75, 95}, {85, 60}, {90, 70}, {95, 80}, {80, 50}}) {
      const auto first = Save(photo, q1);
      const DcVerdict v = DoubleCompression(Save(cv::imdecode(first, cv::IMREAD_COLOR), q2));
      if (verbose)
        std::printf("  %s %d -> %d: ghost %d, DCT %d (fit gain %.2f, IJG gain %.2f), q1 %d\n", name,
                    q1, q2, v.ghost, v.dct, v.gain, v.ijg_gain, v.FirstQuality().value_or(0));
      (q2 > q1 ? lib_up : lib_down).Add(v, q1, 3);
      // WhiteBoard*.jpg are camera JPEGs: their "single" libjpeg save is a second one.
      if (fs::path(name).extension() == ".png") {
        const DcVerdict single = DoubleCompression(first);
        if (verbose)
          std::printf("  %s %d single save: fit gain %.2f, IJG gain %.2f\n", name, q1, single.gain,
                      single.ijg_gain);
        lib_single.Add(single, q1, 3);
      }
    }
  }
  if (dc) {
    std::printf("\nlibjpeg first saves of the homography/ photos (q1 +-3):\n");
    lib_up.Print("q1 -> q2 = q1 + 20 (50..75 -> 70..95)");
    lib_down.Print("q1 -> q2 = q1 - 15..30 (80..95 -> 50..80)");
    lib_single.Print("single saves of the PNGs (false positives)");
  }
  if (cm) EvaluateCopyMove(photos, AerialCrops(argv[1]));
  if (hand) EvaluateObjectCopies(photos);
  if (sp) EvaluateSplices(photos);
  return 0;
}
