#include "georef/registration.h"

#include <algorithm>
#include <cmath>
#include <opencv2/calib3d.hpp>
#include <opencv2/features2d.hpp>
#include <opencv2/flann.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>
#include <thread>

#include "georef/area_search.h"
#include "georef/footprint.h"
#include "match/features.h"
#include "match/seeded_rng.h"
#include "util/ordered_pool.h"

namespace gv {
namespace {

constexpr double kRatio = 0.85;
constexpr double kSearchThresholdLevelPx = 3.0;  // MAGSAC threshold in pixels of the level
constexpr double kRefineThresholdLevelPx = 2.0;
constexpr int kConfidentInliers = 40;
constexpr double kLevelStep = 2.5;    // ratio between successive search levels
constexpr int kMaxRefineSide = 1280;  // refinement window, level pixels a side
constexpr double kPriorSlackDeg = 5;  // a registration's heading may miss the prior's range by this
constexpr double kPriorSlackRel = 0.05;  // ... and its ground sample distance by this share

struct PhotoSide {
  Features features;
  std::vector<cv::Point2f> points;  // keypoints in corner convention, full-resolution photo
  cv::Size size;
  double detection_px = 1;  // photo pixels per detection pixel
};

struct Candidate {
  int tentative = 0, inliers = 0;
  cv::Matx33d h = cv::Matx33d::eye();  // photo -> basemap (full resolution)
  std::vector<std::pair<cv::Point2f, cv::Point2f>> inlier_points;
  bool valid() const { return inliers > 0; }
};

struct Tile {
  BasemapWindow pixels;
};

// Photo features (query) matched to `train` with Lowe's ratio test and a one-to-one
// constraint (each train feature keeps its closest query). Approximate (FLANN k-d trees)
// for the search, exact for the refinement.
std::vector<cv::DMatch> RatioMatch(const cv::Mat& query, const cv::Mat& train, bool exact) {
  std::vector<std::vector<cv::DMatch>> knn;
  if (exact) {
    cv::BFMatcher(cv::NORM_L2).knnMatch(query, train, knn, 2);
  } else {
    const SeededRng seeded(kFlannSeed);  // the same matches whatever ran before
    cv::FlannBasedMatcher matcher(cv::makePtr<cv::flann::KDTreeIndexParams>(4),
                                  cv::makePtr<cv::flann::SearchParams>(64));
    matcher.knnMatch(query, train, knn, 2);
  }
  std::vector<cv::DMatch> best(static_cast<std::size_t>(train.rows), cv::DMatch(-1, -1, 1e30f));
  for (const auto& pair : knn) {
    if (pair.size() < 2 || !(pair[0].distance < kRatio * pair[1].distance)) continue;
    auto& slot = best[static_cast<std::size_t>(pair[0].trainIdx)];
    if (pair[0].distance < slot.distance) slot = pair[0];
  }
  std::erase_if(best, [](const cv::DMatch& m) { return m.queryIdx < 0; });
  return best;
}

cv::Mat ErodedMask(const cv::Mat& mask) {
  cv::Mat eroded;
  cv::erode(mask, eroded, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(7, 7)));
  return eroded;
}

// Keypoints of a basemap window in full-resolution basemap pixels (corner convention).
cv::Point2f BasemapPoint(const BasemapWindow& w, const cv::KeyPoint& k) {
  return {static_cast<float>(w.window.x + (k.pt.x + 0.5) / w.scale),
          static_cast<float>(w.window.y + (k.pt.y + 0.5) / w.scale)};
}

Candidate Verify(const std::vector<cv::Point2f>& photo_pts, const std::vector<cv::Point2f>& map_pts,
                 double threshold, const cv::Size& photo_size) {
  Candidate c;
  c.tentative = static_cast<int>(photo_pts.size());
  if (photo_pts.size() < 8) return c;
  cv::Mat mask, h;
  try {
    h = cv::findHomography(photo_pts, map_pts, cv::USAC_MAGSAC, threshold, mask, 10000, 0.9999);
  } catch (const cv::Exception&) {
    return c;
  }
  if (h.empty() || !PlausibleGroundHomography(cv::Matx33d(h), photo_size)) return c;
  c.h = cv::Matx33d(h);
  for (int i = 0; i < mask.rows; ++i) {
    if (mask.at<uchar>(i))
      c.inlier_points.emplace_back(photo_pts[static_cast<std::size_t>(i)],
                                   map_pts[static_cast<std::size_t>(i)]);
  }
  c.inliers = static_cast<int>(c.inlier_points.size());
  return c;
}

Candidate MatchTile(const PhotoSide& photo, const BasemapWindow& tile, const GeorefOptions& o) {
  FeatureOptions fo;
  fo.max_features = o.tile_features;
  fo.sift_contrast_threshold = o.contrast_threshold;
  fo.detection_max_side = std::max(tile.gray.cols, tile.gray.rows);
  auto features = DetectFeatures(tile.gray, fo, ErodedMask(tile.mask));
  if (!features.ok()) return {};
  std::vector<cv::Point2f> pp, mp;
  for (const auto& m : RatioMatch(photo.features.descriptors, features->descriptors, false)) {
    pp.push_back(photo.points[static_cast<std::size_t>(m.queryIdx)]);
    mp.push_back(BasemapPoint(tile, features->keypoints[static_cast<std::size_t>(m.trainIdx)]));
  }
  return Verify(pp, mp, kSearchThresholdLevelPx / tile.scale, photo.size);
}

// Level factors (full-resolution pixels per level pixel), coarse to fine: two coarser
// levels when the region is big enough for them (photos that cover much ground), the
// level whose size is coarse_level_pixels, then finer levels down to full resolution.
std::vector<double> SearchLevels(const cv::Rect2d& region, const GeorefOptions& o) {
  const double area = region.width * region.height;
  const double d0 = std::max(1.0, std::sqrt(area / static_cast<double>(o.coarse_level_pixels)));
  std::vector<double> levels;
  for (double d : {d0 * kLevelStep * kLevelStep, d0 * kLevelStep}) {
    if (std::min(region.width, region.height) / d >= 320) levels.push_back(d);
  }
  for (double d = d0;; d = std::max(1.0, d / kLevelStep)) {
    levels.push_back(d);
    if (d <= 1.0) break;
  }
  return levels;
}

std::vector<double> TileStarts(double extent, double tile, double stride) {
  if (extent <= tile * 1.25) return {0.0};
  const int n = static_cast<int>(std::ceil((extent - tile) / stride)) + 1;
  std::vector<double> starts;
  for (int i = 0; i < n; ++i) starts.push_back((extent - tile) * i / (n - 1));
  return starts;
}

// Searches one basemap coarse to fine. Returns the best candidate.
Result<Candidate> Search(const PhotoSide& photo, const Basemap& map, const cv::Rect2d& region,
                         const GeorefOptions& o, std::vector<std::string>& log) {
  Candidate best;
  std::int64_t searched = 0;
  const std::size_t threads = o.threads > 0
                                  ? static_cast<std::size_t>(o.threads)
                                  : std::max<std::size_t>(1, std::thread::hardware_concurrency());
  for (const double d : SearchLevels(region, o)) {
    const double lw = region.width / d, lh = region.height / d;
    const auto level_pixels = static_cast<std::int64_t>(lw * lh);
    if (searched > 0 && searched + level_pixels > o.max_search_pixels) {
      std::ostringstream s;
      s << map.info().path.filename().string() << " 1:" << std::round(d * 100) / 100
        << " skipped (search budget; give --near to search finer)";
      log.push_back(s.str());
      break;
    }
    searched += level_pixels;
    const double side = std::min<double>(o.tile_side, std::max(lw, lh));
    const double tw = std::min(lw, lw <= side * 1.25 ? lw : side);
    const double th = std::min(lh, lh <= side * 1.25 ? lh : side);
    std::vector<cv::Rect2d> windows;
    for (double y : TileStarts(lh, th, th * 0.75)) {
      for (double x : TileStarts(lw, tw, tw * 0.75))
        windows.emplace_back(region.x + x * d, region.y + y * d, tw * d, th * d);
    }
    // Read a batch on this thread (GDAL), match it on all cores; memory stays bounded.
    const std::size_t batch = 2 * threads;
    for (std::size_t first = 0; first < windows.size(); first += batch) {
      std::vector<BasemapWindow> tiles;
      for (std::size_t i = first; i < std::min(windows.size(), first + batch); ++i) {
        const cv::Size size(static_cast<int>(std::lround(windows[i].width / d)),
                            static_cast<int>(std::lround(windows[i].height / d)));
        auto tile = map.Read(windows[i], size);
        if (!tile.ok()) return tile.error();
        if (cv::countNonZero(tile->mask) > 0.05 * static_cast<double>(tile->mask.total()))
          tiles.push_back(std::move(*tile));
      }
      std::vector<Candidate> found(tiles.size());
      OrderedParallelFor(
          tiles.size(), threads, tiles.size() + 1,
          [&](std::size_t i) { found[i] = MatchTile(photo, tiles[i], o); }, [](std::size_t) {});
      for (auto& c : found) {
        if (c.inliers > best.inliers) best = std::move(c);
      }
    }
    std::ostringstream s;
    s << map.info().path.filename().string() << " 1:" << std::round(d * 100) / 100 << " ("
      << windows.size() << " tiles, best " << best.inliers << " inliers)";
    log.push_back(s.str());
    if (best.inliers >= kConfidentInliers) break;
  }
  return best;
}

// Guided re-matching around the candidate's footprint at the resolution of the photo.
Result<Candidate> Refine(const PhotoSide& photo, const Basemap& map, Candidate c,
                         const GeorefOptions& o) {
  for (int pass = 0; pass < 2; ++pass) {
    const auto bounds = FootprintBounds(c.h, photo.size);
    if (!bounds) return c;
    const double s = BasemapPixelsPerPhotoPixel(c.h, photo.size);
    double d = std::max(1.0, s * photo.detection_px);
    cv::Rect2d window = *bounds;
    const double margin = 0.15 * std::max(window.width, window.height) + 32 * d;
    window = cv::Rect2d(window.x - margin, window.y - margin, window.width + 2 * margin,
                        window.height + 2 * margin) &
             cv::Rect2d(0, 0, map.info().width, map.info().height);
    if (window.width < 16 || window.height < 16) return c;
    d = std::max(d, std::max(window.width, window.height) / kMaxRefineSide);
    const cv::Size size(std::max(1, static_cast<int>(std::lround(window.width / d))),
                        std::max(1, static_cast<int>(std::lround(window.height / d))));
    auto pixels = map.Read(window, size);
    if (!pixels.ok()) return pixels.error();
    FeatureOptions fo;
    fo.max_features = 2 * o.tile_features;
    fo.sift_contrast_threshold = o.contrast_threshold;
    fo.detection_max_side = std::max(size.width, size.height);
    auto features = DetectFeatures(pixels->gray, fo, ErodedMask(pixels->mask));
    if (!features.ok()) return c;
    // Keep matches that agree with the candidate within a generous radius.
    const double radius = std::max(20.0 * d, 0.05 * std::max(bounds->width, bounds->height));
    std::vector<cv::Point2f> pp, mp;
    for (const auto& m : RatioMatch(photo.features.descriptors, features->descriptors, false)) {
      const cv::Point2f p = photo.points[static_cast<std::size_t>(m.queryIdx)];
      const cv::Point2f q =
          BasemapPoint(*pixels, features->keypoints[static_cast<std::size_t>(m.trainIdx)]);
      const auto predicted = ApplyHomography(c.h, p);
      if (predicted && cv::norm(*predicted - cv::Point2d(q)) <= radius) {
        pp.push_back(p);
        mp.push_back(q);
      }
    }
    Candidate refined = Verify(pp, mp, kRefineThresholdLevelPx * d, photo.size);
    if (refined.inliers < std::max(8, c.inliers / 2)) return c;
    // A second pass only when the first one moved to a different resolution or found much
    // more than the search did (the guided window then follows the better estimate), unless
    // the first pass already holds hundreds of control points.
    const bool again = refined.inliers > 2 * c.inliers && refined.inliers < 200;
    c = std::move(refined);
    if (!again) break;
  }
  return c;
}

Result<PhotoSide> PreparePhoto(const cv::Mat& photo, const GeorefOptions& o) {
  PhotoSide side;
  side.size = photo.size();
  FeatureOptions fo;
  fo.max_features = o.photo_features;
  fo.sift_contrast_threshold = o.contrast_threshold;
  fo.detection_max_side = o.photo_detection_side;
  auto f = DetectFeatures(photo, fo);
  if (!f.ok()) return f.error();
  side.features = std::move(*f);
  for (const auto& k : side.features.keypoints)
    side.points.emplace_back(k.pt.x + 0.5f, k.pt.y + 0.5f);
  side.detection_px =
      std::max(1.0, static_cast<double>(std::max(photo.cols, photo.rows)) / o.photo_detection_side);
  return side;
}

// Affine simulation of a tilted camera (Morel & Yu, ASIFT, SIAM J. Imaging Sci. 2009): the
// photo is rotated by phi and compressed by t along x, features are detected on each
// simulated view and mapped back into the photo. On the Landsat test crop plain RootSIFT
// still registers views tilted 50 degrees; at 60 degrees the simulated tilt of sqrt(2) in
// four directions raises the best candidate from 31 to 71 inliers (registration_test).
PhotoSide WithSimulatedTilts(const cv::Mat& photo, PhotoSide side, const GeorefOptions& o) {
  cv::Mat gray;
  if (photo.channels() == 1)
    gray = photo;
  else
    cv::cvtColor(photo, gray, cv::COLOR_BGR2GRAY);
  const double scale = 1.0 / side.detection_px;
  if (scale < 1) cv::resize(gray, gray, cv::Size(), scale, scale, cv::INTER_AREA);
  const double t = std::sqrt(2.0);
  std::vector<cv::Mat> descriptors{side.features.descriptors};
  for (const double phi : {0.0, 51.0, 103.0, 154.0}) {
    // Rotation onto a canvas that holds the whole rotated photo (pixel-centre coordinates).
    cv::Matx23d rot = cv::getRotationMatrix2D(cv::Point2f(0, 0), phi, 1.0);
    std::vector<cv::Point2d> corners;
    for (const cv::Point2d c :
         {cv::Point2d(0, 0), cv::Point2d(gray.cols - 1, 0),
          cv::Point2d(gray.cols - 1, gray.rows - 1), cv::Point2d(0, gray.rows - 1)})
      corners.push_back(rot * cv::Vec3d(c.x, c.y, 1));
    const cv::Rect2d box = BoundingBox(corners);
    rot(0, 2) -= box.x;
    rot(1, 2) -= box.y;
    const cv::Size canvas(static_cast<int>(std::ceil(box.width)) + 1,
                          static_cast<int>(std::ceil(box.height)) + 1);
    cv::Mat rotated, mask;
    cv::warpAffine(gray, rotated, rot, canvas, cv::INTER_LINEAR, cv::BORDER_CONSTANT);
    cv::warpAffine(cv::Mat(gray.size(), CV_8UC1, cv::Scalar(255)), mask, rot, canvas,
                   cv::INTER_NEAREST, cv::BORDER_CONSTANT);
    cv::GaussianBlur(rotated, rotated, cv::Size(0, 0), 0.8 * std::sqrt(t * t - 1), 0.01);
    const cv::Size squeezed(std::max(1, static_cast<int>(std::lround(canvas.width / t))),
                            canvas.height);
    cv::resize(rotated, rotated, squeezed, 0, 0, cv::INTER_LINEAR);
    cv::resize(mask, mask, squeezed, 0, 0, cv::INTER_NEAREST);
    FeatureOptions fo;
    fo.max_features = o.photo_features / 2;
    fo.sift_contrast_threshold = o.contrast_threshold;
    fo.detection_max_side = std::max(squeezed.width, squeezed.height);
    auto f = DetectFeatures(rotated, fo, ErodedMask(mask));
    if (!f.ok()) continue;
    const double sx = static_cast<double>(canvas.width) / squeezed.width;
    cv::Matx23d back;
    cv::invertAffineTransform(rot, back);
    for (const auto& k : f->keypoints) {
      const cv::Vec2d in_rotated((k.pt.x + 0.5) * sx - 0.5, k.pt.y);
      const cv::Vec2d in_gray = back * cv::Vec3d(in_rotated[0], in_rotated[1], 1);
      side.points.emplace_back(static_cast<float>((in_gray[0] + 0.5) / scale),
                               static_cast<float>((in_gray[1] + 0.5) / scale));
    }
    descriptors.push_back(f->descriptors);
  }
  cv::vconcat(descriptors, side.features.descriptors);
  return side;
}

// The part of the basemap to search: all of it, or the box around --near.
std::optional<cv::Rect2d> SearchRegion(const Basemap& map, const GeorefOptions& o) {
  const cv::Rect2d all(0, 0, map.info().width, map.info().height);
  if (!o.near) return all;
  auto centre = map.crs().FromLatLon(*o.near);
  if (!centre.ok()) return std::nullopt;
  auto per_unit = map.crs().MetresPerUnit(*centre);
  if (!per_unit.ok()) return std::nullopt;
  const double r = o.radius_m * 1.25;  // the footprint may reach beyond the centre's circle
  std::vector<cv::Point2d> px;
  for (int sx : {-1, 1}) {
    for (int sy : {-1, 1})
      px.push_back(
          map.PixelFromMap({centre->x + sx * r / per_unit->x, centre->y + sy * r / per_unit->y}));
  }
  const cv::Rect2d box = BoundingBox(px);
  const cv::Rect2d clipped = box & all;
  if (clipped.width < 8 || clipped.height < 8) return std::nullopt;
  return clipped;
}

// Why `h` contradicts the priors, or empty when it does not (or there are none).
std::string PriorConflict(const Basemap& map, const cv::Matx33d& h, cv::Size size,
                          const GeorefOptions& o) {
  const cv::Point2d c(size.width / 2.0, size.height / 2.0);
  const auto a = ApplyHomography(h, c), b = ApplyHomography(h, c + cv::Point2d(0, -1));
  if (!a || !b) return "degenerate";
  std::ostringstream why;
  if (o.heading_deg) {
    const cv::Point2d v = *b - *a;
    const double up = std::atan2(v.x, -v.y) * 180 / CV_PI;
    const double north = NorthInPixels(map, *a);
    const double heading = std::fmod(up - north + 720, 360);
    // The registration's own error is added to the prior's tolerance.
    if (AngleBetweenDeg(heading, *o.heading_deg) > o.heading_tol_deg + kPriorSlackDeg)
      why << "heading " << std::lround(heading) << " deg is outside the prior "
          << std::lround(*o.heading_deg) << " +- " << o.heading_tol_deg;
  }
  if (o.gsd_m) {
    const double gsd = BasemapPixelsPerPhotoPixel(h, size) * map.info().pixel_size_m;
    // An estimate within a share t of the truth: the truth lies between (1 - t) and
    // 1 / (1 - t) times it.
    const double ratio = gsd / *o.gsd_m, low = 1 - o.gsd_rel_tol;
    if (!(ratio >= low / (1 + kPriorSlackRel) && ratio <= (1 + kPriorSlackRel) / low)) {
      if (why.tellp() > 0) why << "; ";
      why << "ground sample distance " << std::round(gsd * 1000) / 1000
          << " m is outside the prior " << *o.gsd_m << " m +- " << o.gsd_rel_tol * 100 << " % (x"
          << std::round(low * 100) / 100 << " to x" << std::round(100 / low) / 100 << ")";
    }
  }
  return why.str();
}

}  // namespace

