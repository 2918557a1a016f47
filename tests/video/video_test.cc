// Videos through FFmpeg: files made with FFmpeg's own encoders and muxers the way phones and
// messaging apps write them (iPhone MOV with 'mdta' keys, Android MP4 with (c)xyz, stripped
// re-encodes, Matroska, WebM, 3GP), read back through the real reader, keyframe extractor and
// binary, and checked against exiftool where it reads the same field.
#include "video/video.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "image/format.h"
#include "metadata/video_metadata.h"
#include "support/make_video.h"
#include "support/run_binary.h"
#include "support/synth_photo.h"
#include "support/temp_dir.h"
#include "util/sha256.h"

namespace gv {
namespace {

using test::Geoverify;
using test::Quote;

// Three scenes that differ in layout and colour, 2 s each at 10 frames a second.
std::vector<std::pair<cv::Mat, int>> ThreeScenes(int width = 320, int height = 240) {
  std::vector<std::pair<cv::Mat, int>> scenes;
  for (int seed : {3, 11, 29}) {
    cv::Mat m = test::MakeTexture(seed, width, height);
    cv::Mat tint(m.size(), m.type(), cv::Scalar(seed * 7 % 255, 255 - seed * 5, seed * 3));
    cv::addWeighted(m, 0.6, tint, 0.4, 0, m);
    scenes.emplace_back(m, 20);
  }
  return scenes;
}

test::VideoSpec IphoneSpec() {
  test::VideoSpec spec;
  spec.muxer = "mov";
  spec.encoder = "libx264";
  spec.scenes = ThreeScenes();
  spec.metadata_keys = true;
  spec.rotation_cw = 90;  // a phone held upright
  spec.tags = {{"com.apple.quicktime.creationdate", "2025-03-01T09:03:04+0700"},
               {"com.apple.quicktime.location.ISO6709", "+16.6869+098.5083+012.000/"},
               {"com.apple.quicktime.make", "Apple"},
               {"com.apple.quicktime.model", "iPhone 13"},
               {"com.apple.quicktime.software", "17.4"},
               {"creation_time", "2025-03-01T02:03:04.000000Z"}};
  return spec;
}

void Write(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

TEST(Iso6709, ReadsDegreesAndDegreeMinuteForms) {
  auto p = ParseIso6709("+16.6869+098.5083+012.000/");
  ASSERT_TRUE(p);
  EXPECT_DOUBLE_EQ(p->lat_deg, 16.6869);
  EXPECT_DOUBLE_EQ(p->lon_deg, 98.5083);
  ASSERT_TRUE(p->alt_m);
  EXPECT_DOUBLE_EQ(*p->alt_m, 12.0);
  p = ParseIso6709("-33.8688+151.2093/");
  ASSERT_TRUE(p);
  EXPECT_DOUBLE_EQ(p->lat_deg, -33.8688);
  EXPECT_FALSE(p->alt_m);
  p = ParseIso6709("+1641.214+09830.498/");  // degrees and minutes
  ASSERT_TRUE(p);
  EXPECT_NEAR(p->lat_deg, 16 + 41.214 / 60, 1e-9);
  EXPECT_NEAR(p->lon_deg, 98 + 30.498 / 60, 1e-9);
  p = ParseIso6709("+164112-0983030/");  // degrees, minutes and seconds
  ASSERT_TRUE(p);
  EXPECT_NEAR(p->lat_deg, 16 + 41 / 60.0 + 12 / 3600.0, 1e-9);
  EXPECT_NEAR(p->lon_deg, -(98 + 30 / 60.0 + 30 / 3600.0), 1e-9);
  EXPECT_FALSE(ParseIso6709("16.6869+098.5083/"));  // no sign
  EXPECT_FALSE(ParseIso6709("+91.0000+098.5083/"));
  EXPECT_FALSE(ParseIso6709("+16.6869"));
  EXPECT_FALSE(ParseIso6709(""));
}

TEST(Video, ReadsAnIphoneMovLikeExiftool) {
  const auto mov = test::MakeVideo(IphoneSpec());
  ASSERT_EQ(DetectFormat(mov), ImageFormat::kIsoVideo);
  auto info = ReadVideoInfo(mov);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->container, "MOV");
  EXPECT_EQ(info->codec, "h264");
  EXPECT_EQ(info->width, 320);
  EXPECT_EQ(info->height, 240);
  EXPECT_EQ(info->rotation_deg, 90);
  EXPECT_NEAR(info->duration_s, 6.0, 0.15);
  EXPECT_NEAR(info->fps, 10, 0.3);  // the average over the track's duration
  ASSERT_TRUE(info->location);
  EXPECT_DOUBLE_EQ(info->location->lat_deg, 16.6869);
  EXPECT_DOUBLE_EQ(info->location->lon_deg, 98.5083);
  EXPECT_EQ(info->location_key, "com.apple.quicktime.location.ISO6709");
  ASSERT_TRUE(info->apple_creation);
  EXPECT_EQ(FormatIsoLocal(info->apple_creation->local), "2025-03-01T09:03:04");
  EXPECT_EQ(info->apple_creation->offset_s, 7 * 3600);
  ASSERT_TRUE(info->container_utc);
  EXPECT_EQ(FormatIsoUtc(*info->container_utc), "2025-03-01T02:03:04Z");
  EXPECT_EQ(info->make, "Apple");
  EXPECT_EQ(info->model, "iPhone 13");
  EXPECT_EQ(info->software, "17.4");

  // exiftool, an independent reader, sees the same rotation, position and creation date.
  test::TempDir dir;
  const auto path = dir.path() / "IMG_0001.MOV";
  Write(path, mov);
  const auto tool =
      test::RunCommand("exiftool -json -n -Rotation -GPSCoordinates -CreationDate " + Quote(path));
  ASSERT_EQ(tool.exit_code, 0) << "exiftool is installed by scripts/deps";
  const auto j = nlohmann::json::parse(tool.out)[0];
  EXPECT_EQ(j["Rotation"].get<int>(), info->rotation_deg);
  const std::string coordinates = j["GPSCoordinates"].get<std::string>();  // "lat lon alt"
  EXPECT_EQ(coordinates.rfind("16.6869 98.5083", 0), 0u) << coordinates;
  EXPECT_EQ(j["CreationDate"].get<std::string>(), "2025:03:01 09:03:04+07:00");
}

TEST(Video, KeyframesAreTheScenesUprightAtTheirTimes) {
  auto spec = IphoneSpec();
  const auto mov = test::MakeVideo(spec);
  auto frames = ExtractKeyframes(mov);
  ASSERT_TRUE(frames.ok()) << frames.error().message;
  ASSERT_EQ(frames->size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& k = (*frames)[i];
    EXPECT_NEAR(k.offset_s, 2.0 * static_cast<double>(i), 0.55) << i;
    // Upright: the 320x240 scene turned a quarter clockwise.
    ASSERT_EQ(k.bgr.cols, 240);
    ASSERT_EQ(k.bgr.rows, 320);
    cv::Mat expected;
    cv::rotate(spec.scenes[i].first, expected, cv::ROTATE_90_CLOCKWISE);
    const double own = test::MeanDifference(k.bgr, expected);
    cv::Mat other;
    cv::rotate(spec.scenes[(i + 1) % 3].first, other, cv::ROTATE_90_CLOCKWISE);
    EXPECT_LT(own, 12) << i;
    EXPECT_GT(test::MeanDifference(k.bgr, other), 2 * own) << i;
  }
}

TEST(Video, LongGopStreamsAreSampledAndTheCapKeepsTheStrongestCuts) {
  test::VideoSpec spec;
  spec.encoder = "mpeg4";
  spec.gop = 600;  // one keyframe for the whole video, as screen recorders do
  spec.scenes = ThreeScenes();
  const auto mp4 = test::MakeVideo(spec);
  auto frames = ExtractKeyframes(mp4);
  ASSERT_TRUE(frames.ok()) << frames.error().message;
  ASSERT_EQ(frames->size(), 3u);
  EXPECT_NEAR((*frames)[1].offset_s, 2.0, 0.55);
  EXPECT_NEAR((*frames)[2].offset_s, 4.0, 0.55);
  KeyframeOptions two;
  two.max_frames = 2;
  auto capped = ExtractKeyframes(mp4, two);
  ASSERT_TRUE(capped.ok());
  ASSERT_EQ(capped->size(), 2u);
  EXPECT_EQ((*capped)[0].offset_s, 0);  // the first frame stays
  // A decoding budget: the scan stops, keeps what it found and says how far it got.
  KeyframeScan full;
  ASSERT_TRUE(ExtractKeyframes(mp4, {}, &full).ok());
  EXPECT_TRUE(full.complete);
  EXPECT_NEAR(full.examined_s, 6.0, 0.15);
  KeyframeOptions budget;
  budget.max_decoded_frames = 25;  // 2.5 s of the 6 s
  KeyframeScan part;
  auto partial = ExtractKeyframes(mp4, budget, &part);
  ASSERT_TRUE(partial.ok());
  EXPECT_FALSE(part.complete);
  EXPECT_NEAR(part.examined_s, 2.4, 0.2);
  EXPECT_NEAR(part.duration_s, 6.0, 0.15);
  EXPECT_EQ(partial->size(), 2u);  // the first scene and the cut at 2 s
  // What inspect and run say about it.
  PhotoMetadata md;
  AddScanFinding(full, md);
  EXPECT_TRUE(md.findings.empty());
  AddScanFinding(part, md);
  ASSERT_EQ(md.findings.size(), 1u);
  EXPECT_EQ(md.findings[0].code, "VIDEO_PARTLY_SCANNED");
  EXPECT_NE(md.findings[0].message.find("first 2 s of 6 s"), std::string::npos)
      << md.findings[0].message;
}

TEST(Video, ReadsMatroskaWebmAnd3gp) {
  struct Case {
    std::string muxer, encoder, container;
    ImageFormat format;
  };
  for (const Case& c : {Case{"matroska", "mpeg4", "Matroska", ImageFormat::kMatroska},
                        Case{"webm", "libvpx", "WebM", ImageFormat::kMatroska},
                        Case{"3gp", "mpeg4", "3GP", ImageFormat::kIsoVideo}}) {
    test::VideoSpec spec;
    spec.muxer = c.muxer;
    spec.encoder = c.encoder;
    spec.scenes = ThreeScenes(176, 144);
    spec.tags = {{"creation_time", "2024-11-02T05:06:07.000000Z"}};
    const auto bytes = test::MakeVideo(spec);
    EXPECT_EQ(DetectFormat(bytes), c.format) << c.muxer;
    auto info = ReadVideoInfo(bytes);
    ASSERT_TRUE(info.ok()) << c.muxer << ": " << info.error().message;
    EXPECT_EQ(info->container, c.container);
    EXPECT_EQ(info->width, 176);
    ASSERT_TRUE(info->container_utc) << c.muxer;
    EXPECT_EQ(FormatIsoUtc(*info->container_utc), "2024-11-02T05:06:07Z");
    auto frames = ExtractKeyframes(bytes);
    ASSERT_TRUE(frames.ok()) << c.muxer << ": " << frames.error().message;
    EXPECT_EQ(frames->size(), 3u) << c.muxer;
  }
}

TEST(Video, VoiceNotesReadAsAudioWithoutPictures) {
  for (const char* muxer : {"ipod", "mp4"}) {  // 'M4A ' and 'isom' brands
    const auto bytes = test::MakeAudio(muxer, 2.0);
    EXPECT_EQ(DetectFormat(bytes), ImageFormat::kIsoVideo) << muxer;
    auto info = ReadVideoInfo(bytes);
    ASSERT_TRUE(info.ok()) << muxer << ": " << info.error().message;
    EXPECT_FALSE(info->has_video);
    EXPECT_TRUE(info->has_audio);
    EXPECT_EQ(info->codec, "aac");
    EXPECT_NEAR(info->duration_s, 2.0, 0.2);
    EXPECT_FALSE(ExtractKeyframes(bytes).ok());  // nothing to see
  }
}

TEST(Video, DamagedAndHostileFilesGiveErrorsNotCrashes) {
  const auto mov = test::MakeVideo(IphoneSpec());
  // Cut in the middle: the moov box (written last) is gone.
  const std::vector<std::uint8_t> half(mov.begin(), mov.begin() + mov.size() / 2);
  EXPECT_FALSE(ReadVideoInfo(half).ok());
  EXPECT_FALSE(ExtractKeyframes(half).ok());
  // An 'ftyp' and then noise.
  std::vector<std::uint8_t> noise(mov.begin(), mov.begin() + 32);
  cv::RNG rng(5);
  for (int i = 0; i < 100000; ++i) noise.push_back(static_cast<std::uint8_t>(rng.uniform(0, 256)));
  EXPECT_FALSE(ReadVideoInfo(noise).ok());
  // Every byte of the file flipped in turn within the first 4 kB, as a fuzzer would: never a
  // crash (AddressSanitizer watches in the sanitizer build).
  for (std::size_t at = 0; at < std::min<std::size_t>(mov.size(), 4096); at += 61) {
    auto bent = mov;
    bent[at] ^= 0xA5;
    (void)ReadVideoInfo(bent);
  }
  // Frames beyond the pixel limit are not decoded.
  KeyframeOptions small;
  small.limits.max_pixels = 1000;
  auto refused = ExtractKeyframes(mov, small);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("pixel limit"), std::string::npos);
}

TEST(Video, InspectReportsTheVideoItsTimeAndItsPosition) {
  test::TempDir dir;
  Write(dir.path() / "iphone.mov", test::MakeVideo(IphoneSpec()));
  // An Android phone: (c)xyz and the container's time only.
  test::VideoSpec android;
  android.scenes = ThreeScenes();
  android.tags = {{"location", "+13.4125+103.8667/"},
                  {"creation_time", "2025-02-10T04:00:00.000000Z"}};
  Write(dir.path() / "android.mp4", test::MakeVideo(android));
  // Re-exported: the creation date kept, the container's time is the export's.
  auto exported = IphoneSpec();
  exported.tags.back() = {"creation_time", "2025-03-02T11:00:00.000000Z"};
  Write(dir.path() / "exported.mov", test::MakeVideo(exported));
  // Sent through a messaging app: re-encoded by FFmpeg, nothing kept.
  test::VideoSpec sent;
  sent.scenes = ThreeScenes();
  sent.bitexact = false;
  Write(dir.path() / "sent.mp4", test::MakeVideo(sent));
  auto half = test::MakeVideo(IphoneSpec());
  half.resize(half.size() / 2);
  Write(dir.path() / "cut.mov", half);

  const auto r = Geoverify("inspect --json " + Quote(dir.path()));
  EXPECT_EQ(r.exit_code, 1) << r.out;  // cut.mov failed, the rest went on
  const auto all = nlohmann::json::parse(r.out);
  ASSERT_EQ(all.size(), 5u);
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& j : all)
    by_name[std::filesystem::path(j["file"].get<std::string>()).filename().string()] = j;
  const auto codes = [&](const std::string& name) {
    std::set<std::string> out;
    for (const auto& f : by_name[name]["findings"]) out.insert(f["code"].get<std::string>());
    return out;
  };

