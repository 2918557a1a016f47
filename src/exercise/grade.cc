#include "exercise/grade.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <set>
#include <sstream>

#include "exercise/scoring.h"
#include "geo/countries.h"
#include "geo/geodesy.h"
#include "report/escape.h"
#include "util/data_dir.h"
#include "util/file.h"
#include "util/sha256.h"
#include "util/text.h"
#include "util/time.h"

namespace gv {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using OJson = nlohmann::ordered_json;

Result<Json> ReadJsonFile(const fs::path& path, std::uint64_t max_bytes) {
  auto text = ReadTextFile(path, max_bytes);
  if (!text.ok()) return text.error();
  Json j = Json::parse(*text, nullptr, false);
  if (j.is_discarded()) return MakeError(path.string() + ": not valid JSON");
  return j;
}

std::vector<std::string> Strings(const Json& j) {
  std::vector<std::string> out;
  if (j.is_array())
    for (const auto& s : j)
      if (s.is_string()) out.push_back(s.get<std::string>());
  return out;
}

std::optional<std::int64_t> UtcSeconds(const Json& j) {
  if (!j.is_string()) return std::nullopt;
  const auto t = ParseIso8601(j.get<std::string>());
  if (!t || !t->offset_s) return std::nullopt;
  return ToEpochSeconds(t->local) - *t->offset_s;
}

// Country answers: alpha-2 codes, or a country's name as iso-codes spells it.
std::string CountryCode(const std::string& answer) {
  const std::string canonical = CanonicalAnswer(answer);
  for (const auto& c : AllCountries())
    if (CanonicalAnswer(c.alpha2) == canonical || CanonicalAnswer(c.name) == canonical ||
        CanonicalAnswer(c.alpha3) == canonical)
      return c.alpha2;
  return canonical;
}

std::string Slug(const std::string& name) {
  std::string out;
  for (const unsigned char c : name)
    out += std::isalnum(c) || c == '-' || c == '_' ? static_cast<char>(c) : '_';
  while (out.find("__") != std::string::npos) out.replace(out.find("__"), 2, "_");
  if (out.empty() || out == "_") out = "trainee";
  return out.substr(0, 60);
}

std::string Format(const char* format, double v) {
  char text[64];
  std::snprintf(text, sizeof text, format, v);
  return text;
}

std::string Distance(double m) {
  return m < 1000 ? Format("%.0f m", m) : Format(m < 100000 ? "%.2f km" : "%.0f km", m / 1000);
}

// Borders for the small maps: rings and their boxes, read once.
struct Ring {
  std::vector<LatLon> points;
  double lat0, lat1, lon0, lon1;
};
const std::vector<Ring>& Borders() {
  static const std::vector<Ring> rings = [] {
    std::vector<Ring> out;
    auto read = ReadOuterRings(DataDir() / "generated" / "countries-110m.geojson");
    if (!read.ok()) return out;
    for (auto& r : *read) {
      Ring ring{std::move(r), 90, -90, 180, -180};
      for (const auto& p : ring.points) {
        ring.lat0 = std::min(ring.lat0, p.lat_deg), ring.lat1 = std::max(ring.lat1, p.lat_deg);
        ring.lon0 = std::min(ring.lon0, p.lon_deg), ring.lon1 = std::max(ring.lon1, p.lon_deg);
      }
      out.push_back(std::move(ring));
    }
    return out;
  }();
  return rings;
}

// A small map (inline SVG, equirectangular scaled by cos(latitude)): the truth with its
// full-marks circle, the pin, the line between them, country borders.
std::string SvgMap(const KeyQuestion& q, double full_marks_m, const std::optional<LatLon>& pin) {
  constexpr double kW = 360, kH = 240;
  double lat0 = q.at.lat_deg, lat1 = q.at.lat_deg, lon0 = q.at.lon_deg, lon1 = q.at.lon_deg;
  if (pin) {
    lat0 = std::min(lat0, pin->lat_deg), lat1 = std::max(lat1, pin->lat_deg);
    lon0 = std::min(lon0, pin->lon_deg), lon1 = std::max(lon1, pin->lon_deg);
  }
  const double k = std::max(0.2, std::cos((lat0 + lat1) / 2 * M_PI / 180));
  // The span in "x degrees" (longitude scaled), padded, at least about 2 km.
  double span_x = std::max({(lon1 - lon0) * k, (lat1 - lat0) * kW / kH, 0.02}) * 1.4;
  const double cx = (lon0 + lon1) / 2, cy = (lat0 + lat1) / 2;
  const double px_per_deg = kW / span_x;
  const auto x = [&](double lon) { return kW / 2 + (lon - cx) * k * px_per_deg; };
  const auto y = [&](double lat) { return kH / 2 - (lat - cy) * px_per_deg; };
  const double vis_lon = span_x / k / 2, vis_lat = kH / px_per_deg / 2;
  std::ostringstream svg;
  svg << "<svg class=map viewBox='0 0 " << kW << ' ' << kH << "' width=" << kW << " height=" << kH
      << "><rect width='100%' height='100%' fill='#dde8f0'/>";
  for (const auto& ring : Borders()) {
    if (ring.lat1 < cy - vis_lat || ring.lat0 > cy + vis_lat || ring.lon1 < cx - vis_lon ||
        ring.lon0 > cx + vis_lon)
      continue;
    svg << "<path fill='#f4f1e8' stroke='#888' stroke-width='0.8' d='";
    double last_x = 1e9, last_y = 1e9;
    bool first = true;
    for (const auto& p : ring.points) {
      const double px = x(p.lon_deg), py = y(p.lat_deg);
      if (!first && std::abs(px - last_x) < 1 && std::abs(py - last_y) < 1) continue;
      svg << (first ? 'M' : 'L') << Format("%.1f", px) << ',' << Format("%.1f", py);
      first = false, last_x = px, last_y = py;
    }
    svg << "Z'/>";
  }
  const double tx = x(q.at.lon_deg), ty = y(q.at.lat_deg);
  const double radius = q.radius_m > 0 ? q.radius_m : full_marks_m;
  const double r_px = radius / 111320.0 * px_per_deg;
  if (r_px >= 2)
    svg << "<circle cx='" << Format("%.1f", tx) << "' cy='" << Format("%.1f", ty) << "' r='"
        << Format("%.1f", r_px) << "' fill='#3a3' fill-opacity='0.2' stroke='#3a3'/>";
  if (pin) {
    const double px = x(pin->lon_deg), py = y(pin->lat_deg);
    svg << "<line x1='" << Format("%.1f", tx) << "' y1='" << Format("%.1f", ty) << "' x2='"
        << Format("%.1f", px) << "' y2='" << Format("%.1f", py)
        << "' stroke='#c00' stroke-dasharray='4 3'/><circle class=pin cx='" << Format("%.1f", px)
        << "' cy='" << Format("%.1f", py) << "' r='5' fill='#e33' stroke='#fff'/>";
  }
  svg << "<circle class=truth cx='" << Format("%.1f", tx) << "' cy='" << Format("%.1f", ty)
      << "' r='5' fill='#2a2' stroke='#fff'/>";
  // A scale bar of a round length near a quarter of the width.
  const double metres_per_px = 111320.0 / px_per_deg;
  double bar_m = std::pow(10, std::floor(std::log10(metres_per_px * kW / 4)));
  for (const double f : {5.0, 2.0})
    if (bar_m * f <= metres_per_px * kW / 4) {
      bar_m *= f;
      break;
    }
  const double bar_px = bar_m / metres_per_px;
  svg << "<line x1='10' y1='" << kH - 12 << "' x2='" << Format("%.1f", 10 + bar_px) << "' y2='"
      << kH - 12 << "' stroke='#000' stroke-width='2'/><text x='10' y='" << kH - 16
      << "' font-size='11'>"
      << (bar_m < 1000 ? Format("%g m", bar_m) : Format("%g km", bar_m / 1000)) << "</text></svg>";
  return svg.str();
}

// The pack's photos as small data: URIs, made once for every trainee's page.
std::map<std::string, std::string> Thumbnails(const ExerciseKey& key, const fs::path& pack_dir) {
  std::map<std::string, std::string> out;
  for (const auto& q : key.questions) {
    std::vector<std::uint8_t> bytes;
    if (!ReadFileBounded(pack_dir / q.photo, 256u << 20, bytes).ok()) continue;
    const cv::Mat image = cv::imdecode(bytes, cv::IMREAD_COLOR);
    if (image.empty()) continue;
    cv::Mat small;
    const double scale = std::min(1.0, 220.0 / std::max(image.cols, image.rows));
    cv::resize(image, small, cv::Size(), scale, scale, cv::INTER_AREA);
    std::vector<std::uint8_t> jpeg;
    if (cv::imencode(".jpg", small, jpeg, {cv::IMWRITE_JPEG_QUALITY, 75}))
      out[q.id] = "data:image/jpeg;base64," + Base64(jpeg);
  }
  return out;
}

constexpr const char* kCsp =
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
    "'unsafe-inline'; img-src data:\">\n";
constexpr const char* kStyle =
    "<style>body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;"
    "margin-bottom:1.5em}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;"
    "text-align:left;font-size:13px}td.num{text-align:right}.note{color:#666;font-size:12px}"
    "svg.map{border:1px solid #999}img.thumb{max-width:220px}ul{margin:2px 0;padding-left:18px}"
    "</style>\n";

std::string TraineePage(const ExerciseKey& key, const TraineeGrade& t, std::size_t of,
                        const std::map<std::string, std::string>& thumbs) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n"
      << kCsp << "<title>" << HtmlEscape(key.title) << ": " << HtmlEscape(t.trainee) << "</title>\n"
      << kStyle << "</head><body>\n<h1>" << HtmlEscape(t.trainee) << "</h1><p>"
      << HtmlEscape(key.title) << "<br>Total <b class=total>" << t.total << "</b>, rank " << t.rank
      << " of " << of << ", " << Format("%.0f", t.seconds)
      << " s. <a href='../leaderboard.html'>Leaderboard</a></p>\n"
      << "<p class=note>Green: the truth and the radius of full marks; red: your pin. Distances "
         "are geodesic on WGS84. Where: 5000 within the radius, else 5000 exp(-d / "
      << Format("%.1f", key.scale_km) << " km).</p>\n<table>";
  for (std::size_t i = 0; i < key.questions.size() && i < t.questions.size(); ++i) {
    const KeyQuestion& q = key.questions[i];
    const QuestionGrade& g = t.questions[i];
    out << "<tr class=question id='" << HtmlEscape(q.id) << "'><td><b>" << HtmlEscape(q.id)
        << "</b><br>";
    if (auto it = thumbs.find(q.id); it != thumbs.end())
      out << "<img class=thumb alt='the photo' src='" << it->second << "'>";
    out << "</td><td>" << SvgMap(q, key.full_marks_m, g.pin) << "</td><td><ul>";
    if (!g.answered) {
      out << "<li>not answered</li>";
    } else {
      out << "<li>your pin " << Format("%.6f", g.pin->lat_deg) << ", "
          << Format("%.6f", g.pin->lon_deg) << ": <b class=distance>" << Distance(g.distance_m)
          << "</b> from the truth, where <b>" << g.where << "</b></li>";
      const auto asked = [&](const char* part) {
        return std::find(q.asks.begin(), q.asks.end(), part) != q.asks.end();
      };
      if (asked("when"))
        out << "<li>time " << (g.time_utc.empty() ? "not given" : HtmlEscape(g.time_utc)) << ": "
            << g.when << "</li>";
      if (asked("country"))
        out << "<li>country "
            << (g.country_answer.empty() ? "not given" : HtmlEscape(g.country_answer)) << ": "
            << g.country << "</li>";
      if (asked("site"))
        out << "<li>site " << (g.site_answer.empty() ? "not given" : HtmlEscape(g.site_answer))
            << ": " << g.site << "</li>";
      if (g.hints_used > 0)
        out << "<li>" << g.hints_used << " hint(s): -" << g.hints_cost << "</li>";
    }
    out << "<li>score <b class=score>" << g.score << "</b></li></ul></td><td><b>Model "
        << "answer</b><ul><li>" << Format("%.6f", q.at.lat_deg) << ", "
        << Format("%.6f", q.at.lon_deg) << " (full marks within "
        << Format("%.0f", q.radius_m > 0 ? q.radius_m : key.full_marks_m) << " m)</li>";
    if (q.taken_at_utc) out << "<li>taken " << HtmlEscape(FormatIsoUtc(*q.taken_at_utc)) << "</li>";
    if (!q.country.empty()) out << "<li>country " << HtmlEscape(q.country) << "</li>";
    for (const auto& s : q.sites) out << "<li>site " << HtmlEscape(s) << "</li>";
    if (!q.notes.empty()) out << "<li>" << HtmlEscape(q.notes) << "</li>";
    out << "<li class=note>answer from " << HtmlEscape(q.source) << "</li></ul>";
    if (!q.clues.empty()) {
      out << "<b>geoverify's clues</b><ul>";
      for (const auto& c : q.clues) out << "<li>" << HtmlEscape(c) << "</li>";
      out << "</ul>";
    }
    out << "</td></tr>\n";
  }
  out << "</table><p class=note>Generated by geoverify at " << HtmlEscape(NowIsoUtc())
      << ". Borders: Natural Earth (public domain).</p></body></html>\n";
  return out.str();
}

