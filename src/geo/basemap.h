// A georeferenced raster used as a basemap (orthophoto, satellite scene, tiles, VRT
// mosaic): any raster GDAL reads, opened read-only and read by window, through overviews
// when the window is downsampled, so that a basemap larger than memory is never loaded
// whole.
#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <opencv2/core.hpp>
#include <string>

#include "geo/crs.h"
#include "util/result.h"

namespace gv {

struct BasemapInfo {
  std::filesystem::path path;
  int width = 0, height = 0, bands = 0;
  std::string data_type;                   // GDAL's name: "Byte", "UInt16", ...
  std::array<double, 6> map_from_pixel{};  // GDAL geotransform (pixel corner convention)
  std::string crs_wkt;
  std::string crs_name;
  bool geographic = false;
  int overviews = 0;
  double pixel_size_m = 0;  // mean ground size of a pixel at the centre, metres
};

// Pixels of a window resampled to the requested size: 8-bit grey (luminance of the colour
// bands, 16-bit data stretched to the window's 0.5-99.5 percentiles) and a validity mask
// (255 where the raster has data: not nodata, not transparent, inside the raster).
struct BasemapWindow {
  cv::Mat gray;       // CV_8UC1
  cv::Mat mask;       // CV_8UC1
  cv::Rect2d window;  // full-resolution pixels that were read
  double scale = 1;   // output pixels per full-resolution pixel
};

// Not thread-safe (a GDAL dataset handle); open one per thread.
class Basemap {
 public:
  // Errors name the file: not a raster, no georeferencing (no geotransform or only GCPs),
  // unknown CRS, rotated geotransform.
  static Result<std::unique_ptr<Basemap>> Open(const std::filesystem::path& path);
  ~Basemap();
  Basemap(const Basemap&) = delete;
  Basemap& operator=(const Basemap&) = delete;

  const BasemapInfo& info() const { return info_; }
  const CrsTransform& crs() const { return *crs_; }
  MapPoint MapFromPixel(cv::Point2d px) const;
  cv::Point2d PixelFromMap(MapPoint p) const;

  // Reads `window` (full-resolution pixel coordinates, may extend beyond the raster) into
  // an image of `size`. Downsampling averages (GDAL picks an overview when one fits).
  Result<BasemapWindow> Read(const cv::Rect2d& window, cv::Size size) const;
  // Same, in colour (8-bit BGR) for pictures and warps; no stretch for 8-bit data.
  Result<cv::Mat> ReadColour(const cv::Rect2d& window, cv::Size size) const;

 private:
  Basemap() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<CrsTransform> crs_;
  BasemapInfo info_;
};

// Writes an 8-bit BGR image with an alpha mask as a georeferenced, DEFLATE-compressed
// GeoTIFF (RGBA) with the given geotransform and CRS (WKT) and metadata items, atomically.
Status WriteGeoTiffRgba(const std::filesystem::path& path, const cv::Mat& bgr, const cv::Mat& alpha,
                        const std::array<double, 6>& map_from_pixel, const std::string& crs_wkt,
                        const std::vector<std::pair<std::string, std::string>>& metadata);

}  // namespace gv
