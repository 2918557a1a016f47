#include "report/shadow_outputs.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <optional>

#include "geo/grid_raster.h"
#include "geo/zone_grid.h"
#include "image/encode.h"
#include "util/data_dir.h"
#include "util/file.h"
#include "util/time.h"

namespace gv {
namespace {

GeoGrid ToGeoGrid(const GridSpec& g) {
  return {g.min_lon, g.max_lat, g.resolution_deg, g.Width(), g.Height()};
}

std::string Describe(const std::vector<ShadowObservation>& observations) {
  std::string text;
  for (const auto& o : observations) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s%s sun elevation %.2f..%.2f deg", text.empty() ? "" : "; ",
                  FormatIsoUtc(static_cast<std::int64_t>(o.utc_seconds)).c_str(),
                  o.elevation_min_deg, o.elevation_max_deg);
    text += buf;
    if (o.shadow_azimuth_deg) {
      std::snprintf(buf, sizeof buf, ", shadow azimuth %.1f+-%.1f deg", *o.shadow_azimuth_deg,
                    o.azimuth_tolerance_deg);
      text += buf;
    }
  }
  return text;
}

// A scratch file next to an output, removed when this goes out of scope.
struct ScratchFile {
  std::filesystem::path path;
  ~ScratchFile() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove(path, ec);
  }
};

}  // namespace

Result<ShadowOutputResult> WriteShadowLocus(const SpaTerms& terms,
                                            const ShadowOutputOptions& options) {
  if (auto st = options.grid.Check(); !st.ok()) return st.error();
  const GeoGrid grid = ToGeoGrid(options.grid);
  const std::string description = "geoverify shadow locus: " + Describe(options.observations);
  // The mask (Byte) drives polygons and the map; the likelihood (Float32) is optional.
  ScratchFile mask;
  const bool need_mask = !options.vector_out.empty() || !options.map_out.empty();
  if (need_mask) {
    const auto dir = !options.vector_out.empty() ? options.vector_out.parent_path()
                                                 : options.map_out.parent_path();
    mask.path = (dir.empty() ? std::filesystem::path(".") : dir) /
                (".shadow-mask-" + std::to_string(::getpid()) + ".tif");
  }
  std::unique_ptr<GridRasterWriter> mask_writer, likelihood_writer;
  if (need_mask) {
    auto w = GridRasterWriter::Create(mask.path, grid, GridRasterWriter::Type::kByte, description);
    if (!w.ok()) return w.error();
    mask_writer = std::move(w).value();
  }
  if (!options.raster_out.empty()) {
    auto w = GridRasterWriter::Create(options.raster_out, grid, GridRasterWriter::Type::kFloat32,
                                      description);
    if (!w.ok()) return w.error();
    likelihood_writer = std::move(w).value();
  }
  std::optional<ZoneIndexGrid> zones;
  if (std::any_of(options.observations.begin(), options.observations.end(),
                  [](const auto& o) { return o.zone_unknown; })) {
    auto built = BuildZoneIndexGrid(grid);
    if (!built.ok()) return built.error();
    zones = std::move(built).value();
  }
  std::vector<float> binary;
  auto stats = EvaluateShadowGrid(
      terms, options.observations, options.grid, options.threads,
      [&](const GridBlock& b) -> Status {
        if (likelihood_writer) {
          if (auto st = likelihood_writer->WriteRows(b.row0, b.rows, b.likelihood.data()); !st.ok())
            return st;
        }
        if (mask_writer) {
          binary.resize(b.likelihood.size());
          std::transform(b.likelihood.begin(), b.likelihood.end(), binary.begin(),
                         [](float v) { return v > 0 ? 1.0f : 0.0f; });
          if (auto st = mask_writer->WriteRows(b.row0, b.rows, binary.data()); !st.ok()) return st;
        }
        return OkStatus();
      },
      zones ? &*zones : nullptr);
  if (!stats.ok()) return stats.error();
  ShadowOutputResult result;
  result.stats = *stats;
  if (likelihood_writer) {
    if (auto st = likelihood_writer->Finish(); !st.ok()) return st.error();
    result.written.push_back(options.raster_out);
  }
  if (mask_writer) {
    if (auto st = mask_writer->Finish(); !st.ok()) return st.error();
  }
  if (!options.vector_out.empty()) {
    auto st = PolygonizeRaster(mask.path, options.vector_out, "shadow_locus",
                               {{"source", "shadow"},
                                {"observations", Describe(options.observations)},
                                {"computed_utc", NowIsoUtc()}});
    if (!st.ok()) return st.error();
    result.written.push_back(options.vector_out);
  }
  if (!options.map_out.empty()) {
    const auto borders =
        options.borders.empty() ? DataDir() / "generated" / "countries.geojson" : options.borders;
    if (auto st = RenderRegionMap(mask.path, result.stats, options.grid, borders, options.map_out);
        !st.ok())
      return st.error();
    result.written.push_back(options.map_out);
  }
  return result;
}

