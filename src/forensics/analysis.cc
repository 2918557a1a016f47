#include "forensics/analysis.h"

#include <cstdio>
#include <future>
#include <opencv2/imgcodecs.hpp>

#include "forensics/copy_move.h"
#include "forensics/double_compression.h"
#include "forensics/double_quantization.h"
#include "forensics/hashes.h"
#include "forensics/jpeg_writers.h"
#include "forensics/known_tables.h"
#include "forensics/noise.h"
#include "forensics/thumbnail.h"
#include "image/decode.h"
#include "image/evidence.h"
#include "image/format.h"
#include "image/heif.h"
#include "image/jpeg_structure.h"
#include "metadata/exiv2_reader.h"
#include "util/data_dir.h"
#include "util/file.h"
#include "util/sha256.h"
#include "util/text.h"

namespace gv {
namespace {

using Json = nlohmann::ordered_json;

// The known table sets of data/jpeg_tables.json, read once. Missing or bad: the photos are
// still analysed with `known_source` null, and a bad file (one that exists) is named on
// stderr once, so that an edited list that no longer parses does not go unnoticed.
const std::optional<std::vector<KnownTableSet>>& KnownTables() {
  static const std::optional<std::vector<KnownTableSet>> known =
      []() -> std::optional<std::vector<KnownTableSet>> {
    const auto path = DataDir() / "jpeg_tables.json";
    auto loaded = LoadKnownTables(path);
    if (loaded.ok()) return std::move(*loaded);
    std::error_code ec;
    if (std::filesystem::exists(path, ec))
      std::fprintf(stderr, "geoverify: warning: %s (jpeg.known_source stays null)\n",
                   loaded.error().message.c_str());
    return std::nullopt;
  }();
  return known;
}

// The software that wrote the file's segments: one entry per writer, with where it was seen.
struct SeenWriter {
  JpegWriter writer;
  std::string segment;  // "APP13", "COM"
};

std::vector<SeenWriter> Writers(const JpegStructure& s) {
  std::vector<SeenWriter> out;
  const auto add = [&](const JpegWriter& w, const std::string& where) {
    for (const auto& known : out)
      if (known.writer.name == w.name) return;
    out.push_back({w, where});
  };
  for (const auto& seg : s.segments)
    if (seg.marker >= 0xE0 && seg.marker <= 0xEF)
      if (const auto w = AppSegmentWriter(seg.marker, seg.app_id))
        add(*w, "APP" + std::to_string(seg.marker - 0xE0));
  for (const auto& c : s.comments)
    if (const auto w = CommentWriter(c)) add(*w, "COM");
  return out;
}

Json JpegJson(const JpegStructure& s) {
  Json j;
  j["quality_estimate"] = s.EstimatedQuality() ? Json(*s.EstimatedQuality()) : Json(nullptr);
  j["standard_tables"] = s.StandardTables();
  j["known_source"] = nullptr;
  if (const auto& known = KnownTables()) {
    const auto text = [](const std::optional<std::string>& v) {
      return v ? Json(SanitizeUtf8(*v)) : Json(nullptr);
    };
    Json sources = Json::array();
    for (const KnownTableSet* m : MatchKnownTables(s, *known))
      sources.push_back({{"make", text(m->make)},
                         {"model", text(m->model)},
                         {"software", text(m->software)},
                         {"references", m->references}});
    j["known_source"] = sources;
  }
  j["progressive"] = s.progressive;
  j["subsampling"] = s.subsampling;
  Json tables = Json::array();
  for (const auto& t : s.quant_tables) tables.push_back({{"id", t.id}, {"values", t.values}});
  j["tables"] = tables;
  Json segments = Json::array(), writers = Json::array();
  for (const auto& seen : Writers(s))
    writers.push_back(
        {{"name", seen.writer.name}, {"editor", seen.writer.editor}, {"segment", seen.segment}});
  for (const auto& seg : s.segments) {
    char marker[8];
    std::snprintf(marker, sizeof marker, "FF%02X", seg.marker);
    Json writer = nullptr;
    if (seg.marker >= 0xE0 && seg.marker <= 0xEF) {
      if (const auto w = AppSegmentWriter(seg.marker, seg.app_id)) writer = w->name;
    }
    segments.push_back({{"marker", marker},
                        {"offset", seg.offset},
                        {"length", seg.length},
                        {"app_id", SanitizeUtf8(seg.app_id)},
                        {"writer", writer}});
  }
  j["segments"] = segments;
  Json comments = Json::array();
  for (const auto& c : s.comments) comments.push_back(SanitizeUtf8(c));
  j["comments"] = comments;
  j["writers"] = writers;
  j["trailing_bytes"] = s.trailing_bytes;
  return j;
}

void Add(std::vector<Finding>& findings, const char* code, Severity severity, std::string message) {
  findings.push_back({code, severity, std::move(message), "forensics"});
}

// Moves an 8-bit picture out of a result, for the caller to write.
void KeepPicture(ForensicsReport& report, const char* kind, cv::Mat& picture) {
  if (!picture.empty()) report.pictures.push_back({kind, std::move(picture)});
  picture = cv::Mat();
}

std::vector<std::string> Methods(const RecompressionEvidence& e) {
  std::vector<std::string> methods;
  if (e.dct && e.dct->detected) methods.push_back("dct_histogram");
  if (e.ghost && e.ghost->detected) methods.push_back("jpeg_ghost");
  return methods;
}

// Both double-compression tests: DCT histograms (either direction) and the JPEG ghost
// (second quality higher). `orientation` and `shown` (the picture's size as shown) place the
// single region, found on the stored pixel grid, in the picture as shown like the other
// analyses' boxes.
Json RecompressionJson(const RecompressionEvidence& evidence, int orientation, cv::Size shown) {
  const auto& dct = evidence.dct;
  const auto& ghost = evidence.ghost;
  Json j;
  const auto methods = Methods(evidence);
  j["detected"] = !methods.empty();
  j["methods"] = methods;
  const std::optional<int> first = evidence.FirstQuality();
  j["first_quality"] = first ? Json(*first) : Json(nullptr);
  j["dct_fit_gain"] = dct ? Json(dct->fit_gain) : Json(nullptr);
  j["dct_ijg_gain"] = dct ? Json(dct->ijg_gain) : Json(nullptr);
  j["dct_frequencies"] = dct ? Json(dct->frequencies) : Json(nullptr);
  j["dct_single_region"] = nullptr;
  if (dct && dct->detected) {
    const cv::Size stored =
        orientation >= 5 && orientation <= 8 ? cv::Size(shown.height, shown.width) : shown;
    // Clipped to the picture: should the decoder not have turned it as the tag says, the box
    // still lies on it.
    const cv::Rect r =
        ShownRect(cv::Rect(dct->single_region_at, cv::Size(32, 32)), stored, orientation) &
        cv::Rect(cv::Point(0, 0), shown);
    j["dct_single_region"] = {{"z", dct->single_region_z}, {"box", {r.x, r.y, r.width, r.height}}};
  }
  j["ghost_ratio"] = ghost ? Json(ghost->ghost_ratio) : Json(nullptr);
  j["ghost_first_quality"] =
      ghost && ghost->first_quality ? Json(*ghost->first_quality) : Json(nullptr);
  return j;
}

void AddFindings(ForensicsReport& r, const ForensicsOptions& o) {
  if (r.jpeg) {
    std::string editors;
    for (const auto& seen : Writers(*r.jpeg))
      if (seen.writer.editor)
        editors += (editors.empty() ? "" : "; ") + seen.writer.name + " (" + seen.segment + ")";
    if (!editors.empty())
      Add(r.findings, "JPEG_EDITOR_SEGMENTS", Severity::kWarning,
          "The file carries what editing or re-encoding software writes: " + editors +
              ": it was saved by that software after the camera (an IPTC editor may have "
              "changed only the metadata)");
  }
  if (r.recompression) {
    const auto methods = Methods(*r.recompression);
    const std::optional<int> first = r.recompression->FirstQuality();
    if (!methods.empty())
      Add(r.findings, "DOUBLE_COMPRESSION", Severity::kWarning,
          "Saved as JPEG at least twice" +
              (first ? ": first at about quality " + std::to_string(*first) + ", then " +
                           std::to_string(r.recompression->last_quality)
                     : std::string()) +
              " (" + Json(methods).dump() + "): the photo was decompressed and saved again");
  }
  if (r.copy_move && r.copy_move->detected) {
    const auto& cm = *r.copy_move;
    Add(r.findings, "COPY_MOVE", Severity::kAlert,
        "A region appears twice in the photo (source at x " + std::to_string(cm.source.x) + ", y " +
            std::to_string(cm.source.y) + ", copy at x " + std::to_string(cm.target.x) + ", y " +
            std::to_string(cm.target.y) + (cm.mirrored ? ", mirrored" : "") +
            "): part of the picture was cloned");
  }
  if (r.thumbnail && r.thumbnail->worst_block > o.thumbnail_block_limit)
    Add(r.findings, "THUMBNAIL_CONTENT_DIFFERS", Severity::kAlert,
        "The embedded thumbnail shows something else than the image around thumbnail pixel (" +
            std::to_string(r.thumbnail->worst_block_at.x) + ", " +
            std::to_string(r.thumbnail->worst_block_at.y) +
            "): the image was changed after the camera wrote it");
}

void AnalyzeOrThrow(const Evidence& evidence, const ForensicsOptions& o, ForensicsReport& r) {
  const std::vector<std::uint8_t>& bytes = evidence.bytes();
  PhotoMetadata meta;
  // Format, orientation, thumbnail; a metadata read failure alone is not an error here.
  (void)ReadPhotoMetadata(bytes, meta);
  r.format = meta.format;
  r.orientation = meta.orientation.value_or(1);
  const Result<cv::Mat>& image = evidence.Pixels();
  if (!image.ok()) {
    r.error = image.error().message;
    return;
  }
  r.width = image->cols;
  r.height = image->rows;
  // Copy-move is the longest analysis (about half the time on a 12 MP photo): it runs on a
  // second thread while the others run here; the image is only read by both.
  // ELA and the noise residual wait until SIFT's scale space is freed: together they peaked
  // above 1 GB on 12 MP HEIC photos, where no JPEG analysis keeps this thread busy meanwhile.
  std::promise<void> scale_space_freed;
  std::future<void> memory_free = scale_space_freed.get_future();
  std::future<Result<CopyMoveResult>> copy_move =
      std::async(std::launch::async, [&image, &scale_space_freed]() -> Result<CopyMoveResult> {
        return DetectCopyMove(*image, {}, [&] { scale_space_freed.set_value(); });
      });
  // The copy-move thread reads the image until get(): wait for it on every way out.
  struct Join {
    std::future<Result<CopyMoveResult>>& f;
    ~Join() {
      if (f.valid()) f.wait();
    }
  } join{copy_move};
  if (auto jpeg = ParseJpegStructure(bytes); jpeg.ok()) {
    r.jpeg = std::move(*jpeg);
    if (auto e = TestRecompression(bytes, o.limits); e.ok()) r.recompression = std::move(*e);
  }
  memory_free.wait();
  r.ela_quality = o.ela.quality;
  if (auto ela = ErrorLevelAnalysis(*image, o.ela); ela.ok()) {
    r.ela = std::move(*ela);
    KeepPicture(r, "ela", r.ela->picture);
  }
  if (auto noise = NoiseResidual(*image, o.noise_block); noise.ok()) {
    r.noise = std::move(*noise);
    KeepPicture(r, "noise", r.noise->picture);
  }
  if (auto cm = copy_move.get(); cm.ok()) {
    r.copy_move = std::move(*cm);
    if (r.copy_move->detected)
      KeepPicture(r, "copy_move", r.copy_move->mask);
    else
      r.copy_move->mask = cv::Mat();
  }
  if (meta.thumbnail && !meta.thumbnail->data.empty()) {
    r.has_thumbnail = true;
    // Cameras store the thumbnail as the sensor saw the picture, like the main pixels; the
    // decoding above turned those by the EXIF orientation: compare in the stored frame.
    cv::Mat stored = *image;
    if (r.orientation != 1) {
      if (auto again = DecodeImage(bytes, o.limits, DecodeAs::kStored); again.ok())
        stored = std::move(*again);
    }
    if (auto cmp = CompareThumbnail(meta.thumbnail->data, stored); cmp.ok()) {
      r.thumbnail = std::move(*cmp);
      KeepPicture(r, "thumbnail", r.thumbnail->picture);
    } else {
      r.thumbnail_error = cmp.error().message;
    }
  } else if (evidence.format() == ImageFormat::kHeif) {
    // A HEIF thumbnail is an image item of its own, with the container's rotation: compare
    // both as shown.
    if (auto info = ReadHeifInfo(bytes); info.ok() && info->thumbnails > 0) {
      r.has_thumbnail = true;
      auto thumb = DecodeHeif(bytes, true, false, true);
      auto cmp =
          thumb.ok()
              ? CompareThumbnailPixels(*thumb, *image)
              : Result<ThumbnailComparison>(MakeError("thumbnail: " + thumb.error().message));
      if (cmp.ok()) {
        r.thumbnail = std::move(*cmp);
        KeepPicture(r, "thumbnail", r.thumbnail->picture);
      } else {
        r.thumbnail_error = cmp.error().message;
      }
    }
  }
  r.hashes = ComputeHashes(*image);
  r.img_hashes = ComputeImgHashes(*image);
  AddFindings(r, o);
}

}  // namespace

ForensicsReport AnalyzeEvidence(const Evidence& evidence, const ForensicsOptions& o) {
  ForensicsReport report;
  report.file = evidence.path().string();
  report.sha256 = evidence.sha256();
  // The analyses check what they are given, but OpenCV may still throw on a shape nobody
  // foresaw: the photo then gets an error entry and the batch goes on.
  try {
    AnalyzeOrThrow(evidence, o, report);
  } catch (const std::exception& e) {
    report.error = evidence.path().string() + ": analysis failed: " + SanitizeUtf8(e.what());
  }
  return report;
}

Json ToJson(const ForensicsReport& r) {
  Json j;
  j["file"] = r.file;
  j["sha256"] = r.sha256.empty() ? Json(nullptr) : Json(r.sha256);
  const bool analysed = r.error.empty();
  if (!r.sha256.empty()) j["format"] = r.format.empty() ? Json(nullptr) : Json(r.format);
  if (analysed) {
    j["width"] = r.width;
    j["height"] = r.height;
    j["jpeg"] = r.jpeg ? JpegJson(*r.jpeg) : Json(nullptr);
    if (r.jpeg)
      j["jpeg"]["double_compression"] =
          r.recompression
              ? RecompressionJson(*r.recompression, r.orientation, cv::Size(r.width, r.height))
              : Json(nullptr);
    if (r.ela)
      j["ela"] = {{"quality", r.ela_quality},
                  {"mean_error", r.ela->mean_error},
                  {"unevenness", r.ela->unevenness},
                  {"hottest_block", {r.ela->hottest_block.x, r.ela->hottest_block.y}},
                  {"picture", nullptr}};
    if (r.noise)
      j["noise"] = {
          {"median_sigma", r.noise->median_sigma},
          {"inconsistency", r.noise->inconsistency},
          {"region_z", r.noise->region_z},
          {"most_different_block", {r.noise->most_different.x, r.noise->most_different.y}},
          {"picture", nullptr}};
    j["copy_move"] = nullptr;
    if (r.copy_move) {
      const auto& cm = *r.copy_move;
      const auto box = [](const cv::Rect& b) { return Json{b.x, b.y, b.width, b.height}; };
      Json regions = Json::array();
      if (cm.detected) {
        regions.push_back({{"role", "source"}, {"box", box(cm.source)}});
        regions.push_back({{"role", "target"}, {"box", box(cm.target)}});
      }
      j["copy_move"] = {{"detected", cm.detected},
                        {"method", cm.method.empty() ? Json(nullptr) : Json(cm.method)},
                        {"score", cm.score},
                        {"matches", cm.matches},
                        {"mirrored", cm.detected && cm.mirrored},
                        {"regions", regions},
                        {"mask", nullptr}};
    }
    j["thumbnail"] = nullptr;
    if (r.thumbnail) {
      const auto& t = *r.thumbnail;
      j["thumbnail"] = {{"width", t.thumbnail_size.width},
                        {"height", t.thumbnail_size.height},
                        {"framing", ToString(t.framing)},
                        {"mean_difference", t.mean_difference},
                        {"worst_block", t.worst_block},
                        {"worst_block_at", {t.worst_block_at.x, t.worst_block_at.y}},
                        {"picture", nullptr}};
    } else if (r.has_thumbnail) {
      j["thumbnail"] = {{"error", r.thumbnail_error}};
    }
    if (r.hashes && r.img_hashes)
      j["hashes"] = {{"phash", HashHex(r.hashes->phash)},
                     {"ahash", HashHex(r.hashes->ahash)},
                     {"dhash", HashHex(r.hashes->dhash)},
                     {"marr_hildreth", HexLower(r.img_hashes->marr_hildreth)},
                     {"radial_variance", HexLower(r.img_hashes->radial_variance)},
                     {"block_mean", HexLower(r.img_hashes->block_mean)},
                     {"color_moment", r.img_hashes->color_moment}};
  }
  Json findings = Json::array();
  for (const auto& f : r.findings)
    findings.push_back(
        {{"code", f.code}, {"severity", SeverityName(f.severity)}, {"message", f.message}});
  j["findings"] = findings;
  j["error"] = r.error.empty() ? Json(nullptr) : Json(r.error);
  return j;
}

void SetPicturePath(Json& forensics, const std::string& kind, const std::string& path) {
  const char* key = kind == "copy_move" ? "mask" : "picture";
  if (forensics.contains(kind) && forensics[kind].is_object()) forensics[kind][key] = path;
}

ForensicsReport AnalyzeFile(const std::filesystem::path& path, const ForensicsOptions& o) {
  auto evidence = OpenEvidence(path, {o.max_bytes, o.limits});
  if (!evidence.ok()) {
    ForensicsReport report;
    report.file = path.string();
    report.error = evidence.error().message;
    return report;
  }
  return AnalyzeEvidence(*evidence, o);
}

Json AnalyzePhoto(const std::filesystem::path& path, const ForensicsOptions& o) {
  return ToJson(AnalyzeFile(path, o));
}

Json FindNearDuplicates(const std::vector<std::filesystem::path>& files, std::uint64_t max_bytes,
                        int max_distance, const DecodeLimits& limits) {
  std::vector<CropHashes> hashes;
  std::vector<std::pair<std::string, std::string>> hashed;  // file, sha256
  Json errors = Json::array();
  for (const auto& path : files) {
    auto evidence = OpenEvidence(path, {max_bytes, limits});
    const Result<cv::Mat> image =
        evidence.ok() ? evidence->Pixels() : Result<cv::Mat>(evidence.error());
    if (!image.ok()) {
      errors.push_back({{"file", path.string()}, {"error", image.error().message}});
      continue;
    }
    try {
      hashes.push_back(ComputeCropHashes(*image));
    } catch (const std::exception& e) {
      errors.push_back({{"file", path.string()}, {"error", SanitizeUtf8(e.what())}});
      continue;
    }
    hashed.emplace_back(path.string(), evidence->sha256());
  }
  Json groups = Json::array();
  for (const auto& group : GroupNearDuplicates(hashes, max_distance)) {
    Json members = Json::array();
    for (std::size_t i : group)
      members.push_back({{"file", hashed[i].first},
                         {"sha256", hashed[i].second},
                         {"phash", HashHex(hashes[i].whole)},
                         {"distance", CropTolerantDistance(hashes[i], hashes[group.front()])}});
    groups.push_back(members);
  }
  return {{"files", hashed.size()}, {"groups", groups}, {"errors", errors}};
}

}  // namespace gv
