// Speed and memory of georef on a large basemap: a photo (1600x1200, rotated, slightly
// tilted, JPEG) cut from BASEMAP is registered against the whole of it, then with --near
// (its true centre) and a 1 km radius. Prints times and peak memory next to the targets.
// Usage: bench_georef BASEMAP
#include <sys/resource.h>

#include <chrono>
#include <cstdio>

#include "georef/registration.h"
#include "georef_views.h"

namespace {

double PeakMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_georef BASEMAP\n");
    return 2;
  }
  auto map = gv::Basemap::Open(argv[1]);
  if (!map.ok()) {
    std::fprintf(stderr, "bench_georef: %s\n", map.error().message.c_str());
    return 1;
  }
  const auto& info = (*map)->info();
  // The photo: cut around a point 60 % across and 40 % down the basemap.
  const cv::Point2d centre(0.6 * info.width, 0.4 * info.height);
  const cv::Rect2d window(centre.x - 1500, centre.y - 1500, 3000, 3000);
  auto pixels = (*map)->ReadColour(window, {3000, 3000});
  auto gray = (*map)->Read(window, {3000, 3000});
  if (!pixels.ok() || !gray.ok()) return 1;
  gv::bench::ViewParams p;
  p.size = {1600, 1200};
  p.rotation_deg = 35;
  p.scale = 1.0;
  p.tilt_deg = 10;
  p.jpeg_quality = 85;
  const gv::bench::View view = gv::bench::CutView(*pixels, gray->mask, {1500, 1500}, p);
  const double mb_before = PeakMb();
  std::printf("basemap %s: %d x %d = %.1f MP, %d bands, %d overviews, %.2f m pixels\n",
              info.path.filename().c_str(), info.width, info.height,
              info.width * static_cast<double>(info.height) / 1e6, info.bands, info.overviews,
              info.pixel_size_m);
  std::printf(
      "photo 1600x1200, rotation 35 deg, tilt 10 deg, JPEG q85 (peak memory so far %.0f MB)\n\n",
      mb_before);
  std::printf("%-28s %8s %8s %10s %12s   %s\n", "run", "ok", "inliers", "corner px", "time",
              "target");
  for (const bool near : {false, true}) {
    gv::GeorefOptions o;
    if (near) {
      o.near = *(*map)->crs().ToLatLon((*map)->MapFromPixel(centre));
      o.radius_m = 1000;
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto r = gv::Georeference(view.image, {map->get()}, o);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double error = NAN;
    if (r.ok() && r->ok) {
      error = 0;
      const cv::Point2d c[4] = {{0, 0}, {1600, 0}, {1600, 1200}, {0, 1200}};
      for (int i = 0; i < 4; ++i) {
        const cv::Vec3d q = r->homography * cv::Vec3d(c[i].x, c[i].y, 1);
        error += cv::norm(cv::Point2d(q[0] / q[2], q[1] / q[2]) -
                          (view.corners[static_cast<std::size_t>(i)] + window.tl())) /
                 4;
      }
    }
    std::printf("%-28s %8s %8d %10.2f %10.2f s   < %s s\n",
                near ? "--near (true centre), 1 km" : "whole basemap",
                r.ok() && r->ok ? "yes" : "no", r.ok() ? r->inliers : 0, error, s,
                near ? "1" : "10");
    if (r.ok())
      for (const auto& l : r->levels_searched) std::printf("    %s\n", l.c_str());
  }
  std::printf("\npeak memory %.0f MB (target < 2048 MB)\n", PeakMb());
  return 0;
}
