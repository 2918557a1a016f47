// The Landsat crop of tests/data (CC0) opened as a basemap, with its pixels and validity
// mask in memory, for tests that cut views from it (bench/georef_views.h).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "geo/basemap.h"

namespace gv::test {

inline const std::filesystem::path kLandsatCrop =
    std::filesystem::path(GEOVERIFY_TEST_DATA) / "landsat_rgb_byte_crop.tif";

struct LandsatScene {
  std::unique_ptr<Basemap> map;
  cv::Mat colour, mask;  // BGR pixels and 255 where the raster has data
};

inline LandsatScene LoadLandsatScene() {
  LandsatScene s;
  auto map = Basemap::Open(kLandsatCrop);
  if (!map.ok()) {
    ADD_FAILURE() << map.error().message;
    return s;
  }
  s.map = std::move(*map);
  const cv::Rect2d all(0, 0, s.map->info().width, s.map->info().height);
  const cv::Size size(s.map->info().width, s.map->info().height);
  s.colour = *s.map->ReadColour(all, size);
  s.mask = s.map->Read(all, size)->mask;
  return s;
}

}  // namespace gv::test
