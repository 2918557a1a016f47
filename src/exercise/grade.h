// Grading an exercise (geoverify exercise grade): trainees' answers.json files scored against
// the key, a page per trainee (each pin against the truth on a small map, the distance, the
// score, the model answer and its clues), and the leaderboard (HTML, CSV, JSON).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "geo/latlon.h"
#include "util/result.h"

namespace gv {

// One question of the key, as grading needs it.
struct KeyQuestion {
  std::string id, photo;
  std::vector<std::string> asks;
  LatLon at;
  double radius_m = 0;  // 0: the pack's full_marks_m
  std::optional<std::int64_t> taken_at_utc;
  std::string country;
  std::vector<std::string> sites;
  std::string notes, source;
  std::vector<std::string> clues;
  std::vector<int> hint_costs;
};

struct ExerciseKey {
  std::string pack_id, title;
  double scale_km = 10, full_marks_m = 50;
  std::vector<KeyQuestion> questions;
};

// Reads the pack (PACK_DIR/pack.json) and the key, and checks that they belong together:
// the same pack_id, the same questions, every country and site answer matching its seal in
// the pack, and every photo of the pack the copy the key names (SHA-256).
Result<ExerciseKey> LoadExerciseKey(const std::filesystem::path& pack_dir,
                                    const std::filesystem::path& key_file);

struct QuestionGrade {
  std::string question;
  bool answered = false;
  std::optional<LatLon> pin;
  double distance_m = -1;
  int where = 0, when = 0, country = 0, site = 0;
  int hints_used = 0, hints_cost = 0;
  int score = 0;  // the parts asked, less the hints' cost, at least 0
  std::string time_utc, country_answer, site_answer;
};

struct TraineeGrade {
  std::string trainee;
  std::filesystem::path file;
  int rank = 0, total = 0;
  double seconds = 0;
  std::vector<QuestionGrade> questions;  // in the key's order
  std::filesystem::path page;            // the trainee's report, once written
};

// Scores one trainee's parsed answers.json. The error says what is wrong with the file
// (another pack, malformed, an unknown question, coordinates out of range).
Result<TraineeGrade> GradeAnswers(const ExerciseKey& key, const nlohmann::json& answers);

struct GradeResult {
  std::vector<TraineeGrade> trainees;  // ranked (equal totals share a rank)
  std::vector<std::pair<std::filesystem::path, std::string>> errors;  // skipped files
  std::vector<std::filesystem::path> written;
};

// Grades every file: a file that cannot be read or graded, and every file of a trainee
// named in more than one, is skipped with an error entry. With `out_dir` non-empty writes
// leaderboard.html, leaderboard.csv, grades.json and trainees/<name>.html there (atomically),
// with the pack's photos as small pictures.
GradeResult GradeExercise(const ExerciseKey& key, const std::filesystem::path& pack_dir,
                          const std::vector<std::filesystem::path>& answer_files,
                          const std::filesystem::path& out_dir);

// The JSON of a result (grades.json, and what --json prints).
nlohmann::ordered_json GradeJson(const ExerciseKey& key, const GradeResult& result);

}  // namespace gv
