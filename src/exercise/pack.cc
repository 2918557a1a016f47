#include "exercise/pack.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>

#include "case/inspect.h"
#include "exercise/page.h"
#include "exercise/scoring.h"
#include "geo/countries.h"
#include "image/evidence.h"
#include "image/format.h"
#include "metadata/preflight.h"
#include "redact/batch.h"
#include "util/file.h"
#include "util/sha256.h"
#include "util/text.h"
#include "util/time.h"

namespace gv {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr std::uint64_t kMaxTable = 16u << 20;  // answers.csv, hints, photos.json

// Lines of a CSV text with their 1-based numbers; empty lines left out.
std::vector<std::pair<int, std::vector<std::string>>> CsvRows(const std::string& text) {
  std::vector<std::pair<int, std::vector<std::string>>> rows;
  std::size_t start = 0;
  int number = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ++number;
    std::string_view line(text.data() + start, end - start);
    if (number == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);  // BOM
    if (!Trim(line).empty()) {
      auto fields = SplitCsvLine(line);
      for (auto& f : fields) f = Trim(f);
      rows.emplace_back(number, std::move(fields));
    }
    start = end + 1;
  }
  return rows;
}

std::optional<double> ParseNumber(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

const std::set<std::string>& KnownParts() {
  static const std::set<std::string> parts{"where", "when", "country", "site"};
  return parts;
}

// The parts an answer can grade, in the fixed order where, when, country, site.
std::vector<std::string> GradableParts(const ExerciseAnswer& a) {
  std::vector<std::string> parts{"where"};
  if (a.taken_at_utc) parts.push_back("when");
  if (!a.country.empty()) parts.push_back("country");
  if (!a.sites.empty()) parts.push_back("site");
  return parts;
}

std::string Fixed(double v, int decimals) {
  char text[48];
  std::snprintf(text, sizeof text, "%.*f", decimals, v);
  return text;
}

void AddTimeForms(const CivilTime& t, std::vector<std::string>& out) {
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d", t.year, t.month, t.day, t.hour,
                t.minute);
  out.emplace_back(text);
  text[10] = ' ';
  out.emplace_back(text);
  std::snprintf(text, sizeof text, "%04d:%02d:%02d %02d:%02d", t.year, t.month, t.day, t.hour,
                t.minute);
  out.emplace_back(text);
  std::snprintf(text, sizeof text, "%04d%02d%02d_%02d%02d", t.year, t.month, t.day, t.hour,
                t.minute);
  out.emplace_back(text);
}

// A photo of the source with what the source itself says about it.
struct SourcePhoto {
  std::string name;  // relative to the source
  fs::path path;
  std::string expected_sha256;  // from a case output: the evidence as analysed
  std::optional<LatLon> gps;
  std::optional<std::int64_t> taken_at_utc;
  std::optional<ExerciseAnswer> hypothesis;  // a case's confirmed hypothesis
  std::vector<std::string> clues;
};

