#include "geo/vector_read.h"

#include <gdal.h>
#include <ogr_srs_api.h>

#include <string>

#include "geo/ogr_init.h"

namespace gv {

Status ForEachFeatureWgs84(const std::filesystem::path& path,
                           const std::function<void(OGRFeatureH, OGRGeometryH)>& visit) {
  EnsureGdalRegistered();
  GDALDatasetH ds =
      GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  if (ds == nullptr) return MakeError(path.string() + ": " + LastGdalError());
  OGRSpatialReferenceH wgs84 = OSRNewSpatialReference(nullptr);
  OSRImportFromEPSG(wgs84, 4326);
  OSRSetAxisMappingStrategy(wgs84, OAMS_TRADITIONAL_GIS_ORDER);
  std::string problem;
  for (int l = 0; l < GDALDatasetGetLayerCount(ds) && problem.empty(); ++l) {
    OGRLayerH layer = GDALDatasetGetLayer(ds, l);
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
    OGRCoordinateTransformationH to_wgs84 = nullptr;
    if (srs != nullptr && !OSRIsSame(srs, wgs84)) {
      to_wgs84 = OCTNewCoordinateTransformation(srs, wgs84);
      if (to_wgs84 == nullptr) problem = "cannot transform its CRS to WGS84";
    }
    OGR_L_ResetReading(layer);
    while (problem.empty()) {
      OGRFeatureH f = OGR_L_GetNextFeature(layer);
      if (f == nullptr) break;
      OGRGeometryH g = OGR_F_GetGeometryRef(f);
      if (g != nullptr && to_wgs84 != nullptr && OGR_G_Transform(g, to_wgs84) != OGRERR_NONE)
        problem = "cannot transform a geometry to WGS84";
      else
        visit(f, g);
      OGR_F_Destroy(f);
    }
    if (to_wgs84 != nullptr) OCTDestroyCoordinateTransformation(to_wgs84);
  }
  OSRRelease(wgs84);
  GDALClose(ds);
  if (!problem.empty()) return MakeError(path.string() + ": " + problem);
  return OkStatus();
}

}  // namespace gv
