// Reference-collection scale benchmark, in one run: builds a synthetic collection of N
// references (views cut, rotated and scaled from the orthophotos in ../shared/data/rasters,
// plus unrelated synthetic images), then measures build time, size on disk, peak memory,
// query time and recall@1/@5 of `locate` (retrieval + verification) for new views of known
// places, against exhaustive matching of the query with every reference.
// Usage: bench_refs RASTER_DIR [N] [QUERIES] [EXHAUSTIVE_QUERIES] [CANDIDATES] [WORK_DIR]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>

#include "match/reference_collection.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct View {
  int raster;
  cv::Point2d center;
};

cv::Mat CutView(const cv::Mat& raster, cv::Point2d center, double angle, double scale, int size) {
  cv::Mat m = cv::getRotationMatrix2D(center, angle, scale);
  m.at<double>(0, 2) += size / 2.0 - center.x;
  m.at<double>(1, 2) += size / 2.0 - center.y;
  cv::Mat out;
  cv::warpAffine(raster, out, m, {size, size}, cv::INTER_LINEAR, cv::BORDER_REFLECT);
  return out;
}

double Seconds(Clock::time_point a) {
  return std::chrono::duration<double>(Clock::now() - a).count();
}
long PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: bench_refs RASTER_DIR [N] [QUERIES] [EXHAUSTIVE_QUERIES] [CANDIDATES] "
                 "[WORK_DIR]\n");
    return 2;
  }
  const fs::path rasters_dir = argv[1];
  const int n = argc > 2 ? std::atoi(argv[2]) : 10000;
  const int queries = argc > 3 ? std::atoi(argv[3]) : 40;
  const int exhaustive_queries = argc > 4 ? std::atoi(argv[4]) : 10;
  const int candidates = argc > 5 ? std::atoi(argv[5]) : 200;
  const fs::path work =
      argc > 6 ? fs::path(argv[6]) : fs::temp_directory_path() / "geoverify-bench-refs";
  fs::remove_all(work);
  fs::create_directories(work / "refs");
  std::vector<cv::Mat> rasters;
  for (const char* name :
       {"RGB.byte.tif", "m_4709963_se_14_1_20090818.tif", "m_4709963_se_14_1_20200831.tif"}) {
    cv::Mat r = cv::imread((rasters_dir / name).string(), cv::IMREAD_COLOR);
    if (r.empty()) {
      std::fprintf(stderr, "cannot read %s\n", (rasters_dir / name).c_str());
      return 1;
    }
    rasters.push_back(r);
  }
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u01(0, 1);
  const int size = 256;
  std::vector<View> views;
  std::ofstream csv(work / "locations.csv");
  csv << "file,lat,lon\n";
  const int unrelated = n / 5;
  for (int i = 0; i < n; ++i) {
    cv::Mat img;
    View v{-1, {0, 0}};
    if (i < n - unrelated) {
      v.raster = static_cast<int>(rng() % rasters.size());
      const cv::Mat& r = rasters[static_cast<std::size_t>(v.raster)];
      v.center = {size / 2 + u01(rng) * (r.cols - size), size / 2 + u01(rng) * (r.rows - size)};
      img = CutView(r, v.center, u01(rng) * 360, 0.8 + 0.4 * u01(rng), size);
    } else {
      // Unrelated: smooth random relief with random shapes (never a view of the rasters).
      cv::Mat small(16 + static_cast<int>(rng() % 32), 16 + static_cast<int>(rng() % 32), CV_8UC3);
      cv::randu(small, cv::Scalar::all(0), cv::Scalar::all(255));
      cv::resize(small, img, {size, size}, 0, 0, cv::INTER_CUBIC);
      for (int s = 0; s < 25; ++s) {
        const cv::Point c(static_cast<int>(rng() % size), static_cast<int>(rng() % size));
        cv::rectangle(
            img, c,
            c + cv::Point(5 + static_cast<int>(rng() % 40), 5 + static_cast<int>(rng() % 40)),
            cv::Scalar(rng() % 255, rng() % 255, rng() % 255), -1);
      }
    }
    views.push_back(v);
    const std::string name = "r" + std::to_string(i) + ".jpg";
    cv::imwrite((work / "refs" / name).string(), img, {cv::IMWRITE_JPEG_QUALITY, 85});
    // A fake position per view: raster index and pixel position, ~1 m per pixel.
    csv << name << "," << (v.raster + 1) * 1.0 + v.center.y * 1e-5 << ","
        << 100.0 + v.center.x * 1e-5 << "\n";
  }
  csv.close();

  gv::CollectionOptions options;
  options.sidecar = work / "locations.csv";
  options.features.max_features = 300;
  const auto t_build = Clock::now();
  auto built = gv::BuildCollection({work / "refs"}, work / "refs.sqlite", options);
  if (!built.ok()) {
    std::fprintf(stderr, "%s\n", built.error().message.c_str());
    return 1;
  }
  const double build_s = Seconds(t_build);
  const auto collection = work / "refs.sqlite";
  auto store = gv::ReferenceStore::OpenReadOnly(collection);
  auto records = (*store)->List();
  std::vector<std::string> paths;
  for (const auto& r : *records) paths.push_back(r.path);

  auto correct = [&](const std::string& path, const View& q) {
    const auto stem = fs::path(path).stem().string();
    const View& v = views[static_cast<std::size_t>(std::stoi(stem.substr(1)))];
    return v.raster == q.raster && cv::norm(v.center - q.center) < 48.0;
  };
  int hit1 = 0, hit5 = 0, ex_hit1 = 0, ex_hit5 = 0, answerable = 0, same_hit1 = 0, same_hit5 = 0;
  double query_s = 0, exhaustive_s = 0;
  gv::LocateOptions locate;
  locate.top = 5;
  locate.candidates = candidates;
  for (int q = 0; q < queries; ++q) {
    // A new view of a known place: other rotation and scale, brightness, blur, JPEG.
    View v;
    do {
      v = views[rng() % static_cast<std::size_t>(n - unrelated)];
    } while (v.raster < 0);
    v.center += cv::Point2d(u01(rng) * 20 - 10, u01(rng) * 20 - 10);
    cv::Mat img = CutView(rasters[static_cast<std::size_t>(v.raster)], v.center, u01(rng) * 360,
                          0.8 + 0.4 * u01(rng), size);
    img.convertTo(img, -1, 0.9 + 0.2 * u01(rng), -10 + 20 * u01(rng));
    std::vector<std::uint8_t> jpeg;
    cv::imencode(".jpg", img, jpeg, {cv::IMWRITE_JPEG_QUALITY, 75});
    img = cv::imdecode(jpeg, cv::IMREAD_COLOR);
    bool any_known = false;
    for (int i = 0; i < n - unrelated && !any_known; ++i)
      any_known = views[i].raster == v.raster && cv::norm(views[i].center - v.center) < 48.0;
    if (!any_known) continue;
    ++answerable;
    const auto t0 = Clock::now();
    auto result = gv::LocatePhoto(collection, img, locate);
    query_s += Seconds(t0);
    if (result.ok()) {
      for (std::size_t k = 0; k < result->ranked.size() && k < 5; ++k) {
        if (result->ranked[k].match.verdict == "same_scene" &&
            correct(result->ranked[k].reference.path, v)) {
          hit5++;
          if (k == 0) hit1++;
          if (answerable <= exhaustive_queries) {  // the queries also matched exhaustively
            same_hit5++;
            if (k == 0) same_hit1++;
          }
          break;
        }
      }
    }
    if (answerable <= exhaustive_queries) {
      auto qf = gv::DetectFeatures(img, locate.features);
      const auto t1 = Clock::now();
      std::vector<std::pair<int, std::size_t>> scored;
      for (std::size_t i = 0; i < records->size(); ++i) {
        auto f = (*store)->LoadFeatures((*records)[i].id);
        if (f.ok() && qf.ok()) scored.emplace_back(gv::MatchFeatures(*qf, *f).inliers, i);
      }
      std::sort(scored.rbegin(), scored.rend());
      exhaustive_s += Seconds(t1);
      for (std::size_t k = 0; k < scored.size() && k < 5; ++k) {
        if (scored[k].first >= 25 && correct(paths[scored[k].second], v)) {
          ex_hit5++;
          if (k == 0) ex_hit1++;
          break;
        }
      }
    }
  }
  const int ex = std::min(exhaustive_queries, answerable);
  std::printf(
      "references: %d (%d views of 3 orthophotos, %d unrelated), %d features each at most\n",
      built->added, n - unrelated, unrelated, options.features.max_features);
  std::printf("build: %.1f s; collection file %.1f MB; vocabulary %d words\n", build_s,
              static_cast<double>(fs::file_size(collection)) / 1e6, options.vocabulary_size);
  std::printf("%-34s %8s %10s %10s %10s\n", "method", "queries", "s/query", "recall@1", "recall@5");
  std::printf("%-34s %8d %10.3f %9.1f%% %9.1f%%\n",
              ("locate (TF-IDF top-" + std::to_string(candidates) + " + verify)").c_str(),
              answerable, query_s / std::max(1, answerable), 100.0 * hit1 / std::max(1, answerable),
              100.0 * hit5 / std::max(1, answerable));
  std::printf("%-34s %8d %10s %9.1f%% %9.1f%%\n", "locate, same queries as exhaustive", ex, "",
              100.0 * same_hit1 / std::max(1, ex), 100.0 * same_hit5 / std::max(1, ex));
  std::printf("%-34s %8d %10.3f %9.1f%% %9.1f%%\n", "exhaustive matching (all refs)", ex,
              exhaustive_s / std::max(1, ex), 100.0 * ex_hit1 / std::max(1, ex),
              100.0 * ex_hit5 / std::max(1, ex));
  std::printf("peak memory: %ld MB\n", PeakRssMb());
  fs::remove_all(work);
  return 0;
}