// A case output: photos.json, hypotheses.json and run.json (for the case folder).
Result<std::vector<SourcePhoto>> CasePhotos(const ExerciseMakeOptions& o) {
  auto text = ReadTextFile(o.source / "photos.json", 512u << 20);
  if (!text.ok()) return text.error();
  const Json photos = Json::parse(*text, nullptr, false);
  if (!photos.is_array())
    return MakeError((o.source / "photos.json").string() + ": not a JSON array");
  fs::path case_dir = o.case_dir;
  if (case_dir.empty()) {
    auto run = ReadTextFile(o.source / "run.json", kMaxTable);
    const Json j = run.ok() ? Json::parse(*run, nullptr, false) : Json();
    if (!j.is_object() || !j["case_dir"].is_string())
      return MakeError(o.source.string() +
                       ": a case output without run.json (made before geoverify 0.1.0 wrote "
                       "it): give the case folder with --case");
    case_dir = j["case_dir"].get<std::string>();
  }
  // Confirmed hypotheses: a group's first hypothesis when its probability is at least 0.9.
  std::map<std::string, ExerciseAnswer> confirmed;
  if (auto hyp = ReadTextFile(o.source / "hypotheses.json", 256u << 20); hyp.ok()) {
    const Json groups = Json::parse(*hyp, nullptr, false);
    for (const auto& g : groups.is_array() ? groups : Json::array()) {
      if (!g.is_object() || !g["hypotheses"].is_array() || g["hypotheses"].empty()) continue;
      const Json& h = g["hypotheses"][0];
      if (!h.is_object() || !h["probability"].is_number() || h["probability"].get<double>() < 0.9)
        continue;
      ExerciseAnswer a;
      a.at = {h.value("lat", 0.0), h.value("lon", 0.0)};
      // Full marks within the hypothesis's 90 % radius when that is wider than the pack's.
      if (h.value("radius_m", 0.0) > o.full_marks_m) a.radius_m = h.value("radius_m", 0.0);
      if (h["place"].is_object() && h["place"]["country"].is_string())
        a.country = h["place"]["country"].get<std::string>();
      // A known site's name, and its parts: "KK Park, Myawaddy" also as "KK Park", "Golden
      // Triangle SEZ (Kings Romans)" also as "Golden Triangle SEZ" and "Kings Romans".
      if (h["known_site"].is_object() && h["known_site"]["name"].is_string()) {
        const std::string name = SanitizeUtf8(h["known_site"]["name"].get<std::string>());
        a.sites.push_back(name);
        const auto open = name.find(" ("), close = name.rfind(')');
        if (open != std::string::npos && close != std::string::npos && close > open + 2) {
          a.sites.push_back(Trim(name.substr(0, open)));
          a.sites.push_back(Trim(name.substr(open + 2, close - open - 2)));
        } else if (const auto comma = name.find(','); comma != std::string::npos) {
          a.sites.push_back(Trim(name.substr(0, comma)));
        }
      }
      char note[160];
      std::snprintf(note, sizeof note,
                    "geoverify's fused hypothesis (probability %.2f, 90 %% radius %.0f m)",
                    h["probability"].get<double>(), a.radius_m);
      a.notes = note;
      a.source = "case hypothesis";
      for (const auto& p : g.value("photos", Json::array()))
        if (p.is_string()) confirmed[p.get<std::string>()] = a;
    }
  }
  std::vector<SourcePhoto> out;
  for (const auto& p : photos) {
    if (!p.is_object() || !p["file"].is_string()) continue;
    SourcePhoto s;
    s.name = p["file"].get<std::string>();
    s.path = case_dir / s.name;
    // A video's keyframe: its PNG in the case output (frames/, the path relative to it), not
    // a file of the case.
    if (p.contains("video_frame") && p["video_frame"].is_object() &&
        p["video_frame"]["frame_file"].is_string())
      s.path = o.source / p["video_frame"]["frame_file"].get<std::string>();
    s.expected_sha256 = p.value("sha256", std::string());
    // photos.json writes the position as lat/lon, null when it is not valid.
    if (p["gps"].is_object() && p["gps"]["lat"].is_number() && p["gps"]["lon"].is_number())
      s.gps = LatLon{p["gps"]["lat"].get<double>(), p["gps"]["lon"].get<double>()};
    if (p["taken_at_utc"].is_string())
      if (const auto t = ParseIso8601(p["taken_at_utc"].get<std::string>()); t && t->offset_s)
        s.taken_at_utc = ToEpochSeconds(t->local) - *t->offset_s;
    for (const auto& c : p.value("clues", Json::array()))
      if (c.is_object())
        s.clues.push_back(c.value("kind", std::string()) + ": " +
                          c.value("description", std::string()));
    if (auto it = confirmed.find(s.name); it != confirmed.end()) s.hypothesis = it->second;
    out.push_back(std::move(s));
  }
  return out;
}

