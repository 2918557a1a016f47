#include "support/synth_photo.h"

#include <cmath>
#include <exiv2/exiv2.hpp>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

namespace gv::test {
namespace {

std::string Dms(double value) {
  value = std::abs(value);
  const int deg = static_cast<int>(value);
  const double minutes = (value - deg) * 60.0;
  const int min = static_cast<int>(minutes);
  const long sec_centi = std::lround((minutes - min) * 60.0 * 1000000.0);
  return std::to_string(deg) + "/1 " + std::to_string(min) + "/1 " + std::to_string(sec_centi) +
         "/1000000";
}

}  // namespace

std::vector<std::uint8_t> MakeSceneJpeg(int width, int height, int quality, int seed) {
  cv::Mat img(height, width, CV_8UC3);
  cv::RNG rng(static_cast<std::uint64_t>(seed) * 7919 + 17);
  const int horizon = height * 2 / 5;
  for (int y = 0; y < height; ++y) {
    const double t = static_cast<double>(y) / height;
    const cv::Vec3b sky(static_cast<uchar>(235 - 80 * t), static_cast<uchar>(200 - 60 * t),
                        static_cast<uchar>(150 - 50 * t));
    const cv::Vec3b ground(70, static_cast<uchar>(110 + 30 * t), 90);
    img.row(y).setTo(y < horizon ? sky : ground);
  }
  // River band and buildings with windows.
  cv::rectangle(img, {0, horizon + height / 10}, {width, horizon + height / 6}, {120, 110, 80},
                cv::FILLED);
  for (int b = 0; b < 9; ++b) {
    const int x = rng.uniform(0, width - width / 8), w = rng.uniform(width / 16, width / 7);
    const int top = rng.uniform(height / 8, horizon);
    const cv::Scalar color(rng.uniform(120, 230), rng.uniform(120, 230), rng.uniform(120, 230));
    cv::rectangle(img, {x, top}, {x + w, horizon + height / 10}, color, cv::FILLED);
    for (int wy = top + 6; wy < horizon + height / 10 - 8; wy += 14) {
      for (int wx = x + 4; wx < x + w - 8; wx += 12)
        cv::rectangle(img, {wx, wy}, {wx + 5, wy + 7}, {60, 50, 40}, cv::FILLED);
    }
  }
  cv::Mat noise(img.size(), img.type());
  rng.fill(noise, cv::RNG::NORMAL, 0, 4);
  img += noise;
  std::vector<std::uint8_t> out;
  cv::imencode(".jpg", img, out, {cv::IMWRITE_JPEG_QUALITY, quality});
  return out;
}

cv::Mat MakeTexture(int seed, int w, int h) {
  cv::Mat img(h, w, CV_8UC3, cv::Scalar(128, 128, 128));
  cv::RNG rng(static_cast<std::uint64_t>(seed));
  const int shapes = w * h / 1900;
  for (int i = 0; i < shapes; ++i) {
    const cv::Point c(rng.uniform(0, w), rng.uniform(0, h));
    const cv::Scalar color(rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255));
    if (i % 3 == 0) {
      cv::ellipse(img, c, {rng.uniform(4, 40), rng.uniform(4, 40)}, rng.uniform(0, 180), 0, 360,
                  color, -1);
    } else if (i % 3 == 1) {
      cv::rectangle(img, c, c + cv::Point(rng.uniform(5, 60), rng.uniform(5, 60)), color, -1);
    } else {
      cv::putText(img, std::to_string(rng.uniform(0, 99999)), c, cv::FONT_HERSHEY_SIMPLEX,
                  rng.uniform(0.4, 1.5), color, 2);
    }
  }
  cv::GaussianBlur(img, img, {3, 3}, 0.8);
  return img;
}

std::string ReadAllText(const std::filesystem::path& path) {
  const auto bytes = ReadAll(path);
  return std::string(bytes.begin(), bytes.end());
}

