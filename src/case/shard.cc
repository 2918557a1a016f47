#include "case/shard.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <set>

#include "util/file.h"
#include "util/text.h"

namespace gv {

bool CaseSlice::Takes(const std::string& path) const {
  if (count <= 1) return true;
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a, 64 bits
  for (const unsigned char ch : path) h = (h ^ ch) * 1099511628211ull;
  return static_cast<int>(h % static_cast<std::uint64_t>(count)) == index;
}

Result<CaseSlice> ParseCaseSlice(const std::string& text) {
  const auto slash = text.find('/');
  CaseSlice slice;
  const auto number = [](std::string_view s, int& out) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size() && !s.empty();
  };
  if (slash == std::string::npos || !number(std::string_view(text).substr(0, slash), slice.index) ||
      !number(std::string_view(text).substr(slash + 1), slice.count) || slice.count < 1 ||
      slice.count > 100000 || slice.index < 0 || slice.index >= slice.count)
    return MakeError("--shard wants K/N with 0 <= K < N <= 100000 (e.g. 0/4), not '" + text + "'");
  return slice;
}

namespace {

using J = nlohmann::ordered_json;
constexpr const char* kFormat = "geoverify-shard";
constexpr int kVersion = 4;  // 2: georef results name their method; 3: pictures kept encoded;
                             // 4: the photos' affine views' features (same_scene)

// ---- encoding: every field, in declaration order -------------------------------------------

template <typename T>
J Opt(const std::optional<T>& v) {
  return v ? J(*v) : J(nullptr);
}

J Bytes(const void* data, std::size_t size) {
  const auto* p = static_cast<const std::uint8_t*>(data);
  return J::binary(std::vector<std::uint8_t>(p, p + size));
}

// 8-bit pictures as PNG (lossless, small); anything else as its raw elements.
J EncMat(const cv::Mat& m) {
  J j = {{"rows", m.rows}, {"cols", m.cols}, {"type", m.type()}};
  const int depth = m.depth(), channels = m.channels();
  std::vector<std::uint8_t> png;
  if (!m.empty() && depth == CV_8U && (channels == 1 || channels == 3 || channels == 4) &&
      cv::imencode(".png", m, png, {cv::IMWRITE_PNG_COMPRESSION, 1})) {
    j["png"] = J::binary(std::move(png));
    return j;
  }
  const cv::Mat c = m.isContinuous() ? m : m.clone();
  j["raw"] = Bytes(c.data, c.total() * c.elemSize());
  return j;
}

J EncTime(const std::optional<CivilTime>& t) {
  if (!t) return nullptr;
  return J::array({t->year, t->month, t->day, t->hour, t->minute, t->second});
}

J EncFinding(const Finding& f) {
  return J::array({f.code, static_cast<int>(f.severity), f.message, f.step});
}

J EncFindings(const std::vector<Finding>& findings) {
  J a = J::array();
  for (const auto& f : findings) a.push_back(EncFinding(f));
  return a;
}

J EncLatLon(const LatLon& p) { return J::array({p.lat_deg, p.lon_deg}); }

J EncRing(const std::vector<LatLon>& ring) {
  J a = J::array();
  for (const auto& p : ring) a.push_back(EncLatLon(p));
  return a;
}

J EncMetadata(const PhotoMetadata& m) {
  J j = {{"file", m.file},
         {"sha256", m.sha256},
         {"bytes", m.bytes},
         {"format", m.format},
         {"width", m.width},
         {"height", m.height},
         {"make", m.make},
         {"model", m.model},
         {"serial", m.serial},
         {"lens", m.lens},
         {"software", m.software},
         {"orientation", Opt(m.orientation)},
         {"datetime_original", EncTime(m.datetime_original)},
         {"subsec_original", m.subsec_original},
         {"datetime_modified", EncTime(m.datetime_modified)},
         {"offset_time_original_s", Opt(m.offset_time_original_s)},
         {"taken_at_utc", Opt(m.taken_at_utc)},
         {"taken_at_utc_source", m.taken_at_utc_source},
         {"time_zone", m.time_zone},
         {"zone_at_gps", m.zone_at_gps},
         {"zone_at_gps_offset_s", Opt(m.zone_at_gps_offset_s)}};
  j["gps"] = nullptr;
  if (const auto& g = m.gps)
    j["gps"] = {{"lat", g->lat_deg},          {"lon", g->lon_deg},
                {"valid", g->position_valid}, {"alt_m", Opt(g->alt_m)},
                {"utc", Opt(g->utc_seconds)}, {"direction", Opt(g->direction_deg)},
                {"ref", g->direction_ref},    {"speed", Opt(g->speed_kmh)},
                {"datum", g->map_datum},      {"problem", g->problem}};
  // The thumbnail's own bytes are kept only for the checks, done by now.
  j["thumbnail"] = m.thumbnail
                       ? J::array({m.thumbnail->width, m.thumbnail->height, m.thumbnail->bytes})
                       : J(nullptr);
  j["jpeg"] = nullptr;
  if (const auto& s = m.jpeg)
    j["jpeg"] = {{"quality", Opt(s->quality_estimate)},
                 {"standard_tables", s->standard_tables},
                 {"subsampling", s->subsampling},
                 {"progressive", s->progressive},
                 {"app_ids", s->app_ids},
                 {"comments", s->comments},
                 {"trailing_bytes", s->trailing_bytes},
                 {"has_eoi", s->has_eoi}};
  j["video"] = nullptr;
  if (const auto& v = m.video)
    j["video"] = {{"container", v->container},
                  {"codec", v->codec},
                  {"duration_s", v->duration_s},
                  {"fps", v->fps},
                  {"width", v->width},
                  {"height", v->height},
                  {"rotation", v->rotation_deg},
                  {"audio", v->has_audio},
                  {"has_video", v->has_video},
                  {"frames", v->frames_extracted},
                  {"location_key", v->location_key},
                  {"encoder", v->encoder},
                  {"container_utc", Opt(v->container_utc)}};
  j["heif"] = nullptr;
  if (const auto& h = m.heif)
    j["heif"] =
        J::array({h->codec, h->rotation_cw, h->mirror, h->mirror_first, h->thumbnails, h->alpha});
  j["has"] = J::array({m.has_exif, m.has_iptc, m.has_xmp});
  j["xmp_creator_tool"] = m.xmp_creator_tool;
  j["xmp_history_agents"] = m.xmp_history_agents;
  j["iptc_special_instructions"] = m.iptc_special_instructions;
  J tags = J::array();
  for (const auto& [k, v] : m.tags) tags.push_back(J::array({k, v}));
  j["tags"] = std::move(tags);
  j["findings"] = EncFindings(m.findings);
  j["error"] = Opt(m.error);
  return j;
}

J EncClue(const Clue& c) {
  J polygons = J::array();
  for (const auto& ring : c.polygons) polygons.push_back(EncRing(ring));
  J grid = nullptr;
  if (const auto& g = c.likelihood)
    grid = {{"min_lon", g->min_lon},
            {"max_lat", g->max_lat},
            {"resolution", g->resolution_deg},
            {"width", g->width},
            {"height", g->height},
            {"values", Bytes(g->values.data(), g->values.size() * sizeof(float))}};
  return {{"kind", c.kind},
          {"photo", c.photo},
          {"sha256", c.sha256},
          {"description", c.description},
          {"point", c.point ? EncLatLon(*c.point) : J(nullptr)},
          {"uncertainty_m", c.uncertainty_m},
          {"polygons", std::move(polygons)},
          {"likelihood", std::move(grid)},
          {"excludes", c.excludes},
          {"confidence", c.confidence},
          {"confidence_note", c.confidence_note},
          {"params", c.params}};
}

J EncGeoref(const GeorefResult& g) {
  J corners = J::array();
  for (const auto& c : g.corners) corners.push_back(c ? EncLatLon(*c) : J(nullptr));
  J points = J::array();
  for (const auto& p : g.control_points)
    points.push_back(J::array({p.photo_px.x, p.photo_px.y, p.basemap_px.x, p.basemap_px.y, p.map.x,
                               p.map.y, p.position.lat_deg, p.position.lon_deg, p.residual_m}));
  J h = J::array();
  for (int i = 0; i < 9; ++i) h.push_back(g.homography.val[i]);
  return {{"ok", g.ok},
          {"message", g.message},
          {"method", g.method},
          {"fields_correlation", g.fields_correlation},
          {"weak_place", g.weak_place},
          {"basemap", g.basemap.string()},
          {"tentative", g.tentative},
          {"inliers", g.inliers},
          {"inlier_ratio", g.inlier_ratio},
          {"best_candidate_inliers", g.best_candidate_inliers},
          {"homography", std::move(h)},
          {"photo_size", J::array({g.photo_size.width, g.photo_size.height})},
          {"corners", std::move(corners)},
          {"footprint", EncRing(g.footprint)},
          {"rmse", J::array({g.rmse_m, g.rmse_px, g.gsd_m, g.basemap_pixel_m})},
          {"basemap_crs", g.basemap_crs},
          {"control_points", std::move(points)},
          {"levels_searched", g.levels_searched}};
}

J EncFeatures(const Features& f) {
  std::vector<float> points;
  std::vector<std::int32_t> octaves;
  for (const auto& k : f.keypoints) {
    points.insert(points.end(), {k.pt.x, k.pt.y, k.size, k.angle, k.response});
    octaves.insert(octaves.end(), {k.octave, k.class_id});
  }
  return {{"points", Bytes(points.data(), points.size() * sizeof(float))},
          {"octaves", Bytes(octaves.data(), octaves.size() * sizeof(std::int32_t))},
          {"descriptors", EncMat(f.descriptors)},
          {"binary", f.binary},
          {"size", J::array({f.image_size.width, f.image_size.height})}};
}

Features LoadOrThrow(const SpilledFeatures& spilled) {
  auto f = spilled.Load();
  if (!f.ok()) throw std::runtime_error(f.error().message);
  return std::move(*f);
}

J EncPhoto(const PhotoRecord& p) {
  J clues = J::array();
  for (const auto& c : p.clues) clues.push_back(EncClue(c));
  J errors = J::array();
  for (const auto& e : p.errors) errors.push_back(J::array({e.step, e.message}));
  J pictures = J::array();
  for (const auto& pic : p.pictures) {
    auto shown = pic.ShownBytes();
    if (!shown.ok()) throw std::runtime_error(p.path + ": " + shown.error().message);
    pictures.push_back({{"name", pic.name},
                        {"path", pic.path},
                        {"image", EncMat(pic.image)},
                        {"shown", J::binary(std::move(*shown))}});
  }
  J seconds = J::object();
  for (const auto& [step, s] : p.step_seconds) seconds[step] = s;
  return {
      {"path", p.path},
      {"absolute", p.absolute.string()},
      {"sha256", p.sha256},
      {"metadata", EncMetadata(p.metadata)},
      {"forensics", p.forensics},
      {"findings", EncFindings(p.findings)},
      {"clues", std::move(clues)},
      {"errors", std::move(errors)},
      {"pictures", std::move(pictures)},
      {"text", p.text},
      {"georef", p.georef ? EncGeoref(*p.georef) : J(nullptr)},
      {"warped_path", p.warped_path},
      {"taken_at_utc", Opt(p.taken_at_utc)},
      {"taken_at_utc_source", p.taken_at_utc_source},
      {"features", p.features ? EncFeatures(LoadOrThrow(*p.features)) : J(nullptr)},
      {"view_features", p.view_features ? EncFeatures(LoadOrThrow(*p.view_features)) : J(nullptr)},
      {"place_group", p.place_group},
      {"step_seconds", std::move(seconds)},
      {"unreadable", p.unreadable},
      {"frame",
       p.frame ? J::array({p.frame->video, p.frame->video_sha256, p.frame->offset_s}) : J(nullptr)},
      {"files_written", p.files_written}};
}

J EncEvidence(const EvidenceRecord& e) {
  return J::array(
      {e.path, e.sha256, e.bytes, e.modified_utc, e.intake_utc, e.kind, e.error, e.listing_index});
}

// ---- decoding: the same fields; a wrong type throws (json's exceptions) ---------------------

template <typename T>
std::optional<T> GetOpt(const J& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<T>();
}

template <typename T>
void Get(const J& j, const char* key, T& out) {
  out = j.at(key).get<T>();
}

const std::vector<std::uint8_t>& Binary(const J& j) {
  if (!j.is_binary()) throw std::runtime_error("a binary field is not binary");
  return j.get_binary();
}

template <typename T>
std::vector<T> Array(const J& j) {
  const auto& bytes = Binary(j);
  if (bytes.size() % sizeof(T) != 0) throw std::runtime_error("an array has a broken size");
  std::vector<T> out(bytes.size() / sizeof(T));
  if (!bytes.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

cv::Mat DecMat(const J& j) {
  const int rows = j.at("rows").get<int>(), cols = j.at("cols").get<int>();
  const int type = j.at("type").get<int>();
  if (rows < 0 || cols < 0 || rows > 100000 || cols > 100000 || (type & ~0xFFF) != 0)
    throw std::runtime_error("a picture has an impossible size or type");
  const std::size_t bytes =
      static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols) * CV_ELEM_SIZE(type);
  if (j.contains("png")) {
    const auto& png = Binary(j["png"]);
    cv::Mat m = cv::imdecode(png, cv::IMREAD_UNCHANGED);
    if (m.rows != rows || m.cols != cols || m.type() != type)
      throw std::runtime_error("a picture does not decode to its recorded size");
    return m;
  }
  const auto& raw = Binary(j.at("raw"));
  if (raw.size() != bytes) throw std::runtime_error("a matrix does not hold its recorded size");
  cv::Mat m(rows, cols, type);
  if (!raw.empty()) std::memcpy(m.data, raw.data(), raw.size());
  return m;
}

std::optional<CivilTime> DecTime(const J& j) {
  if (j.is_null()) return std::nullopt;
  const auto v = j.get<std::vector<int>>();
  if (v.size() != 6) throw std::runtime_error("a time has the wrong number of fields");
  return CivilTime{v[0], v[1], v[2], v[3], v[4], v[5]};
}

std::vector<Finding> DecFindings(const J& j) {
  std::vector<Finding> out;
  for (const auto& f : j) {
    const int severity = f.at(1).get<int>();
    if (severity < 0 || severity > 2) throw std::runtime_error("a finding has no severity");
    out.push_back({f.at(0).get<std::string>(), static_cast<Severity>(severity),
                   f.at(2).get<std::string>(), f.at(3).get<std::string>()});
  }
  return out;
}

LatLon DecLatLon(const J& j) { return {j.at(0).get<double>(), j.at(1).get<double>()}; }

std::vector<LatLon> DecRing(const J& j) {
  std::vector<LatLon> ring;
  for (const auto& p : j) ring.push_back(DecLatLon(p));
  return ring;
}

PhotoMetadata DecMetadata(const J& j) {
  PhotoMetadata m;
  Get(j, "file", m.file), Get(j, "sha256", m.sha256), Get(j, "bytes", m.bytes);
  Get(j, "format", m.format), Get(j, "width", m.width), Get(j, "height", m.height);
  Get(j, "make", m.make), Get(j, "model", m.model), Get(j, "serial", m.serial);
  Get(j, "lens", m.lens), Get(j, "software", m.software);
  m.orientation = GetOpt<int>(j.at("orientation"));
  m.datetime_original = DecTime(j.at("datetime_original"));
  Get(j, "subsec_original", m.subsec_original);
  m.datetime_modified = DecTime(j.at("datetime_modified"));
  m.offset_time_original_s = GetOpt<int>(j.at("offset_time_original_s"));
  m.taken_at_utc = GetOpt<std::int64_t>(j.at("taken_at_utc"));
  Get(j, "taken_at_utc_source", m.taken_at_utc_source);
  Get(j, "time_zone", m.time_zone), Get(j, "zone_at_gps", m.zone_at_gps);
  m.zone_at_gps_offset_s = GetOpt<int>(j.at("zone_at_gps_offset_s"));
  if (const J& g = j.at("gps"); !g.is_null()) {
    GpsFix f;
    Get(g, "lat", f.lat_deg), Get(g, "lon", f.lon_deg), Get(g, "valid", f.position_valid);
    f.alt_m = GetOpt<double>(g.at("alt_m"));
    f.utc_seconds = GetOpt<double>(g.at("utc"));
    f.direction_deg = GetOpt<double>(g.at("direction"));
    Get(g, "ref", f.direction_ref);
    f.speed_kmh = GetOpt<double>(g.at("speed"));
    Get(g, "datum", f.map_datum), Get(g, "problem", f.problem);
    m.gps = f;
  }
  if (const J& t = j.at("thumbnail"); !t.is_null())
    m.thumbnail =
        ThumbnailInfo{t.at(0).get<int>(), t.at(1).get<int>(), t.at(2).get<std::uint64_t>(), {}};
  if (const J& s = j.at("jpeg"); !s.is_null()) {
    JpegSummary x;
    x.quality_estimate = GetOpt<int>(s.at("quality"));
    Get(s, "standard_tables", x.standard_tables), Get(s, "subsampling", x.subsampling);
    Get(s, "progressive", x.progressive), Get(s, "app_ids", x.app_ids);
    Get(s, "comments", x.comments), Get(s, "trailing_bytes", x.trailing_bytes);
    Get(s, "has_eoi", x.has_eoi);
    m.jpeg = x;
  }
  if (const J& v = j.at("video"); !v.is_null()) {
    VideoSummary x;
    Get(v, "container", x.container), Get(v, "codec", x.codec);
    Get(v, "duration_s", x.duration_s), Get(v, "fps", x.fps), Get(v, "width", x.width);
    Get(v, "height", x.height), Get(v, "rotation", x.rotation_deg), Get(v, "audio", x.has_audio);
    Get(v, "has_video", x.has_video), Get(v, "frames", x.frames_extracted);
    Get(v, "location_key", x.location_key), Get(v, "encoder", x.encoder);
    x.container_utc = GetOpt<std::int64_t>(v.at("container_utc"));
    m.video = x;
  }
  if (const J& h = j.at("heif"); !h.is_null())
    m.heif = HeifSummary{h.at(0).get<std::string>(), h.at(1).get<int>(), h.at(2).get<std::string>(),
                         h.at(3).get<bool>(),        h.at(4).get<int>(), h.at(5).get<bool>()};
  const J& has = j.at("has");
  m.has_exif = has.at(0).get<bool>(), m.has_iptc = has.at(1).get<bool>();
  m.has_xmp = has.at(2).get<bool>();
  Get(j, "xmp_creator_tool", m.xmp_creator_tool);
  Get(j, "xmp_history_agents", m.xmp_history_agents);
  Get(j, "iptc_special_instructions", m.iptc_special_instructions);
  for (const auto& t : j.at("tags"))
    m.tags.emplace_back(t.at(0).get<std::string>(), t.at(1).get<std::string>());
  m.findings = DecFindings(j.at("findings"));
  m.error = GetOpt<std::string>(j.at("error"));
  return m;
}

Clue DecClue(const J& j) {
  Clue c;
  Get(j, "kind", c.kind), Get(j, "photo", c.photo), Get(j, "sha256", c.sha256);
  Get(j, "description", c.description);
  if (const J& p = j.at("point"); !p.is_null()) c.point = DecLatLon(p);
  Get(j, "uncertainty_m", c.uncertainty_m);
  for (const auto& ring : j.at("polygons")) c.polygons.push_back(DecRing(ring));
  if (const J& g = j.at("likelihood"); !g.is_null()) {
    LikelihoodGrid grid;
    Get(g, "min_lon", grid.min_lon), Get(g, "max_lat", grid.max_lat);
    Get(g, "resolution", grid.resolution_deg), Get(g, "width", grid.width);
    Get(g, "height", grid.height);
    grid.values = Array<float>(g.at("values"));
    if (grid.width < 0 || grid.height < 0 ||
        grid.values.size() != static_cast<std::size_t>(grid.width) * grid.height)
      throw std::runtime_error("a likelihood grid does not hold its recorded size");
    c.likelihood = std::move(grid);
  }
  Get(j, "excludes", c.excludes), Get(j, "confidence", c.confidence);
  Get(j, "confidence_note", c.confidence_note);
  c.params = j.at("params");
  return c;
}

GeorefResult DecGeoref(const J& j) {
  GeorefResult g;
  Get(j, "ok", g.ok), Get(j, "message", g.message), Get(j, "method", g.method);
  Get(j, "fields_correlation", g.fields_correlation), Get(j, "weak_place", g.weak_place);
  g.basemap = j.at("basemap").get<std::string>();
  Get(j, "tentative", g.tentative), Get(j, "inliers", g.inliers);
  Get(j, "inlier_ratio", g.inlier_ratio);
  Get(j, "best_candidate_inliers", g.best_candidate_inliers);
  const auto h = j.at("homography").get<std::vector<double>>();
  if (h.size() != 9) throw std::runtime_error("a homography has the wrong size");
  for (int i = 0; i < 9; ++i) g.homography.val[i] = h[static_cast<std::size_t>(i)];
  g.photo_size = {j.at("photo_size").at(0).get<int>(), j.at("photo_size").at(1).get<int>()};
  const J& corners = j.at("corners");
  for (std::size_t i = 0; i < 4; ++i)
    if (!corners.at(i).is_null()) g.corners[i] = DecLatLon(corners[i]);
  g.footprint = DecRing(j.at("footprint"));
  const J& r = j.at("rmse");
  g.rmse_m = r.at(0).get<double>(), g.rmse_px = r.at(1).get<double>();
  g.gsd_m = r.at(2).get<double>(), g.basemap_pixel_m = r.at(3).get<double>();
  Get(j, "basemap_crs", g.basemap_crs);
  for (const auto& p : j.at("control_points")) {
    const auto v = p.get<std::vector<double>>();
    if (v.size() != 9) throw std::runtime_error("a control point has the wrong size");
    g.control_points.push_back({{v[0], v[1]}, {v[2], v[3]}, {v[4], v[5]}, {v[6], v[7]}, v[8]});
  }
  Get(j, "levels_searched", g.levels_searched);
  return g;
}

Features DecFeatures(const J& j) {
  Features f;
  const auto points = Array<float>(j.at("points"));
  const auto octaves = Array<std::int32_t>(j.at("octaves"));
  if (points.size() % 5 != 0 || octaves.size() != points.size() / 5 * 2)
    throw std::runtime_error("features have broken keypoints");
  for (std::size_t i = 0; i < points.size() / 5; ++i) {
    cv::KeyPoint k({points[5 * i], points[5 * i + 1]}, points[5 * i + 2], points[5 * i + 3],
                   points[5 * i + 4], octaves[2 * i], octaves[2 * i + 1]);
    f.keypoints.push_back(k);
  }
  f.descriptors = DecMat(j.at("descriptors"));
  if (f.descriptors.rows != static_cast<int>(f.keypoints.size()))
    throw std::runtime_error("features have more or fewer descriptors than keypoints");
  Get(j, "binary", f.binary);
  f.image_size = {j.at("size").at(0).get<int>(), j.at("size").at(1).get<int>()};
  return f;
}

// `spill` receives the photo's features (made on the first photo that has some).
PhotoRecord DecPhoto(const J& j, const std::filesystem::path& scratch_dir,
                     std::shared_ptr<FeatureSpill>& spill) {
  PhotoRecord p;
  Get(j, "path", p.path);
  p.absolute = j.at("absolute").get<std::string>();
  Get(j, "sha256", p.sha256);
  p.metadata = DecMetadata(j.at("metadata"));
  p.forensics = j.at("forensics");
  p.findings = DecFindings(j.at("findings"));
  for (const auto& c : j.at("clues")) p.clues.push_back(DecClue(c));
  for (const auto& e : j.at("errors"))
    p.errors.push_back({e.at(0).get<std::string>(), e.at(1).get<std::string>()});
  for (const auto& pic : j.at("pictures"))
    p.pictures.push_back({pic.at("name").get<std::string>(),
                          DecMat(pic.at("image")),
                          pic.at("path").get<std::string>(),
                          Binary(pic.at("shown")),
                          {}});
  p.text = j.at("text");
  if (const J& g = j.at("georef"); !g.is_null()) p.georef = DecGeoref(g);
  Get(j, "warped_path", p.warped_path);
  p.taken_at_utc = GetOpt<std::int64_t>(j.at("taken_at_utc"));
  Get(j, "taken_at_utc_source", p.taken_at_utc_source);
  const auto spill_features = [&](const J& f) {
    if (!spill) {
      auto made = FeatureSpill::Create(scratch_dir);
      if (!made.ok()) throw std::runtime_error(made.error().message);
      spill = std::move(*made);
    }
    auto spilled = spill->Put(DecFeatures(f));
    if (!spilled.ok()) throw std::runtime_error(spilled.error().message);
    return std::move(*spilled);
  };
  if (const J& f = j.at("features"); !f.is_null()) p.features = spill_features(f);
  if (const J& f = j.at("view_features"); !f.is_null()) p.view_features = spill_features(f);
  Get(j, "place_group", p.place_group);
  for (const auto& [step, s] : j.at("step_seconds").items()) p.step_seconds[step] = s.get<double>();
  Get(j, "unreadable", p.unreadable);
  if (const J& f = j.at("frame"); !f.is_null())
    p.frame =
        FrameSource{f.at(0).get<std::string>(), f.at(1).get<std::string>(), f.at(2).get<double>()};
  Get(j, "files_written", p.files_written);
  return p;
}

EvidenceRecord DecEvidence(const J& j) {
  EvidenceRecord e;
  e.path = j.at(0).get<std::string>(), e.sha256 = j.at(1).get<std::string>();
  e.bytes = j.at(2).get<std::uint64_t>(), e.modified_utc = j.at(3).get<std::string>();
  e.intake_utc = j.at(4).get<std::string>(), e.kind = j.at(5).get<std::string>();
  e.error = j.at(6).get<std::string>(), e.listing_index = j.at(7).get<std::size_t>();
  return e;
}

}  // namespace

Status WriteShardFile(const std::filesystem::path& path, const ShardHeader& header, const Case& c) {
  J evidence = J::array(), shared = J::array(), photos = J::array(), videos = J::array();
  for (const auto& e : c.evidence) evidence.push_back(EncEvidence(e));
  for (const auto& e : c.shared) shared.push_back(EncEvidence(e));
  try {
    for (const auto& p : c.photos) photos.push_back(EncPhoto(p));
  } catch (const std::exception& e) {
    return MakeError(path.string() + ": " + e.what());
  }
  for (const auto& v : c.videos)
    videos.push_back({{"path", v.path},
                      {"absolute", v.absolute.string()},
                      {"sha256", v.sha256},
                      {"metadata", EncMetadata(v.metadata)},
                      {"frames", v.frames},
                      {"error", v.error}});
  const J root = {{"format", kFormat},
                  {"version", kVersion},
                  {"tool_version", header.tool_version},
                  {"shard", header.slice.index},
                  {"shards", header.slice.count},
                  {"case_dir", header.case_dir.string()},
                  {"case_yaml_sha256", header.case_yaml_sha256},
                  {"data_dir", header.data_dir},
                  {"frames_dir", header.frames_dir.string()},
                  {"run_args", header.run_args},
                  {"listing", J::array({c.listing_size, c.listing_sha256})},
                  {"intake_utc", c.intake_utc},
                  {"steps_run", c.steps_run},
                  {"steps_skipped", c.steps_skipped},
                  {"evidence", std::move(evidence)},
                  {"shared", std::move(shared)},
                  {"photos", std::move(photos)},
                  {"videos", std::move(videos)}};
  const std::vector<std::uint8_t> bytes = J::to_cbor(root);
  return WriteFileAtomic(path, std::string(bytes.begin(), bytes.end()));
}

Result<Shard> ReadShardFile(const std::filesystem::path& path) {
  std::vector<std::uint8_t> bytes;
  if (auto st = ReadFileBounded(path, std::uint64_t{64} << 30, bytes); !st.ok()) return st.error();
  Shard shard;
  shard.file = path;
  try {
    const J root = J::from_cbor(bytes);
    if (!root.is_object() || root.value("format", "") != kFormat)
      return MakeError(path.string() + ": not a geoverify shard file");
    if (root.at("version").get<int>() != kVersion)
      return MakeError(path.string() + ": shard file version " + root.at("version").dump() +
                       ", this geoverify reads version " + std::to_string(kVersion));
    ShardHeader& h = shard.header;
    Get(root, "tool_version", h.tool_version);
    Get(root, "shard", h.slice.index), Get(root, "shards", h.slice.count);
    h.case_dir = root.at("case_dir").get<std::string>();
    Get(root, "case_yaml_sha256", h.case_yaml_sha256);
    Get(root, "data_dir", h.data_dir);
    h.frames_dir = root.at("frames_dir").get<std::string>();
    Get(root, "run_args", h.run_args);
    Case& c = shard.c;
    c.dir = h.case_dir;
    c.listing_size = root.at("listing").at(0).get<std::size_t>();
    c.listing_sha256 = root.at("listing").at(1).get<std::string>();
    Get(root, "intake_utc", c.intake_utc);
    Get(root, "steps_run", c.steps_run), Get(root, "steps_skipped", c.steps_skipped);
    for (const auto& e : root.at("evidence")) c.evidence.push_back(DecEvidence(e));
    for (const auto& e : root.at("shared")) c.shared.push_back(DecEvidence(e));
    std::shared_ptr<FeatureSpill> spill;
    for (const auto& p : root.at("photos"))
      c.photos.push_back(DecPhoto(p, path.parent_path(), spill));
    c.feature_spill = spill;
    for (const auto& v : root.at("videos")) {
      VideoRecord video;
      Get(v, "path", video.path);
      video.absolute = v.at("absolute").get<std::string>();
      Get(v, "sha256", video.sha256);
      video.metadata = DecMetadata(v.at("metadata"));
      Get(v, "frames", video.frames), Get(v, "error", video.error);
      c.videos.push_back(std::move(video));
    }
  } catch (const std::exception& e) {
    return MakeError(path.string() + ": damaged shard file (" + SanitizeUtf8(e.what()) + ")");
  }
  return shard;
}

namespace {

std::string JoinArgs(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& a : args) out += (out.empty() ? "" : " ") + a;
  return out;
}

// The frame's path moved from the shard's frames folder to the merge's.
std::filesystem::path MoveFrame(const std::filesystem::path& file,
                                const std::filesystem::path& from,
                                const std::filesystem::path& to) {
  const auto rel = file.lexically_relative(from);
  if (rel.empty() || *rel.begin() == "..") return file;
  return to / rel;
}

}  // namespace