double NorthInPixels(const Basemap& map, cv::Point2d px) {
  auto here = map.crs().ToLatLon(map.MapFromPixel(px));
  if (!here.ok()) return 0;
  const double step = std::min(0.01, 89.9 - std::abs(here->lat_deg));
  auto north = map.crs().FromLatLon({here->lat_deg + step, here->lon_deg});
  if (!north.ok()) return 0;
  const cv::Point2d v = map.PixelFromMap(*north) - px;
  return std::atan2(v.x, -v.y) * 180 / CV_PI;
}

Status GeorefOptions::Check() const {
  if (!(radius_m > 0 && radius_m <= 1e7)) return MakeError("radius must be in (0, 10000 km]");
  if (near && !near->InRange()) return MakeError("--near is not a valid latitude,longitude");
  if (photo_detection_side < 128 || tile_side < 256) return MakeError("detection sizes too small");
  if (min_inliers < 8) return MakeError("min_inliers must be at least 8");
  if (coarse_level_pixels < (1 << 18) || max_search_pixels < coarse_level_pixels)
    return MakeError("search budgets too small");
  if (heading_deg &&
      !(std::isfinite(*heading_deg) && heading_tol_deg >= 0 && heading_tol_deg <= 180))
    return MakeError("--heading must be degrees with a tolerance in [0, 180]");
  if (gsd_m && !(*gsd_m > 0 && *gsd_m < 1e5 && gsd_rel_tol >= 0 && gsd_rel_tol < 1))
    return MakeError("--gsd must be positive metres with a relative tolerance in [0, 1)");
  return OkStatus();
}

