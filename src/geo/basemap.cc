#include "geo/basemap.h"

#include <cpl_string.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <optional>

#include "geo/ogr_init.h"
#include "util/file.h"

namespace gv {

struct Basemap::Impl {
  GDALDatasetH ds = nullptr;
  std::array<int, 3> rgb_bands{1, 1, 1};  // 1-based band numbers used for R, G, B
  bool byte_data = true;
  ~Impl() {
    if (ds != nullptr) GDALClose(ds);
  }
};

namespace {

// Bands that carry red, green and blue (by colour interpretation, else 1-2-3), or the
// first band three times for grey and grey+alpha rasters.
std::array<int, 3> ColourBands(GDALDatasetH ds) {
  const int n = GDALGetRasterCount(ds);
  std::array<int, 3> found{0, 0, 0};
  for (int b = 1; b <= n; ++b) {
    switch (GDALGetRasterColorInterpretation(GDALGetRasterBand(ds, b))) {
      case GCI_RedBand:
        found[0] = found[0] ? found[0] : b;
        break;
      case GCI_GreenBand:
        found[1] = found[1] ? found[1] : b;
        break;
      case GCI_BlueBand:
        found[2] = found[2] ? found[2] : b;
        break;
      default:
        break;
    }
  }
  if (found[0] && found[1] && found[2]) return found;
  if (n >= 3) return {1, 2, 3};
  return {1, 1, 1};
}

// Reads one band over the clipped window (fractional full-resolution pixels) into `plane`,
// which is allocated with the output size and the OpenCV type matching `type`.
Status ReadPlane(GDALRasterBandH band, const cv::Rect2d& clip, GDALRIOResampleAlg alg,
                 GDALDataType type, cv::Mat& plane) {
  GDALRasterIOExtraArg extra;
  INIT_RASTERIO_EXTRA_ARG(extra);
  extra.eResampleAlg = alg;
  extra.bFloatingPointWindowValidity = TRUE;
  extra.dfXOff = clip.x;
  extra.dfYOff = clip.y;
  extra.dfXSize = clip.width;
  extra.dfYSize = clip.height;
  const int x0 = static_cast<int>(std::floor(clip.x)), y0 = static_cast<int>(std::floor(clip.y));
  const int x1 = static_cast<int>(std::ceil(clip.x + clip.width));
  const int y1 = static_cast<int>(std::ceil(clip.y + clip.height));
  if (GDALRasterIOEx(band, GF_Read, x0, y0, x1 - x0, y1 - y0, plane.data, plane.cols, plane.rows,
                     type, 0, 0, &extra) != CE_None)
    return MakeError(LastGdalError());
  return OkStatus();
}

// Reads `bands` of the clipped window, one plane per band (8-bit, or float for other types).
Status ReadBands(GDALDatasetH ds, const std::array<int, 3>& bands, const cv::Rect2d& clip,
                 cv::Size out, GDALRIOResampleAlg alg, GDALDataType type,
                 std::vector<cv::Mat>& planes) {
  planes.clear();
  for (std::size_t i = 0; i < bands.size(); ++i) {
    if (i > 0 && bands[i] == bands[i - 1]) {
      planes.push_back(planes.back());
      continue;
    }
    cv::Mat plane(out, type == GDT_Byte ? CV_8UC1 : CV_32FC1);
    if (auto st = ReadPlane(GDALGetRasterBand(ds, bands[i]), clip, alg, type, plane); !st.ok())
      return st;
    planes.push_back(plane);
  }
  return OkStatus();
}

// Validity of the clipped window: valid where every used band is (nodata, alpha, masks).
Status ReadMask(GDALDatasetH ds, const std::array<int, 3>& bands, const cv::Rect2d& clip,
                cv::Size out, cv::Mat& mask) {
  mask = cv::Mat(out, CV_8UC1, cv::Scalar(255));
  int previous = -1;
  for (int b : bands) {
    if (b == previous) continue;
    previous = b;
    GDALRasterBandH band = GDALGetRasterBand(ds, b);
    if (GDALGetMaskFlags(band) & GMF_ALL_VALID) continue;
    cv::Mat m(out, CV_8UC1);
    if (auto st = ReadPlane(GDALGetMaskBand(band), clip, GRIORA_NearestNeighbour, GDT_Byte, m);
        !st.ok())
      return st;
    cv::bitwise_and(mask, m > 0, mask);
  }
  return OkStatus();
}

// Linear stretch of a float plane to 8 bits between the 0.5 and 99.5 percentiles of the
// valid pixels.
cv::Mat Stretch(const cv::Mat& plane, const cv::Mat& mask) {
  std::vector<float> values;
  values.reserve(static_cast<std::size_t>(plane.total()));
  const int step = std::max(1, static_cast<int>(plane.total() / 200000));
  for (int i = 0; i < static_cast<int>(plane.total()); i += step) {
    if (mask.data[i] && std::isfinite(plane.ptr<float>()[i]))
      values.push_back(plane.ptr<float>()[i]);
  }
  cv::Mat out;
  if (values.empty()) return cv::Mat(plane.size(), CV_8UC1, cv::Scalar(0));
  const auto at = [&](double q) {
    auto it =
        values.begin() + static_cast<std::ptrdiff_t>(q * static_cast<double>(values.size() - 1));
    std::nth_element(values.begin(), it, values.end());
    return static_cast<double>(*it);
  };
  const double lo = at(0.005), hi = at(0.995);
  const double gain = hi > lo ? 255.0 / (hi - lo) : 1.0;
  plane.convertTo(out, CV_8UC1, gain, -lo * gain);
  return out;
}

}  // namespace

Result<std::unique_ptr<Basemap>> Basemap::Open(const std::filesystem::path& path) {
  EnsureGdalRegistered();
  const std::string name = path.string();
  std::unique_ptr<Basemap> map(new Basemap());
  map->impl_ = std::make_unique<Impl>();
  Impl& impl = *map->impl_;
  CPLErrorReset();
  impl.ds = GDALOpenEx(name.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  if (impl.ds == nullptr)
    return MakeError(name + ": not a raster GDAL can read: " + LastGdalError());
  BasemapInfo& info = map->info_;
  info.path = path;
  info.width = GDALGetRasterXSize(impl.ds);
  info.height = GDALGetRasterYSize(impl.ds);
  info.bands = GDALGetRasterCount(impl.ds);
  if (info.width <= 0 || info.height <= 0 || info.bands < 1)
    return MakeError(name + ": raster without pixels");
  if (info.bands > 4) return MakeError(name + ": more than 4 bands is not a photo-like basemap");
  GDALRasterBandH first = GDALGetRasterBand(impl.ds, 1);
  const GDALDataType type = GDALGetRasterDataType(first);
  info.data_type = GDALGetDataTypeName(type);
  if (GDALDataTypeIsComplex(type)) return MakeError(name + ": complex pixel data");
  impl.byte_data = type == GDT_Byte;
  info.overviews = GDALGetOverviewCount(first);
  if (GDALGetGeoTransform(impl.ds, info.map_from_pixel.data()) != CE_None)
    return MakeError(name +
                     ": no georeferencing (no geotransform; GCP-only rasters must be "
                     "warped first, e.g. with gdalwarp)");
  const auto& gt = info.map_from_pixel;
  if (!(std::abs(gt[1] * gt[5] - gt[2] * gt[4]) > 0))
    return MakeError(name + ": degenerate geotransform");
  OGRSpatialReferenceH srs = GDALGetSpatialRef(impl.ds);
  if (srs == nullptr) return MakeError(name + ": georeferenced but without a CRS");
  char* wkt = nullptr;
  const char* const options[] = {"FORMAT=WKT2_2019", nullptr};
  if (OSRExportToWktEx(srs, &wkt, options) != OGRERR_NONE || wkt == nullptr) {
    CPLFree(wkt);
    return MakeError(name + ": cannot export the CRS");
  }
  info.crs_wkt = wkt;
  CPLFree(wkt);
  auto crs = CrsTransform::ToWgs84(info.crs_wkt);
  if (!crs.ok()) return MakeError(name + ": " + crs.error().message);
  map->crs_ = std::move(*crs);
  info.crs_name = map->crs_->name();
  info.geographic = map->crs_->geographic();
  impl.rgb_bands = ColourBands(impl.ds);
  const MapPoint centre = map->MapFromPixel({info.width / 2.0, info.height / 2.0});
  auto per_unit = map->crs_->MetresPerUnit(centre);
  if (!per_unit.ok()) return MakeError(name + ": centre of the raster outside its CRS's domain");
  info.pixel_size_m =
      0.5 * (std::hypot(gt[1], gt[4]) * per_unit->x + std::hypot(gt[2], gt[5]) * per_unit->y);
  return map;
}

Basemap::~Basemap() = default;

MapPoint Basemap::MapFromPixel(cv::Point2d px) const {
  const auto& g = info_.map_from_pixel;
  return {g[0] + px.x * g[1] + px.y * g[2], g[3] + px.x * g[4] + px.y * g[5]};
}

cv::Point2d Basemap::PixelFromMap(MapPoint p) const {
  const auto& g = info_.map_from_pixel;
  const double det = g[1] * g[5] - g[2] * g[4];
  const double dx = p.x - g[0], dy = p.y - g[3];
  return {(g[5] * dx - g[2] * dy) / det, (-g[4] * dx + g[1] * dy) / det};
}

namespace {

struct Placement {
  cv::Rect2d clip;  // part of the window inside the raster
  cv::Rect target;  // where it lands in the output
};

std::optional<Placement> Place(const cv::Rect2d& window, cv::Size size, int width, int height) {
  const cv::Rect2d clip = window & cv::Rect2d(0, 0, width, height);
  if (clip.width <= 0 || clip.height <= 0) return std::nullopt;
  const double sx = size.width / window.width, sy = size.height / window.height;
  const int x0 = std::clamp(static_cast<int>(std::lround((clip.x - window.x) * sx)), 0, size.width);
  const int y0 =
      std::clamp(static_cast<int>(std::lround((clip.y - window.y) * sy)), 0, size.height);
  const int x1 =
      std::clamp(static_cast<int>(std::lround((clip.br().x - window.x) * sx)), 0, size.width);
  const int y1 =
      std::clamp(static_cast<int>(std::lround((clip.br().y - window.y) * sy)), 0, size.height);
  if (x1 <= x0 || y1 <= y0) return std::nullopt;
  return Placement{clip, cv::Rect(x0, y0, x1 - x0, y1 - y0)};
}

}  // namespace

namespace {

// The R, G, B planes (8-bit) and validity of the part of `window` inside the raster, and
// where that part lands in an output of `size`; no planes when nothing is inside.
struct WindowPlanes {
  std::vector<cv::Mat> rgb;
  cv::Mat mask;
  cv::Rect target;
};

Result<WindowPlanes> ReadWindowPlanes(GDALDatasetH ds, const std::array<int, 3>& bands,
                                      bool byte_data, const BasemapInfo& info,
                                      const cv::Rect2d& window, cv::Size size) {
  if (size.width <= 0 || size.height <= 0 || window.width <= 0 || window.height <= 0)
    return MakeError(info.path.string() + ": empty window");
  WindowPlanes out;
  const auto place = Place(window, size, info.width, info.height);
  if (!place) return out;
  out.target = place->target;
  const GDALRIOResampleAlg alg = size.width < window.width ? GRIORA_Average : GRIORA_Bilinear;
  const GDALDataType type = byte_data ? GDT_Byte : GDT_Float32;
  Status st = ReadBands(ds, bands, place->clip, place->target.size(), alg, type, out.rgb);
  if (st.ok()) st = ReadMask(ds, bands, place->clip, place->target.size(), out.mask);
  if (!st.ok()) return MakeError(info.path.string() + ": " + st.error().message);
  if (!byte_data) {
    for (auto& p : out.rgb) p = Stretch(p, out.mask);
  }
  return out;
}

}  // namespace

Result<BasemapWindow> Basemap::Read(const cv::Rect2d& window, cv::Size size) const {
  auto planes =
      ReadWindowPlanes(impl_->ds, impl_->rgb_bands, impl_->byte_data, info_, window, size);
  if (!planes.ok()) return planes.error();
  BasemapWindow out;
  out.window = window;
  out.scale = size.width / window.width;
  out.gray = cv::Mat(size, CV_8UC1, cv::Scalar(0));
  out.mask = cv::Mat(size, CV_8UC1, cv::Scalar(0));
  if (planes->rgb.empty()) return out;
  cv::Mat gray;
  if (planes->rgb[0].data == planes->rgb[1].data) {
    gray = planes->rgb[0];
  } else {
    cv::Mat rgb;
    cv::merge(planes->rgb, rgb);
    cv::cvtColor(rgb, gray, cv::COLOR_RGB2GRAY);
  }
  gray.setTo(0, planes->mask == 0);
  gray.copyTo(out.gray(planes->target));
  planes->mask.copyTo(out.mask(planes->target));
  return out;
}

Result<cv::Mat> Basemap::ReadColour(const cv::Rect2d& window, cv::Size size) const {
  auto planes =
      ReadWindowPlanes(impl_->ds, impl_->rgb_bands, impl_->byte_data, info_, window, size);
  if (!planes.ok()) return planes.error();
  cv::Mat out(size, CV_8UC3, cv::Scalar(0, 0, 0));
  if (planes->rgb.empty()) return out;
  cv::Mat bgr;
  cv::merge(std::vector<cv::Mat>{planes->rgb[2], planes->rgb[1], planes->rgb[0]}, bgr);
  bgr.setTo(cv::Scalar(0, 0, 0), planes->mask == 0);
  bgr.copyTo(out(planes->target));
  return out;
}

Status WriteGeoTiffRgba(const std::filesystem::path& path, const cv::Mat& bgr, const cv::Mat& alpha,
                        const std::array<double, 6>& map_from_pixel, const std::string& crs_wkt,
                        const std::vector<std::pair<std::string, std::string>>& metadata) {
  EnsureGdalRegistered();
  if (bgr.type() != CV_8UC3 || alpha.type() != CV_8UC1 || bgr.size() != alpha.size())
    return MakeError(path.string() + ": internal error: image and mask do not agree");
  AtomicOutput output(path);
  GDALDriverH driver = GDALGetDriverByName("GTiff");
  char** options = nullptr;
  options = CSLSetNameValue(options, "COMPRESS", "DEFLATE");
  options = CSLSetNameValue(options, "TILED", "YES");
  options = CSLSetNameValue(options, "PHOTOMETRIC", "RGB");
  options = CSLSetNameValue(options, "ALPHA", "YES");
  options = CSLSetNameValue(options, "BIGTIFF", "IF_SAFER");
  GDALDatasetH ds =
      GDALCreate(driver, output.temp_path().c_str(), bgr.cols, bgr.rows, 4, GDT_Byte, options);
  CSLDestroy(options);
  if (ds == nullptr) return MakeError(path.string() + ": " + LastGdalError());
  double gt[6];
  std::copy(map_from_pixel.begin(), map_from_pixel.end(), gt);
  GDALSetGeoTransform(ds, gt);
  GDALSetProjection(ds, crs_wkt.c_str());
  for (const auto& [key, value] : metadata)
    GDALSetMetadataItem(ds, key.c_str(), value.c_str(), nullptr);
  std::vector<cv::Mat> channels;
  cv::split(bgr, channels);
  const cv::Mat* bands[4] = {&channels[2], &channels[1], &channels[0], &alpha};
  bool ok = true;
  for (int b = 0; b < 4 && ok; ++b) {
    cv::Mat plane = bands[b]->isContinuous() ? *bands[b] : bands[b]->clone();
    ok = GDALRasterIO(GDALGetRasterBand(ds, b + 1), GF_Write, 0, 0, plane.cols, plane.rows,
                      plane.data, plane.cols, plane.rows, GDT_Byte, 0, 0) == CE_None;
  }
  const std::string error = ok ? "" : LastGdalError();
  GDALClose(ds);
  if (!ok) return MakeError(path.string() + ": " + error);
  return output.Commit();
}

}  // namespace gv