std::string LeaderboardCsv(const ExerciseKey& key, const GradeResult& r) {
  std::string out = "rank,trainee,total";
  for (const auto& q : key.questions) out += "," + q.id;
  out += ",seconds\n";
  for (const auto& t : r.trainees) {
    out += std::to_string(t.rank) + "," + CsvField(t.trainee) + "," + std::to_string(t.total);
    for (const auto& g : t.questions) out += "," + std::to_string(g.score);
    out += "," + Format("%.0f", t.seconds) + "\n";
  }
  return out;
}

std::string LeaderboardHtml(const ExerciseKey& key, const GradeResult& r) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n"
      << kCsp << "<title>" << HtmlEscape(key.title) << ": leaderboard</title>\n"
      << kStyle << "</head><body>\n<h1>" << HtmlEscape(key.title)
      << ": leaderboard</h1>\n<table "
         "id=leaderboard><tr><th>Rank</th><th>Trainee</th><th>Total</th>";
  for (const auto& q : key.questions) out << "<th>" << HtmlEscape(q.id) << "</th>";
  out << "<th>Time</th></tr>\n";
  for (const auto& t : r.trainees) {
    out << "<tr><td class=num>" << t.rank << "</td><td><a href='trainees/"
        << HtmlEscape(t.page.filename().string()) << "'>" << HtmlEscape(t.trainee)
        << "</a></td><td class=num><b>" << t.total << "</b></td>";
    for (const auto& g : t.questions) out << "<td class=num>" << g.score << "</td>";
    out << "<td class=num>" << Format("%.0f", t.seconds) << " s</td></tr>\n";
  }
  out << "</table>\n";
  if (!r.errors.empty()) {
    out << "<h2>Answer files not graded</h2><ul>";
    for (const auto& [file, error] : r.errors)
      out << "<li>" << HtmlEscape(file.string()) << ": " << HtmlEscape(error) << "</li>";
    out << "</ul>";
  }
  out << "<p class=note>Per question: where (up to " << kWherePoints << "), when (up to "
      << kWhenPoints << "), country (" << kCountryPoints << "), site (" << kSitePoints
      << ") as asked, less hints. Generated by geoverify at " << HtmlEscape(NowIsoUtc())
      << ".</p></body></html>\n";
  return out.str();
}

}  // namespace

