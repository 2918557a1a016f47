#include "geo/timezone.h"

#include <gdal.h>
#include <ogr_api.h>

#include <cmath>

#include "geo/ogr_init.h"
#include "util/data_dir.h"

namespace gv {

std::string NauticalZone(double lon_deg) {
  const int hours = static_cast<int>(std::lround(lon_deg / 15.0));
  if (hours == 0) return "Etc/GMT";
  // POSIX-style names invert the sign: Etc/GMT-7 is UTC+7.
  return hours > 0 ? "Etc/GMT-" + std::to_string(hours) : "Etc/GMT+" + std::to_string(-hours);
}

Result<std::shared_ptr<TimeZoneIndex>> TimeZoneIndex::Open(const std::filesystem::path& gpkg) {
  EnsureGdalRegistered();
  std::error_code ec;
  if (!std::filesystem::exists(gpkg, ec)) {
    return MakeError(gpkg.string() +
                     ": time-zone boundaries not installed (run scripts/fetch-data)");
  }
  const char* drivers[] = {"GPKG", nullptr};
  GDALDatasetH ds =
      GDALOpenEx(gpkg.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr);
  if (ds == nullptr) return MakeError(gpkg.string() + ": " + LastGdalError());
  if (GDALDatasetGetLayerByName(ds, "timezones") == nullptr) {
    GDALClose(ds);
    return MakeError(gpkg.string() + ": no 'timezones' layer");
  }
  std::shared_ptr<TimeZoneIndex> index(new TimeZoneIndex());
  index->dataset_ = ds;
  return index;
}

Result<std::shared_ptr<TimeZoneIndex>> TimeZoneIndex::Default() {
  static std::once_flag once;
  static Result<std::shared_ptr<TimeZoneIndex>> instance = MakeError("not opened");
  std::call_once(once, [] { instance = Open(DataDir() / "generated" / "timezones.gpkg"); });
  return instance;
}

TimeZoneIndex::~TimeZoneIndex() {
  if (dataset_ != nullptr) GDALClose(static_cast<GDALDatasetH>(dataset_));
}

Result<ZoneAtPosition> TimeZoneIndex::ZoneAt(const LatLon& position) const {
  if (!position.InRange()) return MakeError("position out of range");
  std::lock_guard lock(mutex_);
  auto* ds = static_cast<GDALDatasetH>(dataset_);
  OGRLayerH layer = GDALDatasetGetLayerByName(ds, "timezones");
  const double x = position.lon_deg, y = position.lat_deg;
  OGR_L_SetSpatialFilterRect(layer, x, y, x, y);
  OGR_L_ResetReading(layer);
  OGRGeometryH point = OGR_G_CreateGeometry(wkbPoint);
  OGR_G_SetPoint_2D(point, 0, x, y);
  ZoneAtPosition found;
  const int field = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(layer), "tzid");
  while (OGRFeatureH feature = OGR_L_GetNextFeature(layer)) {
    OGRGeometryH geometry = OGR_F_GetGeometryRef(feature);
    const bool inside = geometry != nullptr && OGR_G_Intersects(geometry, point);
    if (inside && field >= 0) found.zone = OGR_F_GetFieldAsString(feature, field);
    OGR_F_Destroy(feature);
    if (!found.zone.empty()) break;
  }
  OGR_G_DestroyGeometry(point);
  OGR_L_SetSpatialFilter(layer, nullptr);
  if (found.zone.empty()) {
    found.zone = NauticalZone(x);
    found.at_sea = true;
  }
  return found;
}

Result<ZoneRules> TimeZoneIndex::RulesAt(const LatLon& position) const {
  const auto zone = ZoneAt(position);
  if (!zone.ok()) return zone.error();
  return ZoneRules::Load(zone->zone);
}

}  // namespace gv