  const auto& iphone = by_name["iphone.mov"];
  EXPECT_TRUE(iphone["error"].is_null());
  EXPECT_EQ(iphone["format"], "MOV");
  EXPECT_EQ(iphone["make"], "Apple");
  EXPECT_EQ(iphone["datetime_original"], "2025-03-01T09:03:04");
  EXPECT_EQ(iphone["taken_at_utc"], "2025-03-01T02:03:04Z");
  EXPECT_EQ(iphone["taken_at_utc_source"], "offset");
  EXPECT_DOUBLE_EQ(iphone["gps"]["lat"].get<double>(), 16.6869);
  EXPECT_EQ(iphone["video"]["rotation"], 90);
  EXPECT_EQ(iphone["video"]["codec"], "h264");
  EXPECT_EQ(iphone["video"]["frames_extracted"], 3);
  EXPECT_NEAR(iphone["video"]["duration_s"].get<double>(), 6.0, 0.15);
  EXPECT_EQ(codes("iphone.mov").count("VIDEO_TIME_MISMATCH"), 0u);
  EXPECT_EQ(codes("iphone.mov").count("NO_METADATA"), 0u);
  // Recorded at +07:00 (Thai network time, as phones near the border keep) in Myawaddy, which
  // is Asia/Yangon (+06:30).
  EXPECT_EQ(codes("iphone.mov").count("CAMERA_CLOCK_ZONE_DIFFERS"), 1u);
  EXPECT_EQ(codes("android.mp4").count("CAMERA_CLOCK_ZONE_DIFFERS"), 0u);  // no offset