Result<ExerciseKey> LoadExerciseKey(const fs::path& pack_dir, const fs::path& key_file) {
  auto pack = ReadJsonFile(pack_dir / "pack.json", 64u << 20);
  if (!pack.ok()) return pack.error();
  auto key_json = ReadJsonFile(key_file, 64u << 20);
  if (!key_json.ok()) return key_json.error();
  const Json& p = *pack;
  const Json& k = *key_json;
  if (!p.is_object() || !p["pack_id"].is_string() || !p["questions"].is_array())
    return MakeError((pack_dir / "pack.json").string() + ": not a geoverify exercise pack");
  if (!k.is_object() || !k["pack_id"].is_string() || !k["questions"].is_array())
    return MakeError(key_file.string() + ": not a geoverify exercise key");
  if (k["pack_id"] != p["pack_id"])
    return MakeError(key_file.string() + ": the key of pack " + k["pack_id"].get<std::string>() +
                     ", not of " + p["pack_id"].get<std::string>());
  if (k["questions"].size() != p["questions"].size())
    return MakeError(key_file.string() + ": the key and the pack have different questions");
  ExerciseKey key;
  key.pack_id = p["pack_id"].get<std::string>();
  key.title = p.value("title", std::string());
  key.scale_km = p.value("scale_km", 10.0);
  key.full_marks_m = p.value("full_marks_m", 50.0);
  for (std::size_t i = 0; i < p["questions"].size(); ++i) {
    const Json& pq = p["questions"][i];
    const Json& kq = k["questions"][i];
    const std::string where = key_file.string() + ": question " + std::to_string(i + 1) + ": ";
    if (!pq.is_object() || !kq.is_object() || pq["id"] != kq["id"] || !kq["answer"].is_object())
      return MakeError(where + "the key and the pack do not match");
    const Json& a = kq["answer"];
    KeyQuestion q;
    q.id = pq["id"].get<std::string>();
    q.photo = pq.value("photo", std::string());
    if (q.photo.empty() || q.photo.find('/') != std::string::npos || q.photo.starts_with("."))
      return MakeError(where + "the pack names no photo file");
    q.asks = Strings(pq["asks"]);
    if (!a["lat"].is_number() || !a["lon"].is_number())
      return MakeError(where + "the key has no coordinates");
    q.at = {a["lat"].get<double>(), a["lon"].get<double>()};
    q.radius_m = a["radius_m"].is_number() ? a["radius_m"].get<double>() : 0;
    q.taken_at_utc = UtcSeconds(a["taken_at_utc"]);
    q.country = a["country"].is_string() ? a["country"].get<std::string>() : "";
    q.sites = Strings(a["sites"]);
    q.notes = a.value("notes", std::string());
    q.source = a.value("source", std::string());
    q.clues = Strings(a["clues"]);
    for (const auto& h : pq.value("hints", Json::array()))
      q.hint_costs.push_back(h.is_object() ? h.value("cost", 0) : 0);
    // The seals: the key's answers are the ones the pack was made with.
    const std::string salt = kq.value("salt", std::string());
    const Json& sealed = pq.value("sealed", Json::object());
    if (sealed.contains("country") &&
        (q.country.empty() || SealAnswer(salt, q.country) != sealed["country"]))
      return MakeError(where + "the country answer does not match its seal in the pack");
    const auto site_seals = Strings(sealed.value("site", Json::array()));
    if (site_seals.size() != q.sites.size())
      return MakeError(where + "the site answers do not match their seals in the pack");
    for (std::size_t s = 0; s < q.sites.size(); ++s)
      if (SealAnswer(salt, q.sites[s]) != site_seals[s])
        return MakeError(where + "the site answers do not match their seals in the pack");
    if (!sealed.contains("country") && !q.country.empty())
      return MakeError(where + "the key has a country the pack has no seal for");
    auto copy = Sha256File(pack_dir / q.photo);
    if (!copy.ok()) return copy.error();
    if (*copy != kq.value("copy_sha256", std::string()))
      return MakeError((pack_dir / q.photo).string() +
                       ": not the photo the key was made with (SHA-256 differs)");
    key.questions.push_back(std::move(q));
  }
  return key;
}

