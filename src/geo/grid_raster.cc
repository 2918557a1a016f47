#include "geo/grid_raster.h"

#include <cpl_string.h>
#include <gdal.h>
#include <gdal_alg.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <cmath>

#include "geo/ogr_init.h"
#include "util/file.h"

namespace gv {
namespace {

OGRSpatialReferenceH Wgs84() {
  OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
  OSRImportFromEPSG(srs, 4326);
  OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
  return srs;
}

}  // namespace

struct GridRasterWriter::Impl {
  std::unique_ptr<AtomicOutput> output;
  GDALDatasetH ds = nullptr;
  GeoGrid grid;
  Type type = Type::kFloat32;
  std::vector<unsigned char> bytes;
};

Result<std::unique_ptr<GridRasterWriter>> GridRasterWriter::Create(
    const std::filesystem::path& path, const GeoGrid& grid, Type type,
    const std::string& description) {
  EnsureGdalRegistered();
  std::unique_ptr<GridRasterWriter> writer(new GridRasterWriter());
  writer->impl_ = std::make_unique<Impl>();
  Impl& impl = *writer->impl_;
  impl.output = std::make_unique<AtomicOutput>(path);
  impl.grid = grid;
  impl.type = type;
  GDALDriverH driver = GDALGetDriverByName("GTiff");
  char** options = nullptr;
  options = CSLSetNameValue(options, "COMPRESS", "DEFLATE");
  options = CSLSetNameValue(options, "TILED", "YES");
  options = CSLSetNameValue(options, "BIGTIFF", "IF_SAFER");
  impl.ds = GDALCreate(driver, impl.output->temp_path().c_str(), grid.width, grid.height, 1,
                       type == Type::kByte ? GDT_Byte : GDT_Float32, options);
  CSLDestroy(options);
  if (impl.ds == nullptr) return MakeError(path.string() + ": " + LastGdalError());
  double transform[6] = {grid.min_lon,        grid.resolution_deg, 0, grid.max_lat, 0,
                         -grid.resolution_deg};
  GDALSetGeoTransform(impl.ds, transform);
  OGRSpatialReferenceH srs = Wgs84();
  GDALSetSpatialRef(impl.ds, srs);
  OSRRelease(srs);
  GDALSetDescription(GDALGetRasterBand(impl.ds, 1), description.c_str());
  GDALSetMetadataItem(impl.ds, "DESCRIPTION", description.c_str(), nullptr);
  return writer;
}

GridRasterWriter::~GridRasterWriter() {
  if (impl_ && impl_->ds != nullptr) GDALClose(impl_->ds);
}

Status GridRasterWriter::WriteRows(int row0, int rows, const float* values) {
  Impl& impl = *impl_;
  GDALRasterBandH band = GDALGetRasterBand(impl.ds, 1);
  CPLErr err;
  if (impl.type == Type::kByte) {
    const std::size_t n = static_cast<std::size_t>(rows) * impl.grid.width;
    impl.bytes.resize(n);
    for (std::size_t i = 0; i < n; ++i)
      impl.bytes[i] = static_cast<unsigned char>(std::clamp(values[i], 0.0f, 255.0f));
    err = GDALRasterIO(band, GF_Write, 0, row0, impl.grid.width, rows, impl.bytes.data(),
                       impl.grid.width, rows, GDT_Byte, 0, 0);
  } else {
    err = GDALRasterIO(band, GF_Write, 0, row0, impl.grid.width, rows, const_cast<float*>(values),
                       impl.grid.width, rows, GDT_Float32, 0, 0);
  }
  if (err != CE_None) return MakeError(impl.output->final_path().string() + ": " + LastGdalError());
  return OkStatus();
}

Status GridRasterWriter::Finish() {
  Impl& impl = *impl_;
  if (impl.ds != nullptr) {
    GDALClose(impl.ds);
    impl.ds = nullptr;
  }
  return impl.output->Commit();
}

Status PolygonizeRaster(const std::filesystem::path& raster, const std::filesystem::path& out,
                        const std::string& layer_name,
                        const std::vector<std::pair<std::string, std::string>>& fields) {
  EnsureGdalRegistered();
  const std::string driver_name = VectorDriverForExtension(out);
  if (driver_name.empty()) return MakeError(out.string() + ": unknown vector format extension");
  GDALDatasetH src =
      GDALOpenEx(raster.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  if (src == nullptr) return MakeError(raster.string() + ": " + LastGdalError());
  // Polygonize into memory, set the fields there, then copy to the output format (some
  // drivers, GeoJSON among them, cannot update features once written).
  GDALDatasetH mem = GDALCreate(GDALGetDriverByName("Memory"), "", 0, 0, 0, GDT_Unknown, nullptr);
  OGRSpatialReferenceH srs = Wgs84();
  OGRLayerH layer = GDALDatasetCreateLayer(mem, layer_name.c_str(), srs, wkbPolygon, nullptr);
  OSRRelease(srs);
  OGRFieldDefnH value = OGR_Fld_Create("value", OFTInteger);
  OGR_L_CreateField(layer, value, TRUE);
  OGR_Fld_Destroy(value);
  for (const auto& field : fields) {
    OGRFieldDefnH f = OGR_Fld_Create(field.first.c_str(), OFTString);
    OGR_L_CreateField(layer, f, TRUE);
    OGR_Fld_Destroy(f);
  }
  Status status = OkStatus();
  GDALRasterBandH band = GDALGetRasterBand(src, 1);
  if (GDALPolygonize(band, band, layer, 0, nullptr, nullptr, nullptr) !=
      CE_None) {  // band is its own mask
    status = MakeError(out.string() + ": polygonize failed: " + LastGdalError());
  }
  OGR_L_ResetReading(layer);
  while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
    for (const auto& [name, text] : fields)
      OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, name.c_str()), text.c_str());
    if (OGR_L_SetFeature(layer, f) != OGRERR_NONE && status.ok())
      status = MakeError(out.string() + ": " + LastGdalError());
    OGR_F_Destroy(f);
  }
  GDALClose(src);
  AtomicOutput output(out);
  if (status.ok()) {
    GDALDatasetH dst = GDALCreate(GDALGetDriverByName(driver_name.c_str()),
                                  output.temp_path().c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    if (dst == nullptr ||
        GDALDatasetCopyLayer(dst, layer, layer_name.c_str(), nullptr) == nullptr) {
      status = MakeError(out.string() + ": " + LastGdalError());
    }
    if (dst != nullptr) GDALClose(dst);
  }
  GDALClose(mem);
  if (!status.ok()) return status;
  return output.Commit();
}

