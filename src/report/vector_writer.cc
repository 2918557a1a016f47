#include "report/vector_writer.h"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <algorithm>

#include "geo/ogr_init.h"
#include "util/file.h"
#include "util/text.h"

namespace gv {

Status WriteVectorLayer(const std::filesystem::path& out, const std::string& layer_name,
                        const std::vector<VectorFeature>& features) {
  EnsureGdalRegistered();
  const std::string driver = VectorDriverForExtension(out);
  if (driver.empty()) return MakeError(out.string() + ": unknown vector format extension");
  AtomicOutput output(out);
  GDALDatasetH ds = GDALCreate(GDALGetDriverByName(driver.c_str()), output.temp_path().c_str(), 0,
                               0, 0, GDT_Unknown, nullptr);
  if (ds == nullptr) return MakeError(out.string() + ": " + LastGdalError());
  OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
  OSRImportFromEPSG(srs, 4326);
  OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
  const bool any_polygon =
      std::any_of(features.begin(), features.end(), [](const auto& f) { return f.polygon; });
  const bool any_point =
      std::any_of(features.begin(), features.end(), [](const auto& f) { return !f.polygon; });
  OGRLayerH layer = GDALDatasetCreateLayer(
      ds, layer_name.c_str(), srs,
      any_polygon && any_point ? wkbUnknown : (any_polygon ? wkbPolygon : wkbPoint), nullptr);
  OSRRelease(srs);
  Status status = layer ? OkStatus() : MakeError(out.string() + ": " + LastGdalError());
  std::vector<std::string> names;
  for (const auto& f : features) {
    for (const auto& field : f.fields) {
      if (std::find(names.begin(), names.end(), field.first) == names.end())
        names.push_back(field.first);
    }
  }
  for (const auto& name : names) {
    if (!status.ok()) break;
    OGRFieldDefnH defn = OGR_Fld_Create(name.c_str(), OFTString);
    if (OGR_L_CreateField(layer, defn, TRUE) != OGRERR_NONE)
      status = MakeError(out.string() + ": " + LastGdalError());
    OGR_Fld_Destroy(defn);
  }
  for (const auto& f : features) {
    if (!status.ok() || f.coordinates.empty()) continue;
    OGRFeatureH feature = OGR_F_Create(OGR_L_GetLayerDefn(layer));
    for (const auto& [name, value] : f.fields) {
      OGR_F_SetFieldString(feature, OGR_F_GetFieldIndex(feature, name.c_str()),
                           SanitizeUtf8(value).c_str());
    }
    OGRGeometryH geometry;
    if (f.polygon) {
      geometry = OGR_G_CreateGeometry(wkbPolygon);
      OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
      for (const auto& [lon, lat] : f.coordinates) OGR_G_AddPoint_2D(ring, lon, lat);
      OGR_G_CloseRings(ring);
      OGR_G_AddGeometryDirectly(geometry, ring);
    } else {
      geometry = OGR_G_CreateGeometry(wkbPoint);
      OGR_G_SetPoint_2D(geometry, 0, f.coordinates[0].first, f.coordinates[0].second);
    }
    OGR_F_SetGeometryDirectly(feature, geometry);
    if (OGR_L_CreateFeature(layer, feature) != OGRERR_NONE)
      status = MakeError(out.string() + ": " + LastGdalError());
    OGR_F_Destroy(feature);
  }
  GDALClose(ds);
  if (!status.ok()) return status;
  return output.Commit();
}

}  // namespace gv