Result<GeorefResult> Georeference(const cv::Mat& photo, const std::vector<const Basemap*>& basemaps,
                                  const GeorefOptions& o) {
  if (auto st = o.Check(); !st.ok()) return st.error();
  auto side = PreparePhoto(photo, o);
  if (!side.ok()) return side.error();
  GeorefResult result;
  result.photo_size = photo.size();
  Candidate best;
  const Basemap* best_map = nullptr;
  for (const Basemap* map : basemaps) {
    const auto region = SearchRegion(*map, o);
    if (!region) {
      result.levels_searched.push_back(map->info().path.filename().string() +
                                       ": --near area not covered");
      continue;
    }
    auto found = Search(*side, *map, *region, o, result.levels_searched);
    if (!found.ok()) return found.error();
    if (found->inliers > best.inliers) {
      best = std::move(*found);
      best_map = map;
    }
  }
  if (best.inliers < kConfidentInliers) {
    // Perhaps an oblique photo: search again with simulated tilts.
    side = WithSimulatedTilts(photo, std::move(*side), o);
    result.levels_searched.push_back("again with simulated tilts:");
    for (const Basemap* map : basemaps) {
      const auto region = SearchRegion(*map, o);
      if (!region) continue;
      auto found = Search(*side, *map, *region, o, result.levels_searched);
      if (!found.ok()) return found.error();
      if (found->inliers > best.inliers) {
        best = std::move(*found);
        best_map = map;
      }
    }
  }
  result.best_candidate_inliers = best.inliers;
  if (best_map != nullptr) result.basemap = best_map->info().path;
  if (best_map == nullptr || best.inliers < o.min_inliers / 2) {
    result.message =
        "no basemap area matches the photo (best candidate: " + std::to_string(best.inliers) +
        " inliers)";
  } else {
    auto refined = Refine(*side, *best_map, std::move(best), o);
    if (!refined.ok()) return refined.error();
    result.best_candidate_inliers = std::max(result.best_candidate_inliers, refined->inliers);
    result.tentative = refined->tentative;
    result.inliers = refined->inliers;
    result.inlier_ratio =
        refined->tentative > 0 ? double(refined->inliers) / refined->tentative : 0;
    if (result.inliers < o.min_inliers || result.inlier_ratio < o.min_inlier_ratio) {
      result.message = "best candidate too weak: " + std::to_string(result.inliers) +
                       " inliers of " + std::to_string(result.tentative) + " matches";
    } else if (const std::string why = PriorConflict(*best_map, refined->h, photo.size(), o);
               !why.empty()) {
      result.message = "the features' registration contradicts the priors: " + why;
    } else {
      result.homography = refined->h;
      if (auto st = DescribeFootprint(*best_map, refined->h, refined->inlier_points, result);
          !st.ok())
        return st.error();
      result.method = "features";
      result.ok = true;
      return result;
    }
  }
  if (!o.heading_deg || !o.gsd_m) return result;
  // Both priors: the area search, basemap by basemap; the one where most patches agree.
  cv::Mat gray;
  if (photo.channels() == 1)
    gray = photo;
  else
    cv::cvtColor(photo, gray, cv::COLOR_BGR2GRAY);
  AreaSearchResult area;
  const Basemap* area_map = nullptr;
  for (const Basemap* map : basemaps) {
    const auto region = SearchRegion(*map, o);
    if (!region) continue;
    AreaSearchPrior prior;
    prior.rotation_deg = *o.heading_deg + NorthInPixels(*map, (region->tl() + region->br()) * 0.5);
    prior.rotation_tol_deg = o.heading_tol_deg;
    prior.scale = *o.gsd_m / map->info().pixel_size_m;
    prior.scale_rel_tol = o.gsd_rel_tol;
    AreaSearchResult found =
        AreaSearch(gray, *map, *region, prior, static_cast<std::size_t>(std::max(0, o.threads)));
    result.levels_searched.push_back(found.log);
    if (!found.ok) continue;
    // The search keeps within the priors' ranges plus a margin for its own error; a place
    // beyond the prior's tolerance and its slack is refused here, and said.
    if (const std::string why = PriorConflict(*map, found.homography, photo.size(), o);
        !why.empty()) {
      result.levels_searched.back() += "; refused: " + why;
      continue;
    }
    if (!area.ok || found.points.size() > area.points.size()) {
      area = std::move(found);
      area_map = map;
    }
  }
  if (area_map == nullptr) {
    result.message += "; the area search within the priors found no place either";
    return result;
  }
  result.message.clear();
  result.basemap = area_map->info().path;
  result.tentative = area.patches;
  result.inliers = static_cast<int>(area.points.size());
  result.inlier_ratio = area.patches > 0 ? double(result.inliers) / area.patches : 0;
  result.homography = area.homography;
  if (auto st = DescribeFootprint(*area_map, area.homography, area.points, result); !st.ok())
    return st.error();
  result.method = "area";
  result.fields_correlation = area.fields;
  result.weak_place = area.weak;
  result.ok = true;
  return result;
}

}  // namespace gv
