#include "match/reference_store.h"

#include <sqlite3.h>

#include <cstring>

#include "util/file.h"

namespace gv {
namespace {

constexpr int kScaledFloat = 1000;  // dtype code: float descriptors stored as bytes x 255

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS refs(id INTEGER PRIMARY KEY, path TEXT, sha256 TEXT UNIQUE, lat REAL, lon REAL,
  heading REAL, note TEXT, width INTEGER, height INTEGER, n_features INTEGER);
CREATE TABLE IF NOT EXISTS features(ref_id INTEGER PRIMARY KEY, keypoints BLOB, descriptors BLOB, dtype INTEGER,
  dim INTEGER, words BLOB);
CREATE TABLE IF NOT EXISTS postings(word INTEGER PRIMARY KEY, idf REAL, refs BLOB);
CREATE TABLE IF NOT EXISTS vocabulary(id INTEGER PRIMARY KEY CHECK (id = 1), k INTEGER, dim INTEGER, centers BLOB);
)";

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) {
    ok_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) == SQLITE_OK;
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return ok_; }
  sqlite3_stmt* get() { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  bool ok_ = false;
};

template <typename T>
std::vector<T> BlobVector(sqlite3_stmt* s, int col) {
  const void* data = sqlite3_column_blob(s, col);
  const int bytes = sqlite3_column_bytes(s, col);
  std::vector<T> out(static_cast<std::size_t>(bytes) / sizeof(T));
  if (data != nullptr && !out.empty()) std::memcpy(out.data(), data, out.size() * sizeof(T));
  return out;
}

}  // namespace

struct ReferenceStore::Impl {
  sqlite3* db = nullptr;
  std::unique_ptr<AtomicOutput> output;  // null when read-only
  std::filesystem::path path;
  Status Error(const std::string& what) const {
    return MakeError(path.string() + ": " + what + ": " + sqlite3_errmsg(db));
  }
  Status Exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message ? message : "unknown error";
      sqlite3_free(message);
      return MakeError(path.string() + ": " + text);
    }
    return OkStatus();
  }
};

