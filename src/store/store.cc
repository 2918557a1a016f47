#include "store/store.h"

#include <cpl_conv.h>
#include <gdal.h>
#include <ogr_api.h>

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "forensics/hashes.h"
#include "geo/ogr_init.h"
#include "image/evidence.h"
#include "match/features.h"
#include "match/pair_match.h"
#include "match/vocabulary.h"
#include "util/file.h"
#include "util/sha256.h"
#include "util/text.h"

namespace gv {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// The layers of case.gpkg pushed as they are: each feature's attributes as JSON, its
// geometry, and the photo it belongs to (the field naming it, if any).
struct LayerSpec {
  const char* name;
  const char* file_field;
};
// (The photos come from photos.json: the GeoPackage's photos layer holds only those with a
// position.)
constexpr LayerSpec kLayers[] = {
    {"findings", "file"}, {"clues", "photo"},   {"footprints", "photo"}, {"hypotheses", ""},
    {"regions", ""},      {"place_groups", ""}, {"evidence", "path"},
};

// The schema: one table per layer under gv.cases (rows go with their case), the grants
// table, the links, the files. Row-level security: a unit reads the rows of its own cases
// and of the cases shared with it, and writes only its own. The read policies are
// subqueries (gv.cases under its own policy), which PostgreSQL evaluates once per query as a
// hashed set, not once per row; gv.owns looks at gv.cases past its policy (SECURITY
// DEFINER), with the caller's role passed in by the policy.
//
// Points carry a grid cell (0.1 degree) with a B-tree index: under row-level security
// PostgreSQL uses an index only for leakproof operators, which integer equality is and
// PostGIS's are not, so near-place queries find their rows by cell, then by distance.
std::string SchemaSql() {
  std::string sql = R"SQL(
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE SCHEMA IF NOT EXISTS gv;
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'geoverify_unit') THEN
    CREATE ROLE geoverify_unit NOLOGIN;
  END IF;
END $$;
CREATE TABLE IF NOT EXISTS gv.cases (
  case_id text PRIMARY KEY CHECK (length(case_id) BETWEEN 1 AND 200),
  unit text NOT NULL DEFAULT current_user,
  title text, case_dir text, tool_version text,
  pushed_utc timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS gv.share (
  case_id text NOT NULL REFERENCES gv.cases ON DELETE CASCADE,
  unit text NOT NULL,
  granted_by text NOT NULL DEFAULT current_user,
  granted_utc timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, unit));
CREATE TABLE IF NOT EXISTS gv.files (
  case_id text NOT NULL REFERENCES gv.cases ON DELETE CASCADE,
  unit text NOT NULL DEFAULT current_user,
  path text NOT NULL, sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  redacted boolean NOT NULL, bytes bytea NOT NULL,
  PRIMARY KEY (case_id, path));
CREATE TABLE IF NOT EXISTS gv.cross_case (
  case_id text NOT NULL REFERENCES gv.cases ON DELETE CASCADE,
  unit text NOT NULL DEFAULT current_user,
  photo text NOT NULL, sha256 text NOT NULL,
  other_case text NOT NULL, other_unit text NOT NULL, other_photo text NOT NULL,
  other_sha256 text NOT NULL, match text NOT NULL, bits int NOT NULL,
  linked_utc timestamptz NOT NULL DEFAULT now());
CREATE INDEX IF NOT EXISTS cross_case_case ON gv.cross_case (case_id);
ALTER TABLE gv.cross_case ADD COLUMN IF NOT EXISTS inliers int;
CREATE TABLE IF NOT EXISTS gv.features (
  case_id text NOT NULL REFERENCES gv.cases ON DELETE CASCADE,
  unit text NOT NULL DEFAULT current_user,
  file text NOT NULL, width int NOT NULL, height int NOT NULL,
  keypoints bytea NOT NULL, descriptors bytea NOT NULL,
  PRIMARY KEY (case_id, file));
ALTER TABLE gv.features ADD COLUMN IF NOT EXISTS vocabulary int;
ALTER TABLE gv.features ADD COLUMN IF NOT EXISTS words int;
ALTER TABLE gv.features ADD COLUMN IF NOT EXISTS signature varbit;
CREATE TABLE IF NOT EXISTS gv.vocabulary (
  version serial PRIMARY KEY,
  words int NOT NULL CHECK (words BETWEEN 16 AND 65536),
  centers bytea NOT NULL,
  photos int NOT NULL,
  trained_by text NOT NULL DEFAULT current_user,
  trained_utc timestamptz NOT NULL DEFAULT now());
GRANT USAGE ON SEQUENCE gv.vocabulary_version_seq TO geoverify_unit;
CREATE OR REPLACE FUNCTION gv.owns(c text, who name) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = gv, pg_temp AS
  $f$ SELECT EXISTS (SELECT 1 FROM gv.cases WHERE case_id = c AND unit = who) $f$;
GRANT USAGE ON SCHEMA gv TO geoverify_unit;
ALTER TABLE gv.cases ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS unit_rows ON gv.cases;
CREATE POLICY unit_rows ON gv.cases
  USING (unit = current_user
         OR case_id IN (SELECT s.case_id FROM gv.share s WHERE s.unit = current_user))
  WITH CHECK (unit = current_user);
ALTER TABLE gv.share ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS unit_rows ON gv.share;
CREATE POLICY unit_rows ON gv.share
  USING (unit = current_user OR gv.owns(case_id, current_user))
  WITH CHECK (gv.owns(case_id, current_user));
)SQL";
  std::vector<std::string> tables = {"files", "cross_case", "features"};
  std::vector<std::string> layers = {"photos"};
  for (const auto& layer : kLayers) layers.emplace_back(layer.name);
  for (const auto& name : layers) {
    const std::string t = "gv." + name;
    tables.push_back(name);
    sql += "CREATE TABLE IF NOT EXISTS " + t +
           " (case_id text NOT NULL REFERENCES gv.cases ON DELETE CASCADE,"
           " unit text NOT NULL DEFAULT current_user, fid bigint NOT NULL, file text,"
           " sha256 text, attributes jsonb NOT NULL, geom geometry(Geometry, 4326),"
           " PRIMARY KEY (case_id, fid));\n";
    sql += "CREATE INDEX IF NOT EXISTS " + name + "_geog ON " + t +
           " USING gist ((geom::geography));\n";
  }
  sql += R"SQL(
ALTER TABLE gv.photos ADD COLUMN IF NOT EXISTS phash bigint;
ALTER TABLE gv.photos ADD COLUMN IF NOT EXISTS cell bigint GENERATED ALWAYS AS (CELL) STORED;
ALTER TABLE gv.hypotheses ADD COLUMN IF NOT EXISTS cell bigint GENERATED ALWAYS AS (CELL) STORED;
CREATE INDEX IF NOT EXISTS photos_cell ON gv.photos (cell);
CREATE INDEX IF NOT EXISTS hypotheses_cell ON gv.hypotheses (cell);
ALTER TABLE gv.photos ADD COLUMN IF NOT EXISTS crop_hashes bigint[];
CREATE INDEX IF NOT EXISTS photos_sha256 ON gv.photos (sha256);
DO $$ BEGIN
  ALTER TABLE gv.photos ADD CONSTRAINT photos_sha256_hex CHECK (sha256 ~ '^[0-9a-f]{64}$');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
)SQL";
  const std::string cell =
      "CASE WHEN geom IS NULL THEN NULL ELSE (floor(ST_Y(ST_Centroid(geom)) * 10) + 900)::bigint"
      " * 4000 + (floor(ST_X(ST_Centroid(geom)) * 10) + 1800)::bigint END";
  for (std::size_t at; (at = sql.find("(CELL)")) != std::string::npos;)
    sql.replace(at, 6, "(" + cell + ")");
  for (const auto& t : tables) {
    sql += "ALTER TABLE gv." + t + " ENABLE ROW LEVEL SECURITY;\n";
    sql += "DROP POLICY IF EXISTS unit_rows ON gv." + t + ";\n";
    sql += "CREATE POLICY unit_rows ON gv." + t +
           " USING (case_id IN (SELECT c.case_id FROM gv.cases c))"
           " WITH CHECK (unit = current_user AND gv.owns(case_id, current_user));\n";
  }
  sql += "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA gv TO geoverify_unit;\n";
  sql += "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA gv TO geoverify_unit;\n";
  return sql;
}

