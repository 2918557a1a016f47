#include "match/reference_collection.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <opencv2/imgproc.hpp>
#include <sstream>
#include <unordered_map>

#include "geo/geodesy.h"
#include "geo/vector_feature.h"
#include "image/decode.h"
#include "image/evidence.h"
#include "match/vocabulary.h"
#include "metadata/exiv2_reader.h"
#include "util/file.h"
#include "util/ordered_pool.h"
#include "util/sha256.h"
#include "util/text.h"

namespace gv {
namespace {

constexpr const char* kFormat = "geoverify-refs-1";

struct SidecarEntry {
  double lat, lon;
  std::optional<double> heading;
  std::string note;
};

Result<std::map<std::string, SidecarEntry>> ReadSidecar(const std::filesystem::path& path) {
  std::map<std::string, SidecarEntry> out;
  if (path.empty()) return out;
  std::vector<std::uint8_t> bytes;
  if (auto st = ReadFileBounded(path, 64u << 20, bytes); !st.ok()) return st.error();
  const std::string text(bytes.begin(), bytes.end());
  try {
    if (ToLower(path.extension().string()) == ".geojson" ||
        ToLower(path.extension().string()) == ".json") {
      for (const auto& f : nlohmann::json::parse(text).at("features")) {
        const auto& c = f.at("geometry").at("coordinates");
        SidecarEntry e{c.at(1).get<double>(), c.at(0).get<double>(), std::nullopt, ""};
        const auto& props = f.at("properties");
        if (props.contains("heading") && props["heading"].is_number())
          e.heading = props["heading"].get<double>();
        if (props.contains("note") && props["note"].is_string())
          e.note = props["note"].get<std::string>();
        out[props.at("file").get<std::string>()] = e;
      }
      return out;
    }
    std::istringstream lines(text);
    std::string line;
    bool header = true;
    while (std::getline(lines, line)) {
      if (Trim(line).empty()) continue;
      const std::vector<std::string> cells = SplitCsvLine(line);
      if (header) {
        header = false;
        if (ToLower(Trim(cells[0])) == "file") continue;
      }
      if (cells.size() < 3)
        return MakeError(path.string() + ": expected file,lat,lon[,heading,note]");
      SidecarEntry e{std::stod(cells[1]), std::stod(cells[2]), std::nullopt, ""};
      if (cells.size() > 3 && !Trim(cells[3]).empty()) e.heading = std::stod(cells[3]);
      if (cells.size() > 4) e.note = Trim(cells[4]);
      out[Trim(cells[0])] = e;
    }
  } catch (const std::exception& ex) {
    return MakeError(path.string() + ": malformed sidecar: " + ex.what());
  }
  return out;
}

struct Prepared {
  std::filesystem::path path;
  std::optional<ReferenceRecord> record;
  Features features;
  std::string skip;  // reason when not added
  bool no_location = false;
};

Prepared PrepareReference(const std::filesystem::path& path,
                          const std::map<std::string, SidecarEntry>& sidecar,
                          const CollectionOptions& options) {
  Prepared p;
  p.path = path;
  auto evidence = OpenEvidence(path);
  if (!evidence.ok()) {
    p.skip = evidence.error().message;
    return p;
  }
  const std::vector<std::uint8_t>& bytes = evidence->bytes();
  ReferenceRecord r;
  r.path = path.string();
  r.sha256 = evidence->sha256();
  bool located = false;
  if (const auto it = sidecar.find(path.filename().string()); it != sidecar.end()) {
    r.lat_deg = it->second.lat;
    r.lon_deg = it->second.lon;
    r.heading_deg = it->second.heading;
    r.note = it->second.note;
    located = true;
  } else {
    PhotoMetadata meta;
    if (ReadPhotoMetadata(bytes, meta).ok() && meta.gps && meta.gps->position_valid &&
        !(meta.gps->lat_deg == 0 && meta.gps->lon_deg == 0)) {
      r.lat_deg = meta.gps->lat_deg;
      r.lon_deg = meta.gps->lon_deg;
      r.heading_deg = meta.gps->direction_deg;
      located = true;
    }
  }
  if (!located) {
    p.no_location = true;
    p.skip = "no location (no EXIF GPS and not in the sidecar)";
    return p;
  }
  const auto& image = evidence->Pixels();
  if (!image.ok()) {
    p.skip = image.error().message;
    return p;
  }
  r.width = image->cols;
  r.height = image->rows;
  auto features = DetectFeatures(*image, options.features);
  if (!features.ok()) {
    p.skip = features.error().message;
    return p;
  }
  p.features = std::move(features).value();
  p.record = r;
  return p;
}

// Adds images to an open store; returns the ids added.
Result<std::vector<std::int64_t>> AddImages(ReferenceStore& store,
                                            const std::vector<std::filesystem::path>& inputs,
                                            const CollectionOptions& options,
                                            CollectionReport& report) {
  auto sidecar = ReadSidecar(options.sidecar);
  if (!sidecar.ok()) return sidecar.error();
  const FileListing listing = ListInputFiles(inputs, true);
  for (const auto& [path, reason] : listing.errors)
    report.warnings.push_back(path.string() + ": " + reason);
  report.failed += static_cast<int>(listing.errors.size());
  const std::size_t window = 16;
  std::vector<Prepared> slots(window);
  std::vector<std::int64_t> ids;
  Status failure = OkStatus();
  InitializeMetadataLibrary();
  OrderedParallelFor(
      listing.files.size(), static_cast<std::size_t>(std::max(0, options.threads)), window,
      [&](std::size_t i) {
        slots[i % window] = PrepareReference(listing.files[i], *sidecar, options);
      },
      [&](std::size_t i) {
        Prepared& p = slots[i % window];
        if (!p.record) {
          (p.no_location ? report.without_location : report.failed)++;
          report.warnings.push_back(p.path.string() + ": " + p.skip);
          return;
        }
        if (store.Contains(p.record->sha256)) {
          ++report.duplicates;
          return;
        }
        auto id = store.Add(*p.record, p.features);
        if (!id.ok()) {
          if (failure.ok()) failure = id.error();
          return;
        }
        ids.push_back(*id);
        ++report.added;
      });
  if (!failure.ok()) return failure.error();
  return ids;
}

Status QuantizeAll(ReferenceStore& store, const Vocabulary& vocabulary,
                   const std::vector<std::int64_t>& ids) {
  for (const auto id : ids) {
    auto f = store.LoadFeatures(id);
    if (!f.ok()) return f.error();
    if (auto st = store.SetWords(id, vocabulary.Quantize(f->descriptors)); !st.ok()) return st;
  }
  return OkStatus();
}

// TF-IDF weights of every reference (L2-normalised bag of words) stored as postings, so
// that a query reads only the posting lists of its own words.
Status WriteInvertedFile(ReferenceStore& store, int k) {
  auto all_words = store.LoadAllWords();
  if (!all_words.ok()) return all_words.error();
  std::vector<int> df(static_cast<std::size_t>(k), 0);
  std::vector<std::vector<std::pair<int, int>>> counts(all_words->size());
  for (std::size_t r = 0; r < all_words->size(); ++r) {
    std::vector<int> words = (*all_words)[r].second;
    std::erase_if(words, [k](int w) { return w < 0 || w >= k; });
    std::sort(words.begin(), words.end());
    for (std::size_t i = 0; i < words.size();) {
      std::size_t j = i;
      while (j < words.size() && words[j] == words[i]) ++j;
      counts[r].emplace_back(words[i], static_cast<int>(j - i));
      df[static_cast<std::size_t>(words[i])]++;
      i = j;
    }
  }
  const double n = static_cast<double>(all_words->size());
  std::vector<double> idf(static_cast<std::size_t>(k));
  for (int w = 0; w < k; ++w) {
    const int d = df[static_cast<std::size_t>(w)];
    idf[static_cast<std::size_t>(w)] = d ? std::log(n / d) : 0;
  }
  std::vector<std::vector<ReferenceStore::Posting>> postings(static_cast<std::size_t>(k));
  for (std::size_t r = 0; r < counts.size(); ++r) {
    double norm = 0;
    for (const auto& [w, c] : counts[r]) norm += std::pow(c * idf[static_cast<std::size_t>(w)], 2);
    norm = std::sqrt(std::max(norm, 1e-12));
    const auto id = static_cast<std::int32_t>((*all_words)[r].first);
    for (const auto& [w, c] : counts[r]) {
      postings[static_cast<std::size_t>(w)].push_back(
          {id, static_cast<float>(c * idf[static_cast<std::size_t>(w)] / norm)});
    }
  }
  if (auto st = store.ReplacePostings(idf, postings); !st.ok()) return st;
  return store.SetMeta("references", std::to_string(all_words->size()));
}

}  // namespace

Result<CollectionReport> BuildCollection(const std::vector<std::filesystem::path>& inputs,
                                         const std::filesystem::path& out,
                                         const CollectionOptions& options) {
  if (options.features.detector != Detector::kSift)
    return MakeError("collections use SIFT features");
  auto store = ReferenceStore::Create(out);
  if (!store.ok()) return store.error();
  CollectionReport report;
  auto ids = AddImages(**store, inputs, options, report);
  if (!ids.ok()) return ids.error();
  if (ids->empty())
    return MakeError("no reference with a location and usable features: collection not written");
  // Vocabulary from a sample of every reference's descriptors.
  cv::Mat sample;
  const int per_ref = std::max(20, 120000 / static_cast<int>(ids->size()));
  for (const auto id : *ids) {
    auto f = (*store)->LoadFeatures(id);
    if (!f.ok()) return f.error();
    const int step = std::max(1, f->descriptors.rows / per_ref);
    for (int r = 0; r < f->descriptors.rows; r += step) sample.push_back(f->descriptors.row(r));
  }
  auto vocabulary = Vocabulary::Train(sample, options.vocabulary_size);
  if (!vocabulary.ok()) return vocabulary.error();
  if (auto st = (*store)->SetVocabulary(vocabulary->centers()); !st.ok()) return st.error();
  if (auto st = QuantizeAll(**store, *vocabulary, *ids); !st.ok()) return st.error();
  if (auto st = WriteInvertedFile(**store, vocabulary->size()); !st.ok()) return st.error();
  const std::pair<const char*, std::string> meta[] = {
      {"format", kFormat},
      {"detector", "sift-rootsift"},
      {"max_features", std::to_string(options.features.max_features)},
      {"vocabulary_size", std::to_string(vocabulary->size())},
      {"index", "visual words (flat k-means), TF-IDF inverted file stored per word"}};
  for (const auto& [key, value] : meta) {
    if (auto st = (*store)->SetMeta(key, value); !st.ok()) return st.error();
  }
  if (auto st = (*store)->Commit(); !st.ok()) return st.error();
  return report;
}

Result<CollectionReport> AddToCollection(const std::filesystem::path& collection,
                                         const std::vector<std::filesystem::path>& inputs,
                                         const CollectionOptions& options) {
  auto store = ReferenceStore::OpenForUpdate(collection);
  if (!store.ok()) return store.error();
  auto centers = (*store)->LoadVocabulary();
  if (!centers.ok()) return centers.error();
  auto vocabulary = Vocabulary::FromCenters(*centers);
  if (!vocabulary.ok()) return vocabulary.error();
  CollectionReport report;
  auto ids = AddImages(**store, inputs, options, report);
  if (!ids.ok()) return ids.error();
  if (auto st = QuantizeAll(**store, *vocabulary, *ids); !st.ok()) return st.error();
  if (auto st = WriteInvertedFile(**store, vocabulary->size()); !st.ok()) return st.error();
  if (auto st = (*store)->Commit(); !st.ok()) return st.error();
  return report;
}

Result<nlohmann::ordered_json> CollectionInfo(const std::filesystem::path& collection) {
  auto store = ReferenceStore::OpenReadOnly(collection);
  if (!store.ok()) return store.error();
  auto refs = (*store)->List();
  if (!refs.ok()) return refs.error();
  nlohmann::ordered_json j;
  j["collection"] = collection.string();
  j["references"] = refs->size();
  std::uint64_t features = 0;
  double min_lon = 180, min_lat = 90, max_lon = -180, max_lat = -90;
  for (const auto& r : *refs) {
    features += static_cast<std::uint64_t>(r.features);
    min_lon = std::min(min_lon, r.lon_deg), max_lon = std::max(max_lon, r.lon_deg);
    min_lat = std::min(min_lat, r.lat_deg), max_lat = std::max(max_lat, r.lat_deg);
  }
  j["features"] = features;
  j["extent"] = refs->empty() ? nlohmann::ordered_json(nullptr)
                              : nlohmann::ordered_json{min_lon, min_lat, max_lon, max_lat};
  j["detector"] = (*store)->Meta("detector");
  j["max_features"] = (*store)->Meta("max_features");
  j["vocabulary_size"] = (*store)->Meta("vocabulary_size");
  j["index"] = (*store)->Meta("index");
  std::error_code ec;
  j["file_bytes"] = std::filesystem::file_size(collection, ec);
  return j;
}

Result<std::vector<VectorFeature>> CollectionFeatures(const std::filesystem::path& collection) {
  auto store = ReferenceStore::OpenReadOnly(collection);
  if (!store.ok()) return store.error();
  auto refs = (*store)->List();
  if (!refs.ok()) return refs.error();
  std::vector<VectorFeature> features;
  for (const auto& r : *refs) {
    VectorFeature f;
    f.coordinates = {{r.lon_deg, r.lat_deg}};
    f.fields = {{"file", r.path},
                {"sha256", r.sha256},
                {"heading_deg", r.heading_deg ? std::to_string(*r.heading_deg) : ""},
                {"note", r.note},
                {"features", std::to_string(r.features)}};
    features.push_back(std::move(f));
  }
  return features;
}

Result<LocateResult> LocatePhoto(const std::filesystem::path& collection, const cv::Mat& photo,
                                 const LocateOptions& options) {
  auto store = ReferenceStore::OpenReadOnly(collection);
  if (!store.ok()) return store.error();
  auto centers = (*store)->LoadVocabulary();
  if (!centers.ok()) return centers.error();
  auto vocabulary = Vocabulary::FromCenters(*centers);
  if (!vocabulary.ok()) return vocabulary.error();
  auto query = DetectFeatures(photo, options.features);
  if (!query.ok()) return query.error();
  LocateResult result;
  const std::string count = (*store)->Meta("references");
  result.collection_size = std::atoi(count.c_str());
  // Retrieval and verification of one set of the photo's features.
  const auto search = [&](const Features& q, bool views) -> Status {
    // Score only the references that share words with the photo (the posting lists of its
    // words): the cost grows with the postings touched, not with the collection.
    std::unordered_map<int, int> qcounts;
    for (const int w : vocabulary->Quantize(q.descriptors)) qcounts[w]++;
    std::unordered_map<std::int64_t, double> scores;
    for (const auto& [w, c] : qcounts) {
      double idf = 0;
      auto postings = (*store)->LoadPostings(w, &idf);
      if (!postings.ok()) return postings.error();
      for (const auto& p : *postings) scores[p.ref_id] += c * idf * p.weight;
    }
    std::vector<std::pair<double, std::int64_t>> ranked_ids;
    ranked_ids.reserve(scores.size());
    for (const auto& [id, score] : scores) ranked_ids.emplace_back(score, id);
    const std::size_t shortlist =
        std::min<std::size_t>(ranked_ids.size(), static_cast<std::size_t>(options.candidates));
    std::partial_sort(ranked_ids.begin(),
                      ranked_ids.begin() + static_cast<std::ptrdiff_t>(shortlist), ranked_ids.end(),
                      std::greater<>());
    // Load the shortlist's features (SQLite, one thread), then verify on all cores.
    std::vector<Features> candidate_features;
    std::vector<LocateCandidate> ranked;
    for (std::size_t i = 0; i < shortlist; ++i) {
      const std::int64_t id = ranked_ids[i].second;
      auto features = (*store)->LoadFeatures(id);
      if (!features.ok()) return features.error();
      auto record = (*store)->LoadRecord(id);
      if (!record.ok()) return record.error();
      candidate_features.push_back(std::move(features).value());
      LocateCandidate c;
      c.reference = std::move(record).value();
      c.retrieval_score = ranked_ids[i].first;
      ranked.push_back(std::move(c));
    }
    if (views) {
      // The photo's many view features indexed once, for every candidate in turn.
      ViewMatcher matcher(q);
      for (std::size_t i = 0; i < shortlist; ++i)
        ranked[i].match = matcher.Match(candidate_features[i], options.match);
    } else {
      OrderedParallelFor(
          shortlist, 0, 64,
          [&](std::size_t i) {
            ranked[i].match = MatchFeatures(q, candidate_features[i], options.match);
          },
          [](std::size_t) {});
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const LocateCandidate& a, const LocateCandidate& b) {
                       return a.match.inliers > b.match.inliers;
                     });
    result.ranked = std::move(ranked);
    result.stage = views ? "affine_views" : "features";
    result.stages.push_back(result.stage);
    return OkStatus();
  };
  if (auto st = search(*query, false); !st.ok()) return st.error();
  const auto found = [&] {
    return std::any_of(result.ranked.begin(), result.ranked.end(),
                       [](const LocateCandidate& c) { return c.match.verdict == "same_scene"; });
  };
  // The cascade: when no reference shows the same scene, the photo's affine views (a
  // photo taken far off the references' viewpoints); the references keep their features.
  if (options.cascade != CascadeMode::kOff && !query->binary &&
      (options.cascade == CascadeMode::kAlways || !found())) {
    auto views = DetectAffineViews(photo, options.views);
    if (views.ok()) {
      LocateResult first = result;
      if (auto st = search(*views, true); !st.ok()) return st.error();
      if (!found() && options.cascade == CascadeMode::kAuto) {
        first.stages = result.stages;
        result = std::move(first);
      }
    }
  }
  if (result.ranked.size() > static_cast<std::size_t>(options.top))
    result.ranked.resize(static_cast<std::size_t>(options.top));
  // The clue: inlier-weighted mean of the same-scene references; the radius covers them
  // (at least 100 m: a reference photo shows its surroundings, not its own spot). When they
  // are more than 2 km apart, their hull instead.
  std::vector<const LocateCandidate*> same;
  for (const auto& c : result.ranked) {
    if (c.match.verdict == "same_scene") same.push_back(&c);
  }
  if (!same.empty()) {
    LocationClue clue;
    double wsum = 0;
    for (const auto* c : same) {
      clue.lat_deg += c->reference.lat_deg * c->match.inliers;
      clue.lon_deg += c->reference.lon_deg * c->match.inliers;
      wsum += c->match.inliers;
    }
    clue.lat_deg /= wsum;
    clue.lon_deg /= wsum;
    clue.supporting = static_cast<int>(same.size());
    clue.radius_m = 100;
    for (const auto* c : same)
      clue.radius_m = std::max(
          clue.radius_m,
          DistanceM({clue.lat_deg, clue.lon_deg}, {c->reference.lat_deg, c->reference.lon_deg}));
    if (clue.radius_m > 2000 && same.size() >= 3) {
      std::vector<cv::Point2f> pts, hull;
      for (const auto* c : same)
        pts.emplace_back(static_cast<float>(c->reference.lon_deg),
                         static_cast<float>(c->reference.lat_deg));
      cv::convexHull(pts, hull);
      for (const auto& p : hull) clue.hull.emplace_back(p.x, p.y);
    }
    result.clue = clue;
  }
  return result;
}