Result<TraineeGrade> GradeAnswers(const ExerciseKey& key, const Json& j) {
  if (!j.is_object()) return MakeError("not a JSON object");
  if (!j.contains("pack_id") || !j["pack_id"].is_string())
    return MakeError("no pack_id: not an answers.json of a geoverify exercise");
  if (j["pack_id"] != key.pack_id)
    return MakeError("answers for another pack (" + SanitizeUtf8(j["pack_id"].get<std::string>()) +
                     ")");
  if (!j.contains("trainee") || !j["trainee"].is_string() ||
      Trim(SanitizeUtf8(j["trainee"].get<std::string>())).empty())
    return MakeError("no trainee name");
  if (!j.contains("answers") || !j["answers"].is_array()) return MakeError("no answers array");
  TraineeGrade t;
  t.trainee = Trim(SanitizeUtf8(j["trainee"].get<std::string>()));
  std::map<std::string, const Json*> given;
  for (const auto& a : j["answers"]) {
    if (!a.is_object() || !a.contains("question") || !a["question"].is_string())
      return MakeError("an answer without a question id");
    const std::string id = SanitizeUtf8(a["question"].get<std::string>());
    if (std::none_of(key.questions.begin(), key.questions.end(),
                     [&](const KeyQuestion& q) { return q.id == id; }))
      return MakeError("answer to an unknown question " + id);
    if (!given.emplace(id, &a).second) return MakeError("two answers to " + id);
    if (!a.contains("lat") || !a.contains("lon") || !a["lat"].is_number() || !a["lon"].is_number())
      return MakeError(id + ": lat and lon are required numbers");
    const double lat = a["lat"].get<double>(), lon = a["lon"].get<double>();
    if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180))
      return MakeError(id + ": coordinates out of range (" + Format("%g", lat) + ", " +
                       Format("%g", lon) + ")");
    if (a.contains("time_utc") && !a["time_utc"].is_null() && !UtcSeconds(a["time_utc"]))
      return MakeError(id + ": time_utc must be ISO 8601 UTC (2025-03-16T10:30:00Z)");
    for (const char* k : {"country", "site"})
      if (a.contains(k) && !a[k].is_null() && !a[k].is_string())
        return MakeError(id + ": " + k + " must be text");
    if (a.contains("hints_used") &&
        !(a["hints_used"].is_number_unsigned() ||
          (a["hints_used"].is_number_integer() && a["hints_used"].get<long long>() >= 0)))
      return MakeError(id + ": hints_used must be a whole number >= 0");
    if (a.contains("seconds") && !(a["seconds"].is_number() && a["seconds"].get<double>() >= 0 &&
                                   std::isfinite(a["seconds"].get<double>())))
      return MakeError(id + ": seconds must be a number >= 0");
  }
  const double scale_m = key.scale_km * 1000;
  for (const auto& q : key.questions) {
    QuestionGrade g;
    g.question = q.id;
    const auto it = given.find(q.id);
    if (it != given.end()) {
      const Json& a = *it->second;
      const auto asked = [&](const char* part) {
        return std::find(q.asks.begin(), q.asks.end(), part) != q.asks.end();
      };
      g.answered = true;
      g.pin = LatLon{a["lat"].get<double>(), a["lon"].get<double>()};
      g.distance_m = GeodesicDistanceM(*g.pin, q.at);
      g.where =
          DistanceScore(g.distance_m, q.radius_m > 0 ? q.radius_m : key.full_marks_m, scale_m);
      if (a.contains("time_utc") && a["time_utc"].is_string()) {
        g.time_utc = SanitizeUtf8(a["time_utc"].get<std::string>());
        if (asked("when") && q.taken_at_utc)
          g.when = TimeScore(static_cast<double>(*UtcSeconds(a["time_utc"]) - *q.taken_at_utc));
      }
      if (a.contains("country") && a["country"].is_string()) {
        g.country_answer = SanitizeUtf8(a["country"].get<std::string>());
        if (asked("country") && !q.country.empty() &&
            CountryCode(g.country_answer) == CountryCode(q.country))
          g.country = kCountryPoints;
      }
      if (a.contains("site") && a["site"].is_string()) {
        g.site_answer = SanitizeUtf8(a["site"].get<std::string>());
        const std::string mine = CanonicalAnswer(g.site_answer);
        if (asked("site"))
          for (const auto& s : q.sites)
            if (!mine.empty() && CanonicalAnswer(s) == mine) g.site = kSitePoints;
      }
      const long long used = a.value("hints_used", 0LL);
      g.hints_used = static_cast<int>(std::min<long long>(used, q.hint_costs.size()));
      for (int h = 0; h < g.hints_used; ++h) g.hints_cost += q.hint_costs[h];
      g.score = std::max(0, g.where + g.when + g.country + g.site - g.hints_cost);
      t.seconds += a.value("seconds", 0.0);
    }
    t.total += g.score;
    t.questions.push_back(std::move(g));
  }
  return t;
}

