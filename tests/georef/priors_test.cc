// Heading and scale priors read from photos' metadata (DJI XMP, GPSImgDirection), written
// into real JPEGs with exiv2 and read back by the project's metadata reader.
#include "georef/priors.h"

#include <gtest/gtest.h>

#include <exiv2/exiv2.hpp>

#include "metadata/exiv2_reader.h"
#include "support/synth_photo.h"
#include "support/temp_dir.h"

namespace gv {
namespace {

// A DJI-style XMP packet (namespace and properties as DJI's drones write them).
std::string DjiPacket(const char* gimbal_pitch) {
  return std::string(R"(<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="DJI Meta Data" xmlns:drone-dji="http://www.dji.com/drone-dji/1.0/"
 drone-dji:AbsoluteAltitude="+212.35" drone-dji:RelativeAltitude="+120.20"
 drone-dji:GimbalRollDegree="+0.00" drone-dji:GimbalYawDegree="+35.50"
 drone-dji:GimbalPitchDegree=")") +
         gimbal_pitch + R"(" drone-dji:FlightYawDegree="+31.20"/>
</rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>)";
}

PhotoMetadata Read(const std::filesystem::path& path) {
  const auto bytes = test::ReadAll(path);
  PhotoMetadata m;
  EXPECT_TRUE(ReadPhotoMetadata(bytes, m).ok());
  return m;
}

std::filesystem::path DroneJpeg(const std::filesystem::path& dir, const char* pitch) {
  const auto path = dir / (std::string("dji") + pitch + ".jpg");
  test::WritePhoto(path, test::MakeSceneJpeg(400, 300, 90, 3), {});
  auto image = Exiv2::ImageFactory::open(path.string());
  image->readMetadata();
  image->exifData()["Exif.Photo.FocalLengthIn35mmFilm"] = static_cast<std::uint16_t>(24);
  image->setXmpPacket(DjiPacket(pitch));
  image->writeXmpFromPacket(true);
  image->writeMetadata();
  return path;
}

TEST(GeorefPriors, DroneLookingDownGivesHeadingAndGroundSampleDistance) {
  InitializeMetadataLibrary();
  test::TempDir dir;
  const PhotoMetadata m = Read(DroneJpeg(dir.path(), "-89.90"));
  // The photo as shown at 4000 x 3000 (its diagonal 5,000 px): 120.2 m above take-off with a
  // 24 mm equivalent lens sees 120.2 * 43.27 / 24 = 216.7 m across the diagonal.
  const GeorefPriors p = PriorsFromMetadata(m, {4000, 3000});
  ASSERT_TRUE(p.heading_deg.has_value());
  EXPECT_DOUBLE_EQ(*p.heading_deg, 35.5);  // the gimbal's yaw, not the aircraft's 31.2
  EXPECT_EQ(p.heading_source, "DJI GimbalYawDegree");
  ASSERT_TRUE(p.gsd_m.has_value());
  EXPECT_NEAR(*p.gsd_m, 120.2 * 43.2666 / (24 * 5000.0), 1e-6);
  GeorefOptions o;
  p.ApplyTo(o);
  EXPECT_DOUBLE_EQ(*o.heading_deg, 35.5);
  EXPECT_DOUBLE_EQ(o.heading_tol_deg, 10);
  EXPECT_DOUBLE_EQ(o.gsd_rel_tol, 0.2);
}

TEST(GeorefPriors, ObliqueDroneGivesAHeadingButNoScale) {
  InitializeMetadataLibrary();
  test::TempDir dir;
  const GeorefPriors p = PriorsFromMetadata(Read(DroneJpeg(dir.path(), "-30.00")), {4000, 3000});
  ASSERT_TRUE(p.heading_deg.has_value());
  EXPECT_DOUBLE_EQ(*p.heading_deg, 35.5);
  EXPECT_FALSE(p.gsd_m.has_value());
}

TEST(GeorefPriors, PhoneCompassGivesAWideHeading) {
  InitializeMetadataLibrary();
  test::TempDir dir;
  const auto path = dir.path() / "phone.jpg";
  test::SynthExif e;
  e.lat = 16.69;
  e.lon = 98.5;
  test::WritePhoto(path, test::MakeSceneJpeg(400, 300, 90, 4), e);
  {
    auto image = Exiv2::ImageFactory::open(path.string());
    image->readMetadata();
    image->exifData()["Exif.GPSInfo.GPSImgDirectionRef"] = "M";
    image->exifData()["Exif.GPSInfo.GPSImgDirection"] = Exiv2::URational(2471, 10);
    image->writeMetadata();
  }
  const GeorefPriors p = PriorsFromMetadata(Read(path), {400, 300});
  ASSERT_TRUE(p.heading_deg.has_value());
  EXPECT_NEAR(*p.heading_deg, 247.1, 1e-9);
  EXPECT_DOUBLE_EQ(*p.heading_tol_deg, 30);  // magnetic
  EXPECT_FALSE(p.gsd_m.has_value());
  // A photo without any: no priors.
  const auto plain = dir.path() / "plain.jpg";
  test::WritePhoto(plain, test::MakeSceneJpeg(400, 300, 90, 5), {});
  const GeorefPriors none = PriorsFromMetadata(Read(plain), {400, 300});
  EXPECT_FALSE(none.heading_deg || none.gsd_m);
}

TEST(GeorefPriors, AnalystValuesParse) {
  auto h = ParseHeadingPrior("275:15");
  ASSERT_TRUE(h.ok());
  EXPECT_DOUBLE_EQ(h->first, 275);
  EXPECT_DOUBLE_EQ(*h->second, 15);
  h = ParseHeadingPrior("-30");
  ASSERT_TRUE(h.ok());
  EXPECT_FALSE(h->second.has_value());
  GeorefPriors p;
  p.heading_deg = h->first;
  GeorefOptions o;
  p.ApplyTo(o);
  EXPECT_DOUBLE_EQ(*o.heading_deg, 330);  // normalised to [0, 360)
  EXPECT_FALSE(ParseHeadingPrior("north").ok());
  EXPECT_FALSE(ParseHeadingPrior("10:200").ok());
  auto g = ParseGsdPrior("0.5:0.1");
  ASSERT_TRUE(g.ok());
  EXPECT_DOUBLE_EQ(g->first, 0.5);
  EXPECT_DOUBLE_EQ(*g->second, 0.1);
  EXPECT_FALSE(ParseGsdPrior("0").ok());
  EXPECT_FALSE(ParseGsdPrior("2:1.5").ok());
  EXPECT_FALSE(ParseGsdPrior("1m").ok());
}

}  // namespace
}  // namespace gv
