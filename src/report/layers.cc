#include "report/layers.h"

#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

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
  Status Write() {
    if (OGR_L_CreateFeature(layer_, feature_) != OGRERR_NONE)
      return MakeError("cannot write feature: " + LastGdalError());
    return OkStatus();
  }

 private:
  OGRLayerH layer_;
  OGRFeatureH feature_;
};

std::string FindingCodes(const PhotoMetadata& p) {
  std::string codes;
  for (const auto& f : p.findings) codes += (codes.empty() ? "" : ",") + f.code;
  return codes;
}

std::string Description(const PhotoMetadata& p) {
  std::string d = "SHA-256: " + p.sha256;
  if (p.taken_at_utc)
    d += "\nTaken (UTC): " + FormatIsoUtc(*p.taken_at_utc) + " [" + p.taken_at_utc_source + "]";
  if (!p.make.empty() || !p.model.empty()) d += "\nCamera: " + p.make + " " + p.model;
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
                            {"description", OFTString}});
  if (!layer.ok()) return layer.error();
  for (const auto& p : c.photos) {
    if (!p.gps || !p.gps->position_valid) continue;
    FeatureWriter f(*layer);
    f.Set("file", p.file).Set("sha256", p.sha256).Set("make", p.make).Set("model", p.model);
    f.Set("findings", FindingCodes(p)).Set("lat", p.gps->lat_deg).Set("lon", p.gps->lon_deg);
    f.Set("description", Description(p));
    if (p.taken_at_utc)
      f.Set("taken_at_utc", FormatIsoUtc(*p.taken_at_utc))
          .Set("taken_at_utc_source", p.taken_at_utc_source);
    if (p.gps->alt_m) f.Set("alt_m", *p.gps->alt_m);
    if (p.gps->direction_deg) f.Set("direction_deg", *p.gps->direction_deg);
    f.Point(p.gps->lon_deg, p.gps->lat_deg);
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
                               {"message", OFTString}});
  if (!findings.ok()) return findings.error();
  for (const auto& p : c.photos) {
    for (const auto& finding : p.findings) {
      FeatureWriter f(*findings);
      f.Set("file", p.file).Set("sha256", p.sha256).Set("code", finding.code);
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
    if (auto st = WritePhotos(handle, c); !st.ok())
      return MakeError(out.string() + ": " + st.error().message);
    const bool tables = driver_name == "GPKG" || driver_name == "SQLite";
    if (tables) {
      if (auto st = WriteTables(handle, c); !st.ok())
        return MakeError(out.string() + ": " + st.error().message);
    }
  }  // closing the dataset flushes it
  return output.Commit();
}

}  // namespace gv
