// The union of grid rectangles (credible regions' outlines): touching cells dissolve, holes
// stay holes, apart stays apart, and coordinates stay exact integers.
#include "geo/rect_union.h"

#include <gtest/gtest.h>

#include <set>

namespace gv {
namespace {

std::int64_t TwiceArea(const std::vector<GridPoint>& ring) {
  std::int64_t a = 0;
  for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
    a += ring[j].first * ring[i].second - ring[i].first * ring[j].second;
  return a < 0 ? -a : a;
}

TEST(RectUnion, TouchingCellsOfTwoSizesDissolveIntoOneOutline) {
  // A coarse 8 x 8 cell with two unit cells along its east side: an outline of 8 corners.
  auto u = UnionGridRects({{0, 0, 8, 8}, {8, 0, 9, 1}, {8, 1, 9, 2}});
  ASSERT_TRUE(u.ok()) << u.error().message;
  ASSERT_EQ(u->size(), 1u);
  ASSERT_EQ((*u)[0].rings.size(), 1u);
  EXPECT_EQ((*u)[0].rings[0].size(), 6u);  // collinear corners of the cells removed
  EXPECT_EQ(TwiceArea((*u)[0].rings[0]), 2 * 66);
  for (const auto& [x, y] : (*u)[0].rings[0]) {
    EXPECT_TRUE(x == 0 || x == 8 || x == 9) << x;
    EXPECT_TRUE(y == 0 || y == 2 || y == 8) << y;
  }
}

TEST(RectUnion, ARingOfCellsKeepsItsHole) {
  std::vector<GridRect> cells;
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 3; ++x)
      if (x != 1 || y != 1) cells.push_back({x, y, x + 1, y + 1});
  auto u = UnionGridRects(cells);
  ASSERT_TRUE(u.ok());
  ASSERT_EQ(u->size(), 1u);
  ASSERT_EQ((*u)[0].rings.size(), 2u);
  EXPECT_EQ(TwiceArea((*u)[0].rings[0]), 2 * 9);
  EXPECT_EQ(TwiceArea((*u)[0].rings[1]), 2 * 1);
}

TEST(RectUnion, ApartStaysApartAndLargeCoordinatesStayExact) {
  const std::int64_t big = std::int64_t{1} << 40;
  auto u = UnionGridRects({{big, big, big + 3, big + 2}, {big + 10, big, big + 11, big + 1}});
  ASSERT_TRUE(u.ok());
  ASSERT_EQ(u->size(), 2u);
  std::set<std::int64_t> xs;
  for (const auto& p : *u)
    for (const auto& [x, y] : p.rings[0]) xs.insert(x - big);
  EXPECT_EQ(xs, (std::set<std::int64_t>{0, 3, 10, 11}));
  auto none = UnionGridRects({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace gv
