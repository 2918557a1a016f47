// Test and sample support: synthetic photos with EXIF written through the real exiv2
// library (no mocks). The scene is drawn with OpenCV from a seed, so every file is
// reproducible and free of third-party rights (CC0).
#pragma once

#include <cstdint>
#include <filesystem>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

namespace gv::test {

struct SynthExif {
  std::string make, model, software;
  std::string datetime_original;     // "2025:03:14 16:20:00"
  std::string datetime;              // Exif.Image.DateTime
  std::string offset_time_original;  // "+06:30"
  std::optional<double> lat, lon, alt_m;
  std::string gps_date;              // "2025:03:14"
  std::optional<double> gps_time_s;  // seconds of day, UTC
  std::optional<double> h_positioning_error_m;
  std::optional<int> orientation;
  int thumb_width = 0, thumb_height = 0;  // embed a thumbnail of this size
  std::vector<std::uint8_t> thumb_jpeg;   // or embed this JPEG as the thumbnail
  std::string iptc_special_instructions;
  std::string xmp_creator_tool;
};

// A JPEG of a synthetic scene (sky, river, buildings), w x h, at IJG quality `quality`.
std::vector<std::uint8_t> MakeSceneJpeg(int width, int height, int quality, int seed);

// Writes `jpeg` to `path`, then adds `exif` with exiv2. Throws on failure (tests only).
void WritePhoto(const std::filesystem::path& path, const std::vector<std::uint8_t>& jpeg,
                const SynthExif& exif);

// A HEIF file (HEVC, or AV1 with `avif`) of `bgr` through libheif's encoder, with `e` as
// its EXIF block (written by exiv2), the container's orientation `orientation` (1-8, EXIF
// numbering: libheif writes irot/imir for it), an XMP packet and a thumbnail item (encoded
// from `thumbnail` as given, with the same orientation). Throws on failure.
std::vector<std::uint8_t> MakeHeif(const cv::Mat& bgr, const SynthExif& e, int orientation = 1,
                                   bool avif = false, const std::string& xmp = {},
                                   const cv::Mat& thumbnail = {});

// A textured synthetic scene (ellipses, rectangles, numbers), different for every seed:
// rich in local features, for matching tests.
cv::Mat MakeTexture(int seed, int width = 640, int height = 480);

// Homography from a flat scene (`scene` pixels, centred on its middle) to a camera that
// looks at its centre from `tilt_deg` off the normal, in the direction `azimuth_deg`,
// turned by `roll_deg`, from 2.5 scene radii times `distance` away with a focal length of
// that distance, the scene's centre put at `centre` in the camera's frame (a wide-baseline
// view).
cv::Matx33d CameraHomography(cv::Size scene, double tilt_deg, double azimuth_deg, double roll_deg,
                             cv::Point2d centre, double distance = 1);

// Three 800x600 photos: a textured wall seen square on, the same wall from 75 degrees off
// its normal (which plain SIFT features do not match, affine views do), and another wall.
struct WallPhotos {
  cv::Mat front, oblique, other;
};
WallPhotos WallSeenFromFarApart();

// Mean absolute difference of two BGR pictures per channel (0-255); 1e9 when their sizes
// differ.
double MeanDifference(const cv::Mat& a, const cv::Mat& b);

// Reads a whole file (tests only).
std::vector<std::uint8_t> ReadAll(const std::filesystem::path& path);
std::string ReadAllText(const std::filesystem::path& path);

}  // namespace gv::test