// A folder: every file whose content is a picture format, sorted by path.
std::vector<SourcePhoto> FolderPhotos(const fs::path& source, const fs::path& pack_dir) {
  std::vector<SourcePhoto> out;
  std::error_code ec;
  const fs::path pack = fs::weakly_canonical(pack_dir, ec);
  for (const auto& path : ListInputFiles({source}, true).files) {
    const fs::path canonical = fs::weakly_canonical(path, ec);
    if (!pack.empty() && canonical.string().starts_with(pack.string() + "/")) continue;
    std::vector<std::uint8_t> head;
    if (!ReadFileHead(path, 64, head).ok()) continue;
    const ImageFormat f = DetectFormat(head);
    if (f == ImageFormat::kUnknown || f == ImageFormat::kPdf || IsVideo(f)) continue;
    SourcePhoto s;
    s.name = fs::relative(path, source, ec).string();
    if (ec || s.name.empty()) s.name = path.filename().string();
    s.path = path;
    out.push_back(std::move(s));
  }
  return out;
}

Json HintsJson(const std::vector<ExerciseHint>& hints) {
  Json out = Json::array();
  for (const auto& h : hints) out.push_back({{"text", h.text}, {"cost", h.cost}});
  return out;
}

// Replaces `target` by the folder `fresh`: the old pack is moved aside first and removed
// after, so that a crash leaves either pack whole.
Status SwapFolder(const fs::path& fresh, const fs::path& target) {
  std::error_code ec;
  fs::path old;
  if (fs::exists(target, ec)) {
    old = target.string() + ".old-" + RandomHex(4);
    fs::rename(target, old, ec);
    if (ec) return MakeError(target.string() + ": cannot move the old pack aside: " + ec.message());
  }
  fs::rename(fresh, target, ec);
  if (ec) return MakeError(target.string() + ": cannot put the pack in place: " + ec.message());
  if (!old.empty()) fs::remove_all(old, ec);
  return OkStatus();
}

bool Inside(const fs::path& child, const fs::path& parent) {
  std::error_code ec;
  const std::string c = fs::weakly_canonical(child, ec).string();
  const std::string p = fs::weakly_canonical(parent, ec).string();
  return c == p || c.starts_with(p + "/");
}

}  // namespace

