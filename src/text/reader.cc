#include "text/reader.h"

#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <map>
#include <numeric>
#include <opencv2/features2d.hpp>
#include <opencv2/imgproc.hpp>

#include "text/script.h"
#include "text/script_look.h"
#include "text/text_json.h"

namespace gv {

struct TextReader::Engine {
  tesseract::TessBaseAPI api;
};

namespace {
// Neighbouring letters of one line: centres at most this many heights apart vertically.
constexpr double kCentreShift = 0.45;
// ... and inks of similar grey (0-255).
constexpr double kInkDifference = 40;
// ... and strips whose greys split in two at least this well (Otsu separability) are read.
constexpr double kMinSeparability = 0.7;
// A word of one or two letters and their marks is a candidate from this height (pixels at
// the detection scale) up, when its strip splits in two at least this well (a sign's word
// 0.94-0.97 in the evaluation, clumps of foliage taken for a letter with marks 0.7-0.8).
constexpr int kWordMinHeight = 12;
constexpr double kMinWordSeparability = 0.85;
// The margin around a line's strip, in pixels.
constexpr int kStripPad = 12;
// A reading whose symbols cover this share of its strip's width (the strip holds the line
// with a fifth of its height at each end) explains all of the line.
constexpr double kFullSpan = 0.8;
// The look's weight in the contest (docs/commands/text.md, step 3): a reading's weight is
// multiplied by 1 - w + w x (the share of the strip's letter windows that look like its
// model's script), w reaching kLookWeight from kLookFullWindows letter windows up (short
// strips, a phone label beside digits, say little).
constexpr double kLookWeight = 0.4;
constexpr double kLookFullWindows = 8;

// The script a Tesseract model reads.
std::string LanguageScript(const std::string& language) {
  const std::string l = language.substr(0, language.find('+'));
  if (l == "khm") return "Khmr";
  if (l == "mya") return "Mymr";
  if (l == "lao") return "Laoo";
  if (l == "tha") return "Thai";
  if (l == "chi_sim" || l == "chi_tra") return "Hani";
  return "Latn";
}

// Union-find over candidate boxes.
int Find(std::vector<int>& parent, int i) {
  while (parent[i] != i) i = parent[i] = parent[parent[i]];
  return i;
}

// A least-squares line y = a x + b through points.
std::pair<double, double> FitLine(const std::vector<cv::Point2d>& points) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& p : points) sx += p.x, sy += p.y, sxx += p.x * p.x, sxy += p.x * p.y;
  const double n = static_cast<double>(points.size());
  const double d = n * sxx - sx * sx;
  if (std::abs(d) < 1e-9) return {0, sy / n};
  const double a = (n * sxy - sx * sy) / d;
  return {a, (sy - a * sx) / n};
}

}  // namespace

double InkSeparability(const cv::Mat& gray) {
  std::array<double, 256> hist{};
  for (int y = 0; y < gray.rows; ++y)
    for (int x = 0; x < gray.cols; ++x) hist[gray.at<std::uint8_t>(y, x)] += 1;
  const double n = static_cast<double>(gray.total());
  double mean = 0;
  for (int i = 0; i < 256; ++i) mean += i * hist[static_cast<std::size_t>(i)] / n;
  double total = 0;
  for (int i = 0; i < 256; ++i)
    total += (i - mean) * (i - mean) * hist[static_cast<std::size_t>(i)] / n;
  if (total <= 0) return 0;
  double w0 = 0, sum0 = 0, best = 0;
  for (int t = 0; t < 255; ++t) {
    w0 += hist[static_cast<std::size_t>(t)] / n;
    sum0 += t * hist[static_cast<std::size_t>(t)] / n;
    if (w0 <= 0 || w0 >= 1) continue;
    const double m0 = sum0 / w0, m1 = (mean - sum0) / (1 - w0);
    best = std::max(best, w0 * (1 - w0) * (m0 - m1) * (m0 - m1));
  }
  return best / total;
}

std::string TesseractPackage(const std::string& language) {
  std::string name = language;
  std::replace(name.begin(), name.end(), '_', '-');
  return "tesseract-ocr-" + name;
}

TextReader::~TextReader() { ReleaseModels(); }

void TextReader::ReleaseModels() {
  for (auto& [key, engine] : engines_) engine->api.End();
  engines_.clear();
}

Result<std::unique_ptr<TextReader>> TextReader::Open(const TextReadOptions& options) {
  std::vector<std::string> missing;
  for (const auto& language : options.languages) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(options.tessdata / (language + ".traineddata"), ec))
      missing.push_back(language + " (Debian package " + TesseractPackage(language) + ")");
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    return MakeError("Tesseract language data missing in " + options.tessdata.string() + ": " +
                     list + "; scripts/deps installs them");
  }
  std::unique_ptr<TextReader> reader(new TextReader);
  reader->options_ = options;
  auto places = PlaceNames::Default();
  if (!places.ok()) return places.error();
  reader->places_ = *places;
  auto look = ScriptLook::Default();
  if (!look.ok()) return look.error();
  reader->look_ = *look;
  for (const auto& language : options.languages)
    if (!reader->EngineFor(language)) return MakeError("Tesseract could not load " + language);
  return reader;
}

TextReader::Engine* TextReader::EngineFor(const std::string& languages) {
  auto& engine = engines_[languages];
  if (!engine) {
    engine = std::make_unique<Engine>();
    if (engine->api.Init(options_.tessdata.c_str(), languages.c_str(), tesseract::OEM_LSTM_ONLY) !=
        0) {
      engines_.erase(languages);
      return nullptr;
    }
    engine->api.SetVariable("debug_file", "/dev/null");
  }
  return engine.get();
}

