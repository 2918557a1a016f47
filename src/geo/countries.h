// Countries and areas: ISO 3166-1 codes from Debian's iso-codes (/usr/share/iso-codes/json), and
// their outlines from the Natural Earth borders that scripts/fetch-data installs
// (DataDir()/generated/countries.geojson, 1:50m, public domain), joined on the numeric code.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geo/latlon.h"
#include "util/result.h"

namespace gv {

struct Country {
  std::string alpha2, alpha3, numeric, name;
};

// The country with this alpha-2 code (case-sensitive, "MM"), or nullopt when unknown or
// when the iso-codes table is missing. Thread-safe (the table is read once).
std::optional<Country> CountryByAlpha2(std::string_view alpha2);

// Every country of the iso-codes table (empty when it is missing), in its order.
const std::vector<Country>& AllCountries();

// Outer rings (closed) of the country's polygons. Error when the borders file is missing or
// has no feature with the country's numeric code.
Result<std::vector<std::vector<LatLon>>> CountryOutline(const Country& country,
                                                        const std::filesystem::path& borders = {});

// Outer rings (closed, lat/lon WGS84) of every polygon in a vector file, any format GDAL
// reads; layers in another CRS are transformed to EPSG:4326 (holes are left out). Error when
// the file cannot be read.
Result<std::vector<std::vector<LatLon>>> ReadOuterRings(const std::filesystem::path& path);

}  // namespace gv
