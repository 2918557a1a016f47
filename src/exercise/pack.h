// Training exercises (geoverify exercise make): a pack of redacted photos with questions and
// an offline page to answer them, and the answer key written apart. The pack holds no
// coordinates, capture times or original hashes in any form; country and site answers are
// in it only as salted SHA-256 seals whose salts are in the key (a commitment: the key
// proves what the answers were when the pack was made, and the pack reveals nothing).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "geo/latlon.h"
#include "redact/faces.h"
#include "redact/redact.h"
#include "util/result.h"

namespace gv {

struct ExerciseHint {
  std::string text;
  int cost = 0;  // points taken off the question when the hint is shown
};

// The truth about one photo, and where it came from.
struct ExerciseAnswer {
  std::string photo;               // as named in the source (relative to it)
  std::filesystem::path original;  // the file itself
  LatLon at;
  double radius_m = 0;  // full marks within this (0: the pack's full_marks_m)
  std::optional<std::int64_t> taken_at_utc;
  std::string country;             // ISO 3166-1 alpha-2, upper case, or empty
  std::vector<std::string> sites;  // accepted names of the site, or empty
  std::string notes;
  std::string source;              // "answers.csv", "gps" or "case hypothesis"
  std::vector<std::string> clues;  // geoverify's clues (from a case output): "kind: text"
  std::vector<std::string> asks;   // empty: every part the answer can grade
};

struct ExerciseMakeOptions {
  std::filesystem::path source;  // a folder of photos, or a case output (photos.json)
  std::filesystem::path pack_dir;
  std::filesystem::path key_file;
  std::filesystem::path answers_file;  // empty: SOURCE/answers.csv when present
  std::filesystem::path hints_file;    // CSV photo,hint,cost
  std::filesystem::path case_dir;      // a case output's case folder (default: its run.json)
  std::string title;
  std::optional<double> scale_km;  // default: DefaultScaleKm of the answers
  double full_marks_m = 50;
  bool from_gps = false;
  RedactOptions redact;  // keep_time is always off in a pack
  const FaceDetector* faces = nullptr;
  std::string tool_version;
  // Each photo is read and decoded once in a supervised worker first (metadata/preflight.h):
  // one that crashes or hangs a parser fails without being parsed here. 0: no worker.
  double deadline_s = 10;
  // Called after each photo of the source: (its name, photos done, photos in all).
  std::function<void(const std::string& photo, std::size_t done, std::size_t total)> on_photo;
};

struct ExerciseMakeResult {
  std::string pack_id;
  std::vector<std::string> questions;  // the photos that became questions, in order
  // Photos without an answer, left out (not a failure), with why.
  std::vector<std::pair<std::string, std::string>> skipped;
  // Photos with an answer that could not go in (unreadable, changed since the case was run,
  // redaction failed): inputs that failed.
  std::vector<std::pair<std::string, std::string>> failed;
  std::vector<std::filesystem::path> written;
};

// Makes the pack: reads the answers, redacts every answered photo (faces filled, checked),
// writes PACK_DIR (index.html, pack.json, photos/qNN.jpg) through a temporary folder that
// replaces it at the end, and the key. Before the pack replaces anything, every file of it is
// scanned for the answers' coordinates, times and the originals' hashes; a hit fails the
// command. Error: usage problems (unreadable answers or hints file, bad rows, a pack folder
// that holds something else, a key inside the pack) or a leak.
Result<ExerciseMakeResult> MakeExercisePack(const ExerciseMakeOptions& options);

// What a pack file may not hold. A pattern with `pair` >= 0 counts only when the same file
// also holds the pattern of the other `side` of that pair (a latitude at 4 decimals with its
// longitude: alone, such short numbers turn up in the borders); others count alone.
struct LeakPattern {
  std::string bytes;
  std::string what;  // "the capture time of q1 (IMG_0001.jpg)"
  int pair = -1, side = 0;
};

// The patterns that would give an answer away: the coordinates at 4 decimals (as a pair),
// 5 and 6 decimals and as little-endian doubles, the capture time in the usual text forms
// and as Unix seconds, the local capture time recorded in the original, the original's
// SHA-256 (both cases). `question` names it in messages; `pair` numbers its coordinates.
std::vector<LeakPattern> LeakPatterns(const ExerciseAnswer& answer, const std::string& sha256,
                                      const std::vector<std::string>& recorded_times,
                                      const std::string& question, int pair);

// Scans every file under `dir`; a number matches whole (no digit next to it). The error
// names the file, what it holds and where.
Status CheckNoLeak(const std::filesystem::path& dir, const std::vector<LeakPattern>& patterns);

// Reads answers.csv: a header naming the columns (photo, lat, lon required; radius_m,
// taken_at_utc, country, notes, site (names separated by '|'), asks (space-separated: where
// when country site) optional). Errors name the file and line.
Result<std::vector<ExerciseAnswer>> ReadAnswersCsv(const std::filesystem::path& path);

// Reads hints: CSV photo,hint,cost (a header line is optional). Keyed by photo.
Result<std::vector<std::pair<std::string, ExerciseHint>>> ReadHintsCsv(
    const std::filesystem::path& path);

}  // namespace gv