nlohmann::ordered_json ToJson(const ShadowOutputResult& r, const ShadowOutputOptions& options) {
  nlohmann::ordered_json j;
  j["observations"] = options.observations.size();
  j["resolution_deg"] = options.grid.resolution_deg;
  j["grid_bbox"] = {options.grid.min_lon, options.grid.min_lat, options.grid.max_lon,
                    options.grid.max_lat};
  j["cells"] = r.stats.cells;
  j["cells_consistent"] = r.stats.consistent_cells;
  j["area_km2"] = r.stats.area_km2;
  j["bbox"] = r.stats.consistent_cells > 0
                  ? nlohmann::ordered_json{r.stats.min_lon, r.stats.min_lat, r.stats.max_lon,
                                           r.stats.max_lat}
                  : nlohmann::ordered_json(nullptr);
  j["outputs"] = nlohmann::ordered_json::array();
  for (const auto& p : r.written) j["outputs"].push_back(p.string());
  return j;
}

Status RenderRegionMap(const std::filesystem::path& raster, const ShadowRegionStats& stats,
                       const GridSpec& grid, const std::filesystem::path& borders,
                       const std::filesystem::path& png, int width) {
  double x0 = grid.min_lon, x1 = grid.max_lon, y0 = grid.min_lat, y1 = grid.max_lat;
  if (stats.consistent_cells > 0) {  // zoom on the region with a margin, never beyond the grid
    const double mx = std::max(2.0, (stats.max_lon - stats.min_lon) * 0.25),
                 my = std::max(2.0, (stats.max_lat - stats.min_lat) * 0.25);
    x0 = std::max(grid.min_lon, stats.min_lon - mx);
    x1 = std::min(grid.max_lon, stats.max_lon + mx);
    y0 = std::max(grid.min_lat, stats.min_lat - my);
    y1 = std::min(grid.max_lat, stats.max_lat + my);
  }
  const int height = std::clamp(static_cast<int>(width * (y1 - y0) / (x1 - x0)), 100, 4000);
  const auto px = [&](double lon, double lat) {
    return cv::Point(static_cast<int>((lon - x0) / (x1 - x0) * width),
                     static_cast<int>((y1 - lat) / (y1 - y0) * height));
  };
  cv::Mat image(height, width, CV_8UC3, cv::Scalar(235, 222, 205));
  if (auto rings = ReadPolygonRings(borders); rings.ok()) {
    std::vector<std::vector<cv::Point>> polys,
        cut;  // rings crossing the antimeridian are not filled
    for (const auto& ring : *rings) {
      std::vector<cv::Point> pts;
      bool crosses = false;
      for (std::size_t i = 0; i < ring.size(); ++i) {
        if (i > 0 && std::abs(ring[i].first - ring[i - 1].first) > 180.0) crosses = true;
        pts.push_back(px(ring[i].first, ring[i].second));
      }
      (crosses ? cut : polys).push_back(std::move(pts));
    }
    cv::fillPoly(image, polys, cv::Scalar(238, 242, 242), cv::LINE_AA);
    cv::polylines(image, polys, true, cv::Scalar(120, 120, 120), 1, cv::LINE_AA);
    for (const auto& pts : cut) {
      for (std::size_t i = 1; i < pts.size(); ++i) {
        if (std::abs(pts[i].x - pts[i - 1].x) < width / 2)
          cv::line(image, pts[i - 1], pts[i], cv::Scalar(120, 120, 120), 1, cv::LINE_AA);
      }
    }
  }
  auto preview = ReadRasterPreview(raster, x0, y0, x1, y1, width, height);
  if (!preview.ok()) return preview.error();
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      if ((*preview)[static_cast<std::size_t>(y) * width + x] <= 0) continue;
      cv::Vec3b& p = image.at<cv::Vec3b>(y, x);
      p = cv::Vec3b(static_cast<uchar>(p[0] * 0.4), static_cast<uchar>(p[1] * 0.4 + 0.6 * 120),
                    static_cast<uchar>(p[2] * 0.4 + 0.6 * 255));
    }
  }
  char label[160];
  std::snprintf(label, sizeof label, "shadow locus: %llu cells, %.0f km2 (geoverify)",
                static_cast<unsigned long long>(stats.consistent_cells), stats.area_km2);
  cv::putText(image, label, {10, height - 12}, cv::FONT_HERSHEY_SIMPLEX, 0.6,
              cv::Scalar(40, 40, 40), 1, cv::LINE_AA);
  return WritePngAtomic(png, image);
}

}  // namespace gv