namespace {

// The lines found at one scale of the image, and (words) the short words of one or two
// letters with their marks.
std::vector<TextCandidate> DetectAtScale(const cv::Mat& gray_in, double scale, bool words) {
  cv::Mat gray;
  if (scale < 1)
    cv::resize(gray_in, gray, cv::Size(), scale, scale, cv::INTER_AREA);
  else
    gray = gray_in;
  const int area = gray.cols * gray.rows;
  auto mser = cv::MSER::create(5, 20, std::max(200, area / 50), 0.25, 0.2);
  std::vector<std::vector<cv::Point>> regions;
  std::vector<cv::Rect> boxes;
  mser->detectRegions(gray, regions, boxes);
  // Character-like boxes only, each with its ink's mean grey (a sign's letters share one
  // colour; the foliage beside it does not).
  std::vector<std::pair<cv::Rect, double>> chars;
  for (std::size_t r = 0; r < boxes.size(); ++r) {
    const cv::Rect& b = boxes[r];
    const double aspect = static_cast<double>(b.width) / b.height;
    if (b.height < 6 || b.height > gray.rows / 3 || aspect <= 0.08 || aspect >= 4) continue;
    double sum = 0;
    for (const auto& p : regions[r]) sum += gray.at<std::uint8_t>(p);
    chars.emplace_back(b, regions[r].empty() ? 0 : sum / static_cast<double>(regions[r].size()));
  }
  // The marks a short word's letters carry (Burmese vowel signs and tones above and below,
  // the two dots of the visarga): boxes from 3 px up (the letters' above start at 6).
  std::vector<std::pair<cv::Rect, std::size_t>> small;
  for (std::size_t r = 0; r < boxes.size(); ++r) {
    const cv::Rect& b = boxes[r];
    if (b.height >= 3 && b.width >= 2 && b.height < gray.rows / 6 && b.width < 5 * b.height &&
        b.height < 5 * b.width)
      small.emplace_back(b, r);
  }
  std::sort(small.begin(), small.end(),
            [](const auto& a, const auto& b) { return a.first.x < b.first.x; });
  // Deduplicate MSER boxes of one character (nearly the same box at several thresholds);
  // a box inside a larger one (a letter on a plate) stays.
  std::sort(chars.begin(), chars.end(),
            [](const auto& a, const auto& b) { return a.first.area() > b.first.area(); });
  std::vector<cv::Rect> unique;
  std::vector<double> ink;
  for (const auto& [b, grey] : chars) {
    bool dup = false;
    for (const auto& u : unique)
      if ((b & u).area() > 0.7 * std::max(b.area(), u.area())) {
        dup = true;
        break;
      }
    if (!dup) unique.push_back(b), ink.push_back(grey);
    if (unique.size() > 4000) break;
  }
  // Characters of one line: similar heights, overlapping vertically, close horizontally.
  const int n = static_cast<int>(unique.size());
  std::vector<int> parent(static_cast<std::size_t>(n));
  std::iota(parent.begin(), parent.end(), 0);
  std::vector<int> by_x(parent);
  std::sort(by_x.begin(), by_x.end(), [&](int a, int b) { return unique[a].x < unique[b].x; });
  for (int i = 0; i < n; ++i) {
    const cv::Rect& a = unique[by_x[i]];
    for (int j = i + 1; j < n; ++j) {
      const cv::Rect& b = unique[by_x[j]];
      const int h = std::max(a.height, b.height);
      if (b.x > a.x + a.width + h) break;
      const int overlap = std::min(a.y + a.height, b.y + b.height) - std::max(a.y, b.y);
      if (overlap < 0.5 * std::min(a.height, b.height)) continue;
      // Centres at one height (a blob beside the line's bottom half is not the next letter).
      if (std::abs((a.y + a.height / 2.0) - (b.y + b.height / 2.0)) > kCentreShift * h) continue;
      if (std::max(a.height, b.height) > 2.0 * std::min(a.height, b.height)) continue;
      if (std::abs(ink[by_x[i]] - ink[by_x[j]]) > kInkDifference) continue;
      parent[Find(parent, by_x[i])] = Find(parent, by_x[j]);
    }
  }
  std::map<int, std::vector<int>> members;
  for (int i = 0; i < n; ++i) members[Find(parent, i)].push_back(i);
  std::vector<TextCandidate> out;
  const auto centre = [&](int i) {
    return cv::Point2d(unique[i].x + unique[i].width / 2.0, unique[i].y + unique[i].height / 2.0);
  };
  const auto median_height = [&](std::vector<int> ids) {
    std::vector<int> heights;
    for (const int i : ids) heights.push_back(unique[i].height);
    std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
    return static_cast<double>(heights[heights.size() / 2]);
  };
  // A line of characters: their centres on a straight line (slanted or not), and its
  // quadrilateral around that line.
  const auto emit = [&](const std::vector<int>& ids) {
    cv::Rect rect = unique[ids[0]];
    std::vector<cv::Point2d> centres, sizes;
    int tallest = 0;
    for (const int i : ids) {
      rect |= unique[i];
      centres.push_back(centre(i));
      sizes.emplace_back(centres.back().x, unique[i].height);
      tallest = std::max(tallest, unique[i].height);
    }
    if (rect.width < 1.5 * rect.height && rect.width < 3 * tallest) return false;
    const double h = median_height(ids);
    const auto [ca, cb] = FitLine(centres);
    double spread = 0;
    for (const auto& c : centres) spread += std::abs(c.y - (ca * c.x + cb));
    if (spread / static_cast<double>(centres.size()) > 0.35 * h || std::abs(ca) > 0.6) return false;
    // How far the characters reach above and below the centre line: most of them (the
    // 85th percentile: ascenders, marks and Han characters made of several regions count,
    // a stray box does not), scaled along x by the fitted heights (perspective).
    const auto [ha, hb] = FitLine(sizes);
    std::vector<double> up, down;
    for (const int i : ids) {
      const double c = ca * (unique[i].x + unique[i].width / 2.0) + cb;
      const double f = std::clamp((ha * (unique[i].x + unique[i].width / 2.0) + hb) / h, 0.7, 1.4);
      up.push_back((c - unique[i].y) / f);
      down.push_back((unique[i].y + unique[i].height - c) / f);
    }
    const auto percentile = [](std::vector<double>& v) {
      const auto k =
          v.begin() + static_cast<std::ptrdiff_t>(0.85 * static_cast<double>(v.size() - 1));
      std::nth_element(v.begin(), k, v.end());
      return std::max(*k, 0.0);
    };
    const double reach_up = std::max(percentile(up), 0.35 * h);
    const double reach_down = std::max(percentile(down), 0.35 * h);
    const double x0 = rect.x, x1 = rect.x + rect.width;
    const auto f = [&](double x) { return std::clamp((ha * x + hb) / h, 0.7, 1.4); };
    const auto at = [&](double x, double y) {
      return cv::Point2f(static_cast<float>(x / scale), static_cast<float>(y / scale));
    };
    TextCandidate c;
    c.quad = {at(x0, ca * x0 + cb - reach_up * f(x0)), at(x1, ca * x1 + cb - reach_up * f(x1)),
              at(x1, ca * x1 + cb + reach_down * f(x1)), at(x0, ca * x0 + cb + reach_down * f(x0))};
    c.box = cv::boundingRect(c.quad) & cv::Rect(0, 0, gray_in.cols, gray_in.rows);
    if (c.box.area() > 0) out.push_back(c);
    return true;
  };
  // A chain that is not one line (a line of text joined to the texture beside it): the
  // longest runs of boxes on one straight line, taken out one by one.
  const auto extract = [&](std::vector<int> ids) {
    for (int round = 0; round < 4 && ids.size() >= 3; ++round) {
      std::sort(ids.begin(), ids.end(), [&](int a, int b) { return unique[a].x < unique[b].x; });
      std::vector<int> best;
      const std::size_t m = ids.size();
      const std::size_t step = std::max<std::size_t>(1, m / 24);
      for (std::size_t p = 0; p < m; p += step)
        for (std::size_t q = p + 1; q < m && q <= p + 6; ++q) {
          const cv::Point2d cp = centre(ids[p]), cq = centre(ids[q]);
          if (std::abs(cq.x - cp.x) < 1) continue;
          const double slope = (cq.y - cp.y) / (cq.x - cp.x);
          if (std::abs(slope) > 0.6) continue;
          const double hp = (unique[ids[p]].height + unique[ids[q]].height) / 2.0;
          // The inliers, in one run along x without a gap wider than 1.2 heights.
          std::vector<int> run, longest;
          double last_right = -1e9;
          for (const int i : ids) {
            const cv::Point2d c = centre(i);
            const bool on = std::abs(c.y - (cp.y + slope * (c.x - cp.x))) <= 0.25 * hp &&
                            unique[i].height >= 0.5 * hp && unique[i].height <= 2.0 * hp;
            if (!on) continue;
            if (!run.empty() && unique[i].x > last_right + 1.2 * hp) {
              if (run.size() > longest.size()) longest = run;
              run.clear();
            }
            run.push_back(i);
            last_right = std::max(last_right, static_cast<double>(unique[i].x + unique[i].width));
          }
          if (run.size() > longest.size()) longest = run;
          if (longest.size() > best.size()) best = longest;
        }
      if (best.size() < 3 || !emit(best)) return;
      std::vector<int> rest;
      for (const int i : ids)
        if (std::find(best.begin(), best.end(), i) == best.end()) rest.push_back(i);
      ids = std::move(rest);
    }
  };
  // A short word of one or two letters with its marks ("ရုံး", "ဈေး"): no chain of three, so
  // the letters' box grows by the marks of their ink above, below and (dots) right of them,
  // and it is a candidate when the letters and the places holding marks make three.
  const auto emit_word = [&](const std::vector<int>& ids) {
    if (!words) return;
    cv::Rect rect = unique[ids[0]];
    double grey = 0;
    for (const int i : ids) rect |= unique[i], grey += ink[i];
    grey /= static_cast<double>(ids.size());
    const int h = rect.height;
    if (h < kWordMinHeight || h > gray.rows / 5 || rect.width > 3 * h || 3 * rect.width < h) return;
    cv::Rect grown = rect;
    bool above = false, below = false, right = false;
    const auto first = std::lower_bound(small.begin(), small.end(), rect.x - h,
                                        [](const auto& m, int x) { return m.first.x < x; });
    for (auto it = first; it != small.end() && it->first.x <= rect.x + rect.width + h / 2; ++it) {
      const cv::Rect& m = it->first;
      if (m.height > 0.7 * h || m.width > 1.2 * h) continue;
      if ((m & rect).area() > 0.5 * m.area() && m.y >= rect.y - 0.1 * h &&
          m.y + m.height <= rect.y + 1.1 * h)
        continue;  // part of a letter
      const double mx = m.x + m.width / 2.0, my = m.y + m.height / 2.0;
      const bool is_above = mx >= rect.x && mx <= rect.x + rect.width &&
                            m.y + m.height <= rect.y + 0.3 * h &&
                            m.y + m.height >= rect.y - 0.6 * h;
      const bool is_below = mx >= rect.x && mx <= rect.x + rect.width && m.y >= rect.y + 0.7 * h &&
                            m.y <= rect.y + 1.3 * h;
      const bool is_right = mx > rect.x + rect.width && m.x <= rect.x + rect.width + 0.4 * h &&
                            my > rect.y && my < rect.y + h && m.height <= 0.45 * h;
      if (!is_above && !is_below && !is_right) continue;
      double sum = 0;
      for (const auto& p : regions[it->second]) sum += gray.at<std::uint8_t>(p);
      if (regions[it->second].empty() ||
          std::abs(sum / static_cast<double>(regions[it->second].size()) - grey) > kInkDifference)
        continue;
      above |= is_above, below |= is_below, right |= is_right;
      grown |= m;
    }
    if (static_cast<int>(ids.size()) + above + below + right < 3 || 2 * grown.width < h) return;
    const auto at = [&](double x, double y) {
      return cv::Point2f(static_cast<float>(x / scale), static_cast<float>(y / scale));
    };
    TextCandidate c;
    const double x0 = grown.x, x1 = grown.x + grown.width;
    const double y0 = rect.y, y1 = rect.y + rect.height;
    c.quad = {at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1)};
    c.box = cv::boundingRect(c.quad) & cv::Rect(0, 0, gray_in.cols, gray_in.rows);
    c.word = true;
    if (c.box.area() > 0) out.push_back(c);
  };
  for (const auto& [root, ids] : members) {
    if (ids.size() == 1) {
      emit_word(ids);
      continue;
    }
    if (ids.size() == 2) {
      // Two characters make a Han word ("超市", "園區"): two square boxes of one size side
      // by side, less than half a character apart.
      cv::Rect a = unique[ids[0]], b = unique[ids[1]];
      if (a.x > b.x) std::swap(a, b);
      const auto square = [](const cv::Rect& r) {
        return r.width >= 0.7 * r.height && r.width <= 1.4 * r.height;
      };
      const int h = std::max(a.height, b.height);  // at least 16 px at this scale
      if (!square(a) || !square(b) || std::min(a.height, b.height) < 0.8 * h || h < 16 ||
          b.x - (a.x + a.width) > 0.5 * h || b.x < a.x + a.width - 0.1 * h) {
        emit_word(ids);
        continue;
      }
      emit(ids);
      continue;
    }
    if (!emit(ids)) extract(ids);
  }
  return out;
}

