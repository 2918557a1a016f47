#include "report/layers.h"

#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <functional>
#include <memory>

#include "geo/ogr_init.h"
#include "metadata/metadata_json.h"
#include "util/file.h"
#include "util/text.h"
#include "util/time.h"

namespace gv {
namespace {

struct DatasetCloser {
  void operator()(void* ds) const { GDALClose(static_cast<GDALDatasetH>(ds)); }
};
using DatasetPtr = std::unique_ptr<void, DatasetCloser>;

struct Field {
  const char* name;
  OGRFieldType type;
};

Result<OGRLayerH> CreateLayer(GDALDatasetH ds, const char* name, OGRwkbGeometryType type,
                              std::initializer_list<Field> fields, char** options = nullptr) {
  OGRSpatialReferenceH srs = nullptr;
  if (type != wkbNone) {
    srs = OSRNewSpatialReference(nullptr);
    OSRImportFromEPSG(srs, 4326);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
  }
  OGRLayerH layer = GDALDatasetCreateLayer(ds, name, srs, type, options);
  if (srs) OSRRelease(srs);
  if (layer == nullptr)
    return MakeError(std::string("cannot create layer ") + name + ": " + LastGdalError());
  for (const auto& f : fields) {
    OGRFieldDefnH defn = OGR_Fld_Create(f.name, f.type);
    const OGRErr err = OGR_L_CreateField(layer, defn, TRUE);
    OGR_Fld_Destroy(defn);
    if (err != OGRERR_NONE)
      return MakeError(std::string("cannot create field ") + f.name + ": " + LastGdalError());
  }
  return layer;
}

class FeatureWriter {
 public:
  explicit FeatureWriter(OGRLayerH layer)
      : layer_(layer), feature_(OGR_F_Create(OGR_L_GetLayerDefn(layer))) {}
  ~FeatureWriter() { OGR_F_Destroy(feature_); }
  FeatureWriter& Set(const char* name, const std::string& value) {
    const int i = OGR_F_GetFieldIndex(feature_, name);
    if (i >= 0 && !value.empty()) OGR_F_SetFieldString(feature_, i, SanitizeUtf8(value).c_str());
    return *this;
  }
  FeatureWriter& Set(const char* name, double value) {
    const int i = OGR_F_GetFieldIndex(feature_, name);
    if (i >= 0) OGR_F_SetFieldDouble(feature_, i, value);
    return *this;
  }
  FeatureWriter& Set(const char* name, std::int64_t value) {
    const int i = OGR_F_GetFieldIndex(feature_, name);
    if (i >= 0) OGR_F_SetFieldInteger64(feature_, i, value);
    return *this;
  }
  FeatureWriter& Point(double lon, double lat) {
    OGRGeometryH point = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(point, 0, lon, lat);
    OGR_F_SetGeometryDirectly(feature_, point);
    return *this;
  }
  // Polygons (outer rings, lat/lon) as one MultiPolygon.
  FeatureWriter& Polygons(const std::vector<std::vector<LatLon>>& rings) {
    OGRGeometryH multi = OGR_G_CreateGeometry(wkbMultiPolygon);
    for (const auto& points : rings) {
      if (points.size() < 4) continue;
      OGRGeometryH polygon = OGR_G_CreateGeometry(wkbPolygon);
      OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
      for (const auto& p : points) OGR_G_AddPoint_2D(ring, p.lon_deg, p.lat_deg);
      OGR_G_CloseRings(ring);
      OGR_G_AddGeometryDirectly(polygon, ring);
      OGR_G_AddGeometryDirectly(multi, polygon);
    }
    OGR_F_SetGeometryDirectly(feature_, multi);
    return *this;
  }
  Status Write() {
    if (OGR_L_CreateFeature(layer_, feature_) != OGRERR_NONE)
      return MakeError("cannot write feature: " + LastGdalError());
    return OkStatus();
  }

