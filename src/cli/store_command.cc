// geoverify store init|push|link|share|query: the shared case store in PostgreSQL/PostGIS.
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "report/html_report.h"
#include "store/store.h"
#include "util/file.h"

namespace gv::cli {
namespace {

using ojson = nlohmann::ordered_json;

// JSON text of what came from the store: names written by other units, replaced where they
// are not UTF-8 (a database need not be UTF-8) rather than failing the command.
std::string Dump(const ojson& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

ojson MatchJson(const CrossCaseMatch& m) {
  const bool visual = m.match == "visual";
  ojson o{
      {"file", m.photo},
      {"sha256", m.sha256},
      {"code", "CROSS_CASE_MATCH"},
      {"severity", "warning"},
      {"message", std::string(visual ? "the same place as " : "the same picture as ") +
                      m.other_photo + " in case " + m.other_case + " (unit " + m.other_unit + ")" +
                      (visual ? ", " + std::to_string(m.inliers) + " verified feature matches"
                       : m.sha256 == m.other_sha256
                           ? std::string(": the same file")
                           : ", " + std::to_string(m.bits) + " of 64 pHash bits differ")},
      {"other_case", m.other_case},
      {"other_unit", m.other_unit},
      {"other_photo", m.other_photo},
      {"other_sha256", m.other_sha256},
      {"match", m.match},
      {"bits", visual ? ojson(nullptr) : ojson(m.bits)},
      {"inliers", visual ? ojson(m.inliers) : ojson(nullptr)},
      {"score", m.score}};
  return o;
}

// The store's name as the report shows it: the connection string without a password.
std::string StoreName(const std::string& db) {
  std::string out;
  std::size_t start = 0;
  const std::string info = db.rfind("PG:", 0) == 0 ? db.substr(3) : db;
  if (info.find("://") != std::string::npos) return "a PostgreSQL store";
  while (start < info.size()) {
    std::size_t end = info.find(' ', start);
    if (end == std::string::npos) end = info.size();
    const std::string word = info.substr(start, end - start);
    if (!word.empty() && word.rfind("password", 0) != 0) out += (out.empty() ? "" : " ") + word;
    start = end + 1;
  }
  return out.empty() ? "the default PostgreSQL store" : out;
}

// The links of a case written into its output: OUT/cross_case.json (CROSS_CASE_MATCH
// findings) and the report's "Other cases" section.
Status WriteLinks(const std::filesystem::path& out_dir, const std::vector<CrossCaseMatch>& links,
                  const std::string& db) {
  ojson findings = ojson::array();
  std::vector<CrossCaseRow> rows;
  for (const auto& m : links) {
    findings.push_back(MatchJson(m));
    rows.push_back({m.photo, m.sha256, m.other_case, m.other_unit, m.other_photo, m.other_sha256,
                    m.match, m.bits, m.inliers});
  }
  if (auto s = WriteFileAtomic(out_dir / "cross_case.json", Dump(findings) + "\n"); !s.ok())
    return s;
  const auto report = out_dir / "report.html";
  if (std::filesystem::exists(report))
    return UpdateReportCrossCase(report, RenderCrossCaseSection(rows, true, StoreName(db)));
  return OkStatus();
}

ojson HitJson(const StoreHit& h) {
  ojson o{{"case_id", h.case_id}, {"unit", h.unit},    {"kind", h.kind},
          {"photo", h.photo},     {"sha256", nullptr}, {"match", h.match},
          {"score", h.score},     {"lat", nullptr},    {"lon", nullptr}};
  if (!h.sha256.empty()) o["sha256"] = h.sha256;
  if (h.lat) o["lat"] = *h.lat;
  if (h.lon) o["lon"] = *h.lon;
  if (h.distance_m) o["distance_m"] = *h.distance_m;
  if (h.bits >= 0) o["bits"] = h.bits;
  if (h.inliers >= 0) o["inliers"] = h.inliers;
  return o;
}

}  // namespace

int RunStore(int argc, char** argv) {
  CLI::App app{
      "The shared case store (PostgreSQL with PostGIS): push case outputs, link them to other "
      "units' cases, share, query. The only command that connects to a server: the one --db "
      "names.",
      "geoverify store"};
  app.require_subcommand(1);
  std::string db;
  if (const char* env = std::getenv("GEOVERIFY_DB")) db = env;
  std::string out_dir, case_id, unit, near, hash, photo, grantee;
  std::vector<std::string> units;
  double radius = 0;
  int max_bits = 10;
  bool json = false, with_files = false, no_link = false, revoke = false;
  const auto db_option = [&](CLI::App* sub) {
    sub->add_option("--db", db,
                    "the store: libpq connection string (\"PG:host=... dbname=... user=UNIT\" "
                    "or postgresql://...); default $GEOVERIFY_DB");
  };
  auto* init = app.add_subcommand(
      "init", "create the schema, policies and group role (as the store's administrator)");
  init->add_option("--unit", units, "create a unit: a login role in group geoverify_unit");
  auto* push =
      app.add_subcommand("push", "write a case output (geoverify run -o OUT) into the store");
  push->add_option("out_dir", out_dir, "the case output folder")->required();
  push->add_option("--case-id", case_id, "case id (default: the case folder's name)");
  push->add_option("--unit", unit, "push as this unit (a role the login role may SET ROLE to)");
  push->add_flag("--with-files", with_files, "store the evidence files' bytes too");
  push->add_flag("--no-link", no_link, "do not link the case to other cases after pushing");
  auto* link = app.add_subcommand(
      "link", "find the photos of other cases that show the same pictures as a pushed case");
  link->add_option("out_dir", out_dir, "the case output folder (its links are written there)")
      ->required();
  link->add_option("--case-id", case_id, "case id (default: the case folder's name)");
  link->add_option("--unit", unit, "act as this unit");
  for (auto* sub : {push, link})
    sub->add_option("--max-bits", max_bits,
                    "perceptual-hash bits (of 64) within which two photos are the same picture")
        ->capture_default_str()
        ->check(CLI::Range(0, 32));
  auto* share = app.add_subcommand("share", "let another unit read a case this unit pushed");
  share->add_option("case_id", case_id, "case id")->required();
  share->add_option("grantee", grantee, "the unit (role) to grant")->required();
  share->add_flag("--revoke", revoke, "take the grant back");
  share->add_option("--unit", unit, "act as this unit");
  bool retrain = false;
  auto* reindex = app.add_subcommand(
      "reindex",
      "bring the visual index (query --photo) up to date; as the store's owner for every unit's "
      "photos");
  reindex->add_flag("--retrain", retrain,
                    "train a new vocabulary on a sample of the store's photos first (as the "
                    "store grows)");
  reindex->add_option("--unit", unit, "act as this unit");
  auto* query = app.add_subcommand("query",
                                   "cases, photos and hypotheses near a place or "
                                   "matching a photo or a SHA-256");
  auto* near_opt = query->add_option("--near", near, "LAT,LON (decimal degrees, WGS 84)");
  query->add_option("--radius", radius, "metres around --near")->needs(near_opt);
  auto* photo_opt = query->add_option("--photo", photo, "a photo: same file or same picture");
  auto* hash_opt = query->add_option("--hash", hash, "an evidence SHA-256");
  near_opt->excludes(photo_opt)->excludes(hash_opt);
  photo_opt->excludes(hash_opt);
  query->add_option("--max-bits", max_bits, "perceptual-hash bits for --photo")
      ->capture_default_str()
      ->check(CLI::Range(0, 32));
  query->add_option("--unit", unit, "act as this unit");
  for (auto* sub : {init, push, link, share, reindex, query}) db_option(sub);
  for (auto* sub : {push, link, share, reindex, query}) sub->add_flag("--json", json, "print JSON");
  AddCommonOptions(app);
  if (const int code = Parse(app, argc, argv); code >= 0) return code;
  if (query->parsed() && near.empty() && photo.empty() && hash.empty()) {
    std::cerr << "geoverify store query: one of --near (with --radius), --photo, --hash\n";
    return kExitUsage;
  }
  if (query->parsed() && !near.empty() && !(radius > 0)) {
    std::cerr << "geoverify store query: --near needs --radius METRES\n";
    return kExitUsage;
  }
  if (db.empty()) {
    std::cerr << "geoverify store: no store named (--db or GEOVERIFY_DB)\n";
    return kExitUsage;
  }
  const std::string command = std::string("store ") + (init->parsed()      ? "init"
                                                       : push->parsed()    ? "push"
                                                       : link->parsed()    ? "link"
                                                       : share->parsed()   ? "share"
                                                       : reindex->parsed() ? "reindex"
                                                                           : "query");
  const auto fail = [&](const std::string& message) {
    return FailInput(command, json, ojson::object(), message);
  };
  auto connection = PgConnection::Open(db);
  if (!connection.ok()) return fail(connection.error().message);
  PgConnection& pg = **connection;
  if (!unit.empty()) {
    if (!ValidRoleName(unit)) {
      std::cerr << "geoverify " << command << ": --unit: a role name (letters, digits, _ and -)\n";
      return kExitUsage;
    }
    if (auto r = pg.Exec("SET ROLE \"" + unit + "\""); !r.ok())
      return fail("--unit " + unit + ": " + r.error().message);
  }

  if (init->parsed()) {
    if (auto s = InitStore(pg, units); !s.ok()) return fail(s.error().message);
    std::cout << "store ready" << (units.empty() ? "" : ", units:");
    for (const auto& u : units) std::cout << " " << u;
    std::cout << "\n";
    return kExitOk;
  }
  if (reindex->parsed()) {
    auto done = ReindexStore(pg, retrain);
    if (!done.ok()) return fail(done.error().message);
    if (json)
      std::cout << Dump(ojson{{"trained", done->trained},
                              {"vocabulary", done->version},
                              {"words", done->words},
                              {"indexed", done->indexed},
                              {"stale", done->stale}})
                << "\n";
    else
      std::cout << (done->trained ? "trained" : "kept") << " vocabulary " << done->version << " ("
                << done->words << " words); " << done->indexed << " photos indexed"
                << (done->stale ? ", " + std::to_string(done->stale) +
                                      " readable photos of other units still on an older one "
                                      "(their owner's or the store owner's reindex)"
                                : std::string())
                << "\n";
    return kExitOk;
  }
  if (share->parsed()) {
    if (auto s = ShareCase(pg, case_id, grantee, revoke); !s.ok()) return fail(s.error().message);
    if (json)
      std::cout << Dump(ojson{{"case_id", case_id}, {"unit", grantee}, {"granted", !revoke}})
                << "\n";
    else
      std::cout << (revoke ? "revoked " : "shared ") << case_id << (revoke ? " from " : " with ")
                << grantee << "\n";
    return kExitOk;
  }
  if (push->parsed() || link->parsed()) {
    std::vector<CrossCaseMatch> links;
    ojson summary;
    if (push->parsed()) {
      StorePushOptions options;
      options.case_id = case_id;
      options.with_files = with_files;
      options.link = !no_link;
      options.max_bits = max_bits;
      auto pushed = PushCase(pg, out_dir, options);
      if (!pushed.ok()) return fail(pushed.error().message);
      links = pushed->links;
      summary =
          ojson{{"case_id", pushed->case_id},       {"unit", pushed->unit},
                {"photos", pushed->photos},         {"hashed", pushed->hashed},
                {"findings", pushed->findings},     {"clues", pushed->clues},
                {"hypotheses", pushed->hypotheses}, {"regions", pushed->regions},
                {"footprints", pushed->footprints}, {"place_groups", pushed->place_groups},
                {"files", pushed->files},           {"redacted_copies", pushed->redacted_copies},
                {"indexed", pushed->indexed}};
      if (!json)
        std::cout << "pushed case " << pushed->case_id << " as " << pushed->unit << ": "
                  << pushed->photos << " photos (" << pushed->hashed << " hashed), "
                  << pushed->clues << " clues, " << pushed->hypotheses << " hypotheses, "
                  << pushed->findings << " findings, " << pushed->files << " files, "
                  << pushed->redacted_copies << " redacted copies\n";
      if (no_link) {
        if (json) std::cout << Dump(summary) << "\n";
        return kExitOk;
      }
    } else {
      std::string id = case_id;
      if (id.empty()) {
        auto run = ReadTextFile(std::filesystem::path(out_dir) / "run.json", 64u << 20);
        if (!run.ok()) return fail(run.error().message);
        try {
          id = std::filesystem::path(nlohmann::json::parse(*run).value("case_dir", ""))
                   .filename()
                   .string();
        } catch (const nlohmann::json::exception& e) {
          return fail(out_dir + "/run.json: " + e.what());
        }
      }
      auto linked = LinkCase(pg, id, max_bits);
      if (!linked.ok()) return fail(linked.error().message);
      links = std::move(*linked);
      summary = ojson{{"case_id", id}};
    }
    if (auto s = WriteLinks(out_dir, links, db); !s.ok()) return fail(s.error().message);
    ojson matches = ojson::array();
    for (const auto& m : links) matches.push_back(MatchJson(m));
    summary["cross_case"] = matches;
    if (json) {
      std::cout << Dump(summary) << "\n";
    } else {
      std::cout << links.size() << " cross-case match" << (links.size() == 1 ? "" : "es") << "\n";
      for (const auto& m : links)
        std::cout << "  CROSS_CASE_MATCH " << m.photo << " = " << m.other_photo << " in case "
                  << m.other_case << " (" << m.other_unit << ", "
                  << (m.match == "visual" ? "visual, " + std::to_string(m.inliers) + " inliers"
                      : m.sha256 == m.other_sha256 ? std::string("same file")
                                                   : std::to_string(m.bits) + " bits")
                  << ")\n";
    }
    return kExitOk;
  }
  // query
  Result<std::vector<StoreHit>> hits = std::vector<StoreHit>{};
  if (!near.empty()) {
    double lat = 0, lon = 0;
    char comma = 0;
    std::istringstream in(near);
    if (!(in >> lat >> comma >> lon) || comma != ',') {
      std::cerr << "geoverify store query: --near LAT,LON\n";
      return kExitUsage;
    }
    hits = QueryNear(pg, lat, lon, radius);
  } else if (!hash.empty()) {
    hits = QueryHash(pg, hash);
  } else {
    hits = QueryPhoto(pg, photo, max_bits);
  }
  if (!hits.ok()) return fail(hits.error().message);
  if (json) {
    ojson out = ojson::array();
    for (const auto& h : *hits) out.push_back(HitJson(h));
    std::cout << Dump(out) << "\n";
  } else {
    std::cout << hits->size() << " result" << (hits->size() == 1 ? "" : "s") << "\n";
    for (const auto& h : *hits) {
      std::cout << "  " << h.match << "  " << h.case_id << " (" << h.unit << ")  " << h.photo;
      if (h.distance_m) std::cout << "  " << static_cast<long>(*h.distance_m) << " m";
      if (h.bits > 0) std::cout << "  " << h.bits << " bits";
      if (h.inliers >= 0) std::cout << "  " << h.inliers << " verified feature matches";
      std::cout << "\n";
    }
  }
  return kExitOk;
}

}  // namespace gv::cli
