#include "geo/countries.h"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <nlohmann/json.hpp>

#include "geo/ogr_init.h"
#include "geo/vector_read.h"
#include "util/data_dir.h"
#include "util/file.h"

namespace gv {
namespace {

constexpr const char* kIsoCodes = "/usr/share/iso-codes/json/iso_3166-1.json";

const std::vector<Country>& Countries() {
  static const std::vector<Country> table = [] {
    std::vector<Country> out;
    std::vector<std::uint8_t> bytes;
    if (!ReadFileBounded(kIsoCodes, 4u << 20, bytes).ok()) return out;
    const auto json = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (!json.is_object() || !json.contains("3166-1") || !json["3166-1"].is_array()) return out;
    for (const auto& c : json["3166-1"]) {
      if (!c.is_object()) continue;
      const auto text = [&](const char* key) {
        return c.contains(key) && c[key].is_string() ? c[key].get<std::string>() : std::string();
      };
      out.push_back({text("alpha_2"), text("alpha_3"), text("numeric"), text("name")});
    }
    return out;
  }();
  return table;
}

void AddOuterRings(OGRGeometryH g, std::vector<std::vector<LatLon>>& rings) {
  const auto type = wkbFlatten(OGR_G_GetGeometryType(g));
  if (type == wkbMultiPolygon) {
    for (int i = 0; i < OGR_G_GetGeometryCount(g); ++i)
      AddOuterRings(OGR_G_GetGeometryRef(g, i), rings);
    return;
  }
  if (type != wkbPolygon || OGR_G_GetGeometryCount(g) == 0) return;
  OGRGeometryH ring = OGR_G_GetGeometryRef(g, 0);
  std::vector<LatLon> points;
  for (int i = 0; i < OGR_G_GetPointCount(ring); ++i)
    points.push_back({OGR_G_GetY(ring, i), OGR_G_GetX(ring, i)});
  if (points.size() >= 4) rings.push_back(std::move(points));
}

}  // namespace

Result<std::vector<std::vector<LatLon>>> ReadOuterRings(const std::filesystem::path& path) {
  std::vector<std::vector<LatLon>> rings;
  const auto st = ForEachFeatureWgs84(path, [&](OGRFeatureH, OGRGeometryH g) {
    if (g != nullptr) AddOuterRings(g, rings);
  });
  if (!st.ok()) return st.error();
  return rings;
}

const std::vector<Country>& AllCountries() { return Countries(); }

std::optional<Country> CountryByAlpha2(std::string_view alpha2) {
  for (const auto& c : Countries())
    if (c.alpha2 == alpha2) return c;
  return std::nullopt;
}

Result<std::vector<std::vector<LatLon>>> CountryOutline(const Country& country,
                                                        const std::filesystem::path& borders) {
  const auto path = borders.empty() ? DataDir() / "generated" / "countries.geojson" : borders;
  EnsureGdalRegistered();
  GDALDatasetH ds =
      GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  if (ds == nullptr)
    return MakeError(path.string() + ": country borders unavailable (run scripts/fetch-data)");
  std::vector<std::vector<LatLon>> rings;
  if (GDALDatasetGetLayerCount(ds) > 0) {
    OGRLayerH layer = GDALDatasetGetLayer(ds, 0);
    OGR_L_ResetReading(layer);
    while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
      const int id = OGR_F_GetFieldIndex(f, "id");
      if (id >= 0 && OGR_F_IsFieldSetAndNotNull(f, id) &&
          country.numeric == OGR_F_GetFieldAsString(f, id)) {
        if (OGRGeometryH g = OGR_F_GetGeometryRef(f)) AddOuterRings(g, rings);
      }
      OGR_F_Destroy(f);
    }
  }
  GDALClose(ds);
  if (rings.empty())
    return MakeError(path.string() + ": no outline of " + country.name + " (" + country.numeric +
                     ")");
  return rings;
}

}  // namespace gv
