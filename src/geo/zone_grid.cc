#include "geo/zone_grid.h"

#include <cpl_string.h>
#include <gdal.h>
#include <gdal_alg.h>
#include <ogr_api.h>

#include <algorithm>
#include <cmath>

#include "geo/ogr_init.h"
#include "util/data_dir.h"

namespace gv {
namespace {

std::string SqlQuote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

}  // namespace

std::uint16_t ZoneIndexGrid::At(double lat, double lon) const {
  const int row = std::clamp(
      static_cast<int>(std::floor((grid.max_lat - lat) / grid.resolution_deg)), 0, grid.height - 1);
  const int col = std::clamp(
      static_cast<int>(std::floor((lon - grid.min_lon) / grid.resolution_deg)), 0, grid.width - 1);
  return index[static_cast<std::size_t>(row) * grid.width + col];
}

Result<ZoneIndexGrid> BuildZoneIndexGrid(const GeoGrid& area, double min_resolution_deg,
                                         const std::filesystem::path& gpkg_in) {
  EnsureGdalRegistered();
  const auto gpkg = gpkg_in.empty() ? DataDir() / "generated" / "timezones.gpkg" : gpkg_in;
  GDALDatasetH src =
      GDALOpenEx(gpkg.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  if (src == nullptr)
    return MakeError(gpkg.string() +
                     ": time-zone boundaries not available (run scripts/fetch-data)");
  ZoneIndexGrid out;
  // Zone names, then a layer whose attribute is the 1-based index of each polygon's zone.
  OGRLayerH names = GDALDatasetExecuteSQL(src, "SELECT DISTINCT tzid FROM timezones ORDER BY tzid",
                                          nullptr, nullptr);
  if (names == nullptr) {
    GDALClose(src);
    return MakeError(gpkg.string() + ": " + LastGdalError());
  }
  while (OGRFeatureH f = OGR_L_GetNextFeature(names)) {
    out.zones.emplace_back(OGR_F_GetFieldAsString(f, 0));
    OGR_F_Destroy(f);
  }
  GDALDatasetReleaseResultSet(src, names);
  std::string sql = "SELECT geom, CASE tzid";
  for (std::size_t i = 0; i < out.zones.size(); ++i)
    sql += " WHEN " + SqlQuote(out.zones[i]) + " THEN " + std::to_string(i + 1);
  sql += " ELSE 0 END AS zi FROM timezones";
  const double res = std::max(area.resolution_deg, min_resolution_deg);
  const double max_lon = area.min_lon + area.width * area.resolution_deg;
  const double min_lat = area.max_lat - area.height * area.resolution_deg;
  out.grid = {area.min_lon, area.max_lat, res,
              std::max(1, static_cast<int>(std::ceil((max_lon - area.min_lon) / res))),
              std::max(1, static_cast<int>(std::ceil((area.max_lat - min_lat) / res)))};
  OGRGeometryH filter = OGR_G_CreateGeometry(wkbPolygon);
  {
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    OGR_G_AddPoint_2D(ring, area.min_lon, min_lat);
    OGR_G_AddPoint_2D(ring, max_lon, min_lat);
    OGR_G_AddPoint_2D(ring, max_lon, area.max_lat);
    OGR_G_AddPoint_2D(ring, area.min_lon, area.max_lat);
    OGR_G_AddPoint_2D(ring, area.min_lon, min_lat);
    OGR_G_AddGeometryDirectly(filter, ring);
  }
  OGRLayerH zones = GDALDatasetExecuteSQL(src, sql.c_str(), filter, nullptr);
  OGR_G_DestroyGeometry(filter);
  if (zones == nullptr) {
    GDALClose(src);
    return MakeError(gpkg.string() + ": " + LastGdalError());
  }
  GDALDatasetH mem = GDALCreate(GDALGetDriverByName("MEM"), "", out.grid.width, out.grid.height, 1,
                                GDT_UInt16, nullptr);
  double transform[6] = {out.grid.min_lon, res, 0, out.grid.max_lat, 0, -res};
  GDALSetGeoTransform(mem, transform);
  int band = 1;
  char** options = CSLSetNameValue(nullptr, "ATTRIBUTE", "zi");
  const CPLErr err = GDALRasterizeLayers(mem, 1, &band, 1, &zones, nullptr, nullptr, nullptr,
                                         options, nullptr, nullptr);
  CSLDestroy(options);
  GDALDatasetReleaseResultSet(src, zones);
  GDALClose(src);
  Status status = OkStatus();
  if (err != CE_None) status = MakeError("rasterising time zones failed: " + LastGdalError());
  if (status.ok()) {
    out.index.resize(static_cast<std::size_t>(out.grid.width) * out.grid.height);
    if (GDALRasterIO(GDALGetRasterBand(mem, 1), GF_Read, 0, 0, out.grid.width, out.grid.height,
                     out.index.data(), out.grid.width, out.grid.height, GDT_UInt16, 0,
                     0) != CE_None) {
      status = MakeError("reading rasterised time zones failed: " + LastGdalError());
    }
  }
  GDALClose(mem);
  if (!status.ok()) return status.error();
  return out;
}

}  // namespace gv
