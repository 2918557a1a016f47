// The union of axis-aligned rectangles on an integer grid, as polygons with holes: the cells
// of a credible region (case/fusion) dissolved into the region's outline. Exact: the grid
// coordinates stay integers through the union (GEOS, through OGR).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "util/result.h"

namespace gv {

struct GridRect {
  std::int64_t x0, y0, x1, y1;  // [x0, x1) x [y0, y1), x0 < x1, y0 < y1
};

using GridPoint = std::pair<std::int64_t, std::int64_t>;  // (x, y)

struct GridPolygon {
  // rings[0] the outline, the others holes; each ring closed implicitly (first point not
  // repeated), without collinear vertices.
  std::vector<std::vector<GridPoint>> rings;
};

// The union of `rects` (any order, may touch or overlap). Coordinates up to 2^50. Error
// when GDAL was built without GEOS.
Result<std::vector<GridPolygon>> UnionGridRects(std::vector<GridRect> rects);

}  // namespace gv
