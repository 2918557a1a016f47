#include "geo/ogr_init.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>

#include <cctype>
#include <mutex>

namespace gv {

void EnsureGdalRegistered() {
  static std::once_flag once;
  std::call_once(once, [] {
    CPLSetErrorHandler(CPLQuietErrorHandler);
    GDALAllRegister();
    // GDAL's block cache defaults to 5 % of RAM; keep memory bounded and predictable.
    if (CPLGetConfigOption("GDAL_CACHEMAX", nullptr) == nullptr) GDALSetCacheMax64(256ll << 20);
  });
}

std::string LastGdalError() {
  const char* msg = CPLGetLastErrorMsg();
  return (msg != nullptr && *msg != '\0') ? std::string(msg) : std::string("unknown GDAL error");
}

std::string VectorDriverForExtension(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".gpkg") return "GPKG";
  if (ext == ".kml") return "KML";
  if (ext == ".geojson" || ext == ".json") return "GeoJSON";
  if (ext == ".shp") return "ESRI Shapefile";
  if (ext == ".fgb") return "FlatGeobuf";
  if (ext == ".csv") return "CSV";
  if (ext == ".sqlite") return "SQLite";
  if (ext == ".gml") return "GML";
  return "";
}

}  // namespace gv