// The words that label a phone number on the region's signs, per model: counted as words at the
// end of a run of letters right before a number whatever their length ("โทร" is three code points,
// "ໂທ" two; the English model reads "โทร" as "Ins" at 95, and without them the Thai reading lost).
// The Latin labels (one list for English and Vietnamese, lower case, single words) serve
// another rule, Latin readings having no dictionary weighing: a short Latin word before a
// number that is none of them is a lookalike of another script's label (ReadLine).
const std::vector<std::string>& PhoneLabels(const std::string& language) {
  static const std::vector<std::string> latin = {"tel", "ph", "phone", "call", "hotline", "mobile",
                                                 "mob", "đt", "sđt",   "dt",   "sdt"};
  static const std::map<std::string, std::vector<std::string>> labels = {
      {"tha", {"โทร", "โทรศัพท์", "มือถือ", "ติดต่อ"}},
      {"lao", {"ໂທ", "ໂທລະສັບ", "ມືຖື"}},
      {"khm", {"ទូរស័ព្ទ", "ទូរ", "លេខ"}},
      {"mya", {"ဖုန်း", "ဖုန်းနံပါတ်"}},
      {"eng", latin},
      {"vie", latin},
  };
  static const std::vector<std::string> none;
  const auto it = labels.find(language);
  return it == labels.end() ? none : it->second;
}

