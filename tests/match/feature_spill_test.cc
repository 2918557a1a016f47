#include "match/feature_spill.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <opencv2/imgproc.hpp>

#include "match/retrieval.h"
#include "match/vocabulary.h"
#include "support/synth_photo.h"

namespace gv {
namespace {

namespace fs = std::filesystem;

fs::path FreshDir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("gv_feature_spill_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void ExpectSame(const Features& a, const Features& b) {
  ASSERT_EQ(a.keypoints.size(), b.keypoints.size());
  for (std::size_t i = 0; i < a.keypoints.size(); ++i) {
    EXPECT_EQ(a.keypoints[i].pt, b.keypoints[i].pt);
    EXPECT_EQ(a.keypoints[i].size, b.keypoints[i].size);
    EXPECT_EQ(a.keypoints[i].angle, b.keypoints[i].angle);
    EXPECT_EQ(a.keypoints[i].response, b.keypoints[i].response);
    EXPECT_EQ(a.keypoints[i].octave, b.keypoints[i].octave);
  }
  ASSERT_EQ(a.descriptors.type(), b.descriptors.type());
  ASSERT_EQ(a.descriptors.size(), b.descriptors.size());
  EXPECT_EQ(cv::norm(a.descriptors, b.descriptors, cv::NORM_INF), 0);
  EXPECT_EQ(a.binary, b.binary);
  EXPECT_EQ(a.image_size, b.image_size);
}

TEST(FeatureSpill, FeaturesComeBackAsTheyWentInAndLeaveNoFileBehind) {
  const fs::path dir = FreshDir("roundtrip");
  auto sift = DetectFeatures(test::MakeTexture(3), {Detector::kSift, 800, true, 1024});
  auto orb = DetectFeatures(test::MakeTexture(4), {Detector::kOrb, 500, false, 1024});
  ASSERT_TRUE(sift.ok() && orb.ok());
  std::vector<SpilledFeatures> handles;
  {
    auto spill = FeatureSpill::Create(dir);
    ASSERT_TRUE(spill.ok()) << spill.error().message;
    for (const Features* f : {&*sift, &*orb, &*sift}) {
      auto h = (*spill)->Put(*f);
      ASSERT_TRUE(h.ok()) << h.error().message;
      handles.push_back(*h);
    }
    EXPECT_GT((*spill)->size(), sift->descriptors.total() * sizeof(float));
    // The file has no name: nothing in the folder while it is in use.
    EXPECT_TRUE(fs::is_empty(dir));
  }
  // The handles keep the spill alive after the creator let go of it.
  for (int i : {2, 1, 0}) {
    auto back = handles[static_cast<std::size_t>(i)].Load();
    ASSERT_TRUE(back.ok()) << back.error().message;
    ExpectSame(i == 1 ? *orb : *sift, *back);
  }
  SpilledFeatures damaged = handles[1];
  damaged.bytes += 4;
  EXPECT_FALSE(damaged.Load().ok());
  damaged = handles[1];
  damaged.offset = handles[2].offset + 1;
  EXPECT_FALSE(damaged.Load().ok());
  handles.clear();
  EXPECT_TRUE(fs::is_empty(dir));
  fs::remove_all(dir);
}

// The output folder may be on a file system without O_TMPFILE: the system's temporary folder
// takes the features instead, and only when neither can is it an error naming both.
TEST(FeatureSpill, FallsBackToTheSystemTemporaryFolderAndElseNamesBoth) {
  const fs::path missing = fs::temp_directory_path() / "gv_no_such_folder" / "x";
  auto spill = FeatureSpill::Create(missing);
  ASSERT_TRUE(spill.ok()) << spill.error().message;
  auto handle = (*spill)->Put(Features{});
  ASSERT_TRUE(handle.ok());

  const char* old_tmpdir = std::getenv("TMPDIR");
  const std::string saved = old_tmpdir ? old_tmpdir : "";
  const fs::path missing_tmp = fs::temp_directory_path() / "gv_no_such_tmp";
  ::setenv("TMPDIR", missing_tmp.c_str(), 1);
  auto neither = FeatureSpill::Create(missing);
  if (old_tmpdir)
    ::setenv("TMPDIR", saved.c_str(), 1);
  else
    ::unsetenv("TMPDIR");
  ASSERT_FALSE(neither.ok());
  EXPECT_NE(neither.error().message.find("gv_no_such_folder"), std::string::npos)
      << neither.error().message;
}

// Retrieval over features read back one at a time gives what retrieval over features held
// together gives, also when the vocabulary is trained on a sample of the descriptors.
TEST(FeatureSpill, RetrievalFromTheSpillEqualsRetrievalInMemory) {
  auto spill = FeatureSpill::Create();
  ASSERT_TRUE(spill.ok());
  std::vector<Features> features;
  for (int seed = 0; seed < 6; ++seed) {
    cv::Mat photo = test::MakeTexture(seed % 3, 640, 480);
    if (seed >= 3) {  // three scenes, each seen twice: the second view turned and closer
      const cv::Mat turn = cv::getRotationMatrix2D({320, 240}, 15, 1.2);
      cv::warpAffine(photo, photo, turn, photo.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
    }
    auto f = DetectFeatures(photo, {Detector::kSift, 600, true, 1024});
    ASSERT_TRUE(f.ok());
    features.push_back(std::move(*f));
  }
  std::vector<const Features*> items;
  std::vector<SpilledFeatures> handles;
  std::vector<int> rows;
  for (const auto& f : features) {
    items.push_back(&f);
    handles.push_back(*(*spill)->Put(f));
    rows.push_back(f.descriptors.rows);
  }
  for (int max_samples : {60000, 1500}) {
    RetrievalOptions options;
    options.candidates = 2;
    options.max_samples = max_samples;
    auto in_memory = RetrieveSimilar(items, options);
    int loads = 0;
    auto streamed = RetrieveSimilar(
        rows,
        [&](int i) -> Result<cv::Mat> {
          ++loads;
          auto f = handles[static_cast<std::size_t>(i)].Load();
          if (!f.ok()) return f.error();
          return f->descriptors;
        },
        options);
    ASSERT_TRUE(in_memory.ok() && streamed.ok());
    EXPECT_EQ(*in_memory, *streamed) << "max_samples " << max_samples;
    EXPECT_LE(loads, 2 * static_cast<int>(features.size()));
    // Each photo's most similar other is the other view of its scene.
    for (std::size_t i = 0; i < streamed->size(); ++i) {
      ASSERT_EQ((*streamed)[i].size(), 2u);
      EXPECT_EQ((*streamed)[i][0].first, static_cast<int>((i + 3) % 6)) << "photo " << i;
    }
  }
}

// The rows SampleRows names are the sample Train draws itself: gathered by hand, they train
// the same words.
TEST(FeatureSpill, SampleRowsAreTheSampleTheVocabularyIsTrainedOn) {
  cv::Mat all;
  for (int seed = 0; seed < 3; ++seed) {
    auto f = DetectFeatures(test::MakeTexture(seed), {Detector::kSift, 600, true, 1024});
    ASSERT_TRUE(f.ok());
    all.push_back(f->descriptors);
  }
  ASSERT_GT(all.rows, 1000);
  const std::vector<int> rows = Vocabulary::SampleRows(all.rows, 1000);
  ASSERT_EQ(rows.size(), 1000u);
  cv::Mat sample(1000, all.cols, CV_32F);
  for (int i = 0; i < 1000; ++i) all.row(rows[static_cast<std::size_t>(i)]).copyTo(sample.row(i));
  auto whole = Vocabulary::Train(all, 24, 1000), gathered = Vocabulary::Train(sample, 24, 1000);
  ASSERT_TRUE(whole.ok() && gathered.ok());
  EXPECT_EQ(cv::norm(whole->centers(), gathered->centers(), cv::NORM_INF), 0);
  EXPECT_EQ(Vocabulary::SampleRows(5, 1000), (std::vector<int>{0, 1, 2, 3, 4}));
}

}  // namespace
}  // namespace gv
