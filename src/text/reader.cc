#include "text/reader.h"

#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>

#include <algorithm>
#include <numeric>
#include <opencv2/features2d.hpp>
#include <opencv2/imgproc.hpp>

#include "text/script.h"

namespace gv {

struct TextReader::Engine {
  tesseract::TessBaseAPI api;
};

namespace {

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "+") + p;
  return out;
}

// Union-find over candidate boxes.
int Find(std::vector<int>& parent, int i) {
  while (parent[i] != i) i = parent[i] = parent[parent[i]];
  return i;
}

// The line crop made readable: deskewed by the ink's minimum-area rectangle, scaled so the
// text is about 40 px high, with a white margin, dark text on light.
cv::Mat PrepareLine(const cv::Mat& gray, const cv::Rect& box) {
  const int pad = std::max(2, box.height / 5);
  const cv::Rect padded = (box + cv::Size(2 * pad, 2 * pad) - cv::Point(pad, pad)) &
                          cv::Rect(0, 0, gray.cols, gray.rows);
  cv::Mat crop = gray(padded).clone();
  // Light text on dark: invert, so that text is always dark.
  cv::Mat binary;
  cv::threshold(crop, binary, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  if (static_cast<std::size_t>(cv::countNonZero(binary)) < binary.total() / 2)
    cv::bitwise_not(crop, crop);
  // Deskew by the ink's orientation when it is clear (a few degrees to 40).
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
  const double scale = std::clamp(48.0 / std::max(1, box.height), 0.25, 6.0);
  cv::resize(crop, crop, cv::Size(), scale, scale, scale > 1 ? cv::INTER_CUBIC : cv::INTER_AREA);
  cv::copyMakeBorder(crop, crop, 12, 12, 12, 12, cv::BORDER_REPLICATE);
  return crop;
}

}  // namespace

std::string TesseractPackage(const std::string& language) {
  std::string name = language;
  std::replace(name.begin(), name.end(), '_', '-');
  return "tesseract-ocr-" + name;
}

TextReader::~TextReader() {
  for (auto& [key, engine] : engines_) engine->api.End();
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
  if (!reader->EngineFor(Join(options.languages)))
    return MakeError("Tesseract could not load " + Join(options.languages));
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

std::vector<cv::Rect> DetectTextLines(const cv::Mat& gray_in, int max_lines) {
  // Detect on at most 1600 px: text of 12 px x-height at 12 MP stays visible.
  const double scale = std::min(1.0, 1600.0 / std::max(gray_in.cols, gray_in.rows));
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
  // Character-like boxes only.
  std::vector<cv::Rect> chars;
  for (const auto& b : boxes) {
    const double aspect = static_cast<double>(b.width) / b.height;
    if (b.height >= 6 && b.height <= gray.rows / 3 && aspect > 0.08 && aspect < 4)
      chars.push_back(b);
  }
  // Deduplicate nested MSER boxes of one character.
  std::sort(chars.begin(), chars.end(),
            [](const cv::Rect& a, const cv::Rect& b) { return a.area() > b.area(); });
  std::vector<cv::Rect> unique;
  for (const auto& b : chars) {
    bool dup = false;
    for (const auto& u : unique)
      if ((b & u).area() > 0.7 * b.area()) {
        dup = true;
        break;
      }
    if (!dup) unique.push_back(b);
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
      if (std::max(a.height, b.height) > 2.0 * std::min(a.height, b.height)) continue;
      parent[Find(parent, by_x[i])] = Find(parent, by_x[j]);
    }
  }
  std::map<int, std::pair<cv::Rect, int>> lines;
  for (int i = 0; i < n; ++i) {
    auto& [rect, count] = lines[Find(parent, i)];
    rect = count ? (rect | unique[i]) : unique[i];
    ++count;
  }
  std::vector<cv::Rect> out;
  for (const auto& [root, line] : lines) {
    const auto& [rect, count] = line;
    if (count < 3 || rect.width < 1.5 * rect.height) continue;
    out.push_back(
        cv::Rect(
            cv::Point(static_cast<int>(rect.x / scale), static_cast<int>(rect.y / scale)),
            cv::Size(static_cast<int>(rect.width / scale), static_cast<int>(rect.height / scale))) &
        cv::Rect(0, 0, gray_in.cols, gray_in.rows));
  }
  std::sort(out.begin(), out.end(),
            [](const cv::Rect& a, const cv::Rect& b) { return a.area() > b.area(); });
  if (static_cast<int>(out.size()) > max_lines) out.resize(static_cast<std::size_t>(max_lines));
  return out;
}

Result<TextLine> TextReader::ReadLine(const cv::Mat& gray, const cv::Rect& box) {
  const cv::Mat line = PrepareLine(gray, box);
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
    return true;
  };
  TextLine first;
  first.box = box;
  if (!read(Join(options_.languages), first)) return MakeError("Tesseract failed");
  LineScript script = IdentifyScript(first.text);
  // Again with the script's own model (and English, for the digits and Latin that signs
  // mix in), when the first pass mixed several: the mixed pass reads Thai digits as Khmer
  // and spaces out combining marks. Kept unless it is much less sure of itself.
  if (!script.language.empty() && options_.languages.size() > 1 &&
      std::find(options_.languages.begin(), options_.languages.end(), script.language) !=
          options_.languages.end()) {
    const bool has_eng = std::find(options_.languages.begin(), options_.languages.end(), "eng") !=
                         options_.languages.end();
    const std::string own =
        script.language == "eng" || !has_eng ? script.language : script.language + "+eng";
    TextLine second = first;
    if (read(own, second) && second.confidence >= first.confidence - 15) {
      const LineScript again = IdentifyScript(second.text);
      if (again.script == script.script) first = second, script = again;
    }
  }
  first.script = script.script;
  if (script.zawgyi) {
    first.zawgyi = true;
    first.text = ZawgyiToUnicode(first.text);
  }
  first.latin = TransliterateToLatin(first.text);
  if (script.mixed_word) first.confidence = std::min(first.confidence, 20.0);
  return first;
}

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
  std::vector<cv::Rect> boxes;
  std::vector<cv::Rect> given = options_.boxes;
  given.insert(given.end(), extra_boxes.begin(), extra_boxes.end());
  for (const auto& b : given) {
    const cv::Rect clipped = b & cv::Rect(0, 0, gray.cols, gray.rows);
    if (clipped.area() > 0) boxes.push_back(clipped);
  }
  if (options_.detect)
    for (const auto& b : DetectTextLines(gray, options_.max_lines)) boxes.push_back(b);
  std::vector<TextLine> lines;
  for (const auto& box : boxes) {
    auto line = ReadLine(gray, box);
    if (!line.ok()) return line.error();
    const LineScript script = IdentifyScript(line->text);
    if (script.letters +
                static_cast<int>(std::count_if(line->text.begin(), line->text.end(),
                                               [](char c) { return c >= '0' && c <= '9'; })) <
            3 ||
        line->confidence < options_.min_confidence || script.garbage_like)
      continue;  // garbage
    const auto countries = ScriptCountries(line->script, script.language);
    std::vector<std::string> regions;
    for (const auto& [country, weight] : countries) regions.push_back(country);
    for (const auto& r : DefaultPhoneRegions())
      if (std::find(regions.begin(), regions.end(), r) == regions.end()) regions.push_back(r);
    line->items = FindTextItems(line->text, regions, places_.get());
    lines.push_back(std::move(*line));
  }
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
