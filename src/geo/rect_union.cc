#include "geo/rect_union.h"

#include <ogr_geometry.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <tuple>

namespace gv {
namespace {

std::vector<GridPoint> RingPoints(const OGRLinearRing& ring) {
  std::vector<GridPoint> points;
  for (int i = 0; i < ring.getNumPoints(); ++i)
    points.emplace_back(static_cast<std::int64_t>(std::llround(ring.getX(i))),
                        static_cast<std::int64_t>(std::llround(ring.getY(i))));
  if (points.size() > 1 && points.front() == points.back()) points.pop_back();
  // Drop the vertices in the middle of a straight run (the union keeps the cells' corners).
  bool changed = true;
  while (changed && points.size() > 3) {
    changed = false;
    std::vector<GridPoint> kept;
    const std::size_t n = points.size();
    for (std::size_t i = 0; i < n; ++i) {
      const auto& a = points[(i + n - 1) % n];
      const auto& b = points[i];
      const auto& c = points[(i + 1) % n];
      const bool straight = (a.first == b.first && b.first == c.first) ||
                            (a.second == b.second && b.second == c.second);
      if (straight || b == a) {
        changed = true;
        continue;
      }
      kept.push_back(b);
    }
    points = std::move(kept);
  }
  return points;
}

void AddPolygon(const OGRPolygon& polygon, std::vector<GridPolygon>* out) {
  GridPolygon p;
  if (const OGRLinearRing* outer = polygon.getExteriorRing()) p.rings.push_back(RingPoints(*outer));
  for (int i = 0; i < polygon.getNumInteriorRings(); ++i)
    p.rings.push_back(RingPoints(*polygon.getInteriorRing(i)));
  if (!p.rings.empty() && p.rings[0].size() >= 4) out->push_back(std::move(p));
}

}  // namespace

Result<std::vector<GridPolygon>> UnionGridRects(std::vector<GridRect> rects) {
  std::vector<GridPolygon> out;
  if (rects.empty()) return out;
  if (!OGRGeometryFactory::haveGEOS())
    return MakeError("GDAL was built without GEOS: regions cannot be outlined");
  // Rectangles of one row that touch become one: the union then sees O(perimeter) pieces.
  std::sort(rects.begin(), rects.end(), [](const GridRect& a, const GridRect& b) {
    return std::tie(a.y0, a.y1, a.x0) < std::tie(b.y0, b.y1, b.x0);
  });
  std::vector<GridRect> merged;
  for (const auto& r : rects) {
    if (!merged.empty() && merged.back().y0 == r.y0 && merged.back().y1 == r.y1 &&
        r.x0 <= merged.back().x1) {
      merged.back().x1 = std::max(merged.back().x1, r.x1);
      continue;
    }
    merged.push_back(r);
  }
  OGRMultiPolygon pieces;
  for (const auto& r : merged) {
    auto ring = std::make_unique<OGRLinearRing>();
    const double x0 = static_cast<double>(r.x0), x1 = static_cast<double>(r.x1),
                 y0 = static_cast<double>(r.y0), y1 = static_cast<double>(r.y1);
    ring->addPoint(x0, y0);
    ring->addPoint(x1, y0);
    ring->addPoint(x1, y1);
    ring->addPoint(x0, y1);
    ring->addPoint(x0, y0);
    auto polygon = std::make_unique<OGRPolygon>();
    polygon->addRingDirectly(ring.release());
    pieces.addGeometryDirectly(polygon.release());
  }
  std::unique_ptr<OGRGeometry> united(
      pieces.getNumGeometries() == 1 ? pieces.getGeometryRef(0)->clone() : pieces.UnionCascaded());
  if (!united) return MakeError("the union of the region's cells failed (GEOS)");
  const auto type = wkbFlatten(united->getGeometryType());
  if (type == wkbPolygon) {
    AddPolygon(*united->toPolygon(), &out);
  } else if (type == wkbMultiPolygon) {
    for (const auto* part : *united->toMultiPolygon()) AddPolygon(*part, &out);
  } else if (type == wkbGeometryCollection) {
    for (const auto* part : *united->toGeometryCollection())
      if (wkbFlatten(part->getGeometryType()) == wkbPolygon) AddPolygon(*part->toPolygon(), &out);
  }
  return out;
}

}  // namespace gv