// How much of a reading is words of the model's own language: the share of its letters in
// dictionary words (Tesseract's word list for the model) of at least four code points (short
// ones match chance strings: "ជុន" in Khmer, "ถาม" in Thai), or a phone label before a number;
// text without spaces (Thai, Lao, Khmer, Burmese) is cut into words by dynamic programming. A
// model shown a script not its own reads the lookalike letters of its own script at a high
// confidence (the Thai model reads Lao "ທະນາຄານ" as "ทะบาถาม", every letter above 90 %), but
// seldom whole words: short words only ("ถาม").
double DictionaryCoverage(tesseract::TessBaseAPI& api, const std::string& language,
                          const std::string& text) {
  const std::size_t min_len = 4, max_len = 20;
  const auto& labels = PhoneLabels(language.substr(0, language.find('+')));
  const icu::UnicodeString u = icu::UnicodeString::fromUTF8(text);
  std::vector<UChar32> cps;
  for (int32_t i = 0; i < u.length(); i = u.moveIndex32(i, 1)) cps.push_back(u.char32At(i));
  const auto in_word = [](UChar32 c) {
    const int8_t type = u_charType(c);
    return u_isalpha(c) || type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK;
  };
  std::size_t covered = 0, total = 0;
  for (std::size_t i = 0; i < cps.size();) {
    std::size_t j = i;
    while (j < cps.size() && in_word(cps[j])) ++j;
    if (j == i) {
      ++i;
      continue;
    }
    const std::size_t n = j - i;
    total += n;
    const auto word_at = [&](std::size_t a, std::size_t b) {
      const int32_t from = u.moveIndex32(0, static_cast<int32_t>(i + a));
      std::string word;
      icu::UnicodeString(u, from, u.moveIndex32(0, static_cast<int32_t>(i + b)) - from)
          .toUTF8String(word);
      return word;
    };
    std::size_t next = j;
    while (next < cps.size() &&
           (cps[next] == ' ' || cps[next] == ':' || cps[next] == '.' || cps[next] == '+'))
      ++next;
    const bool before_number = next < cps.size() && u_isdigit(cps[next]);
    std::vector<std::size_t> best(n + 1, 0);
    for (std::size_t b = 1; b <= n; ++b) {
      best[b] = best[b - 1];
      for (std::size_t a = b > max_len ? b - max_len : 0; a < b; ++a) {
        if (best[a] + (b - a) <= best[b]) continue;
        const bool label = b == n && before_number &&
                           std::find(labels.begin(), labels.end(), word_at(a, b)) != labels.end();
        if (label || (a + min_len <= b && api.IsValidWord(word_at(a, b).c_str())))
          best[b] = best[a] + (b - a);
      }
    }
    covered += best[n];
    i = j;
  }
  return total ? static_cast<double>(covered) / static_cast<double>(total) : 0.0;
}

// Latin digits in a reading.
int AsciiDigits(const std::string& text) {
  return static_cast<int>(
      std::count_if(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }));
}

// A reading "LABEL NUMBER": the letters before its first digit or '+' (spaces, ':' and '.'
// around them left out), when what follows holds at least seven Latin digits; otherwise "".
std::string LabelBeforeNumber(const std::string& text) {
  const std::size_t start = text.find_first_of("+0123456789");
  if (start == std::string::npos || AsciiDigits(text.substr(start)) < 7) return "";
  std::string label = text.substr(0, start);
  while (!label.empty() && (label.back() == ' ' || label.back() == ':' || label.back() == '.'))
    label.pop_back();
  return label;
}