  const auto& phone = by_name["android.mp4"];
  EXPECT_EQ(phone["format"], "MP4");
  EXPECT_TRUE(phone["datetime_original"].is_null());
  EXPECT_EQ(phone["taken_at_utc"], "2025-02-10T04:00:00Z");
  EXPECT_EQ(phone["taken_at_utc_source"], "container");
  EXPECT_DOUBLE_EQ(phone["gps"]["lon"].get<double>(), 103.8667);
  EXPECT_EQ(phone["video"]["location_key"], "\xC2\xA9xyz");

  EXPECT_EQ(by_name["exported.mov"]["taken_at_utc"], "2025-03-01T02:03:04Z");
  EXPECT_EQ(codes("exported.mov").count("VIDEO_TIME_MISMATCH"), 1u);
  EXPECT_EQ(codes("sent.mp4").count("NO_METADATA"), 1u);
  EXPECT_EQ(codes("sent.mp4").count("REENCODED_BY_PLATFORM"), 1u);
  EXPECT_FALSE(by_name["cut.mov"]["error"].is_null());
}

// `run` reads each video in a supervised worker: one that crashes it or hangs is left out
// with its finding, the others' keyframes join the case. The crash and the hang are made on
// purpose by the test-only fault injection (util/supervised.h).
TEST(Video, RunLeavesOutAVideoThatCrashesOrHangsItsWorker) {
  test::TempDir dir;
  const auto c = dir.path() / "case";
  std::filesystem::create_directories(c);
  auto fine = IphoneSpec();
  fine.tags.push_back({"com.apple.quicktime.comment", "not UTF-8: \xC3\x28"});  // kept, replaced
  Write(c / "fine.mov", test::MakeVideo(fine));
  for (const auto& [name, marker] :
       {std::pair<std::string, std::string>{"crash.mp4", "GEOVERIFY-TEST-CRASH"},
        {"hang.mp4", "GEOVERIFY-TEST-HANG"}}) {
    std::vector<std::uint8_t> bytes = {0, 0, 0, 32, 'f', 't', 'y', 'p'};
    bytes.insert(bytes.end(), marker.begin(), marker.end());
    bytes.resize(4096, 0);
    Write(c / name, bytes);
  }
  Write(c / "voice.m4a", test::MakeAudio("ipod"));  // a voice note: read, not a failure
  // A keyframe left by an earlier run (other options) in the fine video's folder.
  const auto fine_bytes = test::ReadAll(c / "fine.mov");
  const auto frames = dir.path() / "out" / "frames" /
                      Sha256Hex(std::span<const std::uint8_t>(fine_bytes)).substr(0, 12);
  std::filesystem::create_directories(frames);
  Write(frames / "t99.00.png", {1, 2, 3});
  const auto r = test::RunCommand("GEOVERIFY_FAULT_INJECTION=1 " + std::string(GEOVERIFY_BINARY) +
                                  " run --json --deadline 1 --skip text,forensics " + Quote(c) +
                                  " -o " + Quote(dir.path() / "out"));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  const auto videos = nlohmann::json::parse(test::ReadAllText(dir.path() / "out" / "videos.json"));
  std::map<std::string, nlohmann::json> by;
  for (const auto& v : videos) by[v["file"].get<std::string>()] = v;
  ASSERT_EQ(by.size(), 4u);
  EXPECT_TRUE(by["fine.mov"]["error"].is_null());
  EXPECT_TRUE(by["voice.m4a"]["error"].is_null()) << by["voice.m4a"];
  EXPECT_EQ(by["voice.m4a"]["video"]["has_video"], false);
  EXPECT_EQ(by["voice.m4a"]["findings"][0]["code"], "AUDIO_ONLY");
  EXPECT_TRUE(by["voice.m4a"]["frames"].empty());
  EXPECT_EQ(by["fine.mov"]["frames"].size(), 3u);
  // Only this run's keyframes are in its folder: the stale one is gone.
  EXPECT_FALSE(std::filesystem::exists(frames / "t99.00.png"));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(frames),
                          std::filesystem::directory_iterator()),
            3);
  const auto comment = by["fine.mov"]["tags"]["Video.com.apple.quicktime.comment"];
  ASSERT_TRUE(comment.is_string()) << by["fine.mov"]["tags"];
  EXPECT_EQ(comment.get<std::string>().rfind("not UTF-8: ", 0), 0u);
  EXPECT_EQ(comment.get<std::string>().find('\xC3'), std::string::npos);  // made valid
  EXPECT_EQ(by["crash.mp4"]["findings"][0]["code"], "PARSER_CRASHED");
  EXPECT_EQ(by["hang.mp4"]["findings"][0]["code"], "PARSER_TIMEOUT");
  EXPECT_TRUE(by["crash.mp4"]["frames"].empty());
  const auto summary = nlohmann::json::parse(r.out);
  EXPECT_EQ(summary["photos"], 3);  // the fine video's keyframes
  EXPECT_EQ(summary["failed"], 2);
}

}  // namespace
}  // namespace gv