GradeResult GradeExercise(const ExerciseKey& key, const fs::path& pack_dir,
                          const std::vector<fs::path>& answer_files, const fs::path& out_dir) {
  GradeResult r;
  std::vector<TraineeGrade> graded;
  for (const auto& file : answer_files) {
    auto j = ReadJsonFile(file, 16u << 20);
    if (!j.ok()) {
      r.errors.emplace_back(file, j.error().message);
      continue;
    }
    auto t = GradeAnswers(key, *j);
    if (!t.ok()) {
      r.errors.emplace_back(file, t.error().message);
      continue;
    }
    t->file = file;
    graded.push_back(std::move(*t));
  }
  // A trainee named in two files: neither is graded (which one counts is the trainer's call).
  std::map<std::string, std::vector<std::size_t>> by_name;
  for (std::size_t i = 0; i < graded.size(); ++i)
    by_name[CanonicalAnswer(graded[i].trainee)].push_back(i);
  for (std::size_t i = 0; i < graded.size(); ++i) {
    const auto& same = by_name[CanonicalAnswer(graded[i].trainee)];
    if (same.size() == 1) {
      r.trainees.push_back(std::move(graded[i]));
      continue;
    }
    std::string others;
    for (const std::size_t o : same)
      if (o != i) others += (others.empty() ? "" : ", ") + graded[o].file.string();
    r.errors.emplace_back(graded[i].file, "trainee \"" + graded[i].trainee + "\" also answers in " +
                                              others + ": not graded (merge or rename the files)");
  }
  std::sort(r.trainees.begin(), r.trainees.end(), [](const TraineeGrade& a, const TraineeGrade& b) {
    if (a.total != b.total) return a.total > b.total;
    if (a.seconds != b.seconds) return a.seconds < b.seconds;
    return a.trainee < b.trainee;
  });
  for (std::size_t i = 0; i < r.trainees.size(); ++i)
    r.trainees[i].rank = i > 0 && r.trainees[i].total == r.trainees[i - 1].total
                             ? r.trainees[i - 1].rank
                             : static_cast<int>(i + 1);
  if (out_dir.empty()) return r;

  std::error_code ec;
  fs::create_directories(out_dir / "trainees", ec);
  const auto fail = [&](const fs::path& path, const Status& s) {
    r.errors.emplace_back(path, s.error().message);
  };
  const auto thumbs = Thumbnails(key, pack_dir);
  std::set<std::string> used;
  for (auto& t : r.trainees) {
    std::string name = Slug(t.trainee);
    for (int n = 2; !used.insert(name).second; ++n)
      name = Slug(t.trainee) + "-" + std::to_string(n);
    t.page = out_dir / "trainees" / (name + ".html");
    if (Status s = WriteFileAtomic(t.page, TraineePage(key, t, r.trainees.size(), thumbs)); !s.ok())
      fail(t.page, s);
    else
      r.written.push_back(t.page);
  }
  const std::pair<const char*, std::string> outputs[] = {
      {"leaderboard.csv", LeaderboardCsv(key, r)},
      {"leaderboard.html", LeaderboardHtml(key, r)},
  };
  for (const auto& [name, text] : outputs) {
    if (Status s = WriteFileAtomic(out_dir / name, text); !s.ok())
      fail(out_dir / name, s);
    else
      r.written.push_back(out_dir / name);
  }
  r.written.push_back(out_dir / "grades.json");
  if (Status s = WriteFileAtomic(out_dir / "grades.json", GradeJson(key, r).dump(2) + "\n");
      !s.ok()) {
    r.written.pop_back();
    fail(out_dir / "grades.json", s);
  }
  return r;
}