// The share of a strip's width, without its margins, that the symbols of the last reading
// cover (their boxes' columns; 0 for an empty reading).
double SymbolSpan(tesseract::TessBaseAPI& api, int strip_width) {
  const int inner = strip_width - 2 * kStripPad;
  if (inner <= 0) return 0;
  std::vector<bool> covered(static_cast<std::size_t>(strip_width), false);
  std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
  if (it) do {
      int x0, y0, x1, y1;
      if (!it->BoundingBox(tesseract::RIL_SYMBOL, &x0, &y0, &x1, &y1)) continue;
      for (int x = std::max(0, x0); x < std::min(strip_width, x1); ++x)
        covered[static_cast<std::size_t>(x)] = true;
    } while (it->Next(tesseract::RIL_SYMBOL));
  return static_cast<double>(std::count(covered.begin(), covered.end(), true)) / inner;
}

}  // namespace

std::vector<TextCandidate> DetectTextLines(const cv::Mat& gray_in, int max_lines) {
  // Detect on at most 1600 px (text of 12 px x-height at 12 MP stays visible), and again
  // at a third of that, where the strokes of large characters (Han above all) blur into
  // one region each; a line found at both is kept once.
  const double scale = std::min(1.0, 1600.0 / std::max(gray_in.cols, gray_in.rows));
  std::vector<TextCandidate> out = DetectAtScale(gray_in, scale, true);
  const auto overlap = [](const TextCandidate& a, const TextCandidate& b) {
    return (a.box & b.box).area() > 0.5 * std::min(a.box.area(), b.box.area());
  };
  for (auto& c : DetectAtScale(gray_in, scale / 3, false)) {
    const bool seen = std::any_of(out.begin(), out.end(),
                                  [&](const TextCandidate& o) { return !o.word && overlap(o, c); });
    if (!seen) out.push_back(std::move(c));
  }
  // A short word inside a line's quadrilateral (a Han character's strokes pass for a letter
  // with its marks) is that line's.
  std::vector<std::vector<cv::Point2f>> line_quads;
  for (const auto& c : out)
    if (!c.word) line_quads.push_back(c.quad);
  std::erase_if(out, [&](const TextCandidate& w) {
    const cv::Point2f centre((w.box.x + w.box.width / 2.0f), (w.box.y + w.box.height / 2.0f));
    return w.word && std::any_of(line_quads.begin(), line_quads.end(), [&](const auto& q) {
             return cv::pointPolygonTest(q, centre, false) >= 0;
           });
  });
  // The largest first.
  std::sort(out.begin(), out.end(), [](const TextCandidate& a, const TextCandidate& b) {
    return a.box.area() > b.box.area();
  });
  // The largest max_lines lines, and the largest of the short words whose strips hold ink on
  // a background (the clumps of foliage that pass for a letter with its marks seldom do),
  // an eighth as many: on a photo full of foliage the lines alone fill the quota, and a
  // sign's short word, smaller than the clumps, would never be read.
  std::vector<TextCandidate> kept;
  int lines = 0, words = 0;
  for (auto& c : out) {
    if (c.word ? words >= (max_lines + 7) / 8 : lines >= max_lines) continue;
    if (c.word && InkSeparability(LineStrip(gray_in, c)) < kMinWordSeparability) continue;
    ++(c.word ? words : lines);
    kept.push_back(std::move(c));
  }
  return kept;
}