Result<std::unique_ptr<ReferenceStore>> ReferenceStore::Create(const std::filesystem::path& path) {
  std::unique_ptr<ReferenceStore> store(new ReferenceStore());
  store->impl_ = std::make_unique<Impl>();
  Impl& impl = *store->impl_;
  impl.path = path;
  impl.output = std::make_unique<AtomicOutput>(path);
  if (sqlite3_open_v2(impl.output->temp_path().c_str(), &impl.db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    return impl.Error("cannot create collection").error();
  }
  if (auto st = impl.Exec(kSchema); !st.ok()) return st.error();
  if (auto st = impl.Exec("BEGIN"); !st.ok()) return st.error();
  return store;
}

Result<std::unique_ptr<ReferenceStore>> ReferenceStore::OpenForUpdate(
    const std::filesystem::path& path) {
  std::unique_ptr<ReferenceStore> store(new ReferenceStore());
  store->impl_ = std::make_unique<Impl>();
  Impl& impl = *store->impl_;
  impl.path = path;
  impl.output = std::make_unique<AtomicOutput>(path);
  std::error_code ec;
  std::filesystem::copy_file(path, impl.output->temp_path(), ec);
  if (ec) return MakeError(path.string() + ": cannot copy collection: " + ec.message());
  if (sqlite3_open_v2(impl.output->temp_path().c_str(), &impl.db, SQLITE_OPEN_READWRITE, nullptr) !=
      SQLITE_OK) {
    return impl.Error("cannot open collection").error();
  }
  if (store->Meta("format") != "geoverify-refs-1")
    return MakeError(path.string() + ": not a geoverify reference collection");
  if (auto st = impl.Exec("BEGIN"); !st.ok()) return st.error();
  return store;
}

Result<std::unique_ptr<ReferenceStore>> ReferenceStore::OpenReadOnly(
    const std::filesystem::path& path) {
  std::unique_ptr<ReferenceStore> store(new ReferenceStore());
  store->impl_ = std::make_unique<Impl>();
  Impl& impl = *store->impl_;
  impl.path = path;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return MakeError(path.string() + ": no such collection");
  if (sqlite3_open_v2(path.c_str(), &impl.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    return impl.Error("cannot open collection").error();
  if (store->Meta("format") != "geoverify-refs-1")
    return MakeError(path.string() + ": not a geoverify reference collection (or corrupt)");
  return store;
}

ReferenceStore::~ReferenceStore() {
  if (impl_ && impl_->db != nullptr) sqlite3_close(impl_->db);
}

Result<std::int64_t> ReferenceStore::Add(const ReferenceRecord& r, const Features& f) {
  Impl& impl = *impl_;
  Statement ref(impl.db,
                "INSERT INTO refs(path, sha256, lat, lon, heading, note, width, height, "
                "n_features) VALUES(?,?,?,?,?,?,?,?,?)");
  if (!ref.ok()) return impl.Error("prepare").error();
  sqlite3_bind_text(ref.get(), 1, r.path.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(ref.get(), 2, r.sha256.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_double(ref.get(), 3, r.lat_deg);
  sqlite3_bind_double(ref.get(), 4, r.lon_deg);
  if (r.heading_deg)
    sqlite3_bind_double(ref.get(), 5, *r.heading_deg);
  else
    sqlite3_bind_null(ref.get(), 5);
  sqlite3_bind_text(ref.get(), 6, r.note.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(ref.get(), 7, r.width);
  sqlite3_bind_int(ref.get(), 8, r.height);
  sqlite3_bind_int(ref.get(), 9, static_cast<int>(f.keypoints.size()));
  if (sqlite3_step(ref.get()) != SQLITE_DONE) return impl.Error("insert reference").error();
  const std::int64_t id = sqlite3_last_insert_rowid(impl.db);
  std::vector<float> kp;
  kp.reserve(f.keypoints.size() * 4);
  for (const auto& k : f.keypoints) kp.insert(kp.end(), {k.pt.x, k.pt.y, k.size, k.angle});
  // RootSIFT components lie in [0, 1]: stored as bytes (x 255), a quarter of the space.
  cv::Mat desc;
  if (f.descriptors.type() == CV_32F)
    f.descriptors.convertTo(desc, CV_8U, 255.0);
  else
    desc = f.descriptors.isContinuous() ? f.descriptors : f.descriptors.clone();
  const int stored_type = f.descriptors.type() == CV_32F ? kScaledFloat : desc.type();
  Statement feat(
      impl.db,
      "INSERT INTO features(ref_id, keypoints, descriptors, dtype, dim) VALUES(?,?,?,?,?)");
  sqlite3_bind_int64(feat.get(), 1, id);
  sqlite3_bind_blob(feat.get(), 2, kp.data(), static_cast<int>(kp.size() * sizeof(float)),
                    SQLITE_TRANSIENT);
  sqlite3_bind_blob(feat.get(), 3, desc.data, static_cast<int>(desc.total() * desc.elemSize()),
                    SQLITE_TRANSIENT);
  sqlite3_bind_int(feat.get(), 4, stored_type);
  sqlite3_bind_int(feat.get(), 5, desc.cols);
  if (sqlite3_step(feat.get()) != SQLITE_DONE) return impl.Error("insert features").error();
  return id;
}

bool ReferenceStore::Contains(const std::string& sha256) {
  Statement s(impl_->db, "SELECT 1 FROM refs WHERE sha256 = ?");
  sqlite3_bind_text(s.get(), 1, sha256.c_str(), -1, SQLITE_TRANSIENT);
  return s.ok() && sqlite3_step(s.get()) == SQLITE_ROW;
}

Result<std::vector<ReferenceRecord>> ReferenceStore::List() {
  Statement s(impl_->db,
              "SELECT id, path, sha256, lat, lon, heading, note, width, height, n_features FROM "
              "refs ORDER BY id");
  if (!s.ok()) return impl_->Error("list").error();
  std::vector<ReferenceRecord> out;
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    ReferenceRecord r;
    r.id = sqlite3_column_int64(s.get(), 0);
    r.path = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 1));
    r.sha256 = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 2));
    r.lat_deg = sqlite3_column_double(s.get(), 3);
    r.lon_deg = sqlite3_column_double(s.get(), 4);
    if (sqlite3_column_type(s.get(), 5) != SQLITE_NULL)
      r.heading_deg = sqlite3_column_double(s.get(), 5);
    if (const auto* note = sqlite3_column_text(s.get(), 6))
      r.note = reinterpret_cast<const char*>(note);
    r.width = sqlite3_column_int(s.get(), 7);
    r.height = sqlite3_column_int(s.get(), 8);
    r.features = sqlite3_column_int(s.get(), 9);
    out.push_back(std::move(r));
  }
  return out;
}

Result<Features> ReferenceStore::LoadFeatures(std::int64_t id) {
  Statement s(impl_->db,
              "SELECT keypoints, descriptors, dtype, dim, r.width, r.height FROM features f JOIN "
              "refs r ON r.id = f.ref_id WHERE ref_id = ?");
  if (!s.ok()) return impl_->Error("load features").error();
  sqlite3_bind_int64(s.get(), 1, id);
  if (sqlite3_step(s.get()) != SQLITE_ROW)
    return MakeError(impl_->path.string() + ": no features for reference " + std::to_string(id));
  Features f;
  const auto kp = BlobVector<float>(s.get(), 0);
  for (std::size_t i = 0; i + 3 < kp.size(); i += 4)
    f.keypoints.emplace_back(kp[i], kp[i + 1], kp[i + 2], kp[i + 3]);
  const int stored_type = sqlite3_column_int(s.get(), 2), dim = sqlite3_column_int(s.get(), 3);
  const int type = stored_type == kScaledFloat ? CV_8U : stored_type;
  const int bytes = sqlite3_column_bytes(s.get(), 1);
  const int elem = (type == CV_8U || type == CV_32F) ? CV_ELEM_SIZE(type) : 0;
  if (dim <= 0 || elem <= 0 || bytes != static_cast<int>(f.keypoints.size()) * dim * elem) {
    return MakeError(impl_->path.string() + ": corrupt features of reference " +
                     std::to_string(id));
  }
  f.descriptors = cv::Mat(static_cast<int>(f.keypoints.size()), dim, type);
  std::memcpy(f.descriptors.data, sqlite3_column_blob(s.get(), 1), static_cast<std::size_t>(bytes));
  f.binary = stored_type == CV_8U;
  if (stored_type == kScaledFloat) f.descriptors.convertTo(f.descriptors, CV_32F, 1.0 / 255.0);
  f.image_size = cv::Size(sqlite3_column_int(s.get(), 4), sqlite3_column_int(s.get(), 5));
  return f;
}

Status ReferenceStore::SetWords(std::int64_t id, const std::vector<int>& words) {
  Statement s(impl_->db, "UPDATE features SET words = ? WHERE ref_id = ?");
  sqlite3_bind_blob(s.get(), 1, words.data(), static_cast<int>(words.size() * sizeof(int)),
                    SQLITE_TRANSIENT);
  sqlite3_bind_int64(s.get(), 2, id);
  if (sqlite3_step(s.get()) != SQLITE_DONE) return impl_->Error("store words");
  return OkStatus();
}

Result<std::vector<std::pair<std::int64_t, std::vector<int>>>> ReferenceStore::LoadAllWords() {
  Statement s(impl_->db, "SELECT ref_id, words FROM features ORDER BY ref_id");
  if (!s.ok()) return impl_->Error("load words").error();
  std::vector<std::pair<std::int64_t, std::vector<int>>> out;
  while (sqlite3_step(s.get()) == SQLITE_ROW)
    out.emplace_back(sqlite3_column_int64(s.get(), 0), BlobVector<int>(s.get(), 1));
  return out;
}

Status ReferenceStore::ReplacePostings(const std::vector<double>& idf,
                                       const std::vector<std::vector<Posting>>& postings) {
  if (auto st = impl_->Exec("CREATE TABLE IF NOT EXISTS postings(word INTEGER PRIMARY KEY, idf "
                            "REAL, refs BLOB); DELETE FROM postings");
      !st.ok()) {
    return st;
  }
  Statement s(impl_->db, "INSERT INTO postings(word, idf, refs) VALUES(?, ?, ?)");
  if (!s.ok()) return impl_->Error("store postings");
  for (std::size_t w = 0; w < postings.size(); ++w) {
    if (postings[w].empty()) continue;
    sqlite3_reset(s.get());
    sqlite3_bind_int(s.get(), 1, static_cast<int>(w));
    sqlite3_bind_double(s.get(), 2, idf[w]);
    sqlite3_bind_blob(s.get(), 3, postings[w].data(),
                      static_cast<int>(postings[w].size() * sizeof(Posting)), SQLITE_TRANSIENT);
    if (sqlite3_step(s.get()) != SQLITE_DONE) return impl_->Error("store postings");
  }
  return OkStatus();
}

Result<std::vector<ReferenceStore::Posting>> ReferenceStore::LoadPostings(int word, double* idf) {
  Statement s(impl_->db, "SELECT idf, refs FROM postings WHERE word = ?");
  if (!s.ok()) return impl_->Error("load postings").error();
  sqlite3_bind_int(s.get(), 1, word);
  *idf = 0;
  if (sqlite3_step(s.get()) != SQLITE_ROW) return std::vector<Posting>();
  *idf = sqlite3_column_double(s.get(), 0);
  return BlobVector<Posting>(s.get(), 1);
}

Result<ReferenceRecord> ReferenceStore::LoadRecord(std::int64_t id) {
  Statement s(impl_->db,
              "SELECT path, sha256, lat, lon, heading, note, width, height, n_features FROM refs "
              "WHERE id = ?");
  if (!s.ok()) return impl_->Error("load reference").error();
  sqlite3_bind_int64(s.get(), 1, id);
  if (sqlite3_step(s.get()) != SQLITE_ROW)
    return MakeError(impl_->path.string() + ": no reference " + std::to_string(id));
  ReferenceRecord r;
  r.id = id;
  r.path = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
  r.sha256 = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 1));
  r.lat_deg = sqlite3_column_double(s.get(), 2);
  r.lon_deg = sqlite3_column_double(s.get(), 3);
  if (sqlite3_column_type(s.get(), 4) != SQLITE_NULL)
    r.heading_deg = sqlite3_column_double(s.get(), 4);
  if (const auto* note = sqlite3_column_text(s.get(), 5))
    r.note = reinterpret_cast<const char*>(note);
  r.width = sqlite3_column_int(s.get(), 6);
  r.height = sqlite3_column_int(s.get(), 7);
  r.features = sqlite3_column_int(s.get(), 8);
  return r;
}