Result<std::vector<ExerciseAnswer>> ReadAnswersCsv(const fs::path& path) {
  auto text = ReadTextFile(path, kMaxTable);
  if (!text.ok()) return text.error();
  const auto rows = CsvRows(*text);
  if (rows.empty()) return MakeError(path.string() + ": empty");
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < rows[0].second.size(); ++i) column[ToLower(rows[0].second[i])] = i;
  for (const char* need : {"photo", "lat", "lon"})
    if (!column.count(need))
      return MakeError(path.string() +
                       ":1: the header must name the columns photo, lat, lon "
                       "(and optionally radius_m, taken_at_utc, country, notes, "
                       "site, asks)");
  std::vector<ExerciseAnswer> out;
  std::set<std::string> seen;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& [line, fields] = rows[r];
    const auto where = path.string() + ":" + std::to_string(line) + ": ";
    const auto field = [&](const char* name) -> std::string {
      const auto it = column.find(name);
      return it != column.end() && it->second < fields.size() ? SanitizeUtf8(fields[it->second])
                                                              : std::string();
    };
    ExerciseAnswer a;
    a.photo = field("photo");
    if (a.photo.empty()) return MakeError(where + "no photo named");
    if (!seen.insert(a.photo).second) return MakeError(where + a.photo + " has a second row");
    const auto lat = ParseNumber(field("lat")), lon = ParseNumber(field("lon"));
    if (!lat || !lon || *lat < -90 || *lat > 90 || *lon < -180 || *lon > 180)
      return MakeError(where + "lat and lon must be decimal degrees (-90..90, -180..180)");
    a.at = {*lat, *lon};
    if (const auto radius = field("radius_m"); !radius.empty()) {
      const auto v = ParseNumber(radius);
      if (!v || *v < 0) return MakeError(where + "radius_m must be a number of metres >= 0");
      a.radius_m = *v;
    }
    if (const auto t = field("taken_at_utc"); !t.empty()) {
      const auto parsed = ParseIso8601(t);
      if (!parsed || !parsed->offset_s)
        return MakeError(where + "taken_at_utc must be ISO 8601 with a zone (2025-03-16T10:30Z)");
      a.taken_at_utc = ToEpochSeconds(parsed->local) - *parsed->offset_s;
    }
    if (auto c = field("country"); !c.empty()) {
      std::transform(c.begin(), c.end(), c.begin(), [](char ch) { return std::toupper(ch); });
      if (!CountryByAlpha2(c))
        return MakeError(where + "country must be an ISO 3166-1 alpha-2 code (KH, MM, LA, TH)");
      a.country = c;
    }
    for (const auto& name : [&] {
           std::vector<std::string> names;
           std::string all = field("site");
           std::size_t start = 0;
           while (start <= all.size()) {
             std::size_t end = all.find('|', start);
             if (end == std::string::npos) end = all.size();
             if (auto n = Trim(all.substr(start, end - start)); !n.empty()) names.push_back(n);
             start = end + 1;
           }
           return names;
         }())
      a.sites.push_back(name);
    a.notes = field("notes");
    a.source = "answers.csv";
    for (const auto& part : [&] {
           std::vector<std::string> parts;
           std::string all = ToLower(field("asks"));
           std::replace(all.begin(), all.end(), ',', ' ');
           std::size_t start = 0;
           while (start < all.size()) {
             const std::size_t end = std::min(all.find(' ', start), all.size());
             if (end > start) parts.push_back(all.substr(start, end - start));
             start = end + 1;
           }
           return parts;
         }()) {
      if (!KnownParts().count(part))
        return MakeError(where + "asks: '" + part + "' is not one of where, when, country, site");
      const auto gradable = GradableParts(a);
      if (std::find(gradable.begin(), gradable.end(), part) == gradable.end())
        return MakeError(where + "asks " + part + " but the row has no answer for it");
      a.asks.push_back(part);
    }
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::vector<std::pair<std::string, ExerciseHint>>> ReadHintsCsv(const fs::path& path) {
  auto text = ReadTextFile(path, kMaxTable);
  if (!text.ok()) return text.error();
  std::vector<std::pair<std::string, ExerciseHint>> out;
  for (const auto& [line, fields] : CsvRows(*text)) {
    if (line == 1 && !fields.empty() && ToLower(fields[0]) == "photo") continue;  // header
    const auto where = path.string() + ":" + std::to_string(line) + ": ";
    if (fields.size() < 2 || fields[0].empty() || fields[1].empty())
      return MakeError(where + "expected photo,hint[,cost]");
    ExerciseHint h;
    h.text = SanitizeUtf8(fields[1]);
    if (fields.size() > 2 && !fields[2].empty()) {
      const auto cost = ParseNumber(fields[2]);
      if (!cost || *cost < 0 || *cost > kWherePoints + kWhenPoints + kCountryPoints + kSitePoints ||
          *cost != std::floor(*cost))
        return MakeError(where + "cost must be whole points >= 0");
      h.cost = static_cast<int>(*cost);
    }
    out.emplace_back(SanitizeUtf8(fields[0]), std::move(h));
  }
  return out;
}

std::vector<LeakPattern> LeakPatterns(const ExerciseAnswer& a, const std::string& sha256,
                                      const std::vector<std::string>& recorded_times,
                                      const std::string& question, int pair) {
  std::vector<LeakPattern> out;
  const auto add = [&](std::string bytes, const std::string& what, int side = -1) {
    out.push_back({std::move(bytes), what + " of " + question, side < 0 ? -1 : pair, side});
  };
  int side = 0;
  for (const auto& [v, what] :
       {std::pair{a.at.lat_deg, "the latitude"}, {a.at.lon_deg, "the longitude"}}) {
    add(Fixed(std::abs(v), 4),
        std::string(what) + " (with the " + (side ? "latitude" : "longitude") + ")", side);
    for (int decimals = 5; decimals <= 6; ++decimals) add(Fixed(std::abs(v), decimals), what);
    std::string bytes(sizeof(double), '\0');
    std::memcpy(bytes.data(), &v, sizeof v);  // little-endian on every target we build for
    add(bytes, std::string(what) + " (as a binary double)");
    ++side;
  }
  std::vector<std::string> times;
  if (a.taken_at_utc) {
    AddTimeForms(FromEpochSeconds(*a.taken_at_utc), times);
    times.push_back(std::to_string(*a.taken_at_utc));
  }
  for (const auto& t : recorded_times)
    if (const auto parsed = ParseExifDateTime(t)) AddTimeForms(*parsed, times);
  for (auto& t : times) add(std::move(t), "the capture time");
  if (!sha256.empty()) {
    std::string upper = sha256;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](char c) { return std::toupper(c); });
    add(sha256, "the original's SHA-256");
    add(upper, "the original's SHA-256");
  }
  return out;
}

