#include "support/synth_photo.h"

#include <libheif/heif.h>

#include <algorithm>
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

cv::Matx33d CameraHomography(cv::Size scene, double tilt_deg, double azimuth_deg, double roll_deg,
                             cv::Point2d centre, double distance) {
  const double d = 2.5 * 0.5 * std::hypot(scene.width, scene.height) * distance;
  const auto rz = [](double deg) {
    const double a = deg * CV_PI / 180;
    return cv::Matx33d(std::cos(a), -std::sin(a), 0, std::sin(a), std::cos(a), 0, 0, 0, 1);
  };
  const double t = tilt_deg * CV_PI / 180;
  const cv::Matx33d rx(1, 0, 0, 0, std::cos(t), -std::sin(t), 0, std::sin(t), std::cos(t));
  const cv::Matx33d r = rz(roll_deg) * rx * rz(azimuth_deg);
  const cv::Matx33d k(d, 0, centre.x, 0, d, centre.y, 0, 0, 1);
  const cv::Matx33d plane(r(0, 0), r(0, 1), 0, r(1, 0), r(1, 1), 0, r(2, 0), r(2, 1), d);
  const cv::Matx33d middle(1, 0, -0.5 * scene.width, 0, 1, -0.5 * scene.height, 0, 0, 1);
  return k * plane * middle;
}

WallPhotos WallSeenFromFarApart() {
  WallPhotos w;
  cv::resize(MakeTexture(8, 1000, 750), w.front, {800, 600}, 0, 0, cv::INTER_AREA);
  cv::warpPerspective(w.front, w.oblique,
                      cv::Mat(CameraHomography(w.front.size(), 75, 30, 10, {400, 300})), {800, 600},
                      cv::INTER_AREA, cv::BORDER_CONSTANT, cv::Scalar(90, 100, 110));
  cv::resize(MakeTexture(9, 1000, 750), w.other, {800, 600}, 0, 0, cv::INTER_AREA);
  return w;
}

std::string ReadAllText(const std::filesystem::path& path) {
  const auto bytes = ReadAll(path);
  return std::string(bytes.begin(), bytes.end());
}

std::vector<std::uint8_t> ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void FillExif(const SynthExif& e, Exiv2::ExifData& exif) {
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
  FillExif(e, image->exifData());
  if (!e.iptc_special_instructions.empty()) {
    image->iptcData()["Iptc.Application2.SpecialInstructions"] = e.iptc_special_instructions;
  }
  if (!e.xmp_creator_tool.empty()) image->xmpData()["Xmp.xmp.CreatorTool"] = e.xmp_creator_tool;
  image->writeMetadata();
}

std::vector<std::uint8_t> MakeHeif(const cv::Mat& bgr, const SynthExif& e, int orientation,
                                   bool avif, const std::string& xmp, const cv::Mat& thumbnail) {
  heif_context* ctx = heif_context_alloc();
  heif_encoder* encoder = nullptr;
  heif_error err = heif_context_get_encoder_for_format(
      ctx, avif ? heif_compression_AV1 : heif_compression_HEVC, &encoder);
  if (err.code != heif_error_Ok)
    throw std::runtime_error(std::string("heif encoder: ") + err.message);
  heif_encoder_set_lossy_quality(encoder, 85);
  heif_image* image = nullptr;
  heif_image_create(bgr.cols, bgr.rows, heif_colorspace_RGB, heif_chroma_interleaved_RGB, &image);
  heif_image_add_plane(image, heif_channel_interleaved, bgr.cols, bgr.rows, 8);
  int stride = 0;
  std::uint8_t* plane = heif_image_get_plane(image, heif_channel_interleaved, &stride);
  cv::Mat rgb(bgr.rows, bgr.cols, CV_8UC3, plane, static_cast<std::size_t>(stride));
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  heif_encoding_options* options = heif_encoding_options_alloc();
  options->image_orientation = static_cast<heif_orientation>(orientation);
  heif_image_handle* handle = nullptr;
  err = heif_context_encode_image(ctx, image, encoder, options, &handle);
  if (err.code != heif_error_Ok)
    throw std::runtime_error(std::string("heif encode: ") + err.message);
  if (!thumbnail.empty()) {
    // libheif scales the image it is given down to the thumbnail's size (never up): give it
    // the thumbnail at twice its size.
    cv::Mat larger;
    cv::resize(thumbnail, larger, {}, 2, 2, cv::INTER_CUBIC);
    heif_image* small = nullptr;
    heif_image_create(larger.cols, larger.rows, heif_colorspace_RGB, heif_chroma_interleaved_RGB,
                      &small);
    heif_image_add_plane(small, heif_channel_interleaved, larger.cols, larger.rows, 8);
    int small_stride = 0;
    std::uint8_t* small_plane =
        heif_image_get_plane(small, heif_channel_interleaved, &small_stride);
    cv::Mat small_rgb(larger.rows, larger.cols, CV_8UC3, small_plane,
                      static_cast<std::size_t>(small_stride));
    cv::cvtColor(larger, small_rgb, cv::COLOR_BGR2RGB);
    heif_image_handle* thumb = nullptr;
    err = heif_context_encode_thumbnail(ctx, small, handle, encoder, options,
                                        std::max(thumbnail.cols, thumbnail.rows), &thumb);
    if (err.code != heif_error_Ok)
      throw std::runtime_error(std::string("heif thumbnail: ") + err.message);
    heif_image_handle_release(thumb);
    heif_image_release(small);
  }
  Exiv2::ExifData exif;
  FillExif(e, exif);
  if (!exif.empty()) {
    Exiv2::Blob blob;
    Exiv2::ExifParser::encode(blob, Exiv2::littleEndian, exif);
    heif_context_add_exif_metadata(ctx, handle, blob.data(), static_cast<int>(blob.size()));
  }
  if (!xmp.empty())
    heif_context_add_XMP_metadata(ctx, handle, xmp.data(), static_cast<int>(xmp.size()));
  std::vector<std::uint8_t> out;
  heif_writer writer{1, [](heif_context*, const void* data, size_t size, void* user) {
                       auto* v = static_cast<std::vector<std::uint8_t>*>(user);
                       v->insert(v->end(), static_cast<const std::uint8_t*>(data),
                                 static_cast<const std::uint8_t*>(data) + size);
                       return heif_error{heif_error_Ok, heif_suberror_Unspecified, "ok"};
                     }};
  err = heif_context_write(ctx, &writer, &out);
  heif_image_handle_release(handle);
  heif_encoding_options_free(options);
  heif_image_release(image);
  heif_encoder_release(encoder);
  heif_context_free(ctx);
  if (err.code != heif_error_Ok)
    throw std::runtime_error(std::string("heif write: ") + err.message);
  return out;
}

double MeanDifference(const cv::Mat& a, const cv::Mat& b) {
  if (a.size() != b.size()) return 1e9;
  cv::Mat d;
  cv::absdiff(a, b, d);
  const cv::Scalar m = cv::mean(d);
  return (m[0] + m[1] + m[2]) / 3;
}

}  // namespace gv::test