 private:
  OGRLayerH layer_;
  OGRFeatureH feature_;
};

std::string FindingCodes(const PhotoRecord& p) {
  std::string codes;
  for (const auto& f : p.findings) codes += (codes.empty() ? "" : ",") + f.code;
  return codes;
}

std::string Description(const PhotoRecord& p) {
  std::string d = "SHA-256: " + p.sha256;
  if (p.taken_at_utc)
    d += "\nTaken (UTC): " + FormatIsoUtc(*p.taken_at_utc) + " [" + p.taken_at_utc_source + "]";
  if (!p.metadata.make.empty() || !p.metadata.model.empty())
    d += "\nCamera: " + p.metadata.make + " " + p.metadata.model;
  for (const auto& f : p.findings)
    d += std::string("\n") + SeverityName(f.severity) + " " + f.code + ": " + f.message;
  return d;
}

Status WritePhotos(GDALDatasetH ds, const Case& c) {
  auto layer = CreateLayer(ds, "photos", wkbPoint,
                           {{"file", OFTString},
                            {"sha256", OFTString},
                            {"taken_at_utc", OFTString},
                            {"taken_at_utc_source", OFTString},
                            {"make", OFTString},
                            {"model", OFTString},
                            {"findings", OFTString},
                            {"lat", OFTReal},
                            {"lon", OFTReal},
                            {"alt_m", OFTReal},
                            {"direction_deg", OFTReal},
                            {"place_group", OFTInteger64},
                            {"description", OFTString}});
  if (!layer.ok()) return layer.error();
  for (const auto& p : c.photos) {
    const auto& gps = p.metadata.gps;
    if (!gps || !gps->position_valid) continue;
    FeatureWriter f(*layer);
    f.Set("file", p.path).Set("sha256", p.sha256).Set("make", p.metadata.make);
    f.Set("model", p.metadata.model).Set("findings", FindingCodes(p));
    f.Set("lat", gps->lat_deg).Set("lon", gps->lon_deg).Set("description", Description(p));
    if (p.taken_at_utc)
      f.Set("taken_at_utc", FormatIsoUtc(*p.taken_at_utc))
          .Set("taken_at_utc_source", p.taken_at_utc_source);
    if (gps->alt_m) f.Set("alt_m", *gps->alt_m);
    if (gps->direction_deg) f.Set("direction_deg", *gps->direction_deg);
    if (p.place_group > 0) f.Set("place_group", static_cast<std::int64_t>(p.place_group));
    f.Point(gps->lon_deg, gps->lat_deg);
    if (auto st = f.Write(); !st.ok()) return st;
  }
  return OkStatus();
}

// One feature per clue: its point or polygons (none for a clue without geometry, such as a
// time_zone clue, which GeoPackage keeps as a row with an empty geometry).
Status WriteClues(GDALDatasetH ds, const Case& c, bool with_empty_geometry) {
  auto layer = CreateLayer(ds, "clues", wkbUnknown,
                           {{"photo", OFTString},
                            {"sha256", OFTString},
                            {"kind", OFTString},
                            {"description", OFTString},
                            {"uncertainty_m", OFTReal},
                            {"excludes", OFTInteger},
                            {"confidence", OFTReal},
                            {"confidence_note", OFTString},
                            {"params", OFTString}});
  if (!layer.ok()) return layer.error();
  for (const auto& p : c.photos) {
    for (const auto& clue : p.clues) {
      const bool has_geometry = clue.point || !clue.polygons.empty();
      if (!has_geometry && !with_empty_geometry) continue;
      FeatureWriter f(*layer);
      f.Set("photo", clue.photo).Set("sha256", clue.sha256).Set("kind", clue.kind);
      f.Set("description", clue.description).Set("uncertainty_m", clue.uncertainty_m);
      f.Set("excludes", static_cast<std::int64_t>(clue.excludes))
          .Set("confidence", clue.confidence);
      f.Set("confidence_note", clue.confidence_note);
      f.Set("params",
            clue.params.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
      if (!clue.polygons.empty())
        f.Polygons(clue.polygons);
      else if (clue.point)
        f.Point(clue.point->lon_deg, clue.point->lat_deg);
      if (auto st = f.Write(); !st.ok()) return st;
    }
  }
  return OkStatus();
}

// The ground each registered photo shows, with its registration figures.
Status WriteFootprints(GDALDatasetH ds, const Case& c) {
  auto layer = CreateLayer(ds, "footprints", wkbMultiPolygon,
                           {{"photo", OFTString},
                            {"sha256", OFTString},
                            {"basemap", OFTString},
                            {"inliers", OFTInteger64},
                            {"rmse_m", OFTReal},
                            {"gsd_m", OFTReal}});
  if (!layer.ok()) return layer.error();
  for (const auto& p : c.photos) {
    if (!p.georef || !p.georef->ok) continue;
    FeatureWriter f(*layer);
    f.Set("photo", p.path)
        .Set("sha256", p.sha256)
        .Set("basemap", p.georef->basemap.filename().string());
    f.Set("inliers", static_cast<std::int64_t>(p.georef->inliers)).Set("rmse_m", p.georef->rmse_m);
    f.Set("gsd_m", p.georef->gsd_m).Polygons({p.georef->footprint});
    if (auto st = f.Write(); !st.ok()) return st;
  }
  return OkStatus();
}

// One row per place group: its id, photos and the links that made it.
Status WritePlaceGroups(GDALDatasetH ds, const Case& c) {
  auto layer =
      CreateLayer(ds, "place_groups", wkbNone,
                  {{"group_id", OFTInteger64}, {"photos", OFTString}, {"links", OFTString}});
  if (!layer.ok()) return layer.error();
  for (const auto& g : c.place_groups) {
    std::string photos, links;
    for (const auto& p : g.photos) photos += (photos.empty() ? "" : "\n") + p;
    for (const auto& l : g.links)
      links += (links.empty() ? "" : "\n") + l.a + " = " + l.b + " (" + l.reason + ")";
    FeatureWriter f(*layer);
    f.Set("group_id", static_cast<std::int64_t>(g.id)).Set("photos", photos).Set("links", links);
    if (auto st = f.Write(); !st.ok()) return st;
  }
  return OkStatus();
}

Status WriteTables(GDALDatasetH ds, const Case& c) {
  auto evidence = CreateLayer(ds, "evidence", wkbNone,
                              {{"path", OFTString},
                               {"sha256", OFTString},
                               {"bytes", OFTInteger64},
                               {"modified_utc", OFTString},
                               {"intake_utc", OFTString},
                               {"kind", OFTString},
                               {"error", OFTString}});
  if (!evidence.ok()) return evidence.error();
  for (const auto& e : c.evidence) {
    FeatureWriter f(*evidence);
    f.Set("path", e.path).Set("sha256", e.sha256).Set("bytes", static_cast<std::int64_t>(e.bytes));
    f.Set("modified_utc", e.modified_utc)
        .Set("intake_utc", e.intake_utc)
        .Set("kind", e.kind)
        .Set("error", e.error);
    if (auto st = f.Write(); !st.ok()) return st;
  }
  auto findings = CreateLayer(ds, "findings", wkbNone,
                              {{"file", OFTString},
                               {"sha256", OFTString},
                               {"code", OFTString},
                               {"severity", OFTString},
                               {"message", OFTString},
                               {"step", OFTString}});
  if (!findings.ok()) return findings.error();
  for (const auto& p : c.photos) {
    for (const auto& finding : p.findings) {
      FeatureWriter f(*findings);
      f.Set("file", p.path)
          .Set("sha256", p.sha256)
          .Set("code", finding.code)
          .Set("step", finding.step);
      f.Set("severity", std::string(SeverityName(finding.severity)))
          .Set("message", finding.message);
      if (auto st = f.Write(); !st.ok()) return st;
    }
  }
  return OkStatus();
}

}  // namespace

std::string DriverForExtension(const std::filesystem::path& path) {
  return VectorDriverForExtension(path);
}

Status WriteCaseLayers(const Case& c, const std::filesystem::path& out, std::string driver_name) {
  EnsureGdalRegistered();
  if (driver_name.empty()) driver_name = DriverForExtension(out);
  if (driver_name.empty()) return MakeError(out.string() + ": unknown vector format extension");
  GDALDriverH driver = GDALGetDriverByName(driver_name.c_str());
  if (driver == nullptr) return MakeError(out.string() + ": GDAL has no driver " + driver_name);
  AtomicOutput output(out);
  {
    char** options = nullptr;
    if (driver_name == "KML") {
      options = CSLSetNameValue(options, "NameField", "file");
      options = CSLSetNameValue(options, "DescriptionField", "description");
    }
    DatasetPtr ds(GDALCreate(driver, output.temp_path().c_str(), 0, 0, 0, GDT_Unknown, options));
    CSLDestroy(options);
    if (!ds) return MakeError(out.string() + ": " + LastGdalError());
    auto* handle = static_cast<GDALDatasetH>(ds.get());
    const bool tables = driver_name == "GPKG" || driver_name == "SQLite";
    // Single-layer formats (GeoJSON, FlatGeobuf) get the photos layer only.
    for (const auto& write : std::initializer_list<std::function<Status()>>{
             [&] { return WritePhotos(handle, c); }, [&] { return WriteClues(handle, c, tables); },
             [&] { return WriteFootprints(handle, c); },
             [&] { return tables ? WritePlaceGroups(handle, c) : OkStatus(); },
             [&] { return tables ? WriteTables(handle, c) : OkStatus(); }}) {
      if (!GDALDatasetTestCapability(handle, ODsCCreateLayer)) break;
      if (auto st = write(); !st.ok()) return MakeError(out.string() + ": " + st.error().message);
    }
  }  // closing the dataset flushes it
  return output.Commit();
}

}  // namespace gv