cv::Mat LineStrip(const cv::Mat& gray, const TextCandidate& line) {
  const auto& q = line.quad;  // top-left, top-right, bottom-right, bottom-left
  const double height = std::max({1.0, cv::norm(q[3] - q[0]), cv::norm(q[2] - q[1])});
  const double width = std::max({1.0, cv::norm(q[1] - q[0]), cv::norm(q[2] - q[3])});
  const double scale = std::clamp(48.0 / height, 0.25, 6.0);
  const int pad = kStripPad;
  // The quad grown by a third of its height above and below, so that marks above and
  // below the letters (Thai, Lao, Khmer, Burmese vowels, Khmer subscripts) stay in, and a
  // fifth at the ends.
  const float grow = static_cast<float>(height / 5), grow_y = static_cast<float>(height / 3);
  const cv::Point2f along =
      (q[1] - q[0]) * (1.0f / static_cast<float>(cv::norm(q[1] - q[0]) + 1e-6));
  const cv::Point2f down =
      (q[3] - q[0]) * (1.0f / static_cast<float>(cv::norm(q[3] - q[0]) + 1e-6));
  const std::vector<cv::Point2f> src = {
      q[0] - grow * along - grow_y * down, q[1] + grow * along - grow_y * down,
      q[2] + grow * along + grow_y * down, q[3] - grow * along + grow_y * down};
  const float w = static_cast<float>((width + 2 * grow) * scale);
  const float h = static_cast<float>((height + 2 * grow_y) * scale);
  const std::vector<cv::Point2f> dst = {{0, 0}, {w, 0}, {w, h}, {0, h}};
  cv::Mat crop;
  cv::warpPerspective(gray, crop, cv::getPerspectiveTransform(src, dst),
                      cv::Size(std::max(1, static_cast<int>(w)), std::max(1, static_cast<int>(h))),
                      cv::INTER_CUBIC, cv::BORDER_REPLICATE);
  // Light text on dark: invert, so that text is always dark.
  cv::Mat binary;
  cv::threshold(crop, binary, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  if (static_cast<std::size_t>(cv::countNonZero(binary)) < binary.total() / 2)
    cv::bitwise_not(crop, crop);
  // An analyst's rectangle: deskew by the ink's orientation when it is clear.
  if (line.from_box) {
    cv::threshold(crop, binary, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
    std::vector<cv::Point> ink;
    cv::findNonZero(binary, ink);
    if (ink.size() > 20) {
      cv::RotatedRect r = cv::minAreaRect(ink);
      double angle = r.angle;
      if (r.size.width < r.size.height) angle += 90;
      if (angle > 45) angle -= 90;
      if (std::abs(angle) > 1.5 && std::abs(angle) < 40) {
        const cv::Mat rot =
            cv::getRotationMatrix2D(cv::Point2f(crop.cols / 2.0f, crop.rows / 2.0f), angle, 1.0);
        cv::warpAffine(crop, crop, rot, crop.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
      }
    }
  }
  cv::copyMakeBorder(crop, crop, pad, pad, pad, pad, cv::BORDER_REPLICATE);
  return crop;
}

TextCandidate CandidateFromBox(const cv::Rect& box) {
  TextCandidate c;
  c.box = box;
  c.quad = {
      cv::Point2f(static_cast<float>(box.x), static_cast<float>(box.y)),
      cv::Point2f(static_cast<float>(box.x + box.width), static_cast<float>(box.y)),
      cv::Point2f(static_cast<float>(box.x + box.width), static_cast<float>(box.y + box.height)),
      cv::Point2f(static_cast<float>(box.x), static_cast<float>(box.y + box.height))};
  c.from_box = true;
  return c;
}

Result<TextLine> TextReader::ReadLine(const cv::Mat& gray, const TextCandidate& candidate,
                                      std::string& numbers) {
  numbers.clear();
  const cv::Mat line = LineStrip(gray, candidate);
  const cv::Rect box = candidate.box;
  // Ink on a background splits a strip's greys in two (Otsu's separability, between-class
  // over total variance, is high); foliage and gravel do not, and are not worth reading
  // eight times.
  if (!candidate.from_box && InkSeparability(line) < kMinSeparability) {
    TextLine none;
    none.box = box;
    return none;
  }
  // How the strip looks: the share of its windows that look like each script.
  const LookShares look = look_->Classify(line);
  const double look_weight = kLookWeight * std::min(1.0, look.letter_windows / kLookFullWindows);
  // Per reading, the confidence that decides between models. Tesseract's word confidences
  // are not comparable across models: the Thai model makes a "word" of every letter (each
  // above 90), the Lao, Khmer and Burmese models whole words scored by their least sure
  // letter. So for the scripts without spaces the letters' own confidences count, lowered
  // by up to 30 % for the letters outside words of the model's dictionary (a model reads
  // another script's letters as lookalikes of its own, just as surely, but seldom as its
  // words); for Latin, the words' confidence (every model reads digits, so only words with
  // letters count).
  std::map<std::string, double> reading_confidence;
  // ... and, per reading, a weight that only compares it with the other models' readings
  // of the line; it is not how sure the reading is (the line's confidence, whose garbage
  // threshold of 60 was set without it, leaves it out).
  std::map<std::string, double> contest_weight;
  const auto read = [&](const std::string& languages, TextLine& out) -> bool {
    Engine* engine = EngineFor(languages);
    if (!engine) return false;
    engine->api.SetPageSegMode(tesseract::PSM_SINGLE_LINE);
    engine->api.SetImage(line.data, line.cols, line.rows, 1, static_cast<int>(line.step));
    char* text = engine->api.GetUTF8Text();
    out.text = text ? text : "";
    delete[] text;
    while (!out.text.empty() && (out.text.back() == '\n' || out.text.back() == ' '))
      out.text.pop_back();
    out.confidence = engine->api.MeanTextConf();
    out.language = languages;
    const std::string script = LanguageScript(languages);
    const bool by_letter = script != "Latn";
    const auto level = by_letter ? tesseract::RIL_SYMBOL : tesseract::RIL_WORD;
    double sum = 0, weight = 0;
    std::unique_ptr<tesseract::ResultIterator> it(engine->api.GetIterator());
    if (it) do {
        std::unique_ptr<char[]> unit(it->GetUTF8Text(level));
        if (!unit) continue;
        const int letters = IdentifyScript(unit.get()).letters;
        if (letters == 0) continue;
        sum += it->Confidence(level) * letters;
        weight += letters;
      } while (it->Next(level));
    double confidence = weight > 0 ? sum / weight : out.confidence;
    if (by_letter && script != "Hani")
      confidence *= 0.7 + 0.3 * DictionaryCoverage(engine->api, languages, out.text);
    reading_confidence[languages] = confidence;
    // A model shown its own script reads every letter of the line; shown another, it often
    // reads a few lookalikes and leaves the rest (the Lao model made "ສິຕີ" of 公司西港). So
    // the share of the strip's width its symbols cover lowers the reading by up to 30 %.
    // And the strip's look: Tesseract's models read each other's letters as their own, as
    // surely; the look is a witness independent of them.
    contest_weight[languages] =
        (0.7 + 0.3 * std::min(1.0, SymbolSpan(engine->api, line.cols) / kFullSpan)) *
        (1 - look_weight + look_weight * look.ScriptShare(script));
    return true;
  };
  // The script's models compete: each reads the line alone and the surest reading in its
  // own script wins (the mixed multi-language model confused Lao, Thai and Khmer). Every
  // model reads every line: ending the contest at a reading above 90 saved 6 % of the
  // readings and lost the lines where a lookalike came first (办公室 read as Burmese at 93).
  const auto has = [&](const std::string& l) {
    return std::find(options_.languages.begin(), options_.languages.end(), l) !=
           options_.languages.end();
  };
  std::vector<std::string> order;
  for (const auto& l : options_.languages)
    if (l != "chi_tra") order.push_back(l);
  // A reading's score: its confidence, halved when the model read another script (it saw
  // no shapes of its own), lowered for words that mix letters and digits (a model reading
  // a foreign script makes digits of its shapes: "๑ธุ๊6"). The line's confidence is the
  // winner's score; the contest compares scores times the contest weights.
  const auto score = [&](const TextLine& t) {
    const LineScript id = IdentifyScript(t.text);
    const bool own = id.script == LanguageScript(t.language);
    double sc = reading_confidence[t.language] * (own ? 1.0 : 0.5) * (id.letters >= 2 ? 1.0 : 0.7);
    if (MixesLettersAndDigits(t.text)) sc *= 0.75;
    return sc;
  };
  const auto contest = [&](const TextLine& t) { return score(t) * contest_weight[t.language]; };
  TextLine first;
  first.box = box;
  double best = -1;
  std::map<std::string, TextLine> read_by;
  for (const auto& l : order) {
    TextLine candidate = first;
    if (!read(l, candidate)) return MakeError("Tesseract failed to read with " + l);
    const double sc = contest(candidate);
    read_by[l] = candidate;
    if (sc > best) best = sc, first = candidate;
  }
  // Refinements of the winner: traditional Han characters; plain English; digits (a phone
  // number beside local words) read better with English added to the script's model.
  const auto challenge = [&](const std::string& l, double margin) {
    TextLine candidate = first;
    if (has(l) && read(l, candidate) && contest(candidate) > best + margin)
      best = contest(candidate), first = candidate;
  };
  // A phone label read as a Latin lookalike: the English model reads the Thai "โทร" as
  // "Ins" (96) and wins on the strip's look, where the digits beside the label look Latin;
  // the Thai model read its own label there at 99. A short Latin word before a number that
  // is no Latin phone label gives way to a script's model that read one of its labels there
  // as surely.
  if (LanguageScript(first.language) == "Latn") {
    const auto& latin_labels = PhoneLabels(first.language);
    const std::string label = LabelBeforeNumber(first.text);
    const LineScript label_script = IdentifyScript(label);
    std::string lower;
    icu::UnicodeString::fromUTF8(label).toLower().toUTF8String(lower);
    if (!label.empty() && label_script.letters <= 3 && label.find(' ') == std::string::npos &&
        std::find(latin_labels.begin(), latin_labels.end(), lower) == latin_labels.end())
      for (const auto& l : order) {
        if (LanguageScript(l) == "Latn" || !read_by.count(l)) continue;
        const auto& labels = PhoneLabels(l);
        const std::string theirs = LabelBeforeNumber(read_by[l].text);
        if (reading_confidence[l] >= score(first) &&
            std::find(labels.begin(), labels.end(), theirs) != labels.end()) {
          first = read_by[l], best = contest(first);
          break;
        }
      }
  }
  if (first.language == "chi_sim") challenge("chi_tra", 3);
  LineScript script = IdentifyScript(first.text);
  // English read it best, but the Vietnamese model saw Vietnamese letters nearly as surely.
  if (first.language == "eng" && read_by.count("vie") &&
      IdentifyScript(read_by["vie"].text).language == "vie" && contest(read_by["vie"]) >= best - 10)
    first = read_by["vie"], best = contest(first);
  if (AsciiDigits(first.text) >= 5 && first.language != "eng" && first.language != "vie" &&
      has("eng")) {
    TextLine candidate = first;
    if (read(first.language + "+eng", candidate) && contest(candidate) >= best - 10 &&
        IdentifyScript(candidate.text).script == LanguageScript(first.language))
      first = candidate, best = contest(candidate);
  }
  // The English reading's digits, for the phone numbers the winner misread: the Khmer model
  // read "ទូរស័ព្ទ 017 729 046" as "ទូរស័ព្ទ ២? 5 /]", the Thai model 081-739-6448 as
  // 081-7239-6448; the English model read both right.
  if (read_by.count("eng") && first.language != "eng") {
    const std::string& eng = read_by["eng"].text;
    if (AsciiDigits(eng) >= 7) numbers = eng;
  }
  script = IdentifyScript(first.text);
  first.script = script.script;
  if (script.zawgyi) {
    first.zawgyi = true;
    first.text = ZawgyiToUnicode(first.text);
  }
  first.latin = TransliterateToLatin(first.text);
  first.confidence = std::clamp(score(first), 0.0, 100.0);
  if (script.mixed_word) first.confidence = std::min(first.confidence, 20.0);
  return first;
}

namespace {

// Numbers written without their country code, on a line whose script names no country (or
// that makes no script clue), parsed again in the countries of the lines stacked with it on
// the same plate.
void PlateContextPhones(std::vector<TextLine>& lines) {
  // A number written without its country code on a line whose script names no country
  // ("Tel 089-988-2936", or a label misread as Latin: "Ins 089-...") was tried in the
  // default regions, Cambodia first; on a line too short or unsure to make a script clue,
  // in its script's countries first. A line stacked with it on the same plate, read surely
  // in a script that does name countries or holding a place name, says better where the
  // plate is. Only a line that makes a script clue counts for its script: texture beside a
  // Han sign read as Burmese made a Cambodian number Thai. Stacked: overlapping by half the
  // narrower width, and at most two line heights apart (lines 1.5 em apart leave 1.3-1.7
  // letter bands between them).
  const auto stacked = [](const cv::Rect& a, const cv::Rect& b) {
    const int overlap = std::min(a.x + a.width, b.x + b.width) - std::max(a.x, b.x);
    const int gap = std::max(a.y, b.y) - std::min(a.y + a.height, b.y + b.height);
    return overlap >= 0.5 * std::min(a.width, b.width) && gap <= 2 * std::max(a.height, b.height);
  };
  for (auto& line : lines) {
    const bool local_phone = std::any_of(line.items.begin(), line.items.end(), IsLocalPhone);
    // A label of a few letters names its country weakly: "ໂທ" misread as the Vietnamese
    // "lưu" made a Lao number (valid in Vietnam too) Vietnamese beside a sure Lao line.
    if (!local_phone || (MakesScriptClue(line) &&
                         !ScriptCountries(line.script, IdentifyScript(line.text).language).empty()))
      continue;
    std::vector<std::string> regions;
    const auto add = [&](const std::string& country) {
      if (std::find(regions.begin(), regions.end(), country) == regions.end())
        regions.push_back(country);
    };
    for (const auto& other : lines) {
      if (&other == &line || !stacked(line.box, other.box)) continue;
      if (MakesScriptClue(other))
        for (const auto& [country, weight] :
             ScriptCountries(other.script, IdentifyScript(other.text).language))
          add(country);
      // A place name of the gazetteer on the plate names its country even when the line is
      // too short for a script clue ("ວຽງຈນ" above "ໂທ 020 5530 4102").
      for (const auto& item : other.items)
        if (item.kind == "place" && !item.country.empty()) add(item.country);
    }
    if (regions.empty()) continue;
    for (const auto& r : DefaultPhoneRegions())
      if (std::find(regions.begin(), regions.end(), r) == regions.end()) regions.push_back(r);
    std::vector<TextItem> kept, found;
    for (auto& item : line.items) {
      if (!IsLocalPhone(item)) {
        kept.push_back(std::move(item));
        continue;
      }
      for (auto& again : FindTextItems(item.source.empty() ? line.text : item.source, regions))
        if (IsLocalPhone(again) && std::none_of(found.begin(), found.end(), [&](const TextItem& f) {
              return f.value == again.value;
            })) {
          again.source = item.source;
          found.push_back(std::move(again));
        }
    }
    for (auto& item : found) kept.push_back(std::move(item));
    line.items = std::move(kept);
  }
}

}  // namespace

Result<std::vector<TextLine>> TextReader::Read(const cv::Mat& image,
                                               const std::vector<cv::Rect>& extra_boxes) {
  if (image.empty()) return MakeError("empty image");
  cv::Mat gray;
  if (image.channels() == 3)
    cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  else if (image.channels() == 4)
    cv::cvtColor(image, gray, cv::COLOR_BGRA2GRAY);
  else
    gray = image;
  std::vector<TextCandidate> boxes;
  std::vector<cv::Rect> given = options_.boxes;
  given.insert(given.end(), extra_boxes.begin(), extra_boxes.end());
  for (const auto& b : given) {
    const cv::Rect clipped = b & cv::Rect(0, 0, gray.cols, gray.rows);
    if (clipped.area() > 0) boxes.push_back(CandidateFromBox(clipped));
  }
  if (options_.detect)
    for (auto& c : DetectTextLines(gray, options_.max_lines)) boxes.push_back(std::move(c));
  std::vector<TextLine> lines;
  for (const auto& box : boxes) {
    std::string numbers;
    auto line = ReadLine(gray, box, numbers);
    if (!line.ok()) return line.error();
    const LineScript script = IdentifyScript(line->text);
    // Three letters or digits at least; two Han characters make a word ("招聘", "西港").
    const bool garbage =
        script.letters + AsciiDigits(line->text) < (script.script == "Hani" ? 2 : 3) ||
        line->confidence < options_.min_confidence || script.garbage_like;
    const auto countries = ScriptCountries(line->script, script.language);
    std::vector<std::string> regions;
    for (const auto& [country, weight] : countries) regions.push_back(country);
    for (const auto& r : DefaultPhoneRegions())
      if (std::find(regions.begin(), regions.end(), r) == regions.end()) regions.push_back(r);
    const auto is_phone = [](const TextItem& item) { return item.kind == "phone"; };
    if (!garbage)
      line->items = FindTextItems(line->text, regions, places_.get());
    else  // A valid number with its country code is no chance string: "+95 9 97965 7753"
          // alone on its line scores as garbage (31), its digits are sure.
      for (auto& item : FindTextItems(line->text, regions, nullptr))
        if (IsInternationalPhone(item)) line->items.push_back(std::move(item));
    // Phone numbers in Latin digits are the English model's to read: another script's model
    // (with English added) misreads them ("ទូរស័ព្ទ917 729 046" for 017 729 046, a valid
    // Vietnamese number; "09 97159 ၉5၉၉", Burmese lookalikes of Latin digits) or finds none.
    // Where the English reading has a valid number of the region that the winner's has not,
    // it replaces the winner's; a valid number is no chance string, so it keeps even a
    // garbage line. Numbers in the script's own digits the English model does not read.
    bool rescued = false;
    if (!numbers.empty()) {
      std::vector<TextItem> phones;
      for (auto& item : FindTextItems(numbers, regions, nullptr))
        if (is_phone(item)) phones.push_back(std::move(item)), phones.back().source = numbers;
      const bool same = std::all_of(phones.begin(), phones.end(), [&](const TextItem& p) {
        return std::any_of(line->items.begin(), line->items.end(),
                           [&](const TextItem& i) { return is_phone(i) && i.value == p.value; });
      });
      // A number the winner read with its country code is surer than one the English model
      // read without it: the winner's "+95 9 97965 7753" (a garbage line: digits alone) was
      // the English model's "+95.9°97965 7753", a valid Vietnamese 979 657 753.
      const bool surer =
          std::any_of(line->items.begin(), line->items.end(), IsInternationalPhone) &&
          std::none_of(phones.begin(), phones.end(), IsInternationalPhone);
      if (!same && !surer) {
        std::erase_if(line->items, is_phone);
        for (auto& item : phones) line->items.push_back(std::move(item));
        rescued = true;
      }
    }
    if (garbage && !rescued && line->items.empty()) continue;
    lines.push_back(std::move(*line));
  }
  PlateContextPhones(lines);
  return lines;
}

Result<std::vector<TextLine>> TextReader::ReadWhole(const cv::Mat& image,
                                                    const std::string& languages) {
  cv::Mat gray;
  if (image.channels() == 3)
    cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  else
    gray = image;
  Engine* engine = EngineFor(languages);
  if (!engine) return MakeError("Tesseract could not load " + languages);
  engine->api.SetPageSegMode(tesseract::PSM_SPARSE_TEXT);
  engine->api.SetImage(gray.data, gray.cols, gray.rows, 1, static_cast<int>(gray.step));
  if (engine->api.Recognize(nullptr) != 0) return MakeError("Tesseract failed");
  std::vector<TextLine> lines;
  std::unique_ptr<tesseract::ResultIterator> it(engine->api.GetIterator());
  if (!it) return lines;
  do {
    char* text = it->GetUTF8Text(tesseract::RIL_TEXTLINE);
    if (!text) continue;
    TextLine line;
    line.text = text;
    delete[] text;
    while (!line.text.empty() && (line.text.back() == '\n' || line.text.back() == ' '))
      line.text.pop_back();
    line.confidence = it->Confidence(tesseract::RIL_TEXTLINE);
    int x0, y0, x1, y1;
    if (it->BoundingBox(tesseract::RIL_TEXTLINE, &x0, &y0, &x1, &y1))
      line.box = cv::Rect(x0, y0, x1 - x0, y1 - y0);
    line.script = IdentifyScript(line.text).script;
    line.language = languages;
    lines.push_back(std::move(line));
  } while (it->Next(tesseract::RIL_TEXTLINE));
  return lines;
}

}  // namespace gv
