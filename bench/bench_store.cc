// Scale of the shared case store (issue 20's figures): a throwaway PostgreSQL/PostGIS cluster
// holding 100,000 photo rows (1,000 cases of 100 photos pushed by one unit and shared with
// another: the worst case for row-level security, every row readable through a grant;
// pHash-only rows with random positions over mainland Southeast Asia), then, as the other unit:
// a real case output pushed and linked against all of them, near-place queries and photo
// queries. Prints each figure next to its target.
//
// Usage: bench_store --geoverify BIN [--rows 100000] [--queries 20]
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <opencv2/imgcodecs.hpp>
#include <random>

#include "store/pg.h"
#include "store/store.h"
#include "support/pg_cluster.h"
#include "support/run_binary.h"
#include "support/synth_photo.h"
#include "support/temp_dir.h"

namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}
double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Scale of the shared case store"};
  std::string binary;
  int rows = 100000, queries = 20;
  app.add_option("--geoverify", binary, "the geoverify binary")->required();
  app.add_option("--rows", rows, "photo rows in the store");
  app.add_option("--queries", queries, "queries of each kind");
  CLI11_PARSE(app, argc, argv);
  namespace fs = std::filesystem;
  gv::test::PgCluster cluster;
  {
    auto admin = gv::PgConnection::Open(cluster.Conninfo("geoverify", "postgres"));
    if (!admin.ok() || !(*admin)->Exec("CREATE DATABASE cases").ok()) return 1;
  }
  auto admin = gv::PgConnection::Open(cluster.Conninfo("geoverify", "cases"));
  if (!admin.ok() || !gv::InitStore(**admin, {"ngo_archive", "th_dsi"}).ok()) {
    std::fprintf(stderr, "bench_store: cannot make the store\n");
    return 1;
  }
  auto archive = gv::PgConnection::Open(cluster.Conninfo("ngo_archive", "cases"));
  auto unit = gv::PgConnection::Open(cluster.Conninfo("th_dsi", "cases"));
  if (!archive.ok() || !unit.ok()) return 1;
  const int cases = std::max(1, rows / 100);
  auto t = Clock::now();
  const auto exec = [](gv::PgConnection& db, const std::string& sql) {
    auto r = db.Exec(sql);
    if (!r.ok()) {
      std::fprintf(stderr, "bench_store: %s\n", r.error().message.c_str());
      std::exit(1);
    }
    return *r;
  };
  exec(**archive, "SELECT setseed(0.2)");
  exec(**archive, "INSERT INTO gv.cases (case_id) SELECT 'ARCHIVE-' || g FROM generate_series(1, " +
                      std::to_string(cases) + ") g");
  exec(**archive,
       "INSERT INTO gv.photos (case_id, fid, file, sha256, attributes, geom, phash, crop_hashes)"
       " SELECT 'ARCHIVE-' || (1 + (g - 1) / 100), g, 'photo_' || g || '.jpg',"
       " encode(sha256(g::text::bytea), 'hex'), '{}'::jsonb,"
       " ST_SetSRID(ST_MakePoint(97 + random() * 10, 9 + random() * 13), 4326),"
       " (random() * 9.2e18 - 4.6e18)::bigint,"
       " ARRAY(SELECT (random() * 9.2e18 - 4.6e18 + g * 0)::bigint FROM generate_series(1, 6))"
       " FROM generate_series(1, " +
           std::to_string(rows) + ") g");
  exec(**archive, "INSERT INTO gv.share (case_id, unit) SELECT case_id, 'th_dsi' FROM gv.cases");
  exec(**admin, "ANALYZE");
  const double generate_s = Since(t);

  // A real case output: 20 photos with GPS, one of them a copy of an archive photo's hash
  // would be a forgery of the benchmark; the link finds what it finds.
  gv::test::TempDir dir;
  const fs::path case_dir = dir.path() / "TH-BENCH";
  fs::create_directories(case_dir);
  for (int i = 0; i < 20; ++i) {
    gv::test::SynthExif e;
    e.make = "OPPO";
    e.model = "A78";
    e.datetime_original = "2025:03:14 16:20:00";
    e.lat = 16.6 + 0.01 * i;
    e.lon = 98.5;
    std::vector<std::uint8_t> jpeg;
    cv::imencode(".jpg", gv::test::MakeTexture(100 + i, 1024, 768), jpeg);
    gv::test::WritePhoto(case_dir / ("photo_" + std::to_string(i) + ".jpg"), jpeg, e);
  }
  const fs::path out = dir.path() / "out";
  const auto run = gv::test::RunCommand(binary + " run '" + case_dir.string() + "' -o '" +
                                        out.string() + "' --skip text,georef,locate,shadow");
  if (run.exit_code != 0) {
    std::fprintf(stderr, "bench_store: geoverify run failed\n");
    return 1;
  }
  t = Clock::now();
  gv::StorePushOptions options;
  options.link = false;
  auto pushed = gv::PushCase(**unit, out, options);
  const double push_s = Since(t);
  if (!pushed.ok()) {
    std::fprintf(stderr, "bench_store: %s\n", pushed.error().message.c_str());
    return 1;
  }
  t = Clock::now();
  auto links = gv::LinkCase(**unit, pushed->case_id);
  const double link_s = Since(t);
  if (!links.ok()) return 1;
  // The dense case for visual links: the archive's photos within 25 km of the pushed case
  // get local features (copies of one pushed photo's, so that every one of them is verified
  // and matches that photo: the most work a link can have there).
  exec(**admin,
       "INSERT INTO gv.features (case_id, unit, file, width, height, keypoints, descriptors)"
       " SELECT p.case_id, p.unit, p.file, f.width, f.height, f.keypoints, f.descriptors"
       " FROM gv.photos p, (SELECT * FROM gv.features WHERE case_id = 'TH-BENCH'"
       "   AND file = 'photo_0.jpg') f"
       " WHERE p.case_id LIKE 'ARCHIVE-%' AND ST_DWithin(p.geom::geography,"
       "   ST_SetSRID(ST_MakePoint(98.5, 16.7), 4326)::geography, 25000)");
  const std::string dense =
      exec(**admin, "SELECT count(*) FROM gv.features WHERE case_id LIKE 'ARCHIVE-%'")
          .Text(0, "count");
  t = Clock::now();
  auto dense_links = gv::LinkCase(**unit, pushed->case_id);
  const double dense_s = Since(t);
  if (!dense_links.ok()) return 1;

  // The visual index at scale: a vocabulary of 4,096 words (random centres: the query's cost
  // does not depend on what the words mean), the pushed and dense photos indexed with it by
  // the owner's reindex, and every other archive photo given a signature of 4,096 bits (half
  // of them set: more work per row than a real signature's 10 % or so).
  {
    cv::Mat centers(4096, 128, CV_32F);
    cv::randu(centers, 0.0, 0.25);
    auto v = (*admin)->ExecWithBytes(
        "INSERT INTO gv.vocabulary (words, centers, photos) VALUES (4096, $1, 0)", {},
        {std::string(reinterpret_cast<const char*>(centers.data),
                     centers.total() * centers.elemSize())});
    if (!v.ok()) return 1;
  }
  t = Clock::now();
  auto reindexed = gv::ReindexStore(**admin, false);
  const double reindex_s = Since(t);
  if (!reindexed.ok()) {
    std::fprintf(stderr, "bench_store: %s\n", reindexed.error().message.c_str());
    return 1;
  }
  exec(**admin,
       "INSERT INTO gv.features (case_id, unit, file, width, height, keypoints, descriptors)"
       " SELECT case_id, unit, file, 0, 0, '', '' FROM gv.photos WHERE case_id LIKE 'ARCHIVE-%'"
       " ON CONFLICT (case_id, file) DO NOTHING");
  exec(**admin, "UPDATE gv.features SET vocabulary = " + std::to_string(reindexed->version) +
                    ", words = 2048, signature = ('x' || (SELECT string_agg(md5(file || i), '')"
                    " FROM generate_series(1, 32) i))::bit(4096)::varbit"
                    " WHERE case_id LIKE 'ARCHIVE-%' AND signature IS NULL");
  exec(**admin, "ANALYZE gv.features");
  const std::string indexed =
      exec(**admin, "SELECT count(*) FROM gv.features WHERE signature IS NOT NULL")
          .Text(0, "count");

  // The link again, now that every photo is in the visual index (20 more candidates a photo).
  t = Clock::now();
  auto indexed_links = gv::LinkCase(**unit, pushed->case_id);
  const double indexed_link_s = Since(t);
  if (!indexed_links.ok()) return 1;

  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> lat(9, 22), lon(97, 107);
  std::vector<double> near_ms;
  std::size_t near_hits = 0;
  for (int q = 0; q < queries; ++q) {
    t = Clock::now();
    auto hits = gv::QueryNear(**unit, lat(rng), lon(rng), 5000);
    near_ms.push_back(1000 * Since(t));
    if (hits.ok()) near_hits += hits->size();
  }
  std::vector<double> photo_s;
  std::size_t visual_hits = 0;
  for (int q = 0; q < std::max(1, queries / 4); ++q) {
    t = Clock::now();
    auto hits = gv::QueryPhoto(**unit, case_dir / ("photo_" + std::to_string(q % 20) + ".jpg"));
    photo_s.push_back(Since(t));
    if (!hits.ok()) {
      std::fprintf(stderr, "bench_store: %s\n", hits.error().message.c_str());
      return 1;
    }
    for (const auto& h : *hits) visual_hits += h.match == "visual" ? 1 : 0;
  }
  std::printf(
      "bench-store: %d photo rows in %d cases (shared with the querying unit), "
      "PostgreSQL 15 + PostGIS, 2 cores\n\n",
      rows, cases);
  std::printf("%-44s %10s %10s\n", "figure", "measured", "target");
  std::printf("%-44s %9.1fs %10s\n", "generate the rows (SQL, one transaction)", generate_s, "-");
  std::printf("%-44s %9.2fs %10s\n", "push a 20-photo case output (no link)", push_s, "-");
  std::printf("%-44s %9.2fs %10s  (%zu links)\n", "link it against every readable photo", link_s,
              "-", links->size());
  // Every link should be photo_0's (the features are its own); any other is a false link.
  const auto false_links =
      std::count_if(dense_links->begin(), dense_links->end(),
                    [](const gv::CrossCaseMatch& m) { return m.photo != "photo_0.jpg"; });
  std::printf("%-44s %9.2fs %10s  (%s nearby photos with features; %zu links, %ld false)\n",
              "  again, nearby photos with features", dense_s, "-", dense.c_str(),
              dense_links->size(), static_cast<long>(false_links));
  std::printf("%-44s %8.1fms %10s  (median of %d; %.1f hits each)\n", "near-place query, 5 km",
              Median(near_ms), "< 100 ms", queries, static_cast<double>(near_hits) / queries);
  std::printf("%-44s %8.1fms\n", "  slowest", *std::max_element(near_ms.begin(), near_ms.end()));
  std::printf("%-44s %9.2fs %10s  (%d photos with features indexed; vocabulary of %d words)\n",
              "owner's reindex", reindex_s, "-", reindexed->indexed, reindexed->words);
  const auto false_indexed =
      std::count_if(indexed_links->begin(), indexed_links->end(),
                    [](const gv::CrossCaseMatch& m) { return m.photo != "photo_0.jpg"; });
  std::printf(
      "%-44s %9.2fs %10s  (the index's 20 best of %s signatures too; %zu links, %ld "
      "false)\n",
      "  again, every photo in the visual index", indexed_link_s, "-", indexed.c_str(),
      indexed_links->size(), static_cast<long>(false_indexed));
  std::printf(
      "%-44s %9.2fs %10s  (median of %zu, decode, hashes and the visual index: %s "
      "signatures, 20 verified; %zu visual hits)\n",
      "photo-match query", Median(photo_s), "< 2 s", photo_s.size(), indexed.c_str(), visual_hits);
  return 0;
}
