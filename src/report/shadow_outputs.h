// Runs a shadow-locus analysis and writes what was asked for: the consistent region as
// polygons (any OGR vector format, by extension), a likelihood GeoTIFF, and a PNG map of
// the region over country borders. Every file is written atomically.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "sun/shadow.h"
#include "util/result.h"

namespace gv {

struct ShadowOutputOptions {
  std::vector<ShadowObservation> observations;
  GridSpec grid;
  int threads = 0;
  std::filesystem::path vector_out;  // empty: no polygons
  std::filesystem::path raster_out;  // empty: no likelihood raster
  std::filesystem::path map_out;     // empty: no PNG
  std::filesystem::path borders;     // empty: DataDir()/generated/countries.geojson
};

struct ShadowOutputResult {
  ShadowRegionStats stats;
  std::vector<std::filesystem::path> written;
};

Result<ShadowOutputResult> WriteShadowLocus(const SpaTerms& terms,
                                            const ShadowOutputOptions& options);
nlohmann::ordered_json ToJson(const ShadowOutputResult& result, const ShadowOutputOptions& options);

// Renders the non-zero cells of a likelihood or mask raster over country borders into a
// PNG of about `width` pixels. The view is the region's extent with a margin, within `grid`.
Status RenderRegionMap(const std::filesystem::path& raster, const ShadowRegionStats& stats,
                       const GridSpec& grid, const std::filesystem::path& borders,
                       const std::filesystem::path& png, int width = 1400);

}  // namespace gv