Status ReferenceStore::SetVocabulary(const cv::Mat& centers) {
  cv::Mat c = centers.isContinuous() ? centers : centers.clone();
  Statement s(impl_->db,
              "INSERT OR REPLACE INTO vocabulary(id, k, dim, centers) VALUES(1, ?, ?, ?)");
  sqlite3_bind_int(s.get(), 1, c.rows);
  sqlite3_bind_int(s.get(), 2, c.cols);
  sqlite3_bind_blob(s.get(), 3, c.data, static_cast<int>(c.total() * c.elemSize()),
                    SQLITE_TRANSIENT);
  if (sqlite3_step(s.get()) != SQLITE_DONE) return impl_->Error("store vocabulary");
  return OkStatus();
}

Result<cv::Mat> ReferenceStore::LoadVocabulary() {
  Statement s(impl_->db, "SELECT k, dim, centers FROM vocabulary WHERE id = 1");
  if (!s.ok() || sqlite3_step(s.get()) != SQLITE_ROW)
    return MakeError(impl_->path.string() + ": collection has no vocabulary");
  const int k = sqlite3_column_int(s.get(), 0), dim = sqlite3_column_int(s.get(), 1);
  if (k <= 0 || dim <= 0 ||
      sqlite3_column_bytes(s.get(), 2) != k * dim * static_cast<int>(sizeof(float))) {
    return MakeError(impl_->path.string() + ": corrupt vocabulary");
  }
  cv::Mat centers(k, dim, CV_32F);
  std::memcpy(centers.data, sqlite3_column_blob(s.get(), 2),
              static_cast<std::size_t>(k) * dim * sizeof(float));
  return centers;
}

Status ReferenceStore::SetMeta(const std::string& key, const std::string& value) {
  Statement s(impl_->db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)");
  sqlite3_bind_text(s.get(), 1, key.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s.get(), 2, value.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(s.get()) != SQLITE_DONE) return impl_->Error("store metadata");
  return OkStatus();
}

std::string ReferenceStore::Meta(const std::string& key) {
  Statement s(impl_->db, "SELECT value FROM meta WHERE key = ?");
  if (!s.ok()) return "";
  sqlite3_bind_text(s.get(), 1, key.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(s.get()) != SQLITE_ROW) return "";
  const auto* text = sqlite3_column_text(s.get(), 0);
  return text ? reinterpret_cast<const char*>(text) : "";
}

Status ReferenceStore::Commit() {
  Impl& impl = *impl_;
  if (!impl.output) return MakeError(impl.path.string() + ": collection opened read-only");
  if (auto st = impl.Exec("COMMIT"); !st.ok()) return st;
  sqlite3_close(impl.db);
  impl.db = nullptr;
  return impl.output->Commit();
}

}  // namespace gv
