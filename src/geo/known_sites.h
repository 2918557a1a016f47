// Known sites: publicly reported scam-compound locations, each with its source. The shipped
// layer is DataDir()/known-sites.gpkg (built from data/known-sites.geojson by
// scripts/make-known-sites); a case may name another vector file (case.yaml known_sites).
// Used for orientation on the map, as a weak prior in the fusion, and to name the site
// near a hypothesis. Never proof: every row says how precise it is and where it comes from.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "geo/latlon.h"
#include "util/result.h"

namespace gv {

struct KnownSite {
  std::string name, country, precision, source, source_url, as_of, notes, caveat;
  LatLon at;            // the point, or a polygon's centroid
  double radius_m = 0;  // how far the site reaches from `at` (its precision)
};

// The sites of a vector file (points or polygons; another CRS is transformed). Features
// without a name or geometry are skipped. radius_m: for a point the radius_m field, else
// 5 km; for a polygon the distance from its centroid to its envelope's corner, or the field
// when larger. Error when the file cannot be read or holds no site.
Result<std::vector<KnownSite>> LoadKnownSites(const std::filesystem::path& path);

// DataDir()/known-sites.gpkg.
std::filesystem::path DefaultKnownSitesPath();

struct SiteNear {
  const KnownSite* site;
  double distance_m;
};
// The nearest site whose reach (radius_m + `margin_m`) holds `at`, or nullopt.
std::optional<SiteNear> NearestKnownSite(const std::vector<KnownSite>& sites, const LatLon& at,
                                         double margin_m);

}  // namespace gv
