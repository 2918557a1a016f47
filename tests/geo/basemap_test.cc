#include "geo/basemap.h"

#include <gdal.h>
#include <gdal_utils.h>
#include <gtest/gtest.h>
#include <ogr_srs_api.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "support/landsat_scene.h"
#include "support/temp_dir.h"

namespace gv {
namespace {

const std::filesystem::path& kLandsat = test::kLandsatCrop;

TEST(Basemap, OpensTheLandsatCropWithItsCrs) {
  auto map = Basemap::Open(kLandsat);
  ASSERT_TRUE(map.ok()) << map.error().message;
  const BasemapInfo& info = (*map)->info();
  EXPECT_EQ(info.width, 320);
  EXPECT_EQ(info.height, 320);
  EXPECT_EQ(info.bands, 3);
  EXPECT_EQ(info.data_type, "Byte");
  EXPECT_EQ(info.crs_name, "WGS 84 / UTM zone 18N");
  EXPECT_FALSE(info.geographic);
  // 300.04 m grid pixels; on the ground the UTM scale factor makes them ~0.9996x.
  EXPECT_NEAR(info.pixel_size_m, 300, 1.0);
  const MapPoint corner = (*map)->MapFromPixel({0, 0});
  EXPECT_NEAR(corner.x, info.map_from_pixel[0], 1e-9);
  const cv::Point2d back = (*map)->PixelFromMap((*map)->MapFromPixel({12.5, 200.25}));
  EXPECT_NEAR(back.x, 12.5, 1e-9);
  EXPECT_NEAR(back.y, 200.25, 1e-9);
}

TEST(Basemap, WindowsOutsideTheRasterAreMaskedAndDownsamplingAverages) {
  auto map = Basemap::Open(kLandsat);
  ASSERT_TRUE(map.ok());
  // Half of this window lies left of the raster.
  auto w = (*map)->Read(cv::Rect2d(-160, 0, 320, 320), cv::Size(160, 160));
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(cv::countNonZero(w->mask(cv::Rect(0, 0, 80, 160))), 0);
  EXPECT_GT(cv::countNonZero(w->mask(cv::Rect(80, 0, 80, 160))), 80 * 160 * 9 / 10);
  EXPECT_DOUBLE_EQ(w->scale, 0.5);
  auto full = (*map)->Read(cv::Rect2d(0, 0, 320, 320), cv::Size(320, 320));
  ASSERT_TRUE(full.ok());
  // A 2x2 average of the full-resolution grey is what the half-size read holds.
  cv::Mat area;
  cv::resize(full->gray, area, cv::Size(160, 160), 0, 0, cv::INTER_AREA);
  cv::Mat diff;
  cv::absdiff(area(cv::Rect(0, 0, 80, 160)), w->gray(cv::Rect(80, 0, 80, 160)), diff);
  EXPECT_LT(cv::mean(diff)[0], 3.0);
}

TEST(Basemap, ImageWithoutGeoreferencingIsRefusedNamingTheFile) {
  test::TempDir dir;
  const auto png = dir / "screenshot.png";
  cv::imwrite(png.string(), cv::Mat(64, 64, CV_8UC3, cv::Scalar(10, 200, 30)));
  auto map = Basemap::Open(png);
  ASSERT_FALSE(map.ok());
  EXPECT_NE(map.error().message.find("screenshot.png"), std::string::npos);
  EXPECT_NE(map.error().message.find("no georeferencing"), std::string::npos);
}

TEST(Basemap, CorruptRasterIsAnErrorNamingTheFile) {
  test::TempDir dir;
  auto bytes = std::vector<std::uint8_t>(4096, 0x5a);
  bytes[0] = 'I', bytes[1] = 'I', bytes[2] = 42, bytes[3] = 0;  // a TIFF header, then junk
  test::WriteBytes(dir / "broken.tif", bytes);
  auto map = Basemap::Open(dir / "broken.tif");
  ASSERT_FALSE(map.ok());
  EXPECT_NE(map.error().message.find("broken.tif"), std::string::npos);
}

// A one-band GeoTIFF with `geotransform` and `crs` (anything OSRSetFromUserInput takes),
// left open for the caller to fill and close.
GDALDatasetH CreateGeoTiff(const std::filesystem::path& path, int size, GDALDataType type,
                           std::array<double, 6> geotransform, const char* crs) {
  GDALAllRegister();
  GDALDatasetH ds =
      GDALCreate(GDALGetDriverByName("GTiff"), path.c_str(), size, size, 1, type, nullptr);
  if (ds == nullptr) return nullptr;
  GDALSetGeoTransform(ds, geotransform.data());
  OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
  if (OSRSetFromUserInput(srs, crs) == OGRERR_NONE) GDALSetSpatialRef(ds, srs);
  OSRRelease(srs);
  return ds;
}

TEST(Basemap, SixteenBitWebMercatorRasterIsStretchedToEightBits) {
  test::TempDir dir;
  const auto path = dir / "uint16_3857.tif";
  GDALDatasetH ds =
      CreateGeoTiff(path, 64, GDT_UInt16, {10964170.0, 10, 0, 1886000.0, 0, -10}, "EPSG:3857");
  ASSERT_NE(ds, nullptr);
  std::vector<std::uint16_t> ramp(64 * 64);
  for (int i = 0; i < 64 * 64; ++i)
    ramp[static_cast<std::size_t>(i)] = static_cast<std::uint16_t>(1000 + (i % 64) * 50);
  ASSERT_EQ(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, 0, 64, 64, ramp.data(), 64, 64,
                         GDT_UInt16, 0, 0),
            CE_None);
  GDALClose(ds);
  auto map = Basemap::Open(path);
  ASSERT_TRUE(map.ok()) << map.error().message;
  EXPECT_EQ((*map)->info().data_type, "UInt16");
  EXPECT_NEAR((*map)->info().pixel_size_m, 10 * std::cos(16.7 * CV_PI / 180), 0.2);
  auto w = (*map)->Read(cv::Rect2d(0, 0, 64, 64), cv::Size(64, 64));
  ASSERT_TRUE(w.ok());
  double lo = 0, hi = 0;
  cv::minMaxLoc(w->gray, &lo, &hi);
  EXPECT_LE(lo, 5);
  EXPECT_GE(hi, 250);
  EXPECT_LT(w->gray.at<uchar>(10, 5), w->gray.at<uchar>(10, 50));
}

}  // namespace
}  // namespace gv

