// Regenerates samples/case-kk-park: a small training case of synthetic photos (CC0) placed
// at publicly reported scam-compound locations (see samples/README.md). Usage:
//   gv_make_samples OUT_DIR
#include <filesystem>
#include <fstream>
#include <iostream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "support/synth_photo.h"

using gv::test::MakeSceneJpeg;
using gv::test::SynthExif;
using gv::test::WritePhoto;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: gv_make_samples OUT_DIR\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);

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

  SynthExif courtyard;  // Shwe Kokko; no offset, no GPS time: zone from the position
  courtyard.make = "samsung";
  courtyard.model = "SM-A146P";
  courtyard.datetime_original = "2025:03:15 08:05:00";
  courtyard.lat = 16.8205, courtyard.lon = 98.5309;
  WritePhoto(dir / "courtyard.jpg", MakeSceneJpeg(1024, 768, 90, 2), courtyard);

  SynthExif laos;  // Golden Triangle SEZ (Laos, UTC+7) with a camera set to Myanmar time
  laos.make = "OPPO";
  laos.model = "CPH2591";
  laos.datetime_original = "2025:02:02 18:45:10";
  laos.offset_time_original = "+06:30";
  laos.lat = 20.361150, laos.lon = 100.099807;
  laos.gps_date = "2025:02:02";
  laos.gps_time_s = 12 * 3600 + 15 * 60 + 9;
  WritePhoto(dir / "casino_dome.jpg", MakeSceneJpeg(1200, 900, 85, 3), laos);

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

  {  // Forwarded through a messenger: no metadata at all, 1600 px, standard tables.
    const auto jpeg = MakeSceneJpeg(1600, 1200, 75, 6);
    std::ofstream(dir / "forwarded.jpg", std::ios::binary)
        .write(reinterpret_cast<const char*>(jpeg.data()),
               static_cast<std::streamsize>(jpeg.size()));
  }
  {  // An incomplete transfer: cut inside the EXIF segment.
    const auto whole = gv::test::ReadAll(dir / "window_view.jpg");
    std::ofstream(dir / "incomplete_transfer.jpg", std::ios::binary)
        .write(reinterpret_cast<const char*>(whole.data()), 300);
  }
  std::ofstream(dir / "notes.txt")
      << "Received 2025-03-21 from a family member via a messenger app.\n"
         "Synthetic training case: all photos are generated, positions are public reports.\n";
  std::cout << "samples written to " << dir << "\n";
  return 0;
}
