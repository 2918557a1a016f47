// Trains the network that tells a text line's script by its look (src/text/script_look.h),
// shipped as data/script-look.yml.gz; scripts/train-script-look runs it.
//
// Lines of real words in each script: the countries' and languages' names in Khmer,
// Burmese, Lao, Thai, Chinese (simplified and traditional) and Latin-script languages
// (English, Vietnamese, French, Indonesian, German), as ICU's CLDR data spells them, and
// phone numbers of the region (digits); rendered in Debian's fonts of each script *other
// than those bench/eval_text.cc renders its signs with* (so that the evaluation measures
// fonts the network never saw), on plates turned in 3-D and pasted onto the photos of
// ../shared/data/homography (not the evaluation's backgrounds), then blurred, noised and
// saved as JPEG. The strips are cut as the reader cuts them: by its own line detection
// (DetectTextLines, LineStrip), so that the network learns the strips it will be shown,
// with their cut-off letters and stray texture; candidates off every plate teach it the
// scene (Zzzz). The last font of each script is held out: the lines rendered in it are
// not trained on, and the figures printed at the end are on them.
// Usage: train_script_look --shared DIR --out FILE [--composites N (2400)] [--seed N (5)]
//          [--threads N (2)] [--iterations N (200)] [--per-class N (3000)] [--hidden N (64)]
//          [--method backprop|rprop] [--cache FILE]
// Trains by back-propagation (OpenCV's RPROP stalled at 45-54 % of the training windows).
// --cache FILE keeps the strips' features: a second run with other settings skips the
// rendering (12 of the 14 minutes). The shipped model is the defaults' (tune split of
// scripts/eval-text: 89 %; two other trainings, all windows or 4,000 a class, gave 85 %).
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <opencv2/freetype.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/ml.hpp>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "text/reader.h"
#include "text/script.h"
#include "text/script_look.h"
#include "turned_plates.h"