Result<std::vector<float>> ReadRasterPreview(const std::filesystem::path& raster, double min_lon,
                                             double min_lat, double max_lon, double max_lat,
                                             int width, int height) {
  EnsureGdalRegistered();
  GDALDatasetH ds =
      GDALOpenEx(raster.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  if (ds == nullptr) return MakeError(raster.string() + ": " + LastGdalError());
  double gt[6];
  GDALGetGeoTransform(ds, gt);
  const double x0 = (min_lon - gt[0]) / gt[1], x1 = (max_lon - gt[0]) / gt[1];
  const double y0 = (max_lat - gt[3]) / gt[5], y1 = (min_lat - gt[3]) / gt[5];
  const int xs = std::max(0, static_cast<int>(std::floor(x0))),
            ys = std::max(0, static_cast<int>(std::floor(y0)));
  const int xe = std::min(GDALGetRasterXSize(ds), static_cast<int>(std::ceil(x1)));
  const int ye = std::min(GDALGetRasterYSize(ds), static_cast<int>(std::ceil(y1)));
  std::vector<float> out(static_cast<std::size_t>(width) * height, 0.0f);
  if (xe > xs && ye > ys) {
    GDALRasterIOExtraArg extra;
    INIT_RASTERIO_EXTRA_ARG(extra);
    extra.eResampleAlg = GRIORA_NearestNeighbour;
    const CPLErr err = GDALRasterIOEx(GDALGetRasterBand(ds, 1), GF_Read, xs, ys, xe - xs, ye - ys,
                                      out.data(), width, height, GDT_Float32, 0, 0, &extra);
    if (err != CE_None) {
      GDALClose(ds);
      return MakeError(raster.string() + ": " + LastGdalError());
    }
  }
  GDALClose(ds);
  return out;
}

Result<std::vector<std::vector<std::pair<double, double>>>> ReadPolygonRings(
    const std::filesystem::path& path) {
  EnsureGdalRegistered();
  GDALDatasetH ds =
      GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  if (ds == nullptr) return MakeError(path.string() + ": " + LastGdalError());
  std::vector<std::vector<std::pair<double, double>>> rings;
  const auto add_polygon = [&](OGRGeometryH polygon) {
    for (int r = 0; r < OGR_G_GetGeometryCount(polygon); ++r) {
      OGRGeometryH ring = OGR_G_GetGeometryRef(polygon, r);
      std::vector<std::pair<double, double>> points(
          static_cast<std::size_t>(OGR_G_GetPointCount(ring)));
      for (int i = 0; i < OGR_G_GetPointCount(ring); ++i)
        points[static_cast<std::size_t>(i)] = {OGR_G_GetX(ring, i), OGR_G_GetY(ring, i)};
      rings.push_back(std::move(points));
    }
  };
  for (int l = 0; l < GDALDatasetGetLayerCount(ds); ++l) {
    OGRLayerH layer = GDALDatasetGetLayer(ds, l);
    OGR_L_ResetReading(layer);
    while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
      OGRGeometryH g = OGR_F_GetGeometryRef(f);
      if (g != nullptr) {
        const auto type = wkbFlatten(OGR_G_GetGeometryType(g));
        if (type == wkbPolygon) add_polygon(g);
        if (type == wkbMultiPolygon) {
          for (int i = 0; i < OGR_G_GetGeometryCount(g); ++i)
            add_polygon(OGR_G_GetGeometryRef(g, i));
        }
      }
      OGR_F_Destroy(f);
    }
  }
  GDALClose(ds);
  return rings;
}

}  // namespace gv
