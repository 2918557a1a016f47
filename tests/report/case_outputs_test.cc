#include "report/case_outputs.h"

#include <gdal.h>
#include <gtest/gtest.h>
#include <ogr_api.h>

#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "case/pipeline.h"
#include "report/html_report.h"
#include "report/layers.h"
#include "support/synth_photo.h"
#include "support/temp_dir.h"
#include "util/text.h"

namespace gv {
namespace {

class CaseOutputsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(case_dir_);
    test::SynthExif hostile;
    hostile.make = "<script>alert('make')</script>";
    hostile.model = "=cmd|' /C calc'!A0";
    hostile.datetime_original = "2025:03:14 16:20:00";
    hostile.lat = 16.647556, hostile.lon = 98.520722;
    test::WritePhoto(case_dir_ / "kk park <b>.jpg", test::MakeSceneJpeg(128, 96, 85, 1), hostile);
    test::SynthExif plain;
    plain.make = "samsung";
    test::WritePhoto(case_dir_ / "no_gps.jpg", test::MakeSceneJpeg(128, 96, 85, 2), plain);
    test::WriteText(case_dir_ / "notes.txt", "case notes");
    auto built = BuildCase(case_dir_, {});
    ASSERT_TRUE(built.ok()) << built.error().message;
    case_ = std::move(built).value();
    PipelineOptions options;
    options.skip = {"forensics", "same_scene"};  // not what these tests are about
    ASSERT_TRUE(RunCasePipeline(case_, options).ok());
  }
  static std::string Slurp(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  test::TempDir dir_;
  std::filesystem::path case_dir_ = dir_ / "case";
  Case case_;
};

TEST_F(CaseOutputsTest, BuildCaseRecordsEveryFileWithItsHash) {
  ASSERT_EQ(case_.evidence.size(), 3u);
  EXPECT_EQ(case_.photos.size(), 2u);
  EXPECT_EQ(case_.failed, 0u);
  for (const auto& e : case_.evidence) EXPECT_EQ(e.sha256.size(), 64u) << e.path;
  EXPECT_EQ(case_.evidence[2].path, "notes.txt");
  EXPECT_EQ(case_.evidence[2].kind, "other");
}

TEST_F(CaseOutputsTest, GeoPackageHasPhotosEvidenceAndFindingsReadableByGdal) {
  const auto out = dir_ / "out";
  auto written = WriteCaseOutputs(case_, out);
  ASSERT_TRUE(written.ok()) << written.error().message;
  GDALAllRegister();
  GDALDatasetH ds = GDALOpenEx((out / "case.gpkg").c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                               nullptr, nullptr, nullptr);
  ASSERT_NE(ds, nullptr);
  OGRLayerH photos = GDALDatasetGetLayerByName(ds, "photos");
  ASSERT_NE(photos, nullptr);
  EXPECT_EQ(OGR_L_GetFeatureCount(photos, TRUE), 1);
  OGRFeatureH f = OGR_L_GetNextFeature(photos);
  ASSERT_NE(f, nullptr);
  EXPECT_STREQ(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "sha256")),
               case_.photos[0].sha256.c_str());
  EXPECT_STREQ(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "make")),
               "<script>alert('make')</script>");
  OGRGeometryH g = OGR_F_GetGeometryRef(f);
  EXPECT_NEAR(OGR_G_GetX(g, 0), 98.520722, 1e-6);
  EXPECT_NEAR(OGR_G_GetY(g, 0), 16.647556, 1e-6);
  OGR_F_Destroy(f);
  OGRLayerH evidence = GDALDatasetGetLayerByName(ds, "evidence");
  ASSERT_NE(evidence, nullptr);
  EXPECT_EQ(OGR_L_GetFeatureCount(evidence, TRUE), 3);
  EXPECT_NE(GDALDatasetGetLayerByName(ds, "findings"), nullptr);
  GDALClose(ds);
}

TEST_F(CaseOutputsTest, KmlAndHtmlEscapeMetadataAndReRunReplacesOutputs) {
  const auto out = dir_ / "out";
  ASSERT_TRUE(WriteCaseOutputs(case_, out).ok());
  ASSERT_TRUE(WriteCaseOutputs(case_, out).ok());  // idempotent re-run
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(out)) ++files;
  EXPECT_EQ(files, 8);  // six outputs (hypotheses.json too), posterior_1.tif and photos/
  EXPECT_TRUE(std::filesystem::is_regular_file(out / "posterior_1.tif"));
  for (const auto& e : std::filesystem::recursive_directory_iterator(out))
    EXPECT_NE(e.path().filename().string()[0], '.') << e.path();  // no temporary files left
  const std::string kml = Slurp(out / "case.kml");
  EXPECT_EQ(kml.find("<script>alert"), std::string::npos);
  EXPECT_NE(kml.find(case_.photos[0].sha256), std::string::npos);
  const std::string html = Slurp(out / "report.html");
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;make&#39;)"), std::string::npos);
  EXPECT_NE(html.find("kk park &lt;b&gt;.jpg"), std::string::npos);
  EXPECT_NE(html.find(case_.photos[1].sha256), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);  // self-contained, offline
  EXPECT_EQ(html.find("<link "), std::string::npos);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  const std::string csv = Slurp(out / "manifest.csv");
  EXPECT_NE(csv.find("\"kk park <b>.jpg\","), std::string::npos);
  EXPECT_NE(csv.find(case_.evidence[2].sha256), std::string::npos);
}

