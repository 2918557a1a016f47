#include "geo/known_sites.h"

#include <algorithm>

#include "geo/geodesy.h"
#include "geo/vector_read.h"
#include "util/data_dir.h"

namespace gv {

Result<std::vector<KnownSite>> LoadKnownSites(const std::filesystem::path& path) {
  std::vector<KnownSite> sites;
  const auto st = ForEachFeatureWgs84(path, [&](OGRFeatureH f, OGRGeometryH g) {
    const auto text = [&](const char* field) {
      const int i = OGR_F_GetFieldIndex(f, field);
      return i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i) ? std::string(OGR_F_GetFieldAsString(f, i))
                                                        : std::string();
    };
    KnownSite site{text("name"),
                   text("country"),
                   text("precision"),
                   text("source"),
                   text("source_url"),
                   text("as_of"),
                   text("notes"),
                   text("caveat"),
                   {},
                   5000};
    if (g == nullptr || OGR_G_IsEmpty(g) || site.name.empty()) return;
    const int radius = OGR_F_GetFieldIndex(f, "radius_m");
    const bool given = radius >= 0 && OGR_F_IsFieldSetAndNotNull(f, radius) &&
                       OGR_F_GetFieldAsDouble(f, radius) > 0;
    if (given) site.radius_m = OGR_F_GetFieldAsDouble(f, radius);
    OGRGeometryH centroid = OGR_G_CreateGeometry(wkbPoint);
    if (OGR_G_Centroid(g, centroid) != OGRERR_NONE) {
      OGR_G_DestroyGeometry(centroid);
      return;
    }
    site.at = {OGR_G_GetY(centroid, 0), OGR_G_GetX(centroid, 0)};
    OGR_G_DestroyGeometry(centroid);
    if (!site.at.InRange()) return;
    if (wkbFlatten(OGR_G_GetGeometryType(g)) != wkbPoint) {
      OGREnvelope e;
      OGR_G_GetEnvelope(g, &e);
      const double corner = DistanceM(site.at, {e.MaxY, e.MaxX});
      site.radius_m = given ? std::max(site.radius_m, corner) : corner;
    }
    sites.push_back(std::move(site));
  });
  if (!st.ok()) return st.error();
  if (sites.empty()) return MakeError(path.string() + ": no known site (a named point or polygon)");
  return sites;
}

std::filesystem::path DefaultKnownSitesPath() { return DataDir() / "known-sites.gpkg"; }

std::optional<SiteNear> NearestKnownSite(const std::vector<KnownSite>& sites, const LatLon& at,
                                         double margin_m) {
  std::optional<SiteNear> best;
  for (const auto& s : sites) {
    const double d = DistanceM(s.at, at);
    if (d <= s.radius_m + margin_m && (!best || d < best->distance_m)) best = SiteNear{&s, d};
  }
  return best;
}

}  // namespace gv
