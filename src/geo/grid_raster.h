// Lat/lon grids (EPSG:4326, north-up) written to and read from GeoTIFF through GDAL, row
// block by row block so that memory stays bounded, and vectorised into polygons.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "util/result.h"

namespace gv {

struct GeoGrid {
  double min_lon = -180, max_lat = 90, resolution_deg = 0.05;
  int width = 0, height = 0;
};

// Writes a single-band GeoTIFF (Float32 or Byte, DEFLATE-compressed, tiled) through a
// temporary file; Finish() closes it and renames it into place. Not thread-safe.
class GridRasterWriter {
 public:
  enum class Type { kFloat32, kByte };
  static Result<std::unique_ptr<GridRasterWriter>> Create(const std::filesystem::path& path,
                                                          const GeoGrid& grid, Type type,
                                                          const std::string& description);
  ~GridRasterWriter();
  GridRasterWriter(const GridRasterWriter&) = delete;
  GridRasterWriter& operator=(const GridRasterWriter&) = delete;

  // `values`: rows x grid.width, row-major; for Byte rasters values are clamped to 0..255.
  Status WriteRows(int row0, int rows, const float* values);
  Status Finish();

 private:
  GridRasterWriter() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Polygons of the cells whose value is non-zero in a Byte raster, written as a vector
// layer `layer` to `out` (OGR driver chosen by extension), with the given string fields set
// on every polygon. Written atomically.
Status PolygonizeRaster(const std::filesystem::path& raster, const std::filesystem::path& out,
                        const std::string& layer,
                        const std::vector<std::pair<std::string, std::string>>& fields);

// Reads a single-band raster resampled (nearest) to `width` x `height` over `grid`'s extent
// restricted to [min_lon,max_lon]x[min_lat,max_lat]. For previews; memory is the output size.
Result<std::vector<float>> ReadRasterPreview(const std::filesystem::path& raster, double min_lon,
                                             double min_lat, double max_lon, double max_lat,
                                             int width, int height);

// Outer and inner rings of every polygon in a vector file, as (lon, lat) lists.
Result<std::vector<std::vector<std::pair<double, double>>>> ReadPolygonRings(
    const std::filesystem::path& path);

}  // namespace gv