// Once a photo's pictures are on disk, the case keeps only those the report embeds, encoded
// as it embeds them: memory does not grow by a megabyte a photo over a long run.
TEST_F(CaseOutputsTest, WrittenPicturesAreKeptOnlyAsTheReportShowsThem) {
  PhotoRecord p;
  p.path = "x.jpg";
  p.sha256 = std::string(64, 'a');
  cv::Mat photo(750, 1000, CV_8UC3);
  cv::randu(photo, cv::Scalar::all(0), cv::Scalar::all(255));
  cv::GaussianBlur(photo, photo, cv::Size(9, 9), 3);  // a photo's detail, not pure noise
  p.pictures.push_back({"preview", photo, "", {}, {}});
  p.pictures.push_back({"noise", cv::Mat(600, 800, CV_8UC1, cv::Scalar(7)), "", {}, {}});
  p.pictures.push_back(
      {"text_1", cv::Mat(100, 500, CV_8UC3, cv::Scalar(200, 200, 200)), "", {}, {}});
  const auto out = dir_ / "pictures";
  WritePhotoFiles(p, out);
  ASSERT_TRUE(p.errors.empty()) << p.errors[0].message;
  for (const auto& picture : p.pictures) {
    ASSERT_FALSE(picture.path.empty()) << picture.name;
    EXPECT_TRUE(std::filesystem::is_regular_file(out / picture.path)) << picture.path;
    EXPECT_TRUE(picture.image.empty()) << picture.name;  // the pixels: on disk only
  }
  // The preview as the report's JPEG at 360 px: a small part of its pixels' 285 KB.
  const cv::Mat preview = cv::imdecode(p.pictures[0].shown, cv::IMREAD_UNCHANGED);
  EXPECT_EQ(preview.size(), cv::Size(kReportPictureSide, 270));
  EXPECT_LT(p.pictures[0].shown.size(), 360u * 270 * 3 / 4);
  EXPECT_TRUE(p.pictures[1].shown.empty());  // not in the report
  const cv::Mat noise = cv::imread((out / p.pictures[1].path).string(), cv::IMREAD_UNCHANGED);
  EXPECT_EQ(noise.size(), cv::Size(800, 600));
  // A text crop as the report's PNG at 320 px.
  const cv::Mat crop = cv::imdecode(p.pictures[2].shown, cv::IMREAD_UNCHANGED);
  EXPECT_EQ(crop.cols, 320);
  // The report embeds exactly these bytes.
  Case c = case_;
  c.photos = {p};
  auto html = RenderHtmlReport(c);
  ASSERT_TRUE(html.ok()) << html.error().message;
  std::vector<std::uint8_t> shown = p.pictures[0].shown;
  EXPECT_NE(html->find("data:image/jpeg;base64," + Base64(shown)), std::string::npos);

  // run keeps them in a scratch file instead: nothing in memory, the same bytes read back,
  // the same report.
  PhotoRecord q = p;
  q.files_written = false;
  q.pictures = {{"preview", photo, "", {}, {}},
                {"text_1", cv::Mat(100, 500, CV_8UC3, cv::Scalar(200, 200, 200)), "", {}, {}}};
  auto keep = ScratchFile::Create(dir_.path(), "report pictures");
  ASSERT_TRUE(keep.ok()) << keep.error().message;
  WritePhotoFiles(q, dir_ / "pictures_kept", *keep);
  ASSERT_TRUE(q.errors.empty()) << q.errors[0].message;
  for (const auto& picture : q.pictures) {
    EXPECT_TRUE(picture.shown.empty()) << picture.name;
    EXPECT_EQ(picture.shown_kept.file, *keep) << picture.name;
  }
  EXPECT_EQ((*keep)->size(), p.pictures[0].shown.size() + p.pictures[2].shown.size());
  auto back = q.pictures[0].ShownBytes();
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, p.pictures[0].shown);
  c.photos = {q};
  auto html_kept = RenderHtmlReport(c);
  ASSERT_TRUE(html_kept.ok()) << html_kept.error().message;
  EXPECT_NE(html_kept->find("data:image/jpeg;base64," + Base64(shown)), std::string::npos);
  EXPECT_EQ(html_kept->find("picture unavailable"), std::string::npos);

  // A kept picture that cannot be read back (here: bytes past the scratch file's end) is not
  // left out unsaid: the report says in its place that it is unavailable, and why.
  c.photos[0].pictures[0].shown_kept.offset = (*keep)->size();
  auto html_lost = RenderHtmlReport(c);
  ASSERT_TRUE(html_lost.ok()) << html_lost.error().message;
  EXPECT_EQ(html_lost->find("data:image/jpeg;base64," + Base64(shown)), std::string::npos);
  EXPECT_NE(html_lost->find("picture unavailable (preview): report pictures outside the "
                            "temporary file"),
            std::string::npos);

  // Nor is one whose bytes read back but do not decode where the report shows it smaller
  // (a video's keyframe strip, at 200 px): here the first 4 bytes of the kept preview.
  c.photos[0].pictures[0].shown_kept.offset = 0;
  c.photos[0].pictures[0].shown_kept.size = 4;
  c.photos[0].frame = FrameSource{"clip.mp4", std::string(64, 'b'), 1.5};
  VideoRecord video;
  video.path = "clip.mp4";
  video.sha256 = std::string(64, 'b');
  video.frames = {c.photos[0].path};
  c.videos = {video};
  auto html_strip = RenderHtmlReport(c);
  ASSERT_TRUE(html_strip.ok()) << html_strip.error().message;
  const auto strip = html_strip->find("<div class=strip>");
  ASSERT_NE(strip, std::string::npos);
  EXPECT_EQ(html_strip->find("<span class=unavailable>picture unavailable (preview): its 4 kept "
                             "bytes do not decode</span>",
                             strip),
            strip + std::string("<div class=strip><a href='#photo-1'><figure>").size());
}