OJson GradeJson(const ExerciseKey& key, const GradeResult& r) {
  OJson trainees = OJson::array();
  for (const auto& t : r.trainees) {
    OJson questions = OJson::array();
    for (const auto& g : t.questions) {
      OJson q = {{"question", g.question}, {"answered", g.answered}};
      if (g.pin) {
        q["lat"] = g.pin->lat_deg;
        q["lon"] = g.pin->lon_deg;
        q["distance_m"] = std::round(g.distance_m * 1000) / 1000;
      }
      q["where"] = g.where;
      q["when"] = g.when;
      q["country"] = g.country;
      q["site"] = g.site;
      q["hints_used"] = g.hints_used;
      q["hints_cost"] = g.hints_cost;
      q["score"] = g.score;
      questions.push_back(q);
    }
    trainees.push_back({{"rank", t.rank},
                        {"trainee", t.trainee},
                        {"file", t.file.string()},
                        {"total", t.total},
                        {"seconds", t.seconds},
                        {"page", t.page.empty() ? OJson(nullptr) : OJson(t.page.string())},
                        {"questions", questions}});
  }
  OJson errors = OJson::array();
  for (const auto& [file, error] : r.errors)
    errors.push_back({{"file", file.string()}, {"error", error}});
  OJson outputs = OJson::array();
  for (const auto& p : r.written) outputs.push_back(p.string());
  return {{"pack_id", key.pack_id},   {"title", key.title},
          {"scale_km", key.scale_km}, {"full_marks_m", key.full_marks_m},
          {"trainees", trainees},     {"errors", errors},
          {"outputs", outputs}};
}

}  // namespace gv
