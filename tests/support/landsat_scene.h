// The Landsat crop of tests/data (CC0) opened as a basemap, with its pixels and validity
// mask in memory, for tests that cut views from it (bench/georef_views.h).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "geo/basemap.h"
#include "georef_views.h"

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

// A 200x150 JPEG photo of the crop's ground: rotated 250 deg, 1.1 crop pixels a photo pixel,
// tilted 15 deg, quality 85, centred on crop pixel (170, 150). Registers on the crop.
inline std::vector<std::uint8_t> GroundViewJpeg(const LandsatScene& scene) {
  bench::ViewParams p;
  p.size = {200, 150};
  p.rotation_deg = 250;
  p.scale = 1.1;
  p.tilt_deg = 15;
  p.jpeg_quality = 85;
  return bench::CutView(scene.colour, scene.mask, {170, 150}, p).jpeg;
}

}  // namespace gv::test
