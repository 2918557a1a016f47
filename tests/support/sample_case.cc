#include "support/sample_case.h"

#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "geo/basemap.h"
#include "georef_views.h"
#include "match/reference_collection.h"
#include "metadata/exiv2_reader.h"
#include "support/make_video.h"
#include "support/synth_photo.h"

namespace gv::test {
namespace {

namespace fs = std::filesystem;

std::vector<std::uint8_t> Jpeg(const cv::Mat& image, int quality) {
  std::vector<std::uint8_t> out;
  cv::imencode(".jpg", image, out, {cv::IMWRITE_JPEG_QUALITY, quality});
  return out;
}

// The scene seen from another place: a perspective warp (corners moved by up to `shift` of
// the size, deterministic in `seed`), then a crop to `size`.
cv::Mat View(const cv::Mat& scene, int seed, double shift, cv::Size size) {
  cv::RNG rng(static_cast<std::uint64_t>(seed) * 104729 + 7);
  const float w = static_cast<float>(scene.cols), h = static_cast<float>(scene.rows);
  const std::vector<cv::Point2f> from{{0, 0}, {w, 0}, {w, h}, {0, h}};
  std::vector<cv::Point2f> to;
  for (const auto& p : from)
    to.push_back({p.x + static_cast<float>(rng.uniform(-shift, shift) * w),
                  p.y + static_cast<float>(rng.uniform(-shift, shift) * h)});
  cv::Mat warped;
  cv::warpPerspective(scene, warped, cv::getPerspectiveTransform(from, to), scene.size(),
                      cv::INTER_LINEAR, cv::BORDER_REFLECT);
  cv::Mat out;
  cv::resize(warped(cv::Rect(static_cast<int>(w * 0.1), static_cast<int>(h * 0.1),
                             static_cast<int>(w * 0.8), static_cast<int>(h * 0.8))),
             out, size, 0, 0, cv::INTER_AREA);
  return out;
}

void WriteRaw(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

constexpr const char* kCaseYaml =
    R"(# What the investigator knows about this (synthetic, training) case. Schema: docs/case-yaml.md
title: KK Park intake 2025-03 (training sample)
region: [92.0, 5.0, 127.0, 30.0]      # lon_min, lat_min, lon_max, lat_max: where to search
references: [refs/golden-triangle.gvrefs]
basemaps: [basemaps/landsat_crop.tif]
known_sites: default
photos:
  window_view.jpg:
    time_tolerance_s: 120
    shadows:                          # a 2.0 m post casts a 4.42 m shadow towards 79.5 deg
      - {object_height: 2.0, shadow_length: 4.42, azimuth: 79.5, length_tolerance: 0.05, azimuth_tolerance: 4}
    same_place_as: [edited_sign.jpg]
    clues:
      - {kind: country, value: MM}
      - {kind: near, lat: 16.6476, lon: 98.5207, radius_m: 2000}
      - {kind: not_near, lat: 16.7130, lon: 98.5750, radius_m: 500}
  forwarded.jpg:
    taken_at_utc: 2025-03-16T10:30:00Z  # the sender says so; the file has no metadata
)";

}  // namespace

void WriteSampleCase(const fs::path& dir, const fs::path& landsat_tif) {
  fs::create_directories(dir);

  SynthExif window;  // KK Park, Myawaddy; GPS clock agrees with Myanmar time (+06:30)
  window.make = "Xiaomi";
  window.model = "Redmi Note 12";
  window.datetime_original = window.datetime = "2025:03:14 16:20:00";
  window.lat = 16.647556, window.lon = 98.520722, window.alt_m = 21.0;
  window.gps_date = "2025:03:14";
  window.gps_time_s = 9 * 3600 + 49 * 60 + 58;
  // The camera's own thumbnail: the same picture, downscaled (the forensics agree with it).
  const auto window_jpeg = MakeSceneJpeg(1024, 768, 88, 1);
  cv::Mat window_thumb;
  cv::resize(cv::imdecode(window_jpeg, cv::IMREAD_COLOR), window_thumb, cv::Size(160, 120), 0, 0,
             cv::INTER_AREA);
  cv::imencode(".jpg", window_thumb, window.thumb_jpeg, {cv::IMWRITE_JPEG_QUALITY, 80});
  WritePhoto(dir / "window_view.jpg", window_jpeg, window);

  // Shwe Kokko: a courtyard seen from two windows. The first photo has no offset and no GPS
  // time (zone from the position); the second came through a messenger without metadata.
  const cv::Mat courtyard_scene = MakeTexture(21, 1400, 1000);
  SynthExif courtyard;
  courtyard.make = "samsung";
  courtyard.model = "SM-A146P";
  courtyard.datetime_original = "2025:03:15 08:05:00";
  courtyard.lat = 16.8205, courtyard.lon = 98.5309;
  WritePhoto(dir / "courtyard.jpg", Jpeg(View(courtyard_scene, 1, 0.04, {1024, 768}), 90),
             courtyard);
  WriteRaw(dir / "courtyard_other_window.jpg",
           Jpeg(View(courtyard_scene, 2, 0.07, {960, 720}), 80));
  {
    // A short iPhone video: the courtyard from a third window, then the room inside. Its
    // first keyframe links it to the courtyard photos (same scene).
    VideoSpec video;
    video.muxer = "mov";
    video.encoder = "libx264";
    video.fps = 10;
    video.gop = 10;
    video.bit_rate = 600'000;
    video.metadata_keys = true;
    cv::Mat room = MakeTexture(41, 640, 480);  // the room: warm lamp light
    cv::addWeighted(room, 0.5, cv::Mat(room.size(), room.type(), cv::Scalar(40, 120, 210)), 0.5, 0,
                    room);
    video.scenes = {{View(courtyard_scene, 5, 0.05, {640, 480}), 25}, {room, 20}};
    video.tags = {{"com.apple.quicktime.creationdate", "2025-03-15T08:12:30+0630"},
                  {"com.apple.quicktime.location.ISO6709", "+16.8207+098.5306+018.000/"},
                  {"com.apple.quicktime.make", "Apple"},
                  {"com.apple.quicktime.model", "iPhone 13"},
                  {"com.apple.quicktime.software", "17.4.1"},
                  {"creation_time", "2025-03-15T01:42:30.000000Z"}};
    fs::create_directories(dir / "clips");
    WriteRaw(dir / "clips" / "courtyard_walk.mov", MakeVideo(video));
  }

  // Golden Triangle SEZ (Laos, UTC+7) with a camera set to Myanmar time; the reference
  // collection holds three other photos of the same building, geotagged there.
  const cv::Mat casino_scene = MakeTexture(31, 1400, 1000);
  SynthExif laos;
  laos.make = "OPPO";
  laos.model = "CPH2591";
  laos.datetime_original = "2025:02:02 18:45:10";
  laos.offset_time_original = "+06:30";
  laos.lat = 20.361150, laos.lon = 100.099807;
  laos.gps_date = "2025:02:02";
  laos.gps_time_s = 12 * 3600 + 15 * 60 + 9;
  WritePhoto(dir / "casino_dome.jpg", Jpeg(View(casino_scene, 3, 0.05, {1200, 900}), 85), laos);
  {
    const fs::path sources = dir.parent_path() / "golden-triangle-reference-photos";
    fs::create_directories(sources);
    std::vector<fs::path> refs;
    for (int i = 0; i < 3; ++i) {
      SynthExif ref;
      ref.make = "Canon";
      ref.model = "EOS 80D";
      ref.datetime_original = "2024:11:0" + std::to_string(i + 1) + " 10:00:00";
      ref.lat = 20.36115 + 0.0002 * (i - 1), ref.lon = 100.099807 + 0.0003 * (i - 1);
      refs.push_back(sources / ("ref" + std::to_string(i) + ".jpg"));
      WritePhoto(refs.back(), Jpeg(View(casino_scene, 10 + i, 0.06, {800, 600}), 85), ref);
    }
    fs::create_directories(dir / "refs");
    CollectionOptions options;
    options.vocabulary_size = 256;
    options.features.max_features = 600;
    InitializeMetadataLibrary();
    auto built = BuildCollection(refs, dir / "refs" / "golden-triangle.gvrefs", options);
    fs::remove_all(sources);
    if (!built.ok()) throw std::runtime_error("reference collection: " + built.error().message);
  }

  SynthExif edited;  // Mae Sot side, edited in Photoshop and cropped to 16:9 afterwards
  edited.make = "Apple";
  edited.model = "iPhone 12";
  edited.software = "Adobe Photoshop 25.0 (Windows)";
  edited.datetime_original = "2025:03:14 17:00:00";
  edited.datetime = "2025:03:20 10:12:00";
  edited.lat = 16.7130, edited.lon = 98.5750;
  edited.thumb_width = 160, edited.thumb_height = 120;
  WritePhoto(dir / "edited_sign.jpg", MakeSceneJpeg(1280, 720, 92, 4), edited);

  SynthExif clock;  // Sihanoukville; camera clock 22 h behind the GPS clock
  clock.make = "vivo";
  clock.model = "V2204";
  clock.datetime_original = "2025:03:12 09:00:00";
  clock.lat = 10.6333, clock.lon = 103.5000;
  clock.gps_date = "2025:03:13";
  clock.gps_time_s = 7 * 3600 + 2 * 60 + 10;
  WritePhoto(dir / "clock_off.jpg", MakeSceneJpeg(1024, 768, 87, 5), clock);

  // Forwarded through a messenger: no metadata at all, 1600 px, standard tables.
  WriteRaw(dir / "forwarded.jpg", MakeSceneJpeg(1600, 1200, 75, 6));
  {  // An incomplete transfer: cut inside the EXIF segment.
    const auto whole = ReadAll(dir / "window_view.jpg");
    WriteRaw(dir / "incomplete_transfer.jpg", {whole.begin(), whole.begin() + 300});
  }

  // A photo looking down on open ground (here: the Landsat crop's ground, Bahamas), and the
  // basemap it registers on.
  fs::create_directories(dir / "basemaps");
  fs::copy_file(landsat_tif, dir / "basemaps" / "landsat_crop.tif",
                fs::copy_options::overwrite_existing);
  {
    auto map = Basemap::Open(landsat_tif);
    if (!map.ok()) throw std::runtime_error(map.error().message);
    const cv::Rect2d all(0, 0, (*map)->info().width, (*map)->info().height);
    const cv::Size size((*map)->info().width, (*map)->info().height);
    const cv::Mat colour = *(*map)->ReadColour(all, size);
    const cv::Mat mask = (*map)->Read(all, size)->mask;
    bench::ViewParams p;
    p.size = {400, 300};
    p.rotation_deg = 35;
    p.scale = 0.5;
    p.tilt_deg = 20;
    p.jpeg_quality = 0;
    const auto view = bench::CutView(colour, mask, {160, 160}, p);
    SynthExif drone;
    drone.make = "DJI";
    drone.model = "FC3582";
    drone.datetime_original = "2025:03:10 11:00:00";
    WritePhoto(dir / "drone_view.jpg", Jpeg(view.image, 90), drone);
  }

  std::ofstream(dir / "case.yaml") << kCaseYaml;
  std::ofstream(dir / "notes.txt")
      << "Received 2025-03-21 from a family member via a messenger app.\n"
         "Synthetic training case: all photos are generated, positions are public reports.\n";
}

}  // namespace gv::test