Status CheckNoLeak(const fs::path& dir, const std::vector<LeakPattern>& patterns) {
  // Every pattern is at least 4 bytes: index them by their first 4 bytes and look each
  // window of the file up, so that a file is read once whatever the number of patterns.
  std::unordered_map<std::uint32_t, std::vector<std::size_t>> by_prefix;
  std::vector<bool> first_two(1 << 16, false);
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    const auto& s = patterns[i].bytes;
    if (s.size() < 4) continue;
    std::uint32_t key;
    std::memcpy(&key, s.data(), 4);
    by_prefix[key].push_back(i);
    first_two[static_cast<std::uint8_t>(s[0]) | (static_cast<std::uint8_t>(s[1]) << 8)] = true;
  }
  const auto digit = [](std::uint8_t c) { return c >= '0' && c <= '9'; };
  std::vector<std::uint8_t> bytes;
  for (const auto& path : ListInputFiles({dir}, true).files) {
    if (Status s = ReadFileBounded(path, 4ull << 30, bytes); !s.ok()) return s;
    std::map<int, std::pair<std::size_t, std::size_t>> pairs;  // pair -> first hit of each side
    for (std::size_t at = 0; at + 4 <= bytes.size(); ++at) {
      if (!first_two[bytes[at] | (bytes[at + 1] << 8)]) continue;
      std::uint32_t key;
      std::memcpy(&key, bytes.data() + at, 4);
      const auto it = by_prefix.find(key);
      if (it == by_prefix.end()) continue;
      for (const std::size_t i : it->second) {
        const auto& p = patterns[i];
        const auto& s = p.bytes;
        const std::size_t end = at + s.size();
        if (end > bytes.size() || std::memcmp(bytes.data() + at, s.data(), s.size()) != 0) continue;
        // A number counts whole: "8.1235" is not in "98.12351".
        if (digit(s.front()) && at > 0 && (digit(bytes[at - 1]) || bytes[at - 1] == '.')) continue;
        if (digit(s.back()) && end < bytes.size() && digit(bytes[end])) continue;
        const std::string where =
            path.string() + " holds " + p.what + " at byte " + std::to_string(at);
        if (p.pair < 0) return MakeError(where);
        auto& sides = pairs.try_emplace(p.pair, SIZE_MAX, SIZE_MAX).first->second;
        (p.side == 0 ? sides.first : sides.second) =
            std::min(p.side == 0 ? sides.first : sides.second, at);
        if (sides.first != SIZE_MAX && sides.second != SIZE_MAX)
          return MakeError(path.string() + " holds the coordinates of " +
                           p.what.substr(p.what.rfind(" of ") + 4) + " at bytes " +
                           std::to_string(sides.first) + " and " + std::to_string(sides.second));
      }
    }
  }
  return OkStatus();
}

