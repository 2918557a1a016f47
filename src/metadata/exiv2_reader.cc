#include "metadata/exiv2_reader.h"

#include <cmath>
#include <exiv2/exiv2.hpp>
#include <exiv2/webpimage.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

#include "image/format.h"
#include "image/heif.h"
#include "image/jpeg_structure.h"
#include "metadata/vendor_blocks.h"
#include "util/text.h"

namespace gv {
namespace {

std::mutex xmp_mutex;

void XmpLock(void* data, bool lock) {
  auto* m = static_cast<std::mutex*>(data);
  if (lock)
    m->lock();
  else
    m->unlock();
}

// exiftool shows large binary values as a placeholder; so do we.
std::string ValueText(const Exiv2::Metadatum& datum) {
  const auto type = datum.typeId();
  const bool binary =
      type == Exiv2::undefined || type == Exiv2::unsignedByte || type == Exiv2::signedByte;
  if (binary && datum.size() > 64)
    return "(binary data " + std::to_string(datum.size()) + " bytes)";
  if (datum.count() > 256 && type != Exiv2::asciiString && type != Exiv2::string &&
      type != Exiv2::comment && type != Exiv2::xmpText) {
    return "(" + std::to_string(datum.count()) + " values)";
  }
  return SanitizeUtf8(datum.toString());
}

std::optional<double> Rational(const Exiv2::Exifdatum& d, long n) {
  if (d.count() <= n) return std::nullopt;
  const Exiv2::Rational r = d.toRational(n);
  if (r.second == 0) return std::nullopt;
  return static_cast<double>(r.first) / r.second;
}

std::optional<double> Dms(const Exiv2::Exifdatum& d) {
  const auto deg = Rational(d, 0);
  if (!deg) return std::nullopt;
  const double min = Rational(d, 1).value_or(0.0), sec = Rational(d, 2).value_or(0.0);
  return *deg + min / 60.0 + sec / 3600.0;
}

std::string Text(const Exiv2::Metadatum& d) { return Trim(SanitizeUtf8(d.toString())); }

struct GpsRaw {
  std::optional<double> lat, lon, alt, speed, direction;
  std::string lat_ref, lon_ref, speed_ref, direction_ref, datum, date;
  std::optional<double> time_s;
  std::optional<long> alt_ref;
  bool has_position_tags = false;  // GPSLatitude or GPSLongitude present, even if unusable
};

void ReadGpsTag(std::string_view key, const Exiv2::Exifdatum& d, GpsRaw& g) {
  if (key == "Exif.GPSInfo.GPSLatitude" || key == "Exif.GPSInfo.GPSLongitude") {
    g.has_position_tags = true;
    (key == "Exif.GPSInfo.GPSLatitude" ? g.lat : g.lon) = Dms(d);
  } else if (key == "Exif.GPSInfo.GPSLatitudeRef")
    g.lat_ref = Text(d);
  else if (key == "Exif.GPSInfo.GPSLongitudeRef")
    g.lon_ref = Text(d);
  else if (key == "Exif.GPSInfo.GPSAltitude")
    g.alt = Rational(d, 0);
  else if (key == "Exif.GPSInfo.GPSAltitudeRef" && d.count() > 0)
    g.alt_ref = d.toLong(0);
  else if (key == "Exif.GPSInfo.GPSSpeed")
    g.speed = Rational(d, 0);
  else if (key == "Exif.GPSInfo.GPSSpeedRef")
    g.speed_ref = Text(d);
  else if (key == "Exif.GPSInfo.GPSImgDirection")
    g.direction = Rational(d, 0);
  else if (key == "Exif.GPSInfo.GPSImgDirectionRef")
    g.direction_ref = Text(d);
  else if (key == "Exif.GPSInfo.GPSMapDatum")
    g.datum = Text(d);
  else if (key == "Exif.GPSInfo.GPSDateStamp")
    g.date = Text(d);
  else if (key == "Exif.GPSInfo.GPSTimeStamp") {
    const auto h = Rational(d, 0), m = Rational(d, 1), s = Rational(d, 2);
    if (h && m && s && *h >= 0 && *h < 24 && *m >= 0 && *m < 60 && *s >= 0 && *s < 61) {
      g.time_s = *h * 3600 + *m * 60 + *s;
    }
  }
}

GpsFix MakeGpsFix(const GpsRaw& g) {
  GpsFix fix;
  fix.map_datum = g.datum;
  fix.direction_deg = g.direction;
  fix.direction_ref = g.direction_ref;
  if (g.alt) fix.alt_m = (g.alt_ref && *g.alt_ref == 1) ? -*g.alt : *g.alt;
  if (g.speed) {
    const double factor = g.speed_ref == "M" ? 1.609344 : g.speed_ref == "N" ? 1.852 : 1.0;
    fix.speed_kmh = *g.speed * factor;
  }
  if (g.time_s && !g.date.empty()) {
    if (const auto date = ParseExifDateTime(g.date)) {
      fix.utc_seconds =
          static_cast<double>(DaysFromCivil(date->year, date->month, date->day)) * 86400 +
          *g.time_s;
    }
  }
  if (!g.has_position_tags) return fix;  // e.g. only a GPS time stamp
  if (!g.lat || !g.lon) {
    fix.problem = "GPS latitude or longitude missing or has a zero denominator";
    return fix;
  }
  fix.lat_deg = (g.lat_ref == "S" ? -*g.lat : *g.lat);
  fix.lon_deg = (g.lon_ref == "W" ? -*g.lon : *g.lon);
  if (g.lat_ref.empty() || g.lon_ref.empty()) {
    fix.problem = "GPS latitude/longitude reference (N/S, E/W) missing";
  } else if (!std::isfinite(fix.lat_deg) || !std::isfinite(fix.lon_deg) ||
             std::abs(fix.lat_deg) > 90 || std::abs(fix.lon_deg) > 180) {
    fix.problem = "GPS position out of range";
  } else {
    fix.position_valid = true;
  }
  return fix;
}

void ReadExif(const Exiv2::ExifData& exif, PhotoMetadata& out) {
  GpsRaw gps;
  for (const auto& d : exif) {
    const std::string key = d.key();
    out.tags.emplace_back(key, ValueText(d));
    if (key.rfind("Exif.GPSInfo.", 0) == 0) {
      ReadGpsTag(key, d, gps);
    } else if (key == "Exif.Image.Make") {
      out.make = Text(d);
    } else if (key == "Exif.Image.Model") {
      out.model = Text(d);
    } else if (key == "Exif.Image.Software") {
      out.software = Text(d);
    } else if (key == "Exif.Image.Orientation" && d.count() > 0) {
      out.orientation = static_cast<int>(d.toLong(0));
    } else if (key == "Exif.Photo.DateTimeOriginal") {
      out.datetime_original = ParseExifDateTime(d.toString());
    } else if (key == "Exif.Photo.SubSecTimeOriginal") {
      out.subsec_original = Text(d);
    } else if (key == "Exif.Image.DateTime") {
      out.datetime_modified = ParseExifDateTime(d.toString());
    } else if (key == "Exif.Photo.OffsetTimeOriginal" || key == "Exif.Photo.0x9011") {
      out.offset_time_original_s = ParseUtcOffset(d.toString());
    }
  }
  // A GPS IFD with only a version tag (common) is no GPS at all.
  if (gps.lat || gps.lon || gps.has_position_tags || gps.time_s || gps.alt)
    out.gps = MakeGpsFix(gps);
  if (const auto it = Exiv2::serialNumber(exif); it != exif.end()) out.serial = Text(*it);
  if (const auto it = Exiv2::lensName(exif); it != exif.end()) out.lens = Text(*it);
  if (out.orientation && (*out.orientation < 1 || *out.orientation > 8)) out.orientation.reset();
}

void ReadThumbnail(const Exiv2::ExifData& exif, PhotoMetadata& out) {
  Exiv2::ExifThumbC thumb(exif);
  const Exiv2::DataBuf buf = thumb.copy();
  if (buf.size_ <= 0 || buf.pData_ == nullptr) return;
  ThumbnailInfo info;
  info.bytes = static_cast<std::uint64_t>(buf.size_);
  info.data.assign(buf.pData_, buf.pData_ + buf.size_);
  if (auto jpeg = ParseJpegStructure(info.data); jpeg.ok()) {
    info.width = jpeg->width;
    info.height = jpeg->height;
  } else {
    const auto w = exif.findKey(Exiv2::ExifKey("Exif.Thumbnail.ImageWidth"));
    const auto h = exif.findKey(Exiv2::ExifKey("Exif.Thumbnail.ImageLength"));
    if (w != exif.end() && h != exif.end() && w->count() > 0 && h->count() > 0) {
      info.width = static_cast<int>(w->toLong(0));
      info.height = static_cast<int>(h->toLong(0));
    }
  }
  out.thumbnail = std::move(info);
}

void ReadIptcXmp(const Exiv2::IptcData& iptc, const Exiv2::XmpData& xmp, PhotoMetadata& out) {
  for (const auto& d : iptc) {
    out.tags.emplace_back(d.key(), ValueText(d));
    if (d.key() == "Iptc.Application2.SpecialInstructions") out.iptc_special_instructions = Text(d);
  }
  for (const auto& d : xmp) {
    const std::string key = d.key();
    out.tags.emplace_back(key, ValueText(d));
    if (key == "Xmp.xmp.CreatorTool")
      out.xmp_creator_tool = Text(d);
    else if (key.rfind("Xmp.xmpMM.History", 0) == 0 &&
             key.find("softwareAgent") != std::string::npos) {
      out.xmp_history_agents.push_back(Text(d));
    }
  }
}

// An image whose metadata has been read. HEIF (which exiv2 0.27 cannot read) comes through
// libheif: its EXIF block is a TIFF structure that exiv2 reads from memory, its XMP packet
// and ICC profile are set on that image. `owned` keeps the bytes exiv2 reads in place.
struct OpenedImage {
  std::vector<std::uint8_t> owned;
  Exiv2::Image::AutoPtr image;
  std::optional<HeifInfo> heif;
};

std::unique_ptr<OpenedImage> OpenAndRead(ImageFormat format, std::span<const std::uint8_t> bytes) {
  auto out = std::make_unique<OpenedImage>();
  if (format == ImageFormat::kHeif) {
    auto info = ReadHeifInfo(bytes);
    if (!info.ok()) throw Exiv2::Error(Exiv2::kerErrorMessage, info.error().message);
    // Without EXIF: an empty TIFF directory, so that the rest reads as for any image.
    out->owned = info->exif.empty()
                     ? std::vector<std::uint8_t>{'I', 'I', 42, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0}
                     : info->exif;
    out->heif = std::move(*info);
    bytes = out->owned;
    format = ImageFormat::kTiff;
  }
  Exiv2::BasicIo::AutoPtr io(new Exiv2::MemIo(bytes.data(), static_cast<long>(bytes.size())));
  switch (format) {
    case ImageFormat::kJpeg:
      out->image.reset(new Exiv2::JpegImage(io, false));
      break;
    case ImageFormat::kPng:
      out->image.reset(new Exiv2::PngImage(io, false));
      break;
    case ImageFormat::kTiff:
      out->image.reset(new Exiv2::TiffImage(io, false));
      break;
    case ImageFormat::kWebp:
      out->image.reset(new Exiv2::WebPImage(io));
      break;
    default:
      return nullptr;
  }
  out->image->readMetadata();
  if (out->heif) {
    if (!out->heif->xmp.empty()) {
      const std::string packet(out->heif->xmp.begin(), out->heif->xmp.end());
      out->image->setXmpPacket(packet);
      Exiv2::XmpParser::decode(out->image->xmpData(), packet);
    }
    if (!out->heif->icc.empty()) {
      Exiv2::DataBuf icc(out->heif->icc.data(), static_cast<long>(out->heif->icc.size()));
      out->image->setIccProfile(icc, false);
    }
  }
  return out;
}

void SummariseJpeg(const JpegStructure& s, PhotoMetadata& out) {
  JpegSummary j;
  j.quality_estimate = s.EstimatedQuality();
  j.standard_tables = s.StandardTables();
  j.subsampling = s.subsampling;
  j.progressive = s.progressive;
  for (const auto& seg : s.segments) {
    if (seg.marker >= 0xE0 && seg.marker <= 0xEF) {
      j.app_ids.push_back("APP" + std::to_string(seg.marker - 0xE0) + ":" +
                          SanitizeUtf8(seg.app_id));
    }
  }
  for (const auto& c : s.comments) j.comments.push_back(SanitizeUtf8(c));
  j.trailing_bytes = s.trailing_bytes;
  j.has_eoi = s.has_eoi;
  out.jpeg = std::move(j);
}

VendorInfo VendorFromJpeg(const JpegStructure& s, std::span<const std::uint8_t> bytes) {
  VendorInfo merged;
  for (const auto& seg : s.segments) {
    if (seg.length < 2) continue;
    const auto body = bytes.subspan(seg.offset + 4, seg.length - 2);
    VendorInfo v;
    if (seg.marker == 0xE0 && seg.app_id.rfind("II\x1a", 0) == 0)
      v = ParseCiffApp0(body);
    else if (seg.marker == 0xEC)
      v = ParsePictureInfoApp12(body);
    else
      continue;
    if (merged.make.empty()) merged.make = v.make;
    if (merged.model.empty()) merged.model = v.model;
    if (!merged.datetime_original) merged.datetime_original = v.datetime_original;
  }
  return merged;
}

// Fields exiftool also takes from XMP or maker notes when EXIF lacks them.
void ApplyFallbacks(const Exiv2::Image& image, const VendorInfo& jpeg_vendor, PhotoMetadata& out) {
  const Exiv2::XmpData& xmp = image.xmpData();
  const auto xmp_text = [&](const char* key) -> std::string {
    const auto it = xmp.findKey(Exiv2::XmpKey(key));
    return it == xmp.end() ? std::string() : Text(*it);
  };
  if (out.make.empty()) out.make = xmp_text("Xmp.tiff.Make");
  if (out.model.empty()) out.model = xmp_text("Xmp.tiff.Model");
  if (!out.orientation) {
    const std::string o = xmp_text("Xmp.tiff.Orientation");
    if (o.size() == 1 && o[0] >= '1' && o[0] <= '8') out.orientation = o[0] - '0';
  }
  // XMP dates carry their zone ("2004-08-27T13:52:55+02:00"): an offset for the capture
  // time when EXIF has none and the local times agree.
  const std::string xmp_dto = xmp_text("Xmp.exif.DateTimeOriginal");
  if (const auto local = ParseExifDateTime(xmp_dto)) {
    if (!out.datetime_original) out.datetime_original = local;
    if (!out.offset_time_original_s && xmp_dto.size() > 19 &&
        ToEpochSeconds(*local) == ToEpochSeconds(*out.datetime_original)) {
      std::string_view zone(xmp_dto);
      zone.remove_prefix(19);
      if (!zone.empty() && zone[0] == '.')
        zone.remove_prefix(std::min(zone.find_first_of("+-Z"), zone.size()));
      out.offset_time_original_s = ParseUtcOffset(zone);
    }
  }
  if (out.make.empty()) out.make = jpeg_vendor.make;
  if (out.model.empty()) out.model = jpeg_vendor.model;
  if (!out.datetime_original) out.datetime_original = jpeg_vendor.datetime_original;
  // exiftool recognises the Reconyx maker note by its content, as here.
  if ((out.make.empty() || ToLower(out.make) == "reconyx") && !out.datetime_original) {
    const Exiv2::ExifData& exif = image.exifData();
    const auto note = exif.findKey(Exiv2::ExifKey("Exif.Photo.MakerNote"));
    if (note != exif.end() && note->size() > 0 && note->size() < (1 << 20)) {
      std::vector<std::uint8_t> raw(note->size());
      note->copy(raw.data(), Exiv2::littleEndian);
      const VendorInfo v = ParseReconyxMakerNote(raw);
      if (!out.datetime_original) out.datetime_original = v.datetime_original;
      if (out.serial.empty()) out.serial = v.serial;
    }
  }
}

}  // namespace

void InitializeMetadataLibrary() {
  static std::once_flag once;
  std::call_once(once, [] {
    Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
    Exiv2::XmpParser::initialize(&XmpLock, &xmp_mutex);
  });
}

Status ReadPhotoMetadata(std::span<const std::uint8_t> bytes, PhotoMetadata& out) {
  const ImageFormat format = DetectFormat(bytes.first(std::min<std::size_t>(bytes.size(), 64)));
  out.format = FormatName(format);
  if (!IsSupportedForMetadata(format)) {
    return MakeError(format == ImageFormat::kUnknown
                         ? "not an image geoverify reads (content is not JPEG, PNG, TIFF or WebP)"
                         : "format " + out.format + " is not supported for metadata reading");
  }
  VendorInfo jpeg_vendor;
  if (format == ImageFormat::kJpeg) {
    // Our own bounds-checked pass first: dimensions as the decoder sees them, and a
    // clear error for truncated or corrupt streams before exiv2 sees them.
    auto jpeg = ParseJpegStructure(bytes);
    if (!jpeg.ok()) return MakeError("corrupt JPEG: " + jpeg.error().message);
    out.width = jpeg->width;
    out.height = jpeg->height;
    SummariseJpeg(*jpeg, out);
    jpeg_vendor = VendorFromJpeg(*jpeg, bytes);
  }
  try {
    auto opened = OpenAndRead(format, bytes);
    if (!opened) return MakeError("no metadata reader for format " + out.format);
    const auto& image = opened->image;
    if (opened->heif) {
      out.width = opened->heif->width;
      out.height = opened->heif->height;
      HeifSummary h;
      h.codec = opened->heif->codec;
      h.rotation_cw = (360 - opened->heif->rotation_ccw) % 360;
      h.mirror = opened->heif->mirror;
      h.mirror_first = opened->heif->mirror_first;
      h.thumbnails = opened->heif->thumbnails;
      h.alpha = opened->heif->alpha;
      out.heif = h;
    } else if (format != ImageFormat::kJpeg) {
      out.width = image->pixelWidth();
      out.height = image->pixelHeight();
    }
    const Exiv2::ExifData& exif = image->exifData();
    out.has_exif = !exif.empty();
    out.has_iptc = !image->iptcData().empty();
    out.has_xmp = !image->xmpData().empty();
    out.tags.reserve(exif.count() + image->iptcData().count() + image->xmpData().count());
    ReadExif(exif, out);
    ReadIptcXmp(image->iptcData(), image->xmpData(), out);
    ReadThumbnail(exif, out);
    ApplyFallbacks(*image, jpeg_vendor, out);
  } catch (const std::exception& e) {
    return MakeError(std::string("metadata could not be read: ") + SanitizeUtf8(e.what()));
  }
  return OkStatus();
}

std::vector<std::uint8_t> ReadIccProfile(std::span<const std::uint8_t> bytes) {
  InitializeMetadataLibrary();
  const ImageFormat format = DetectFormat(bytes.first(std::min<std::size_t>(bytes.size(), 64)));
  if (!IsSupportedForMetadata(format)) return {};
  try {
    auto opened = OpenAndRead(format, bytes);
    if (!opened) return {};
    const auto& image = opened->image;
    if (!image->iccProfileDefined()) return {};
    const Exiv2::DataBuf* icc = image->iccProfile();
    return std::vector<std::uint8_t>(icc->pData_, icc->pData_ + icc->size_);
  } catch (const std::exception&) {
    return {};
  }
}

std::vector<std::string> IdentifyingStrings(std::span<const std::uint8_t> bytes) {
  InitializeMetadataLibrary();
  std::vector<std::string> out;
  const ImageFormat format = DetectFormat(bytes.first(std::min<std::size_t>(bytes.size(), 64)));
  if (!IsSupportedForMetadata(format)) return out;
  try {
    auto opened = OpenAndRead(format, bytes);
    if (!opened) return out;
    const auto& image = opened->image;
    for (const auto& d : image->exifData()) {
      const std::string key = d.key();
      if (key.find("Serial") != std::string::npos) out.push_back(d.toString());
      if (key == "Exif.GPSInfo.GPSLatitude" || key == "Exif.GPSInfo.GPSLongitude") {
        std::vector<Exiv2::byte> raw(static_cast<std::size_t>(d.size()));
        if (raw.empty()) continue;
        for (const auto order : {Exiv2::littleEndian, Exiv2::bigEndian}) {
          d.copy(raw.data(), order);
          out.emplace_back(raw.begin(), raw.end());
        }
      }
    }
    for (const auto& d : image->xmpData()) {
      const std::string key = d.key();
      if (key.find("GPS") != std::string::npos || key.find("Serial") != std::string::npos)
        out.push_back(d.toString());
    }
  } catch (const std::exception&) {
    // What exiv2 cannot read it cannot name; the container scan of the copy still runs.
  }
  out.erase(
      std::remove_if(out.begin(), out.end(), [](const std::string& s) { return s.size() < 4; }),
      out.end());
  return out;
}

Result<std::vector<std::string>> MetadataPresent(std::span<const std::uint8_t> bytes) {
  InitializeMetadataLibrary();
  const ImageFormat format = DetectFormat(bytes.first(std::min<std::size_t>(bytes.size(), 64)));
  if (!IsSupportedForMetadata(format)) return MakeError("not a format exiv2 reads here");
  std::vector<std::string> out;
  try {
    auto opened = OpenAndRead(format, bytes);
    if (!opened) return MakeError("not a format exiv2 reads here");
    const auto& image = opened->image;
    for (const auto& d : image->exifData()) out.push_back(d.key());
    if (!image->xmpData().empty() || !image->xmpPacket().empty()) out.push_back("XMP");
    if (!image->iptcData().empty()) out.push_back("IPTC");
    if (!image->comment().empty()) out.push_back("comment");
    if (image->iccProfileDefined()) out.push_back("ICC");
  } catch (const std::exception& e) {
    return MakeError(std::string("exiv2: ") + e.what());
  }
  return out;
}

}  // namespace gv