// A string member of a JSON object, "" when it is missing or not a string (a hand-edited or
// damaged output must not throw).
std::string Str(const json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string Int64Text(std::uint64_t v) { return std::to_string(static_cast<std::int64_t>(v)); }

// A feature's attributes as JSON (numbers as numbers, text as text, unset as null).
json FeatureAttributes(OGRFeatureH feature) {
  json out = json::object();
  const int n = OGR_F_GetFieldCount(feature);
  for (int i = 0; i < n; ++i) {
    OGRFieldDefnH field = OGR_F_GetFieldDefnRef(feature, i);
    const std::string name = OGR_Fld_GetNameRef(field);
    if (!OGR_F_IsFieldSetAndNotNull(feature, i)) {
      out[name] = nullptr;
      continue;
    }
    switch (OGR_Fld_GetType(field)) {
      case OFTInteger:
      case OFTInteger64:
        out[name] = OGR_F_GetFieldAsInteger64(feature, i);
        break;
      case OFTReal:
        out[name] = OGR_F_GetFieldAsDouble(feature, i);
        break;
      default:
        // Text from the evidence's metadata may hold bytes that are not UTF-8.
        out[name] = SanitizeUtf8(OGR_F_GetFieldAsString(feature, i));
    }
  }
  return out;
}

// What the store keeps of a photo's pixels: crop-tolerant hashes (the same picture) and a
// few hundred local features (the same place seen otherwise).
struct PhotoDigest {
  CropHashes hashes;
  std::optional<Features> features;
};

// The features the store keeps: 500 RootSIFT on the photo at 1024 px at most (68 kB a
// photo as stored), enough to verify that two photos show one place.
FeatureOptions StoreFeatureOptions() {
  FeatureOptions o;
  o.max_features = 500;
  o.detection_max_side = 1024;
  return o;
}

// The digests of the photos of a case output, by their name in photos.json: the evidence
// (or the video keyframe) read again, read-only, and checked against its recorded SHA-256
// first.
std::map<std::string, PhotoDigest> DigestPhotos(const fs::path& out_dir, const fs::path& case_dir,
                                                const json& photos) {
  std::map<std::string, PhotoDigest> out;
  if (!photos.is_array()) return out;
  for (const auto& p : photos) {
    if (!p.is_object() || !p.contains("file") || !p["file"].is_string()) continue;
    const std::string file = p["file"].get<std::string>();
    const std::string sha256 = Str(p, "sha256");
    fs::path path = case_dir / file;
    if (p.contains("video_frame") && p["video_frame"].is_object() &&
        p["video_frame"].contains("frame_file") && p["video_frame"]["frame_file"].is_string())
      path = out_dir / p["video_frame"]["frame_file"].get<std::string>();
    auto evidence = OpenEvidence(path);
    if (!evidence.ok()) continue;
    // A keyframe's record carries its video's hash; a photo's must still match its file.
    const bool frame = p.contains("video_frame") && p["video_frame"].is_object();
    if (!frame && evidence->sha256() != sha256) continue;
    const auto& pixels = evidence->Pixels();
    if (!pixels.ok() || pixels->empty()) continue;
    PhotoDigest& d = out[file];
    d.hashes = ComputeCropHashes(*pixels);
    if (auto f = DetectFeatures(*pixels, StoreFeatureOptions()); f.ok() && !f->binary)
      d.features = std::move(*f);
  }
  return out;
}

// Features as stored: keypoints as float32 (x, y) pairs, descriptors as bytes (RootSIFT
// components are at most 1 and mostly under 0.5: x 512, clamped).
constexpr float kDescriptorScale = 512.0f;
std::string PackKeypoints(const Features& f) {
  std::string out(f.keypoints.size() * 2 * sizeof(float), '\0');
  for (std::size_t i = 0; i < f.keypoints.size(); ++i) {
    const float xy[2] = {f.keypoints[i].pt.x, f.keypoints[i].pt.y};
    std::memcpy(out.data() + i * sizeof xy, xy, sizeof xy);
  }
  return out;
}
std::string PackDescriptors(const Features& f) {
  cv::Mat bytes;
  f.descriptors.convertTo(bytes, CV_8U, kDescriptorScale);  // saturating
  return std::string(reinterpret_cast<const char*>(bytes.data), bytes.total());
}
std::optional<Features> UnpackFeatures(const std::string& keypoints, const std::string& descriptors,
                                       int width, int height) {
  const std::size_t n = keypoints.size() / (2 * sizeof(float));
  if (n < 8 || descriptors.size() != n * 128) return std::nullopt;
  Features f;
  f.image_size = cv::Size(width, height);
  for (std::size_t i = 0; i < n; ++i) {
    float xy[2];
    std::memcpy(xy, keypoints.data() + i * sizeof xy, sizeof xy);
    f.keypoints.emplace_back(cv::Point2f(xy[0], xy[1]), 1.0f);
  }
  cv::Mat bytes(static_cast<int>(n), 128, CV_8U, const_cast<char*>(descriptors.data()));
  bytes.convertTo(f.descriptors, CV_32F, 1.0 / kDescriptorScale);
  return f;
}

std::string ArrayLiteral(const CropHashes& h) {
  std::string s = "{";
  for (std::size_t i = 0; i < h.parts.size(); ++i) s += (i ? "," : "") + Int64Text(h.parts[i]);
  return s + "}";
}

// A stored photo's identity and hashes, as read back (under the unit's policies).
struct StoredPhoto {
  std::string case_id, unit, file, sha256;
  std::optional<double> lat, lon;
  CropHashes hashes;
  bool has_phash = false, has_parts = false;
};

// Photos of the store matching `where` (SQL over gv.photos, parameters $1...) with their
// hashes. Read in one query and compared here: a pHash distance is a popcount, a few
// nanoseconds in C++ and far more through SQL functions per row.
Result<std::vector<StoredPhoto>> StoredHashes(PgConnection& db, const std::string& where,
                                              const std::vector<PgParam>& params) {
  auto rows = db.Exec(
      "SELECT case_id, unit, file, sha256, phash, crop_hashes, ST_Y(ST_Centroid(geom)) AS lat,"
      " ST_X(ST_Centroid(geom)) AS lon FROM gv.photos WHERE " +
          where,
      params);
  if (!rows.ok()) return rows.error();
  std::vector<StoredPhoto> out;
  out.reserve(rows->rows.size());
  const int c_case = rows->Column("case_id"), c_unit = rows->Column("unit"),
            c_file = rows->Column("file"), c_sha = rows->Column("sha256"),
            c_phash = rows->Column("phash"), c_parts = rows->Column("crop_hashes"),
            c_lat = rows->Column("lat"), c_lon = rows->Column("lon");
  for (const auto& row : rows->rows) {
    StoredPhoto p;
    const auto text = [&](int c) { return row[static_cast<std::size_t>(c)].value_or(""); };
    p.case_id = text(c_case);
    p.unit = text(c_unit);
    p.file = text(c_file);
    p.sha256 = text(c_sha);
    if (row[static_cast<std::size_t>(c_lat)]) p.lat = std::strtod(text(c_lat).c_str(), nullptr);
    if (row[static_cast<std::size_t>(c_lon)]) p.lon = std::strtod(text(c_lon).c_str(), nullptr);
    if (row[static_cast<std::size_t>(c_phash)]) {
      p.hashes.whole = static_cast<std::uint64_t>(std::strtoll(text(c_phash).c_str(), nullptr, 10));
      p.has_phash = true;
    }
    // "{1,-2,...}": the six parts.
    const std::string parts = text(c_parts);
    std::size_t n = 0;
    for (std::size_t i = 1; i < parts.size() && n < p.hashes.parts.size();) {
      char* end = nullptr;
      const long long v = std::strtoll(parts.c_str() + i, &end, 10);
      if (end == parts.c_str() + i) break;
      p.hashes.parts[n++] = static_cast<std::uint64_t>(v);
      i = static_cast<std::size_t>(end - parts.c_str()) + 1;
    }
    p.has_parts = n == p.hashes.parts.size();
    out.push_back(std::move(p));
  }
  return out;
}

// Bits between two stored photos: 0 for the same file; else the crop-tolerant pHash distance
// (forensics' CropTolerantDistance: whole frame against whole frame and the other's parts,
// either way round) over the parts each has; 64 without hashes.
int PhotoDistance(const StoredPhoto& a, const StoredPhoto& b) {
  if (!a.sha256.empty() && a.sha256 == b.sha256) return 0;
  if (!a.has_phash || !b.has_phash) return 64;
  int bits = HammingDistance(a.hashes.whole, b.hashes.whole);
  if (b.has_parts)
    for (const auto part : b.hashes.parts)
      bits = std::min(bits, HammingDistance(a.hashes.whole, part));
  if (a.has_parts)
    for (const auto part : a.hashes.parts)
      bits = std::min(bits, HammingDistance(b.hashes.whole, part));
  return bits;
}

// The grid cells (0.1 degree, as the schema's `cell`) that the bounding box of a circle
// touches, as a bigint[] literal; "" when there are too many (a radius of hundreds of
// kilometres): then every row is tested.
std::string CellsAround(double lat, double lon, double radius_m) {
  const double dlat = radius_m / 111320.0 + 1e-9;
  const double top = std::min(89.99, std::abs(lat) + dlat);
  const double dlon = std::min(180.0, radius_m / (111320.0 * std::cos(top * M_PI / 180.0)));
  const int lat0 = static_cast<int>(std::floor(std::max(-90.0, lat - dlat) * 10)) + 900;
  const int lat1 = static_cast<int>(std::floor(std::min(89.999, lat + dlat) * 10)) + 900;
  const int lon0 = static_cast<int>(std::floor((lon - dlon) * 10));
  const int lon1 = static_cast<int>(std::floor((lon + dlon) * 10));
  std::string cells;
  const long count = static_cast<long>(lat1 - lat0 + 1) * (lon1 - lon0 + 1);
  if (count <= 2000 && lon1 - lon0 < 3600) {
    cells = "{";
    for (int a = lat0; a <= lat1; ++a)
      for (int o = lon0; o <= lon1; ++o) {
        const int wrapped = ((o + 1800) % 3600 + 3600) % 3600;  // across the antimeridian
        cells +=
            (cells.size() > 1 ? "," : "") + std::to_string(static_cast<long>(a) * 4000 + wrapped);
      }
    cells += "}";
  }
  return cells;
}

// A link from a photo of the case to a photo of another case, by `match`.
CrossCaseMatch Link(std::string photo, std::string sha256, std::string other_case,
                    std::string other_unit, std::string other_photo, std::string other_sha256,
                    std::string match) {
  CrossCaseMatch m;
  m.photo = std::move(photo);
  m.sha256 = std::move(sha256);
  m.other_case = std::move(other_case);
  m.other_unit = std::move(other_unit);
  m.other_photo = std::move(other_photo);
  m.other_sha256 = std::move(other_sha256);
  m.match = std::move(match);
  return m;
}

// ---- The visual index: each stored photo's set of visual words, for `query --photo` ----
//
// A vocabulary (k-means centres of stored RootSIFT descriptors, gv.vocabulary, newest version
// current) quantises a photo's features; its signature is the bit string of the words it has
// (gv.features.signature, with the version and the count of words). A query photo's signature
// is compared with every readable one in SQL (bit_count of the AND: the server sends back the
// best few only), and those are verified by matching features, as visual links are.

constexpr int kMaxIndexWords = 4096;
constexpr std::size_t kIndexShortlist = 20;  // photos verified per query

struct StoreVocabulary {
  int version = 0;
  Vocabulary words;
};

// The current vocabulary, or none (nothing indexed yet).
Result<std::optional<StoreVocabulary>> CurrentVocabulary(PgConnection& db) {
  auto r =
      db.Exec("SELECT version, words, centers FROM gv.vocabulary ORDER BY version DESC LIMIT 1");
  if (!r.ok()) return r.error();
  if (r->rows.empty()) return std::optional<StoreVocabulary>();
  const int k = std::atoi(r->Text(0, "words").c_str());
  const std::string bytes = r->Bytes(0, "centers");
  if (k < 16 || bytes.size() != static_cast<std::size_t>(k) * 128 * sizeof(float))
    return MakeError("the store's vocabulary (gv.vocabulary) is damaged");
  cv::Mat centers(k, 128, CV_32F);
  std::memcpy(centers.data, bytes.data(), bytes.size());
  auto words = Vocabulary::FromCenters(centers);
  if (!words.ok()) return words.error();
  return std::optional<StoreVocabulary>(
      StoreVocabulary{std::atoi(r->Text(0, "version").c_str()), std::move(*words)});
}

// Trains a vocabulary on `descriptors` (RootSIFT rows of `photos` photos) and stores it as
// the new current version. Error when there are too few to train on.
Result<StoreVocabulary> TrainStoreVocabulary(PgConnection& db, const cv::Mat& descriptors,
                                             int photos) {
  if (descriptors.rows < 320) return MakeError("too few features to train a vocabulary on");
  const int k = std::clamp(descriptors.rows / 20, 16, kMaxIndexWords);
  auto words = Vocabulary::Train(descriptors, k, 200000, 20261130);
  if (!words.ok()) return words.error();
  const cv::Mat& c = words->centers();
  auto r = db.ExecWithBytes(
      "INSERT INTO gv.vocabulary (words, centers, photos) VALUES ($1::int, $3, $2::int)"
      " RETURNING version",
      {std::to_string(c.rows), std::to_string(photos)},
      {std::string(reinterpret_cast<const char*>(c.data), c.total() * c.elemSize())});
  if (!r.ok()) return r.error();
  return StoreVocabulary{std::atoi(r->Text(0, "version").c_str()), std::move(*words)};
}

// A photo's signature: its words as a bit string ('0'/'1', one per word), and their count.
std::pair<std::string, int> Signature(const StoreVocabulary& v, const Features& f) {
  std::string bits(static_cast<std::size_t>(v.words.size()), '0');
  int n = 0;
  for (const int w : v.words.Quantize(f.descriptors))
    if (w >= 0 && w < v.words.size() && bits[static_cast<std::size_t>(w)] == '0')
      bits[static_cast<std::size_t>(w)] = '1', ++n;
  return {bits, n};
}

// Writes the signature of every stored photo `where` selects (SQL over gv.features, $1...)
// that the connected role may update, with vocabulary `v`. Returns how many.
Result<int> IndexStoredPhotos(PgConnection& db, const StoreVocabulary& v, const std::string& where,
                              const std::vector<PgParam>& params) {
  auto rows = db.Exec(
      "SELECT case_id, file, width, height, keypoints, descriptors FROM gv.features WHERE " + where,
      params);
  if (!rows.ok()) return rows.error();
  int done = 0;
  for (std::size_t r = 0; r < rows->rows.size(); ++r) {
    const auto f = UnpackFeatures(rows->Bytes(r, "keypoints"), rows->Bytes(r, "descriptors"),
                                  std::atoi(rows->Text(r, "width").c_str()),
                                  std::atoi(rows->Text(r, "height").c_str()));
    if (!f) continue;
    const auto [bits, n] = Signature(v, *f);
    auto u = db.Exec(
        "UPDATE gv.features SET vocabulary = $3::int, words = $4::int, signature = $5::varbit"
        " WHERE case_id = $1 AND file = $2",
        {rows->Text(r, "case_id"), rows->Text(r, "file"), std::to_string(v.version),
         std::to_string(n), bits});
    if (!u.ok()) return u.error();
    done += u->affected > 0 ? 1 : 0;
  }
  return done;
}

// A photo of the store, as the visual index names it.
struct IndexCandidate {
  std::string case_id, file, unit, sha256;
  std::optional<double> lat, lon;  // the photo's GPS, if it has one
};

// The readable photos of other cases than `exclude_case` whose signatures share the most
// words with `features`' (the shared words over the geometric mean of both counts), best
// first, at most kIndexShortlist.
Result<std::vector<IndexCandidate>> IndexShortlist(PgConnection& db, const StoreVocabulary& v,
                                                   const Features& features,
                                                   const std::string& exclude_case) {
  std::vector<IndexCandidate> out;
  const auto [bits, words] = Signature(v, features);
  if (words == 0) return out;
  auto rows = db.Exec(
      "SELECT s.case_id, s.file, s.unit, p.sha256, ST_Y(ST_Centroid(p.geom)) AS lat,"
      " ST_X(ST_Centroid(p.geom)) AS lon FROM (SELECT case_id, file, unit,"
      "   bit_count(signature & $1::varbit)::float8 / sqrt(greatest(words, 1)::float8 *"
      "   $2::float8) AS similarity FROM gv.features"
      "   WHERE vocabulary = $3::int AND case_id <> $5"
      "   ORDER BY similarity DESC, case_id, file LIMIT $4::int) s"
      " JOIN gv.photos p ON p.case_id = s.case_id AND p.file = s.file"
      " ORDER BY s.similarity DESC, s.case_id, s.file",
      {bits, std::to_string(words), std::to_string(v.version), std::to_string(kIndexShortlist),
       exclude_case});
  if (!rows.ok()) return rows.error();
  for (std::size_t r = 0; r < rows->rows.size(); ++r) {
    IndexCandidate c{rows->Text(r, "case_id"), rows->Text(r, "file"), rows->Text(r, "unit"),
                     rows->Text(r, "sha256"),  std::nullopt,          std::nullopt};
    if (!rows->Text(r, "lat").empty()) {
      c.lat = std::strtod(rows->Text(r, "lat").c_str(), nullptr);
      c.lon = std::strtod(rows->Text(r, "lon").c_str(), nullptr);
    }
    out.push_back(std::move(c));
  }
  return out;
}

using PhotoKey = std::pair<std::string, std::string>;  // case id, file

// The stored features of these photos, in one query (photos without usable ones are left
// out of the map).
Result<std::map<PhotoKey, Features>> StoredFeatures(PgConnection& db,
                                                    const std::vector<PhotoKey>& keys) {
  std::map<PhotoKey, Features> out;
  if (keys.empty()) return out;
  std::string cases = "{", files = "{";
  const auto quote = [](const std::string& v) {
    std::string q = "\"";
    for (const char c : v) {
      if (c == '"' || c == '\\') q += '\\';
      q += c;
    }
    return q + "\"";
  };
  for (const auto& [case_id, file] : keys) {
    cases += (cases.size() > 1 ? "," : "") + quote(case_id);
    files += (files.size() > 1 ? "," : "") + quote(file);
  }
  auto rows = db.Exec(
      "SELECT f.case_id, f.file, f.width, f.height, f.keypoints, f.descriptors FROM gv.features f"
      " JOIN unnest($1::text[], $2::text[]) AS c(case_id, file)"
      "   ON f.case_id = c.case_id AND f.file = c.file",
      {cases + "}", files + "}"});
  if (!rows.ok()) return rows.error();
  for (std::size_t r = 0; r < rows->rows.size(); ++r)
    if (auto f = UnpackFeatures(rows->Bytes(r, "keypoints"), rows->Bytes(r, "descriptors"),
                                std::atoi(rows->Text(r, "width").c_str()),
                                std::atoi(rows->Text(r, "height").c_str())))
      out.emplace(PhotoKey{rows->Text(r, "case_id"), rows->Text(r, "file")}, std::move(*f));
  return out;
}

// Photos verified per photo at most, for visual links: in a place the store holds many
// photos of, the first this many found (a verification takes about 10 ms).
constexpr std::size_t kMaxVisualCandidates = 300;

// Visual links of a case (see LinkCase), leaving out the pairs `known` links already.
Result<std::vector<CrossCaseMatch>> VisualLinks(PgConnection& db, const std::string& case_id,
                                                const std::vector<CrossCaseMatch>& known,
                                                double radius_m) {
  std::vector<CrossCaseMatch> out;
  if (!(radius_m > 0)) return out;
  auto vocabulary = CurrentVocabulary(db);
  if (!vocabulary.ok()) return vocabulary.error();
  auto own = db.Exec(
      "SELECT f.file, f.width, f.height, f.keypoints, f.descriptors, p.sha256 FROM gv.features f"
      " JOIN gv.photos p ON p.case_id = f.case_id AND p.file = f.file WHERE f.case_id = $1",
      {case_id});
  if (!own.ok()) return own.error();
  for (std::size_t r = 0; r < own->rows.size(); ++r) {
    const std::string file = own->Text(r, "file");
    const auto features = UnpackFeatures(own->Bytes(r, "keypoints"), own->Bytes(r, "descriptors"),
                                         std::atoi(own->Text(r, "width").c_str()),
                                         std::atoi(own->Text(r, "height").c_str()));
    if (!features) continue;
    // Where this photo may be: its GPS, its place group's three best hypotheses.
    auto places = db.Exec(
        "SELECT ST_Y(p.geom) AS lat, ST_X(p.geom) AS lon FROM gv.photos p"
        " WHERE p.case_id = $1 AND p.file = $2 AND p.geom IS NOT NULL"
        " UNION ALL SELECT ST_Y(h.geom), ST_X(h.geom) FROM gv.photos p JOIN gv.hypotheses h"
        "   ON h.case_id = p.case_id AND h.attributes->>'group_id' = p.attributes->>'place_group'"
        " WHERE p.case_id = $1 AND p.file = $2 AND h.geom IS NOT NULL"
        "   AND (h.attributes->>'rank')::int <= 3",
        {case_id, file});
    if (!places.ok()) return places.error();
    // The photos of other cases placed near one of those places.
    std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> candidates;
    for (std::size_t k = 0; k < places->rows.size() && k < 8; ++k) {
      const double lat = std::strtod(places->Text(k, "lat").c_str(), nullptr);
      const double lon = std::strtod(places->Text(k, "lon").c_str(), nullptr);
      const std::string cells = CellsAround(lat, lon, radius_m);
      if (cells.empty()) continue;
      auto near = db.Exec(
          "WITH q AS (SELECT ST_SetSRID(ST_MakePoint($2::float8, $1::float8), 4326)::geography AS "
          "g)"
          " SELECT p.case_id, p.unit, p.file, p.sha256 FROM gv.photos p, q"
          " WHERE p.case_id <> $4 AND p.cell = ANY($5::bigint[])"
          "   AND ST_DWithin(p.geom::geography, q.g, $3::float8)"
          " UNION SELECT p.case_id, p.unit, p.file, p.sha256 FROM gv.hypotheses h"
          "   JOIN gv.photos p ON p.case_id = h.case_id"
          "     AND p.attributes->>'place_group' = h.attributes->>'group_id', q"
          " WHERE h.case_id <> $4 AND h.cell = ANY($5::bigint[])"
          "   AND (h.attributes->>'rank')::int <= 3 AND ST_DWithin(h.geom::geography, q.g, "
          "$3::float8)"
          " LIMIT 400",
          {std::to_string(lat), std::to_string(lon), std::to_string(radius_m), case_id, cells});
      if (!near.ok()) return near.error();
      for (std::size_t c = 0; c < near->rows.size() && candidates.size() < kMaxVisualCandidates;
           ++c)
        candidates[{near->Text(c, "case_id"), near->Text(c, "file")}] = {near->Text(c, "unit"),
                                                                         near->Text(c, "sha256")};
    }
    // And the photos the visual index ranks first, placed or not.
    if (*vocabulary) {
      auto ranked = IndexShortlist(db, **vocabulary, *features, case_id);
      if (!ranked.ok()) return ranked.error();
      for (const auto& c : *ranked)
        if (candidates.size() < kMaxVisualCandidates + kIndexShortlist)
          candidates[{c.case_id, c.file}] = {c.unit, c.sha256};
    }
    // Their stored features, in one query (photos without any are not candidates).
    std::vector<PhotoKey> keys;
    for (const auto& [key, who] : candidates) {
      const bool linked = std::any_of(known.begin(), known.end(), [&](const CrossCaseMatch& m) {
        return m.photo == file && m.other_case == key.first && m.other_photo == key.second;
      });
      if (!linked) keys.push_back(key);
    }
    auto theirs = StoredFeatures(db, keys);
    if (!theirs.ok()) return theirs.error();
    for (const auto& [key, other_features] : *theirs) {
      const auto who = candidates[key];
      const PairMatch pm = MatchFeatures(*features, other_features);
      if (pm.verdict != "same_scene") continue;
      CrossCaseMatch m = Link(file, own->Text(r, "sha256"), key.first, who.first, key.second,
                              who.second, "visual");
      m.bits = -1;
      m.inliers = pm.inliers;
      m.score = pm.inlier_ratio;
      out.push_back(std::move(m));
    }
  }
  return out;
}

}  // namespace

