// A reference collection in one SQLite file: each reference's SHA-256, location, features
// and visual words, plus the vocabulary. The only file that includes sqlite3.h.
// Writes go to a temporary copy that Commit() renames into place, so a collection is never
// left half-written. Not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

#include "match/features.h"
#include "util/result.h"

namespace gv {

struct ReferenceRecord {
  std::int64_t id = 0;
  std::string path, sha256;
  double lat_deg = 0, lon_deg = 0;
  std::optional<double> heading_deg;
  std::string note;
  int width = 0, height = 0, features = 0;
};

class ReferenceStore {
 public:
  // A new collection at `path` (replacing any on Commit()).
  static Result<std::unique_ptr<ReferenceStore>> Create(const std::filesystem::path& path);
  // An existing collection, to add to (changes appear at `path` on Commit()).
  static Result<std::unique_ptr<ReferenceStore>> OpenForUpdate(const std::filesystem::path& path);
  static Result<std::unique_ptr<ReferenceStore>> OpenReadOnly(const std::filesystem::path& path);
  ~ReferenceStore();
  ReferenceStore(const ReferenceStore&) = delete;
  ReferenceStore& operator=(const ReferenceStore&) = delete;

  Result<std::int64_t> Add(const ReferenceRecord& record, const Features& features);
  bool Contains(const std::string& sha256);
  Result<std::vector<ReferenceRecord>> List();
  Result<Features> LoadFeatures(std::int64_t id);
  Status SetWords(std::int64_t id, const std::vector<int>& words);
  Result<std::vector<std::pair<std::int64_t, std::vector<int>>>> LoadAllWords();
  // The inverted file: for each word its IDF and (reference id, TF-IDF weight) postings.
  struct Posting {
    std::int32_t ref_id;
    float weight;
  };
  Status ReplacePostings(const std::vector<double>& idf,
                         const std::vector<std::vector<Posting>>& postings);
  // Postings of one word (empty when the word occurs nowhere); idf through `idf`.
  Result<std::vector<Posting>> LoadPostings(int word, double* idf);
  Result<ReferenceRecord> LoadRecord(std::int64_t id);
  Status SetVocabulary(const cv::Mat& centers);
  Result<cv::Mat> LoadVocabulary();
  Status SetMeta(const std::string& key, const std::string& value);
  std::string Meta(const std::string& key);
  Status Commit();

 private:
  ReferenceStore() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gv
