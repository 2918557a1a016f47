#include "report/ogr_writer.h"

#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "geo/ogr_init.h"
#include "util/file.h"
#include "util/text.h"

namespace gv {

class OgrLayer {
 public:
  explicit OgrLayer(OGRLayerH h) : handle(h) {}
  OGRLayerH handle;
};

struct OgrOutput::Impl {
  std::filesystem::path out;
  std::string driver;
  std::unique_ptr<AtomicOutput> output;
  GDALDatasetH ds = nullptr;
  std::vector<std::unique_ptr<OgrLayer>> layers;
};

Result<std::unique_ptr<OgrOutput>> OgrOutput::Create(
    const std::filesystem::path& out, std::string driver,
    const std::vector<std::pair<std::string, std::string>>& options) {
  EnsureGdalRegistered();
  if (driver.empty()) driver = VectorDriverForExtension(out);
  if (driver.empty()) return MakeError(out.string() + ": unknown vector format extension");
  GDALDriverH handle = GDALGetDriverByName(driver.c_str());
  if (handle == nullptr) return MakeError(out.string() + ": GDAL has no driver " + driver);
  std::unique_ptr<OgrOutput> result(new OgrOutput);
  result->impl_ = std::make_unique<Impl>();
  Impl& impl = *result->impl_;
  impl.out = out;
  impl.driver = driver;
  impl.output = std::make_unique<AtomicOutput>(out);
  char** list = nullptr;
  for (const auto& [name, value] : options)
    list = CSLSetNameValue(list, name.c_str(), value.c_str());
  impl.ds = GDALCreate(handle, impl.output->temp_path().c_str(), 0, 0, 0, GDT_Unknown, list);
  CSLDestroy(list);
  if (impl.ds == nullptr) return MakeError(out.string() + ": " + LastGdalError());
  return result;
}

OgrOutput::~OgrOutput() {
  if (impl_ && impl_->ds) GDALClose(impl_->ds);  // not committed: AtomicOutput removes it
}

const std::string& OgrOutput::driver() const { return impl_->driver; }

bool OgrOutput::CanAddLayer() const {
  return GDALDatasetTestCapability(impl_->ds, ODsCCreateLayer) != 0;
}

Result<OgrLayer*> OgrOutput::AddLayer(const std::string& name, GeometryType geometry,
                                      const std::vector<FieldSpec>& fields) {
  OGRwkbGeometryType type = wkbUnknown;
  switch (geometry) {
    case GeometryType::kNone:
      type = wkbNone;
      break;
    case GeometryType::kPoint:
      type = wkbPoint;
      break;
    case GeometryType::kPolygon:
      type = wkbPolygon;
      break;
    case GeometryType::kMultiPolygon:
      type = wkbMultiPolygon;
      break;
    case GeometryType::kAny:
      type = wkbUnknown;
      break;
  }
  OGRSpatialReferenceH srs = nullptr;
  if (type != wkbNone) {
    srs = OSRNewSpatialReference(nullptr);
    OSRImportFromEPSG(srs, 4326);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
  }
  OGRLayerH layer = GDALDatasetCreateLayer(impl_->ds, name.c_str(), srs, type, nullptr);
  if (srs) OSRRelease(srs);
  if (layer == nullptr)
    return MakeError(impl_->out.string() + ": cannot create layer " + name + ": " +
                     LastGdalError());
  for (const auto& f : fields) {
    const OGRFieldType t = f.type == FieldType::kReal      ? OFTReal
                           : f.type == FieldType::kInteger ? OFTInteger64
                                                           : OFTString;
    OGRFieldDefnH defn = OGR_Fld_Create(f.name.c_str(), t);
    const OGRErr err = OGR_L_CreateField(layer, defn, TRUE);
    OGR_Fld_Destroy(defn);
    if (err != OGRERR_NONE)
      return MakeError(impl_->out.string() + ": cannot create field " + f.name + ": " +
                       LastGdalError());
  }
  impl_->layers.push_back(std::make_unique<OgrLayer>(layer));
  return impl_->layers.back().get();
}

Status OgrOutput::Commit() {
  GDALClose(impl_->ds);  // closing flushes the dataset
  impl_->ds = nullptr;
  impl_->layers.clear();
  return impl_->output->Commit();
}

OgrFeature::OgrFeature(OgrLayer& layer)
    : layer_(layer), feature_(OGR_F_Create(OGR_L_GetLayerDefn(layer.handle))) {}

OgrFeature::~OgrFeature() { OGR_F_Destroy(static_cast<OGRFeatureH>(feature_)); }

OgrFeature& OgrFeature::Set(const char* name, const std::string& value) {
  auto* f = static_cast<OGRFeatureH>(feature_);
  const int i = OGR_F_GetFieldIndex(f, name);
  if (i >= 0 && !value.empty()) OGR_F_SetFieldString(f, i, SanitizeUtf8(value).c_str());
  return *this;
}

OgrFeature& OgrFeature::Set(const char* name, double value) {
  auto* f = static_cast<OGRFeatureH>(feature_);
  const int i = OGR_F_GetFieldIndex(f, name);
  if (i >= 0) OGR_F_SetFieldDouble(f, i, value);
  return *this;
}

OgrFeature& OgrFeature::Set(const char* name, std::int64_t value) {
  auto* f = static_cast<OGRFeatureH>(feature_);
  const int i = OGR_F_GetFieldIndex(f, name);
  if (i >= 0) OGR_F_SetFieldInteger64(f, i, value);
  return *this;
}

OgrFeature& OgrFeature::Point(double lon, double lat) {
  OGRGeometryH point = OGR_G_CreateGeometry(wkbPoint);
  OGR_G_SetPoint_2D(point, 0, lon, lat);
  OGR_F_SetGeometryDirectly(static_cast<OGRFeatureH>(feature_), point);
  return *this;
}

OgrFeature& OgrFeature::Polygon(const std::vector<std::pair<double, double>>& ring_lonlat) {
  OGRGeometryH polygon = OGR_G_CreateGeometry(wkbPolygon);
  OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
  for (const auto& [lon, lat] : ring_lonlat) OGR_G_AddPoint_2D(ring, lon, lat);
  OGR_G_CloseRings(ring);
  OGR_G_AddGeometryDirectly(polygon, ring);
  OGR_F_SetGeometryDirectly(static_cast<OGRFeatureH>(feature_), polygon);
  return *this;
}

OgrFeature& OgrFeature::Polygons(const std::vector<std::vector<LatLon>>& rings) {
  std::vector<std::vector<std::vector<LatLon>>> polygons;
  for (const auto& ring : rings) polygons.push_back({ring});
  return PolygonsWithHoles(polygons);
}

OgrFeature& OgrFeature::PolygonsWithHoles(
    const std::vector<std::vector<std::vector<LatLon>>>& polygons) {
  OGRGeometryH multi = OGR_G_CreateGeometry(wkbMultiPolygon);
  for (const auto& rings : polygons) {
    if (rings.empty() || rings.front().size() < 3) continue;
    OGRGeometryH polygon = OGR_G_CreateGeometry(wkbPolygon);
    for (const auto& points : rings) {
      if (points.size() < 3) continue;
      OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
      for (const auto& p : points) OGR_G_AddPoint_2D(ring, p.lon_deg, p.lat_deg);
      OGR_G_CloseRings(ring);
      OGR_G_AddGeometryDirectly(polygon, ring);
    }
    OGR_G_AddGeometryDirectly(multi, polygon);
  }
  OGR_F_SetGeometryDirectly(static_cast<OGRFeatureH>(feature_), multi);
  return *this;
}

Status OgrFeature::Write() {
  if (OGR_L_CreateFeature(layer_.handle, static_cast<OGRFeatureH>(feature_)) != OGRERR_NONE)
    return MakeError("cannot write feature: " + LastGdalError());
  return OkStatus();
}

}  // namespace gv