bool ValidRoleName(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  for (const char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

Status InitStore(PgConnection& db, const std::vector<std::string>& units) {
  auto tx = PgTransaction::Begin(db);
  if (!tx.ok()) return tx.error();
  if (auto s = db.ExecScript(SchemaSql()); !s.ok()) return MakeError(s.error().message);
  for (const auto& unit : units) {
    if (!ValidRoleName(unit))
      return MakeError("unit name '" + unit +
                       "' is not a role name (letters, digits, _ and -, at most 63)");
    auto exists = db.Exec("SELECT 1 FROM pg_roles WHERE rolname = $1", {unit});
    if (!exists.ok()) return exists.error();
    if (exists->rows.empty()) {
      // Role names cannot be parameters; the name was checked above and is quoted.
      auto created = db.Exec("CREATE ROLE \"" + unit + "\" LOGIN IN ROLE geoverify_unit");
      if (!created.ok()) return MakeError(created.error().message);
    } else {
      auto granted = db.Exec("GRANT geoverify_unit TO \"" + unit + "\"");
      if (!granted.ok()) return MakeError(granted.error().message);
    }
  }
  return (*tx)->Commit();
}

Result<StorePushSummary> PushCase(PgConnection& db, const fs::path& out_dir,
                                  const StorePushOptions& options) {
  // The case output: run.json names the case folder; photos.json the photos; case.gpkg the
  // layers. All are read before anything is written.
  auto run_text = ReadTextFile(out_dir / "run.json", 64u << 20);
  if (!run_text.ok())
    return MakeError(out_dir.string() +
                     " is not a case output (no run.json): " + run_text.error().message);
  json run, photos;
  try {
    run = json::parse(*run_text);
    auto photos_text = ReadTextFile(out_dir / "photos.json", 1u << 30);
    if (!photos_text.ok()) return photos_text.error();
    photos = json::parse(*photos_text);
  } catch (const json::exception& e) {
    return MakeError(out_dir.string() + ": unreadable case output: " + e.what());
  }
  const fs::path case_dir = Str(run, "case_dir");
  StorePushSummary summary;
  summary.case_id = options.case_id;
  if (summary.case_id.empty()) summary.case_id = case_dir.filename().string();
  if (summary.case_id.empty()) summary.case_id = fs::absolute(out_dir).filename().string();
  auto unit = db.CurrentUser();
  if (!unit.ok()) return unit.error();
  summary.unit = *unit;

  EnsureGdalRegistered();
  const std::string gpkg = (out_dir / "case.gpkg").string();
  GDALDatasetH ds =
      GDALOpenEx(gpkg.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  if (!ds) return MakeError(gpkg + ": cannot open the case's GeoPackage");
  struct Closer {
    GDALDatasetH ds;
    ~Closer() { GDALClose(ds); }
  } closer{ds};

  const auto digests = DigestPhotos(out_dir, case_dir, photos);
  std::map<std::string, std::string> phash_of;  // from photos.json, when the file is gone
  for (const auto& p : photos)
    if (p.is_object() && p.contains("forensics") && p["forensics"].is_object() &&
        p["forensics"].contains("hashes") && p["forensics"]["hashes"].is_object())
      phash_of[Str(p, "file")] = Str(p["forensics"]["hashes"], "phash");

  auto tx = PgTransaction::Begin(db);
  if (!tx.ok()) return tx.error();
  // The case's earlier rows go (with everything under it), then the case again.
  if (auto r = db.Exec("DELETE FROM gv.cases WHERE case_id = $1", {summary.case_id}); !r.ok())
    return MakeError(r.error().message);
  if (auto r = db.Exec(
          "INSERT INTO gv.cases (case_id, title, case_dir, tool_version) VALUES ($1, $2, $3, $4)",
          {summary.case_id, Str(run, "title"), case_dir.string(), Str(run, "tool_version")});
      !r.ok())
    return MakeError("case " + summary.case_id + ": " + r.error().message +
                     " (a case of that id pushed by another unit?)");
  // The photos (video keyframes included): what identifies and places each, and its
  // hashes; the forensics' details and the raw tags stay in the case output.
  if (photos.is_array()) {
    for (std::size_t i = 0; i < photos.size(); ++i) {
      const json& p = photos[i];
      if (!p.is_object()) continue;
      json attributes = json::object();
      for (const char* key :
           {"file", "sha256", "bytes", "format", "width", "height", "make", "model", "software",
            "datetime_original", "taken_at_utc", "taken_at_utc_source", "time_zone", "gps",
            "findings", "place_group", "video_frame", "error"})
        if (p.contains(key)) attributes[key] = p[key];
      const std::string file = Str(p, "file");
      PgParam wkt, whole, parts;
      if (p.contains("gps") && p["gps"].is_object() && p["gps"].value("lat", json()).is_number() &&
          p["gps"].value("lon", json()).is_number()) {
        char point[96];
        std::snprintf(point, sizeof point, "POINT(%.9f %.9f)", p["gps"]["lon"].get<double>(),
                      p["gps"]["lat"].get<double>());
        wkt = std::string(point);
      }
      const auto digest = digests.find(file);
      if (digest != digests.end()) {
        whole = Int64Text(digest->second.hashes.whole);
        parts = ArrayLiteral(digest->second.hashes);
        ++summary.hashed;
      } else if (const auto h = phash_of.find(file);
                 h != phash_of.end() && h->second.size() == 16 &&
                 h->second.find_first_not_of("0123456789abcdef") == std::string::npos) {
        whole = Int64Text(std::stoull(h->second, nullptr, 16));
      }
      auto r = db.Exec(
          "INSERT INTO gv.photos (case_id, fid, file, sha256, attributes, geom, phash, "
          "crop_hashes) VALUES ($1, $2, $3, $4, $5::jsonb, ST_GeomFromText($6, 4326), "
          "$7::bigint, $8::bigint[])",
          {summary.case_id, std::to_string(i), file,
           // A file the intake could not read has no hash: NULL (a damaged output's
           // non-hash value is refused by the table's check).
           Str(p, "sha256").empty() ? PgParam() : PgParam(Str(p, "sha256")),
           attributes.dump(-1, ' ', false, json::error_handler_t::replace), wkt, whole, parts});
      if (!r.ok()) return MakeError("photo " + file + ": " + r.error().message);
      ++summary.photos;
      if (digest != digests.end() && digest->second.features) {
        const Features& f = *digest->second.features;
        auto k = db.ExecWithBytes(
            "INSERT INTO gv.features (case_id, file, width, height, keypoints, descriptors)"
            " VALUES ($1, $2, $3::int, $4::int, $5, $6)",
            {summary.case_id, file, std::to_string(f.image_size.width),
             std::to_string(f.image_size.height)},
            {PackKeypoints(f), PackDescriptors(f)});
        if (!k.ok()) return MakeError("features of " + file + ": " + k.error().message);
        ++summary.with_features;
      }
    }
  }
  for (const auto& layer : kLayers) {
    OGRLayerH l = GDALDatasetGetLayerByName(ds, layer.name);
    if (!l) continue;  // an older output without this layer
    OGR_L_ResetReading(l);
    const std::string table = std::string("gv.") + layer.name;
    while (OGRFeatureH f = OGR_L_GetNextFeature(l)) {
      const json attributes = FeatureAttributes(f);
      std::string file;
      if (*layer.file_field && attributes.contains(layer.file_field) &&
          attributes[layer.file_field].is_string())
        file = attributes[layer.file_field].get<std::string>();
      PgParam sha256;
      if (attributes.contains("sha256") && attributes["sha256"].is_string())
        sha256 = attributes["sha256"].get<std::string>();
      PgParam wkt;
      if (OGRGeometryH g = OGR_F_GetGeometryRef(f); g && !OGR_G_IsEmpty(g)) {
        char* text = nullptr;
        if (OGR_G_ExportToIsoWkt(g, &text) == OGRERR_NONE && text) wkt = std::string(text);
        CPLFree(text);
      }
      const std::string fid = std::to_string(OGR_F_GetFID(f));
      OGR_F_Destroy(f);
      const std::vector<PgParam> params = {
          summary.case_id,
          fid,
          file.empty() ? PgParam() : PgParam(file),
          sha256,
          attributes.dump(-1, ' ', false, json::error_handler_t::replace),
          wkt};
      const std::string sql =
          "INSERT INTO " + table + " (case_id, fid, file, sha256, attributes, geom";
      const std::string values =
          "VALUES ($1, $2, $3, $4, $5::jsonb, ST_Force2D(ST_GeomFromText($6, 4326))";
      auto r = db.Exec(sql + ") " + values + ")", params);
      if (!r.ok())
        return MakeError(std::string(layer.name) + " row " + fid +
                         (file.empty() ? "" : " (" + file + ")") + ": " + r.error().message);
      int* count = nullptr;
      const std::string name = layer.name;
      if (name == "findings") count = &summary.findings;
      if (name == "clues") count = &summary.clues;
      if (name == "hypotheses") count = &summary.hypotheses;
      if (name == "regions") count = &summary.regions;
      if (name == "footprints") count = &summary.footprints;
      if (name == "place_groups") count = &summary.place_groups;
      if (count) ++*count;
    }
  }
  // Files: redacted copies always (made to be shared), the evidence with --with-files.
  auto manifest = ReadTextFile(out_dir / "manifest.csv", 256u << 20);
  if (manifest.ok()) {
    std::size_t start = 0;
    bool header = true;
    while (start < manifest->size()) {
      std::size_t end = manifest->find('\n', start);
      if (end == std::string::npos) end = manifest->size();
      const std::string line = manifest->substr(start, end - start);
      start = end + 1;
      if (header || line.empty()) {
        header = false;
        continue;
      }
      const auto fields = SplitCsvLine(line);
      if (fields.size() < 6) continue;
      const std::string& path = fields[0];
      const std::string& sha256 = fields[1];
      const std::string& kind = fields[5];
      const bool redacted = kind == "redacted_copy";
      const bool evidence = kind == "photo" || kind == "video" || kind == "other" ||
                            kind == "case_file" || kind == "reference" || kind == "basemap";
      if (!redacted && !(options.with_files && evidence)) continue;
      if (sha256.size() != 64) continue;  // a file that could not be read at intake
      const fs::path file = redacted ? fs::path(path) : case_dir / path;
      auto bytes = ReadTextFile(file, 2ull << 30);
      if (!bytes.ok()) return MakeError(bytes.error().message);
      if (Sha256Hex(std::span(reinterpret_cast<const std::uint8_t*>(bytes->data()),
                              bytes->size())) != sha256)
        return MakeError(file.string() +
                         " changed since the run (its SHA-256 differs from the manifest's)");
      auto r = db.ExecWithBytes(
          "INSERT INTO gv.files (case_id, path, sha256, redacted, bytes) VALUES ($1, $2, $3, $4, "
          "$5)",
          {summary.case_id, path, sha256, redacted ? "true" : "false"}, {*bytes});
      if (!r.ok()) return MakeError("file " + path + ": " + r.error().message);
      ++(redacted ? summary.redacted_copies : summary.files);
    }
  }
  // The case's photos in the visual index: with the store's vocabulary, or, in a store that
  // has none yet, one trained on these photos (`store reindex --retrain` trains a better one
  // once the store holds more).
  if (summary.with_features > 0) {
    auto current = CurrentVocabulary(db);
    if (!current.ok()) return current.error();
    std::optional<StoreVocabulary> vocabulary = std::move(*current);
    if (!vocabulary) {
      cv::Mat descriptors;
      int photos_with_features = 0;
      for (const auto& [file, digest] : digests)
        if (digest.features)
          descriptors.push_back(digest.features->descriptors), ++photos_with_features;
      if (auto trained = TrainStoreVocabulary(db, descriptors, photos_with_features); trained.ok())
        vocabulary = std::move(*trained);
    }
    if (vocabulary) {
      auto indexed = IndexStoredPhotos(db, *vocabulary, "case_id = $1", {summary.case_id});
      if (!indexed.ok()) return MakeError("visual index: " + indexed.error().message);
      summary.indexed = *indexed;
    }
  }
  if (auto s = (*tx)->Commit(); !s.ok()) return MakeError(s.error().message);
  if (options.link) {
    auto links = LinkCase(db, summary.case_id, options.max_bits, options.visual_radius_m);
    if (!links.ok())
      return MakeError("case " + summary.case_id + " was pushed, but linking it failed (run " +
                       "`geoverify store link` again): " + links.error().message);
    summary.links = std::move(*links);
  }
  return summary;
}

Result<std::vector<CrossCaseMatch>> LinkCase(PgConnection& db, const std::string& case_id,
                                             int max_bits, double visual_radius_m) {
  // The case's photos against every photo of the other cases the unit may read (the
  // policies hide the rest), compared here: the same file, or the same picture by
  // crop-tolerant pHash.
  auto own = StoredHashes(db, "case_id = $1", {case_id});
  if (!own.ok()) return own.error();
  auto others = StoredHashes(db, "case_id <> $1", {case_id});
  if (!others.ok()) return others.error();
  std::vector<CrossCaseMatch> out;
  for (const auto& a : *own)
    for (const auto& b : *others) {
      const int bits = PhotoDistance(a, b);
      if (bits > max_bits) continue;
      CrossCaseMatch m = Link(a.file, a.sha256, b.case_id, b.unit, b.file, b.sha256, "hash");
      m.bits = bits;
      m.score = 1.0 - bits / 64.0;
      out.push_back(std::move(m));
    }
  // The same place seen otherwise: each photo's stored features against those of the
  // photos of other cases placed near it (a GPS position, or one of the place group's three
  // best hypotheses, within `visual_radius_m` of one of its own), verified as `match` and
  // `run`'s same-scene linking do.
  auto visual = VisualLinks(db, case_id, out, visual_radius_m);
  if (!visual.ok()) return visual.error();
  for (auto& m : *visual) out.push_back(std::move(m));
  std::sort(out.begin(), out.end(), [](const CrossCaseMatch& a, const CrossCaseMatch& b) {
    return std::tie(a.photo, a.match, a.bits, a.other_case, a.other_photo) <
           std::tie(b.photo, b.match, b.bits, b.other_case, b.other_photo);
  });
  auto tx = PgTransaction::Begin(db);
  if (!tx.ok()) return tx.error();
  if (auto r = db.Exec("DELETE FROM gv.cross_case WHERE case_id = $1", {case_id}); !r.ok())
    return MakeError(r.error().message);
  for (const auto& m : out) {
    auto r = db.Exec(
        "INSERT INTO gv.cross_case (case_id, photo, sha256, other_case, other_unit, other_photo,"
        " other_sha256, match, bits, inliers) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::int,"
        " $10::int)",
        {case_id, m.photo, m.sha256, m.other_case, m.other_unit, m.other_photo, m.other_sha256,
         m.match, std::to_string(m.bits),
         m.match == "visual" ? PgParam(std::to_string(m.inliers)) : PgParam()});
    if (!r.ok()) return MakeError("link of case " + case_id + ": " + r.error().message);
  }
  if (auto s = (*tx)->Commit(); !s.ok()) return s.error();
  return out;
}

Status ShareCase(PgConnection& db, const std::string& case_id, const std::string& unit,
                 bool revoke) {
  auto owns = db.Exec("SELECT gv.owns($1, current_user)", {case_id});
  if (!owns.ok()) return MakeError(owns.error().message);
  if (owns->rows.empty() || owns->Text(0, "owns") != "t")
    return MakeError("case " + case_id + " was not pushed by this unit");
  auto r = revoke
               ? db.Exec("DELETE FROM gv.share WHERE case_id = $1 AND unit = $2", {case_id, unit})
               : db.Exec(
                     "INSERT INTO gv.share (case_id, unit) VALUES ($1, $2)"
                     " ON CONFLICT (case_id, unit) DO NOTHING",
                     {case_id, unit});
  if (!r.ok()) return MakeError(r.error().message);
  return OkStatus();
}

namespace {

std::optional<double> Number(const PgRows& rows, std::size_t r, const std::string& column) {
  const std::string t = rows.Text(r, column);
  if (t.empty()) return std::nullopt;
  return std::strtod(t.c_str(), nullptr);
}

StoreHit PhotoHit(const PgRows& rows, std::size_t r) {
  StoreHit h;
  h.case_id = rows.Text(r, "case_id");
  h.unit = rows.Text(r, "unit");
  h.kind = "photo";
  h.photo = rows.Text(r, "file");
  h.sha256 = rows.Text(r, "sha256");
  h.lat = Number(rows, r, "lat");
  h.lon = Number(rows, r, "lon");
  return h;
}

}  // namespace

Result<std::vector<StoreHit>> QueryNear(PgConnection& db, double lat, double lon, double radius_m) {
  if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180))
    return MakeError("--near: latitude -90..90, longitude -180..180");
  if (!(radius_m > 0)) return MakeError("--radius: a distance in metres above 0");
  const std::string cells = CellsAround(lat, lon, radius_m);
  const std::string by_cell = cells.empty() ? "" : " AND p.cell = ANY($4::bigint[])";
  const std::string by_cell_h = cells.empty() ? "" : " AND h.cell = ANY($4::bigint[])";
  std::vector<PgParam> params = {std::to_string(lat), std::to_string(lon),
                                 std::to_string(radius_m)};
  if (!cells.empty()) params.push_back(cells);
  auto rows = db.Exec(
      "WITH q AS (SELECT ST_SetSRID(ST_MakePoint($2::float8, $1::float8), 4326)::geography AS g)"
      " SELECT 'photo' AS kind, p.case_id, p.unit, p.file, p.sha256,"
      "   ST_Y(ST_Centroid(p.geom)) AS lat, ST_X(ST_Centroid(p.geom)) AS lon,"
      "   ST_Distance(p.geom::geography, q.g) AS distance_m"
      " FROM gv.photos p, q WHERE p.geom IS NOT NULL" +
          by_cell +
          "   AND ST_DWithin(p.geom::geography, q.g, $3::float8)"
          " UNION ALL"
          " SELECT 'hypothesis', h.case_id, h.unit,"
          "   'place group ' || coalesce(h.attributes->>'group_id', '?') || ', hypothesis '"
          "     || coalesce(h.attributes->>'rank', '?'), NULL,"
          "   ST_Y(h.geom), ST_X(h.geom), ST_Distance(h.geom::geography, q.g)"
          " FROM gv.hypotheses h, q WHERE h.geom IS NOT NULL" +
          by_cell_h +
          "   AND ST_DWithin(h.geom::geography, q.g, $3::float8)"
          " ORDER BY distance_m, case_id, file LIMIT 10000",
      params);
  if (!rows.ok()) return MakeError(rows.error().message);
  std::vector<StoreHit> out;
  for (std::size_t r = 0; r < rows->rows.size(); ++r) {
    StoreHit h = PhotoHit(*rows, r);
    h.kind = rows->Text(r, "kind");
    h.match = "near";
    h.distance_m = Number(*rows, r, "distance_m");
    h.score = 1.0 - h.distance_m.value_or(radius_m) / radius_m;
    out.push_back(std::move(h));
  }
  return out;
}

Result<std::vector<StoreHit>> QueryHash(PgConnection& db, const std::string& sha256) {
  std::string hex = sha256;
  for (auto& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (hex.size() != 64 || hex.find_first_not_of("0123456789abcdef") != std::string::npos)
    return MakeError("--hash: a SHA-256 is 64 hexadecimal digits");
  auto rows = db.Exec(
      "SELECT case_id, unit, file, sha256, ST_Y(ST_Centroid(geom)) AS lat,"
      " ST_X(ST_Centroid(geom)) AS lon FROM gv.photos WHERE sha256 = $1 ORDER BY case_id, file",
      {hex});
  if (!rows.ok()) return MakeError(rows.error().message);
  std::vector<StoreHit> out;
  for (std::size_t r = 0; r < rows->rows.size(); ++r) {
    StoreHit h = PhotoHit(*rows, r);
    h.match = "hash";
    h.score = 1;
    h.bits = 0;
    out.push_back(std::move(h));
  }
  return out;
}

Result<std::vector<StoreHit>> QueryPhoto(PgConnection& db, const fs::path& file, int max_bits) {
  auto evidence = OpenEvidence(file);
  if (!evidence.ok()) return evidence.error();
  const auto& pixels = evidence->Pixels();
  if (!pixels.ok()) return pixels.error();
  StoredPhoto query;
  query.sha256 = evidence->sha256();
  query.hashes = ComputeCropHashes(*pixels);
  query.has_phash = query.has_parts = true;
  auto stored = StoredHashes(db, "true", {});
  if (!stored.ok()) return stored.error();
  std::vector<StoreHit> out;
  for (const auto& p : *stored) {
    const int bits = PhotoDistance(query, p);
    if (bits > max_bits) continue;
    StoreHit hit;
    hit.case_id = p.case_id;
    hit.unit = p.unit;
    hit.kind = "photo";
    hit.photo = p.file;
    hit.sha256 = p.sha256;
    hit.lat = p.lat;
    hit.lon = p.lon;
    hit.match = "hash";
    hit.bits = bits;
    hit.score = 1.0 - bits / 64.0;
    out.push_back(std::move(hit));
  }
  std::sort(out.begin(), out.end(), [](const StoreHit& a, const StoreHit& b) {
    return std::tie(a.bits, a.case_id, a.photo) < std::tie(b.bits, b.case_id, b.photo);
  });
  // The same place in other photos: the visual index's best candidates, verified.
  auto vocabulary = CurrentVocabulary(db);
  if (!vocabulary.ok()) return vocabulary.error();
  if (!*vocabulary) return out;
  const auto detected = DetectFeatures(*pixels, StoreFeatureOptions());
  if (!detected.ok() || detected->binary) return out;  // too little texture: hashes only
  // Treated as the stored photos are (descriptors kept as bytes).
  const auto features = UnpackFeatures(PackKeypoints(*detected), PackDescriptors(*detected),
                                       detected->image_size.width, detected->image_size.height);
  if (!features) return out;
  auto shortlist = IndexShortlist(db, **vocabulary, *features, "");
  if (!shortlist.ok()) return shortlist.error();
  std::vector<PhotoKey> keys;
  for (const auto& c : *shortlist)
    if (std::none_of(out.begin(), out.end(), [&](const StoreHit& h) {
          return h.case_id == c.case_id && h.photo == c.file;
        }))
      keys.push_back({c.case_id, c.file});  // not the same picture, found by its hash already
  auto theirs = StoredFeatures(db, keys);
  if (!theirs.ok()) return theirs.error();
  for (const auto& candidate : *shortlist) {
    const auto other = theirs->find({candidate.case_id, candidate.file});
    if (other == theirs->end()) continue;
    const PairMatch pm = MatchFeatures(*features, other->second);
    if (pm.verdict != "same_scene") continue;
    StoreHit hit;
    hit.case_id = candidate.case_id;
    hit.unit = candidate.unit;
    hit.kind = "photo";
    hit.photo = candidate.file;
    hit.sha256 = candidate.sha256;
    hit.lat = candidate.lat;
    hit.lon = candidate.lon;
    hit.match = "visual";
    hit.inliers = pm.inliers;
    hit.score = pm.inlier_ratio;
    out.push_back(std::move(hit));
  }
  return out;
}

Result<StoreReindexSummary> ReindexStore(PgConnection& db, bool retrain) {
  StoreReindexSummary summary;
  auto tx = PgTransaction::Begin(db);
  if (!tx.ok()) return tx.error();
  // A unit updates its own rows only (the policies); the store's owner, every row.
  auto everyone = db.Exec(
      "SELECT (t.tableowner = current_user OR r.rolsuper OR r.rolbypassrls)::text AS all"
      " FROM pg_tables t, pg_roles r WHERE t.schemaname = 'gv' AND t.tablename = 'features'"
      " AND r.rolname = current_user");
  if (!everyone.ok()) return everyone.error();
  const bool all = !everyone->rows.empty() && everyone->Text(0, "all") == "true";
  const std::string mine = all ? "true" : "unit = current_user";
  auto current = CurrentVocabulary(db);
  if (!current.ok()) return current.error();
  std::optional<StoreVocabulary> vocabulary = std::move(*current);
  if (retrain || !vocabulary) {
    // A sample of the readable photos' features, 400 photos at most (200,000 descriptors).
    auto sample = db.Exec(
        "SELECT width, height, keypoints, descriptors FROM gv.features"
        " WHERE octet_length(descriptors) >= 8 * 128 ORDER BY random() LIMIT 400");
    if (!sample.ok()) return sample.error();
    cv::Mat descriptors;
    int photos = 0;
    for (std::size_t r = 0; r < sample->rows.size(); ++r) {
      const auto f = UnpackFeatures(sample->Bytes(r, "keypoints"), sample->Bytes(r, "descriptors"),
                                    std::atoi(sample->Text(r, "width").c_str()),
                                    std::atoi(sample->Text(r, "height").c_str()));
      if (f) descriptors.push_back(f->descriptors), ++photos;
    }
    auto trained = TrainStoreVocabulary(db, descriptors, photos);
    if (!trained.ok()) return trained.error();
    vocabulary = std::move(*trained);
    summary.trained = true;
  }
  summary.version = vocabulary->version;
  summary.words = vocabulary->words.size();
  auto indexed =
      IndexStoredPhotos(db, *vocabulary, mine + " AND vocabulary IS DISTINCT FROM $1::int",
                        {std::to_string(vocabulary->version)});
  if (!indexed.ok()) return indexed.error();
  summary.indexed = *indexed;
  auto left =
      db.Exec("SELECT count(*) AS n FROM gv.features WHERE vocabulary IS DISTINCT FROM $1::int",
              {std::to_string(vocabulary->version)});
  if (!left.ok()) return left.error();
  summary.stale = std::atoi(left->Text(0, "n").c_str());
  if (auto s = (*tx)->Commit(); !s.ok()) return s.error();
  return summary;
}

}  // namespace gv