std::vector<std::uint8_t> ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void WritePhoto(const std::filesystem::path& path, const std::vector<std::uint8_t>& jpeg,
                const SynthExif& e) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(jpeg.data()),
              static_cast<std::streamsize>(jpeg.size()));
    if (!out) throw std::runtime_error("cannot write " + path.string());
  }
  auto image = Exiv2::ImageFactory::open(path.string());
  image->readMetadata();
  Exiv2::ExifData& exif = image->exifData();
  if (!e.make.empty()) exif["Exif.Image.Make"] = e.make;
  if (!e.model.empty()) exif["Exif.Image.Model"] = e.model;
  if (!e.software.empty()) exif["Exif.Image.Software"] = e.software;
  if (!e.datetime_original.empty()) exif["Exif.Photo.DateTimeOriginal"] = e.datetime_original;
  if (!e.datetime.empty()) exif["Exif.Image.DateTime"] = e.datetime;
  if (!e.offset_time_original.empty()) {
    Exiv2::AsciiValue value(e.offset_time_original);
    exif.add(Exiv2::ExifKey(0x9011, "Photo"), &value);
  }
  if (e.orientation) exif["Exif.Image.Orientation"] = static_cast<std::uint16_t>(*e.orientation);
  if (e.lat && e.lon) {
    exif["Exif.GPSInfo.GPSVersionID"] = "2 3 0 0";
    exif["Exif.GPSInfo.GPSLatitudeRef"] = *e.lat < 0 ? "S" : "N";
    exif["Exif.GPSInfo.GPSLatitude"] = Dms(*e.lat);
    exif["Exif.GPSInfo.GPSLongitudeRef"] = *e.lon < 0 ? "W" : "E";
    exif["Exif.GPSInfo.GPSLongitude"] = Dms(*e.lon);
    exif["Exif.GPSInfo.GPSMapDatum"] = "WGS-84";
  }
  if (e.alt_m) {
    Exiv2::DataValue ref(Exiv2::unsignedByte);
    ref.read(*e.alt_m < 0 ? "1" : "0");
    exif.add(Exiv2::ExifKey("Exif.GPSInfo.GPSAltitudeRef"), &ref);
    exif["Exif.GPSInfo.GPSAltitude"] =
        std::to_string(std::lround(std::abs(*e.alt_m) * 100)) + "/100";
  }
  if (e.gps_time_s) {
    const long centis = std::lround(*e.gps_time_s * 100);
    exif["Exif.GPSInfo.GPSTimeStamp"] = std::to_string(centis / 360000) + "/1 " +
                                        std::to_string(centis / 6000 % 60) + "/1 " +
                                        std::to_string(centis % 6000) + "/100";
  }
  if (!e.gps_date.empty()) exif["Exif.GPSInfo.GPSDateStamp"] = e.gps_date;
  if (e.h_positioning_error_m)
    exif["Exif.GPSInfo.GPSHPositioningError"] =
        std::to_string(std::lround(*e.h_positioning_error_m * 10)) + "/10";
  if (!e.thumb_jpeg.empty()) {
    Exiv2::ExifThumb(exif).setJpegThumbnail(e.thumb_jpeg.data(),
                                            static_cast<long>(e.thumb_jpeg.size()));
  } else if (e.thumb_width > 0) {
    const auto thumb = MakeSceneJpeg(e.thumb_width, e.thumb_height, 80, 99);
    Exiv2::ExifThumb(exif).setJpegThumbnail(thumb.data(), static_cast<long>(thumb.size()));
  }
  if (!e.iptc_special_instructions.empty()) {
    image->iptcData()["Iptc.Application2.SpecialInstructions"] = e.iptc_special_instructions;
  }
  if (!e.xmp_creator_tool.empty()) image->xmpData()["Xmp.xmp.CreatorTool"] = e.xmp_creator_tool;
  image->writeMetadata();
}

}  // namespace gv::test