namespace {

using namespace gv;
namespace fs = std::filesystem;

constexpr int kDigits = 6;  // class index of Zyyy (digits), see kLookClasses
constexpr int kScene = 7;   // Zzzz

struct Font {
  std::string path;
  int index = 0;
};

// Per class 0..6, the fonts; the last one is held out. None is a font bench/eval_text.cc
// renders with (KhmerOS.ttf, NotoSans{Myanmar,Lao,Thai}-Regular, wqy-microhei,
// NotoSans-Regular).
std::vector<std::vector<Font>> Fonts() {
  const std::string km = "/usr/share/fonts/truetype/khmeros/";
  const std::string noto = "/usr/share/fonts/truetype/noto/";
  const std::string tlwg = "/usr/share/fonts/truetype/tlwg/";
  const std::string dv = "/usr/share/fonts/truetype/dejavu/";
  const std::vector<Font> latin = {
      {dv + "DejaVuSans.ttf"},          {dv + "DejaVuSans-Bold.ttf"},
      {dv + "DejaVuSerif.ttf"},         {dv + "DejaVuSansCondensed.ttf"},
      {noto + "NotoSerif-Regular.ttf"}, {noto + "NotoSerif-Bold.ttf"},
      {noto + "NotoSans-Bold.ttf"},     {noto + "NotoSans-Italic.ttf"},
      {dv + "DejaVuSansMono.ttf"}};
  return {
      {{km + "KhmerOSbattambang.ttf"},
       {km + "KhmerOScontent.ttf"},
       {km + "KhmerOSsiemreap.ttf"},
       {km + "KhmerOSsys.ttf"},
       {km + "KhmerOSbokor.ttf"},
       {noto + "NotoSansKhmer-Regular.ttf"},
       {noto + "NotoSansKhmer-Bold.ttf"},
       {noto + "NotoSerifKhmer-Regular.ttf"},
       {noto + "NotoSerifKhmer-Bold.ttf"}},
      {{"/usr/share/fonts/truetype/padauk/Padauk-Regular.ttf"},
       {"/usr/share/fonts/truetype/padauk/Padauk-Bold.ttf"},
       {"/usr/share/fonts/truetype/padauk/PadaukBook-Regular.ttf"},
       {noto + "NotoSansMyanmar-Bold.ttf"},
       {noto + "NotoSerifMyanmar-Regular.ttf"},
       {noto + "NotoSerifMyanmar-Bold.ttf"}},
      {{"/usr/share/fonts/truetype/lao/Phetsarath_OT.ttf"},
       {noto + "NotoSansLao-Bold.ttf"},
       {noto + "NotoSerifLao-Regular.ttf"},
       {noto + "NotoSerifLao-Bold.ttf"},
       {noto + "NotoLoopedLao-Regular.ttf"},
       {noto + "NotoLoopedLao-Bold.ttf"}},
      {{tlwg + "Garuda.ttf"},
       {tlwg + "Kinnari.ttf"},
       {tlwg + "Loma.ttf"},
       {tlwg + "Sawasdee.ttf"},
       {tlwg + "Umpush.ttf"},
       {tlwg + "Garuda-Bold.ttf"},
       {noto + "NotoSansThai-Bold.ttf"},
       {noto + "NotoSerifThai-Regular.ttf"},
       {noto + "NotoLoopedThai-Regular.ttf"},
       {noto + "NotoLoopedThai-Bold.ttf"}},
      {{"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0},
       {"/usr/share/fonts/truetype/arphic/uming.ttc", 0},
       {"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 2}},
      latin,
      latin,
  };
}

std::string Utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

// Per script class 0..5, names of countries and languages in that script (CLDR via ICU),
// kept only where ICU has a name in the script (it falls back to English codes otherwise).
std::vector<std::vector<std::string>> Texts() {
  const std::vector<std::vector<std::string>> locales = {
      {"km"}, {"my"}, {"lo"}, {"th"}, {"zh", "zh_Hant"}, {"en", "vi", "fr", "id", "de"}};
  std::vector<std::vector<std::string>> out(locales.size());
  for (std::size_t c = 0; c < locales.size(); ++c) {
    std::set<std::string> seen;
    for (const auto& name : locales[c]) {
      const icu::Locale in(name.c_str());
      const auto add = [&](const icu::UnicodeString& u) {
        const std::string s = Utf8(u);
        const LineScript id = IdentifyScript(s);
        if (id.script == kLookClasses[c] && id.letters >= 2 && seen.insert(s).second)
          out[c].push_back(s);
      };
      for (const char* const* cc = icu::Locale::getISOCountries(); *cc; ++cc) {
        icu::UnicodeString u;
        add(icu::Locale("", *cc).getDisplayCountry(in, u));
      }
      for (const char* const* l = icu::Locale::getISOLanguages(); *l; ++l) {
        icu::UnicodeString u;
        add(icu::Locale(*l).getDisplayLanguage(in, u));
      }
    }
  }
  return out;
}

std::string Digits(std::mt19937_64& rng) {
  static const std::vector<std::string> kForms = {
      "0## ### ###",     "+855 ## ### ###", "0##-###-####",   "+66 ## ### ####",
      "09 ####### ####", "+95 9 ### ####",  "020 ## ### ###", "+856 20 ## ### ###",
      "0### ### ###",    "+84 ### ### ###", "###-####",       "(0##) ### ####"};
  std::string s = kForms[rng() % kForms.size()];
  for (auto& ch : s)
    if (ch == '#') ch = static_cast<char>('0' + rng() % 10);
  return s;
}

cv::Ptr<cv::freetype::FreeType2> LoadFont(const Font& f) {
  thread_local std::map<std::string, cv::Ptr<cv::freetype::FreeType2>> fonts;
  auto& ft = fonts[f.path + "#" + std::to_string(f.index)];
  if (!ft) {
    ft = cv::freetype::createFreeType2();
    ft->loadFontData(f.path, f.index);
  }
  return ft;
}

struct Plate {
  int label = 0;
  bool held_out = false;
  cv::Rect box;
};

struct Samples {
  std::vector<cv::Mat> features;  // per strip, rows = windows
  std::vector<int> labels;        // per strip
  std::vector<bool> held_out;     // per strip
};

// One composite: a background crop with three one-line plates; the strips its detected
// lines give, labelled.
void MakeComposite(const cv::Mat& background, const std::vector<std::vector<std::string>>& texts,
                   const std::vector<std::vector<Font>>& fonts, int first_class,
                   std::mt19937_64& rng, Samples& out) {
  std::uniform_real_distribution<double> unit(0, 1);
  // A random crop of the background (half to all of it), scaled to 1600 px, maybe mirrored.
  const double part = 0.5 + 0.5 * unit(rng);
  const cv::Size crop_size(static_cast<int>(background.cols * part),
                           static_cast<int>(background.rows * part));
  const cv::Rect crop(static_cast<int>(unit(rng) * (background.cols - crop_size.width)),
                      static_cast<int>(unit(rng) * (background.rows - crop_size.height)),
                      crop_size.width, crop_size.height);
  cv::Mat photo;
  const double scale = 1600.0 / std::max(crop.width, crop.height);
  cv::resize(background(crop), photo, cv::Size(), scale, scale, cv::INTER_AREA);
  if (rng() % 2) cv::flip(photo, photo, 1);
  std::vector<Plate> plates;
  for (int k = 0; k < 3; ++k) {
    Plate plate;
    plate.label = (first_class + k) % 7;
    const auto& font_list = fonts[static_cast<std::size_t>(plate.label)];
    const std::size_t f = rng() % font_list.size();
    plate.held_out = f + 1 == font_list.size();
    std::string text;
    if (plate.label == kDigits) {
      text = Digits(rng);
    } else {
      const auto& words = texts[static_cast<std::size_t>(plate.label)];
      text = words[rng() % words.size()];
      if (rng() % 3 == 0) text += (plate.label == 4 ? "" : " ") + words[rng() % words.size()];
    }
    const auto font = LoadFont(font_list[f]);
    const double x_height = 12 * std::pow(80.0 / 12, unit(rng));
    int size = std::max(8, static_cast<int>(std::lround(x_height / 0.536)));
    int baseline = 0;
    cv::Size text_size = font->getTextSize(text, size, -1, &baseline);
    while (text_size.width > photo.cols * 0.9 && size > 10) {
      size = size * 4 / 5;
      text_size = font->getTextSize(text, size, -1, &baseline);
    }
    const int pad = size / 2;
    cv::Mat sign(size * 3 / 2 + 2 * pad, text_size.width + 2 * pad, CV_8UC3);
    cv::Scalar back(rng() % 256, rng() % 256, rng() % 256), ink;
    const double grey = 0.299 * back[2] + 0.587 * back[1] + 0.114 * back[0];
    ink = grey > 128 ? cv::Scalar(rng() % 60, rng() % 60, rng() % 60)
                     : cv::Scalar(200 + rng() % 56, 200 + rng() % 56, 200 + rng() % 56);
    sign.setTo(back);
    font->putText(sign, text, {pad, pad + size}, size, ink, -1, cv::LINE_AA, true);
    const double yaw = (unit(rng) * 2 - 1) * 40 * M_PI / 180;
    const double pitch = (unit(rng) * 2 - 1) * 15 * M_PI / 180;
    const double roll = (unit(rng) * 2 - 1) * 8 * M_PI / 180;
    auto corners = bench::Turned(sign.size(), yaw, pitch, roll, photo.cols);
    const cv::Rect2f bounds = cv::boundingRect(corners);
    if (bounds.width > photo.cols - 8 || bounds.height > photo.rows - 8) continue;
    bool placed = false;
    for (int attempt = 0; attempt < 20 && !placed; ++attempt) {
      const float x0 = static_cast<float>(4 + unit(rng) * (photo.cols - 8 - bounds.width));
      const float y0 = static_cast<float>(4 + unit(rng) * (photo.rows - 8 - bounds.height));
      std::vector<cv::Point2f> at = corners;
      for (auto& p : at) p += cv::Point2f(x0 - bounds.x, y0 - bounds.y);
      const cv::Rect box = cv::boundingRect(at) & cv::Rect(0, 0, photo.cols, photo.rows);
      if (std::any_of(plates.begin(), plates.end(),
                      [&](const Plate& p) { return (p.box & box).area() > 0; }))
        continue;
      bench::PastePlate(photo, sign, at);
      plate.box = box;
      plates.push_back(plate);
      placed = true;
    }
  }
  if (unit(rng) < 0.5) cv::GaussianBlur(photo, photo, cv::Size(0, 0), 0.3 + 0.9 * unit(rng));
  cv::Mat noise(photo.size(), CV_16SC3), noisy;
  cv::randn(noise, 0, 6 * unit(rng));
  photo.convertTo(noisy, CV_16SC3);
  noisy += noise;
  noisy.convertTo(photo, CV_8UC3);
  std::vector<std::uint8_t> jpeg;
  cv::imencode(".jpg", photo, jpeg, {cv::IMWRITE_JPEG_QUALITY, 60 + static_cast<int>(rng() % 36)});
  cv::Mat gray = cv::imdecode(jpeg, cv::IMREAD_GRAYSCALE);
  int scene_strips = 0;
  for (const auto& candidate : DetectTextLines(gray, 40)) {
    const Plate* on = nullptr;
    bool touches = false;
    for (const auto& p : plates) {
      const int overlap = (p.box & candidate.box).area();
      touches |= overlap > 0;
      if (overlap >= 0.5 * candidate.box.area()) on = &p;
    }
    if (touches && !on) continue;  // half on a plate: neither its script nor scene
    if (!on && ++scene_strips > 4) continue;
    const cv::Mat strip = LineStrip(gray, candidate);
    if (InkSeparability(strip) < 0.7) continue;  // the reader does not read these
    out.features.push_back(ScriptLook::WindowFeatures(strip));
    out.labels.push_back(on ? on->label : kScene);
    out.held_out.push_back(on && on->held_out);
  }
}

// The strips' features, labels and held-out flags in a plain binary file (--cache: train
// again with other settings without rendering again).
void WriteSamples(const std::string& path, const Samples& s) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return;
  for (std::size_t i = 0; i < s.features.size(); ++i) {
    const int head[3] = {s.labels[i], s.held_out[i] ? 1 : 0, s.features[i].rows};
    std::fwrite(head, sizeof head, 1, f);
    if (s.features[i].rows)
      std::fwrite(s.features[i].ptr<float>(), sizeof(float), s.features[i].total(), f);
  }
  std::fclose(f);
}

bool ReadSamples(const std::string& path, Samples& s) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  int head[3];
  while (std::fread(head, sizeof head, 1, f) == 1) {
    cv::Mat m(head[2], ScriptLook::kFeatures, CV_32F);
    if (head[2] && std::fread(m.ptr<float>(), sizeof(float), m.total(), f) != m.total()) break;
    s.labels.push_back(head[0]);
    s.held_out.push_back(head[1] != 0);
    s.features.push_back(m);
  }
  std::fclose(f);
  return !s.features.empty();
}

int Arg(int argc, char** argv, const std::string& name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (argv[i] == name) return std::atoi(argv[i + 1]);
  return fallback;
}

std::string ArgText(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (argv[i] == name) return argv[i + 1];
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "--help") {
      std::printf(
          "usage: train_script_look --shared DIR --out FILE [--composites N (2400)] [--seed N "
          "(5)] [--threads N (2)] [--iterations N (200)] [--per-class N (3000)] [--hidden N "
          "(64)] [--method backprop|rprop] [--cache FILE]\n");
      return 0;
    }
  const fs::path shared = ArgText(argc, argv, "--shared", "../shared");
  const std::string out_path = ArgText(argc, argv, "--out", "");
  const int composites = Arg(argc, argv, "--composites", 2400);
  const int seed = Arg(argc, argv, "--seed", 5);
  const int threads = std::max(1, Arg(argc, argv, "--threads", 2));
  const int iterations = Arg(argc, argv, "--iterations", 200);
  if (out_path.empty()) {
    std::fprintf(stderr, "train_script_look: --out FILE is required\n");
    return 2;
  }
  const auto fonts = Fonts();
  for (const auto& list : fonts)
    for (const auto& f : list)
      if (!fs::is_regular_file(f.path)) {
        std::fprintf(
            stderr,
            "train_script_look: font missing: %s (scripts/train-script-look installs the fonts)\n",
            f.path.c_str());
        return 2;
      }
  const auto texts = Texts();
  for (int c = 0; c < kLookScripts; ++c)
    std::printf("%s: %zu names\n", kLookClasses[static_cast<std::size_t>(c)],
                texts[static_cast<std::size_t>(c)].size());
  std::vector<cv::Mat> backgrounds;
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(shared / "data" / "homography")) {
    const std::string ext = e.path().extension().string();
    if (ext == ".jpg" || ext == ".png" || ext == ".ppm") paths.push_back(e.path());
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& p : paths) {
    cv::Mat img = cv::imread(p.string(), cv::IMREAD_COLOR);
    if (!img.empty() && std::min(img.cols, img.rows) >= 400) backgrounds.push_back(img);
  }
  if (backgrounds.empty()) {
    std::fprintf(stderr, "train_script_look: no backgrounds in %s/data/homography\n",
                 shared.c_str());
    return 2;
  }
  std::printf("%zu backgrounds, %d composites\n", backgrounds.size(), composites);
  Samples all;
  const std::string cache = ArgText(argc, argv, "--cache", "");
  if (!cache.empty() && fs::exists(cache) && ReadSamples(cache, all)) {
    std::printf("%zu strips from %s\n", all.features.size(), cache.c_str());
  } else {
    std::vector<Samples> parts(static_cast<std::size_t>(threads));
    std::atomic<int> next{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
      workers.emplace_back([&, t] {
        for (int i = next++; i < composites; i = next++) {
          std::mt19937_64 rng(static_cast<std::uint64_t>(seed) * 1000003 +
                              static_cast<std::uint64_t>(i));
          MakeComposite(backgrounds[static_cast<std::size_t>(i) % backgrounds.size()], texts, fonts,
                        i % 7, rng, parts[static_cast<std::size_t>(t)]);
          if (i % 100 == 0) std::fprintf(stderr, "\r%d/%d", i, composites);
        }
      });
    for (auto& w : workers) w.join();
    std::fprintf(stderr, "\n");
    for (auto& p : parts) {
      all.features.insert(all.features.end(), p.features.begin(), p.features.end());
      all.labels.insert(all.labels.end(), p.labels.begin(), p.labels.end());
      all.held_out.insert(all.held_out.end(), p.held_out.begin(), p.held_out.end());
    }
    if (!cache.empty()) WriteSamples(cache, all);
  }
  // Training windows, balanced: as many of each class as the rarest has, at most --per-class.
  std::vector<std::vector<std::pair<std::size_t, int>>> by_class(kLookClasses.size());
  for (std::size_t s = 0; s < all.features.size(); ++s)
    if (!all.held_out[s])
      for (int r = 0; r < all.features[s].rows; ++r)
        by_class[static_cast<std::size_t>(all.labels[s])].emplace_back(s, r);
  std::size_t per_class = static_cast<std::size_t>(Arg(argc, argv, "--per-class", 3000));
  for (const auto& c : by_class) per_class = std::min(per_class, c.size());
  std::mt19937_64 rng(static_cast<std::uint64_t>(seed));
  cv::Mat x(0, ScriptLook::kFeatures, CV_32F), y(0, static_cast<int>(kLookClasses.size()), CV_32F);
  for (std::size_t c = 0; c < by_class.size(); ++c) {
    std::printf("%s: %zu strips' windows, %zu trained\n", kLookClasses[c], by_class[c].size(),
                per_class);
    std::shuffle(by_class[c].begin(), by_class[c].end(), rng);
    for (std::size_t k = 0; k < per_class; ++k) {
      const auto [s, r] = by_class[c][k];
      x.push_back(all.features[s].row(r));
      cv::Mat target(1, static_cast<int>(kLookClasses.size()), CV_32F, cv::Scalar(-1));
      target.at<float>(0, static_cast<int>(c)) = 1;
      y.push_back(target);
    }
  }
  auto net = cv::ml::ANN_MLP::create();
  net->setLayerSizes(std::vector<int>{ScriptLook::kFeatures, Arg(argc, argv, "--hidden", 64),
                                      static_cast<int>(kLookClasses.size())});
  net->setActivationFunction(cv::ml::ANN_MLP::SIGMOID_SYM, 0, 0);
  if (ArgText(argc, argv, "--method", "backprop") == "backprop")
    net->setTrainMethod(cv::ml::ANN_MLP::BACKPROP, 0.001);
  else
    net->setTrainMethod(cv::ml::ANN_MLP::RPROP);
  net->setTermCriteria(cv::TermCriteria(cv::TermCriteria::MAX_ITER, iterations, 0));
  std::printf("training on %d windows...\n", x.rows);
  std::fflush(stdout);
  net->train(cv::ml::TrainData::create(x, cv::ml::ROW_SAMPLE, y));
  const fs::path tmp = fs::path(out_path).parent_path() / ".script-look.tmp.yml.gz";
  net->save(tmp.string());
  auto look = ScriptLook::Load(tmp);
  if (!look.ok()) {
    std::fprintf(stderr, "train_script_look: %s\n", look.error().message.c_str());
    return 1;
  }
  fs::rename(tmp, out_path);
  // Held-out fonts: a strip is right when its windows' most common script is its own.
  {
    cv::Mat responses;
    net->predict(x, responses);
    int right = 0;
    for (int r = 0; r < x.rows; ++r) {
      cv::Point a, b;
      cv::minMaxLoc(responses.row(r), nullptr, nullptr, nullptr, &a);
      cv::minMaxLoc(y.row(r), nullptr, nullptr, nullptr, &b);
      right += a.x == b.x;
    }
    std::printf("trained windows classed right: %.1f %%\n", 100.0 * right / std::max(1, x.rows));
  }
  std::printf("held-out fonts, lines whose windows most often look like their script:\n");
  std::map<int, std::pair<int, int>> tally;
  for (std::size_t s = 0; s < all.features.size(); ++s) {
    if (!all.held_out[s] || all.features[s].rows == 0) continue;
    cv::Mat responses;
    net->predict(all.features[s], responses);
    std::array<int, kLookClasses.size()> votes{};
    for (int r = 0; r < responses.rows; ++r) {
      cv::Point best;
      cv::minMaxLoc(responses.row(r), nullptr, nullptr, nullptr, &best);
      ++votes[static_cast<std::size_t>(best.x)];
    }
    const int label = all.labels[s];
    const int limit = label == kDigits ? kDigits + 1 : kLookScripts;
    const auto top = std::max_element(votes.begin(), votes.begin() + limit) - votes.begin();
    auto& [n, ok] = tally[label];
    ++n;
    ok += top == label;
  }
  for (const auto& [label, t] : tally)
    std::printf("  %-5s %5.1f %% of %d lines (%s)\n", kLookClasses[static_cast<std::size_t>(label)],
                100.0 * t.second / std::max(1, t.first), t.first,
                fonts[static_cast<std::size_t>(label)].back().path.c_str());
  std::printf("wrote %s\n", out_path.c_str());
  return 0;
}