namespace gv {
namespace {

TEST(Basemap, EngineeringCrsWithoutAWayToWgs84IsRefused) {
  test::TempDir dir;
  const auto path = dir / "local.tif";
  GDALDatasetH ds =
      CreateGeoTiff(path, 16, GDT_Byte, {0, 1, 0, 16, 0, -1},
                    "LOCAL_CS[\"site grid\",UNIT[\"metre\",1],AXIS[\"X\",EAST],AXIS[\"Y\",NORTH]]");
  ASSERT_NE(ds, nullptr);
  GDALClose(ds);
  auto map = Basemap::Open(path);
  ASSERT_FALSE(map.ok());
  EXPECT_NE(map.error().message.find("local.tif"), std::string::npos) << map.error().message;
  // Refused for its CRS, not for lacking one.
  EXPECT_EQ(map.error().message.find("without a CRS"), std::string::npos) << map.error().message;
}

TEST(Basemap, VrtMosaicReadsLikeItsSources) {
  // Two halves of the Landsat crop as separate GeoTIFFs, mosaicked by a VRT.
  test::TempDir dir;
  GDALAllRegister();
  GDALDatasetH src = GDALOpen(kLandsat.c_str(), GA_ReadOnly);
  ASSERT_NE(src, nullptr);
  std::vector<std::string> halves;
  for (const char* win : {"0 0 160 320", "160 0 160 320"}) {
    const std::string out = (dir / ("half" + std::to_string(halves.size()) + ".tif")).string();
    std::vector<std::string> words{"-srcwin"};
    std::istringstream in(win);
    for (std::string w; in >> w;) words.push_back(w);
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    GDALTranslateOptions* options = GDALTranslateOptionsNew(argv.data(), nullptr);
    GDALDatasetH half = GDALTranslate(out.c_str(), src, options, nullptr);
    GDALTranslateOptionsFree(options);
    ASSERT_NE(half, nullptr);
    GDALClose(half);
    halves.push_back(out);
  }
  GDALClose(src);
  std::vector<const char*> names{halves[0].c_str(), halves[1].c_str()};
  const auto vrt_path = dir / "mosaic.vrt";
  GDALDatasetH vrt = GDALBuildVRT(vrt_path.c_str(), 2, nullptr, names.data(), nullptr, nullptr);
  ASSERT_NE(vrt, nullptr);
  GDALClose(vrt);
  auto mosaic = Basemap::Open(vrt_path);
  auto single = Basemap::Open(kLandsat);
  ASSERT_TRUE(mosaic.ok()) << mosaic.error().message;
  ASSERT_TRUE(single.ok());
  EXPECT_EQ((*mosaic)->info().width, 320);
  const cv::Rect2d across(100, 50, 120, 80);  // straddles the seam
  auto a = (*mosaic)->Read(across, {120, 80});
  auto b = (*single)->Read(across, {120, 80});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(cv::norm(a->gray, b->gray, cv::NORM_INF), 0.0);
}

}  // namespace
}  // namespace gv