nlohmann::ordered_json ToJson(const LocateResult& r) {
  nlohmann::ordered_json j;
  j["collection_size"] = r.collection_size;
  j["stage"] = r.stage;
  j["stages"] = r.stages;
  j["results"] = nlohmann::ordered_json::array();
  for (const auto& c : r.ranked) {
    j["results"].push_back({{"reference", c.reference.path},
                            {"sha256", c.reference.sha256},
                            {"lat", c.reference.lat_deg},
                            {"lon", c.reference.lon_deg},
                            {"retrieval_score", c.retrieval_score},
                            {"inliers", c.match.inliers},
                            {"model", c.match.model},
                            {"verdict", c.match.verdict}});
  }
  if (r.clue) {
    nlohmann::ordered_json hull = nlohmann::ordered_json::array();
    for (const auto& [lon, lat] : r.clue->hull) hull.push_back({lon, lat});
    j["clue"] = {{"source", r.clue->source},
                 {"lat", r.clue->lat_deg},
                 {"lon", r.clue->lon_deg},
                 {"radius_m", r.clue->radius_m},
                 {"supporting_references", r.clue->supporting},
                 {"hull", r.clue->hull.empty() ? nlohmann::ordered_json(nullptr) : hull}};
  } else {
    j["clue"] = nullptr;
  }
  return j;
}

std::vector<VectorFeature> LocateFeatures(const LocateResult& r) {
  std::vector<VectorFeature> features;
  if (r.clue) {
    VectorFeature clue;
    clue.polygon = !r.clue->hull.empty();
    clue.coordinates =
        clue.polygon ? r.clue->hull
                     : std::vector<std::pair<double, double>>{{r.clue->lon_deg, r.clue->lat_deg}};
    clue.fields = {{"kind", "clue"},
                   {"source", r.clue->source},
                   {"radius_m", std::to_string(r.clue->radius_m)},
                   {"supporting", std::to_string(r.clue->supporting)}};
    features.push_back(std::move(clue));
  }
  for (const auto& c : r.ranked) {
    VectorFeature f;
    f.coordinates = {{c.reference.lon_deg, c.reference.lat_deg}};
    f.fields = {{"kind", "reference"},
                {"file", c.reference.path},
                {"sha256", c.reference.sha256},
                {"inliers", std::to_string(c.match.inliers)},
                {"verdict", c.match.verdict}};
    features.push_back(std::move(f));
  }
  return features;
}

}  // namespace gv