Result<Case> JoinShards(std::vector<Shard>& shards, const std::filesystem::path& frames_dir) {
  if (shards.empty()) return MakeError("no shard to merge");
  const ShardHeader& first = shards.front().header;
  const int n = first.slice.count;
  std::set<int> seen;
  for (const auto& s : shards) {
    const ShardHeader& h = s.header;
    const auto differs = [&](const std::string& what, const std::string& a, const std::string& b) {
      return MakeError(s.file.string() + ": not a shard of the same run as " +
                       shards.front().file.string() + " (" + what + ": '" + a + "' vs '" + b +
                       "')");
    };
    if (h.slice.count != n)
      return differs("shards", std::to_string(h.slice.count), std::to_string(n));
    if (h.case_dir != first.case_dir)
      return differs("case folder", h.case_dir.string(), first.case_dir.string());
    if (h.tool_version != first.tool_version)
      return differs("geoverify version", h.tool_version, first.tool_version);
    if (h.case_yaml_sha256 != first.case_yaml_sha256)
      return differs("case.yaml SHA-256", h.case_yaml_sha256, first.case_yaml_sha256);
    if (h.data_dir != first.data_dir) return differs("data folder", h.data_dir, first.data_dir);
    if (s.c.listing_sha256 != shards.front().c.listing_sha256)
      return MakeError(s.file.string() + " and " + shards.front().file.string() +
                       " saw different files in the case folder (" +
                       std::to_string(s.c.listing_size) + " vs " +
                       std::to_string(shards.front().c.listing_size) +
                       "): files were added, removed or renamed between the shards' runs; run "
                       "them again");
    if (h.run_args != first.run_args)
      return differs("options", JoinArgs(h.run_args), JoinArgs(first.run_args));
    if (!seen.insert(h.slice.index).second)
      return MakeError(s.file.string() + ": shard " + std::to_string(h.slice.index) + "/" +
                       std::to_string(n) + " is given twice");
  }
  if (static_cast<int>(seen.size()) != n) {
    std::string missing;
    for (int k = 0; k < n; ++k)
      if (!seen.count(k)) missing += (missing.empty() ? "" : ", ") + std::to_string(k);
    return MakeError("shards missing: " + missing + " (of " + std::to_string(n) +
                     "); the merge needs every one");
  }
  Case c;
  c.dir = first.case_dir;
  c.steps_run = shards.front().c.steps_run;
  c.steps_skipped = shards.front().c.steps_skipped;
  c.intake_utc = shards.front().c.intake_utc;
  // Evidence in the listing's order; the files every shard took in (case.yaml, references,
  // basemaps) once, and only if every shard saw the same bytes.
  std::map<std::size_t, EvidenceRecord> evidence;
  for (auto& s : shards) {
    c.intake_utc = std::min(c.intake_utc, s.c.intake_utc);
    for (auto& e : s.c.evidence) {
      auto [it, added] = evidence.emplace(e.listing_index, e);
      if (!added && (it->second.path != e.path || it->second.sha256 != e.sha256))
        return MakeError(e.path + ": changed while the shards took it in (SHA-256 " +
                         it->second.sha256 + " vs " + e.sha256 + ")");
    }
  }
  // Every listed file has its record, from one slice or (named by case.yaml) from each.
  if (evidence.size() != shards.front().c.listing_size ||
      (!evidence.empty() && evidence.rbegin()->first + 1 != evidence.size()))
    return MakeError("the shards hold " + std::to_string(evidence.size()) + " of the " +
                     std::to_string(shards.front().c.listing_size) +
                     " files the case folder listed: a shard file is incomplete");
  std::map<std::string, std::size_t> order;  // evidence path -> position
  for (auto& [index, e] : evidence) {
    order[e.path] = c.evidence.size();
    c.evidence.push_back(std::move(e));
  }
  // Photos and videos in evidence order, then the keyframes by video, in time order.
  std::map<std::size_t, PhotoRecord> photos;
  std::map<std::size_t, VideoRecord> videos;
  std::map<std::string, PhotoRecord> frames;         // by path ("video#t=...")
  std::map<std::string, EvidenceRecord> frame_rows;  // by the frame's old file
  for (auto& s : shards) {
    const auto& from = s.header.frames_dir;
    for (auto& e : s.c.shared) frame_rows.emplace(e.path, std::move(e));
    for (auto& p : s.c.photos) {
      if (p.frame) {
        const std::string old_file = p.absolute.string();
        p.absolute = MoveFrame(p.absolute, from, frames_dir);
        if (auto row = frame_rows.find(old_file); row != frame_rows.end())
          row->second.path = p.absolute.string();
        const std::string key = p.path;
        if (!frames.emplace(key, std::move(p)).second)
          return MakeError(key + ": a keyframe is in two shards");
        continue;
      }
      const auto at = order.find(p.path);
      if (at == order.end()) return MakeError(p.path + ": a photo without its evidence record");
      if (!photos.emplace(at->second, std::move(p)).second)
        return MakeError(c.evidence[at->second].path + ": a photo is in two shards");
    }
    for (auto& v : s.c.videos) {
      const auto at = order.find(v.path);
      if (at == order.end()) return MakeError(v.path + ": a video without its evidence record");
      if (!videos.emplace(at->second, std::move(v)).second)
        return MakeError(c.evidence[at->second].path + ": a video is in two shards");
    }
  }
  for (auto& [index, p] : photos) c.photos.push_back(std::move(p));
  for (auto& [index, v] : videos) c.videos.push_back(std::move(v));
  for (const auto& v : c.videos)
    for (const auto& path : v.frames) {
      auto f = frames.find(path);
      if (f == frames.end()) return MakeError(path + ": a keyframe of " + v.path + " is missing");
      // The manifest's row of the keyframe, as the single run lists it.
      for (auto& [old_file, row] : frame_rows)
        if (row.path == f->second.absolute.string()) c.shared.push_back(row);
      c.photos.push_back(std::move(f->second));
      frames.erase(f);
    }
  if (!frames.empty()) return MakeError(frames.begin()->first + ": a keyframe without its video");
  return c;
}

}  // namespace gv