Result<ExerciseMakeResult> MakeExercisePack(const ExerciseMakeOptions& o) {
  std::error_code ec;
  if (!fs::is_directory(o.source, ec))
    return MakeError(o.source.string() + ": not a folder of photos or a case output");
  if (Inside(o.pack_dir, o.source))
    return MakeError(o.pack_dir.string() + ": the pack may not lie inside the source folder");
  if (Inside(o.key_file, o.pack_dir))
    return MakeError(o.key_file.string() + ": the key may not lie inside the pack");
  if (fs::exists(o.pack_dir, ec) &&
      (!fs::is_directory(o.pack_dir, ec) ||
       (!fs::is_empty(o.pack_dir, ec) && !fs::exists(o.pack_dir / "pack.json", ec))))
    return MakeError(o.pack_dir.string() +
                     ": exists and is not a pack (no pack.json): refusing to replace it");

  const bool is_case = fs::exists(o.source / "photos.json", ec);
  std::vector<SourcePhoto> photos;
  if (is_case) {
    auto listed = CasePhotos(o);
    if (!listed.ok()) return listed.error();
    photos = std::move(*listed);
  } else {
    photos = FolderPhotos(o.source, o.pack_dir);
  }

  // The answers: answers.csv first, then GPS (when allowed), then a confirmed hypothesis.
  std::map<std::string, ExerciseAnswer> from_csv;
  std::vector<std::string> csv_order;
  fs::path answers_file = o.answers_file;
  if (answers_file.empty() && fs::exists(o.source / "answers.csv", ec))
    answers_file = o.source / "answers.csv";
  if (!answers_file.empty()) {
    auto rows = ReadAnswersCsv(answers_file);
    if (!rows.ok()) return rows.error();
    for (auto& a : *rows) {
      csv_order.push_back(a.photo);
      from_csv[a.photo] = std::move(a);
    }
  }
  std::map<std::string, std::vector<ExerciseHint>> hints;
  if (!o.hints_file.empty()) {
    auto rows = ReadHintsCsv(o.hints_file);
    if (!rows.ok()) return rows.error();
    for (auto& [photo, h] : *rows) hints[photo].push_back(std::move(h));
  }
  // A row may name the photo by its path in the source or by its file name alone.
  const auto row_for = [&](const SourcePhoto& p) -> const ExerciseAnswer* {
    if (auto it = from_csv.find(p.name); it != from_csv.end()) return &it->second;
    if (auto it = from_csv.find(fs::path(p.name).filename().string()); it != from_csv.end())
      return &it->second;
    return nullptr;
  };
  ExerciseMakeResult result;
  {
    std::map<std::string, int> matched;
    for (const auto& p : photos)
      if (const auto* a = row_for(p))
        if (++matched[a->photo] == 2)
          return MakeError(answers_file.string() + ": " + a->photo +
                           " names more than one photo of the source: give its path in it");
    for (const auto& name : csv_order)
      if (!matched.count(name))
        return MakeError(answers_file.string() + ": " + name + " is not a photo of " +
                         o.source.string());
    for (const auto& [photo, list] : hints)
      if (std::none_of(photos.begin(), photos.end(), [&](const SourcePhoto& p) {
            return p.name == photo || fs::path(p.name).filename() == photo;
          }))
        return MakeError(o.hints_file.string() + ": " + photo + " is not a photo of " +
                         o.source.string());
  }
  // Photos in the order of answers.csv, then the others in source order.
  std::stable_sort(photos.begin(), photos.end(), [&](const SourcePhoto& x, const SourcePhoto& y) {
    const auto rank = [&](const SourcePhoto& p) {
      const auto* a = row_for(p);
      if (!a) return csv_order.size();
      return static_cast<std::size_t>(std::find(csv_order.begin(), csv_order.end(), a->photo) -
                                      csv_order.begin());
    };
    return rank(x) < rank(y);
  });

  result.pack_id = RandomHex(16);
  if (result.pack_id.empty()) return MakeError("no random bytes for the pack id");
  const fs::path parent = o.pack_dir.parent_path().empty() ? "." : o.pack_dir.parent_path();
  fs::create_directories(parent, ec);
  const fs::path staging = parent / (".gv-pack-" + RandomHex(6));
  if (!fs::create_directory(staging, ec))
    return MakeError(staging.string() + ": cannot create the pack's folder: " + ec.message());
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code e;
      if (!dir.empty()) fs::remove_all(dir, e);
    }
  } cleanup{staging};

  RedactOptions redact = o.redact;
  redact.keep_time = false;
  std::vector<LeakPattern> forbidden;
  std::vector<ExerciseAnswer> answers;
  std::vector<PackPhoto> page_photos;
  Json key_questions = Json::array(), pack_questions = Json::array();
  std::size_t done = 0;
  std::vector<fs::path> paths;
  for (const auto& p : photos) paths.push_back(p.path);
  const auto preflight = PreflightFiles(paths, {}, o.deadline_s, "exercise");
  for (std::size_t index = 0; index < photos.size(); ++index) {
    const SourcePhoto& p = photos[index];
    if (o.on_photo) o.on_photo(p.name, done++, photos.size());
    std::optional<ExerciseAnswer> answer;
    if (const auto* a = row_for(p)) answer = *a;
    if (!answer && !o.from_gps && !p.hypothesis) {
      result.skipped.emplace_back(
          p.name, is_case ? "no answer: no row in answers.csv, no confirmed hypothesis (p >= 0.9); "
                            "GPS needs --from-gps"
                          : "no answer: no row in answers.csv (GPS needs --from-gps)");
      continue;
    }
    if (preflight[index]) {
      result.failed.emplace_back(p.name, preflight[index]->message);
      continue;
    }
    auto evidence = OpenEvidence(p.path);
    if (!evidence.ok()) {
      (answer || p.hypothesis ? result.failed : result.skipped)
          .emplace_back(p.name, evidence.error().message);
      continue;
    }
    if (!p.expected_sha256.empty() && evidence->sha256() != p.expected_sha256) {
      result.failed.emplace_back(p.name, "its SHA-256 is not the one the case analysed (" +
                                             p.expected_sha256 + "): the file has changed");
      continue;
    }
    const PhotoMetadata md = InspectEvidence(*evidence, {});
    if (!answer && o.from_gps) {
      std::optional<LatLon> gps = p.gps;
      if (!gps && md.gps && md.gps->position_valid) gps = LatLon{md.gps->lat_deg, md.gps->lon_deg};
      if (gps) {
        ExerciseAnswer a;
        a.at = *gps;
        a.taken_at_utc = p.taken_at_utc ? p.taken_at_utc : md.taken_at_utc;
        a.source = "gps";
        a.notes = "the photo's own GPS position";
        answer = a;
      }
    }
    if (!answer && p.hypothesis) {
      answer = *p.hypothesis;
      answer->taken_at_utc = p.taken_at_utc;
    }
    if (!answer) {
      result.skipped.emplace_back(p.name,
                                  "no answer: no row in answers.csv, no GPS" +
                                      std::string(is_case ? ", no confirmed hypothesis" : ""));
      continue;
    }
    answer->photo = p.name;
    answer->original = p.path;
    answer->clues = p.clues;
    auto copy = RedactEvidence(*evidence, {}, o.faces, redact);
    if (!copy.ok()) {
      result.failed.emplace_back(p.name, "redaction failed: " + copy.error().message);
      continue;
    }
    const std::size_t n = answers.size() + 1;
    char file[32];
    std::snprintf(file, sizeof file, "q%02zu%s", n, copy->extension.c_str());
    const std::string id = "q" + std::to_string(n);
    const std::string_view bytes(reinterpret_cast<const char*>(copy->bytes.data()),
                                 copy->bytes.size());
    if (Status s = WriteFileAtomic(staging / file, bytes); !s.ok()) return s.error();
    std::vector<std::string> recorded;
    if (md.datetime_original) recorded.push_back(FormatIsoLocal(*md.datetime_original));
    for (auto& pattern : LeakPatterns(*answer, evidence->sha256(), recorded,
                                      id + " (" + p.name + ")", static_cast<int>(n)))
      forbidden.push_back(std::move(pattern));

    const std::vector<std::string> asks =
        answer->asks.empty() ? GradableParts(*answer) : answer->asks;
    const std::string salt = RandomHex(16);
    Json sealed = Json::object();
    if (!answer->country.empty()) sealed["country"] = SealAnswer(salt, answer->country);
    if (!answer->sites.empty()) {
      Json seals = Json::array();
      for (const auto& s : answer->sites) seals.push_back(SealAnswer(salt, s));
      sealed["site"] = seals;
    }
    std::vector<ExerciseHint> question_hints;
    if (auto it = hints.find(p.name); it != hints.end())
      question_hints = it->second;
    else if (auto it2 = hints.find(fs::path(p.name).filename().string()); it2 != hints.end())
      question_hints = it2->second;
    pack_questions.push_back({{"id", id},
                              {"photo", file},
                              {"asks", asks},
                              {"hints", HintsJson(question_hints)},
                              {"sealed", sealed}});
    const Json regions = RegionsJson(copy->regions);
    key_questions.push_back(
        {{"id", id},
         {"photo", file},
         {"original", fs::absolute(p.path).lexically_normal().string()},
         {"original_sha256", evidence->sha256()},
         {"copy_sha256", Sha256Hex(copy->bytes)},
         {"asks", asks},
         {"answer",
          {{"lat", answer->at.lat_deg},
           {"lon", answer->at.lon_deg},
           {"radius_m", answer->radius_m > 0 ? Json(answer->radius_m) : Json(nullptr)},
           {"taken_at_utc",
            answer->taken_at_utc ? Json(FormatIsoUtc(*answer->taken_at_utc)) : Json(nullptr)},
           {"country", answer->country.empty() ? Json(nullptr) : Json(answer->country)},
           {"sites", answer->sites},
           {"notes", answer->notes},
           {"source", answer->source},
           {"clues", answer->clues}}},
         {"salt", salt},
         {"hints", HintsJson(question_hints)},
         {"redaction", {{"regions", regions}, {"salt", copy->salt}, {"method", copy->method}}}});
    page_photos.push_back({id, file, std::move(copy->bytes)});
    answers.push_back(std::move(*answer));
    result.questions.push_back(p.name);
  }
  if (answers.empty())
    return MakeError(o.source.string() +
                     ": no photo has an answer (answers.csv, --from-gps or a confirmed "
                     "hypothesis): no pack made");

  std::vector<LatLon> points;
  for (const auto& a : answers) points.push_back(a.at);
  const double scale_km =
      o.scale_km ? *o.scale_km : std::round(DefaultScaleKm(points) * 10) / 10;  // 0.1 km
  const std::string title = o.title.empty() ? "Geolocation exercise" : SanitizeUtf8(o.title);
  const Json pack = {{"format", "geoverify exercise pack 1"},
                     {"pack_id", result.pack_id},
                     {"title", title},
                     {"scale_km", scale_km},
                     {"full_marks_m", o.full_marks_m},
                     {"points",
                      {{"where", kWherePoints},
                       {"when", kWhenPoints},
                       {"country", kCountryPoints},
                       {"site", kSitePoints}}},
                     {"questions", pack_questions}};
  const std::string pack_text = pack.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
  if (Status s = WriteFileAtomic(staging / "pack.json", pack_text); !s.ok()) return s.error();
  auto page = RenderExercisePage(pack, page_photos);
  if (!page.ok()) return page.error();
  if (Status s = WriteFileAtomic(staging / "index.html", *page); !s.ok()) return s.error();
  if (Status s = CheckNoLeak(staging, forbidden); !s.ok()) {
    std::string message = s.error().message;  // named as the pack will be, not the staging
    if (message.starts_with(staging.string()))
      message.replace(0, staging.string().size(), o.pack_dir.string());
    return MakeError("leak check failed, no pack written: " + message);
  }

  const Json key = {{"format", "geoverify exercise key 1"},
                    {"pack_id", result.pack_id},
                    {"title", title},
                    {"made_utc", NowIsoUtc()},
                    {"tool_version", o.tool_version},
                    {"source", fs::absolute(o.source).lexically_normal().string()},
                    {"scale_km", scale_km},
                    {"full_marks_m", o.full_marks_m},
                    {"questions", key_questions}};
  if (!o.key_file.parent_path().empty()) fs::create_directories(o.key_file.parent_path(), ec);
  if (Status s = WriteFileAtomic(o.key_file,
                                 key.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
      !s.ok())
    return s.error();
  ::chmod(o.key_file.c_str(), 0600);
  if (Status s = SwapFolder(staging, o.pack_dir); !s.ok()) return s.error();
  cleanup.dir.clear();
  for (const auto& e : fs::directory_iterator(o.pack_dir, ec)) result.written.push_back(e.path());
  std::sort(result.written.begin(), result.written.end());
  result.written.push_back(o.key_file);
  return result;
}

}  // namespace gv