// run writes each place group's posterior as soon as the group is fused and frees its cells
// (tens of MB for a time zone's band, a group's worth until the end): the same file as
// written at the end, and listed among the outputs.
TEST_F(CaseOutputsTest, PosteriorWrittenAsTheGroupIsFusedAndItsCellsFreed) {
  const auto at_end = dir_ / "at_end";
  ASSERT_TRUE(WriteCaseOutputs(case_, at_end).ok());
  auto built = BuildCase(case_dir_, {});
  ASSERT_TRUE(built.ok()) << built.error().message;
  Case c = std::move(built).value();
  const auto out = dir_ / "as_fused";
  PipelineOptions options;
  options.skip = {"forensics", "same_scene"};
  std::size_t cells_seen = 0;
  options.on_group_fused = [&](const Case& fused_case, GroupFusion& g) {
    cells_seen += g.result.posterior.size();
    EXPECT_TRUE(WriteGroupPosterior(fused_case, g, out).ok());
  };
  ASSERT_TRUE(RunCasePipeline(c, options).ok());
  EXPECT_GT(cells_seen, 0u);
  ASSERT_FALSE(c.fusion.empty());
  EXPECT_EQ(c.fusion[0].posterior_file, "posterior_1.tif");
  for (const auto& g : c.fusion) EXPECT_EQ(g.result.posterior.capacity(), 0u) << g.group;
  EXPECT_EQ(Slurp(out / "posterior_1.tif"), Slurp(at_end / "posterior_1.tif"));
  auto written = WriteCaseOutputs(c, out);
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_NE(std::find(written->begin(), written->end(), out / "posterior_1.tif"), written->end());
  EXPECT_EQ(Slurp(out / "hypotheses.json"), Slurp(at_end / "hypotheses.json"));
}

TEST_F(CaseOutputsTest, ReportSaysSoWhenBordersAreMissing) {
  HtmlReportOptions options;
  options.borders = dir_ / "no-such-borders.geojson";
  auto html = RenderHtmlReport(case_, options);
  ASSERT_TRUE(html.ok()) << html.error().message;
  EXPECT_NE(html->find("Country borders are missing"), std::string::npos);
  auto with = RenderHtmlReport(case_);
  ASSERT_TRUE(with.ok());
  EXPECT_EQ(with->find("Country borders are missing"), std::string::npos);
}

TEST_F(CaseOutputsTest, AnyOgrFormatByExtension) {
  ASSERT_TRUE(WriteCaseLayers(case_, dir_ / "photos.geojson").ok());
  EXPECT_NE(Slurp(dir_ / "photos.geojson").find("\"sha256\""), std::string::npos);
  EXPECT_FALSE(WriteCaseLayers(case_, dir_ / "photos.unknown").ok());
}

TEST_F(CaseOutputsTest, UnwritableOutputFolderIsAnError) {
  EXPECT_FALSE(WriteCaseOutputs(case_, "/proc/geoverify-cannot-write-here").ok());
}

}  // namespace
}  // namespace gv
