// The IANA time zone of every cell of a lat/lon grid, rasterised from the time-zone
// boundary polygons (data/generated/timezones.gpkg), for computations where each place
// uses its own local time. Cells at sea have no zone (index 0): callers use the nautical
// zone of their longitude.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "geo/grid_raster.h"
#include "util/result.h"

namespace gv {

struct ZoneIndexGrid {
  GeoGrid grid;                      // may be coarser than the grid it serves
  std::vector<std::uint16_t> index;  // row-major; 0 = sea, else zones[index - 1]
  std::vector<std::string> zones;    // IANA names
  // Zone index of the cell containing (lat, lon), nearest cell outside the grid.
  std::uint16_t At(double lat_deg, double lon_deg) const;
};

// Rasterises the zones over `area` at the area's resolution, but no finer than
// `min_resolution_deg` (memory: 2 bytes a cell). `gpkg` empty: the default data file.
Result<ZoneIndexGrid> BuildZoneIndexGrid(const GeoGrid& area, double min_resolution_deg = 0.05,
                                         const std::filesystem::path& gpkg = {});

}  // namespace gv
