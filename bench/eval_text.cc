// Accuracy and speed of reading text in photos (src/text/, the `text` command and step) on
// signs rendered the way a victim's photo shows them: real fonts of the region (Debian
// fonts-khmeros, fonts-noto-core, fonts-wqy-microhei), words of real signs in Khmer,
// Burmese, Lao, Thai, simplified and traditional Chinese, Vietnamese and English, on
// coloured plates, often with a phone number in the local format (half with the country
// code); each sign turned in 3-D (yaw up to 40 deg, pitch 15, roll 8) and placed on a real
// camera photo of ../shared/data/exif (resized to 1600 px, a forwarded photo's size), then
// the photo blurred (50 %: sigma 0.3-1.2), noised (sigma 0-6) and saved as JPEG quality
// 60-95. The x-height (of a Latin x at the same font size) is drawn log-uniformly from 12 to
// 80 px.
// Figures, each next to its target:
//   script      the script of the lines read on a sign is the sign's (Latin for Vietnamese
//               and English), by x-height band; a sign with no line read counts as missed
//   phones      a phone item with the sign's country among the lines read on it
//   CER         character error rate per script (spaces ignored) of the lines read on a
//               sign, against Tesseract run on the whole photo with no region detection
//               and told the signs' languages (a baseline that knows more than geoverify)
//   false items phone and place items on the untouched photos (1600 px)
//   speed       the reader on 12 MP photos (4000 x 3000) with signs, one at a time
// Splits: backgrounds sorted by path, even ones for --split tune (used while tuning the
// reader), odd ones for --split validation (the default; what docs/evaluation.md reports).
// Usage: eval_text [--shared DIR] [--split tune|validation] [--per-photo N (3)]
//                  [--speed N (6)] [--threads N (2)] [--seed N] [--verbose] [--dump DIR]
// --seed N draws other composites (default 11 for tune, 22 for validation): a fresh draw of
// the validation photos for a blind measure once the reader's constants are chosen on them.
// --dump DIR writes each composite (rN.png) and, drawn on it, the candidate lines (green),
// the lines read (magenta) and the signs (red) (cN.png): a tuning aid.
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <opencv2/freetype.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "camera_backgrounds.h"
#include "text/reader.h"
#include "text/script.h"
#include "turned_plates.h"

namespace {

using namespace gv;
namespace fs = std::filesystem;

constexpr double kXHeightPerEm = 0.536;  // Noto Sans: the x-height of a font's pixel size

struct Script {
  std::string name;       // what the figures call it
  std::string iso;        // the script the reader should name
  std::string tesseract;  // the model the baseline is given
  std::string font;
  int font_index = 0;
  std::string label;  // "phone" in the script
  std::string country;
  std::vector<std::string> words;
  bool spaces = true;  // words separated by spaces
};

std::vector<Script> Scripts() {
  const std::string noto = "/usr/share/fonts/truetype/noto/";
  const std::string wqy = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
  return {
      {"Khmer",
       "Khmr",
       "khm",
       "/usr/share/fonts/truetype/khmeros/KhmerOS.ttf",
       0,
       "ទូរស័ព្ទ",
       "KH",
       {"ក្រុមហ៊ុន",    "ភ្នំពេញ",  "សណ្ឋាគារ", "ភោជនីយដ្ឋាន", "ផ្សារ",    "ហាងកាហ្វេ", "ធនាគារ", "សាលារៀន",
        "មន្ទីរពេទ្យ", "ព្រះសីហនុ", "សៀមរាប",  "បាត់ដំបង",    "កំពត",     "ស្វាគមន៍",   "លក់",     "ជួល",
        "បន្ទប់",     "អាហារ",  "ទឹកដោះគោ", "ម៉ាស៊ីន",      "សេវាកម្ម", "ការងារ"},
       true},
      {"Burmese",
       "Mymr",
       "mya",
       noto + "NotoSansMyanmar-Regular.ttf",
       0,
       "ဖုန်း",
       "MM",
       {"မြန်မာ",   "ရန်ကုန်", "မန္တလေး",  "ဆေးရုံ",  "စားသောက်ဆိုင်", "ကုမ္ပဏီ", "ဟိုတယ်",
        "ဈေး",     "ဘဏ်",   "ကျောင်း",  "ကော်ဖီ",  "ကြိုဆိုပါသည်",   "မြဝတီ", "ထားဝယ်",
        "တောင်ကြီး", "အလုပ်",  "ရောင်းသည်", "ငှားရန်", "ဝန်ဆောင်မှု",   "ရုံး"},
       true},
      {"Lao",
       "Laoo",
       "lao",
       noto + "NotoSansLao-Regular.ttf",
       0,
       "ໂທ",
       "LA",
       {"ວຽງຈັນ", "ຫຼວງພະບາງ", "ໂຮງແຮມ", "ຮ້ານອາຫານ", "ໂຮງໝໍ", "ທະນາຄານ", "ຕະຫຼາດ", "ບໍລິສັດ", "ຍິນດີຕ້ອນຮັບ",
        "ກາເຟ", "ໂຮງຮຽນ", "ບໍ່ແກ້ວ", "ຫ້ວຍຊາຍ", "ສາມຫຼ່ຽມຄຳ", "ບໍລິການ", "ເຊົ່າ", "ຂາຍ", "ຫ້ອງການ"},
       true},
      {"Thai",
       "Thai",
       "tha",
       noto + "NotoSansThai-Regular.ttf",
       0,
       "โทร",
       "TH",
       {"กรุงเทพ", "แม่สอด", "ร้านอาหาร", "โรงแรม", "โรงพยาบาล", "ธนาคาร", "ตลาด", "บริษัท", "ยินดีต้อนรับ",
        "กาแฟ", "โรงเรียน", "เชียงราย", "เชียงใหม่", "ห้องพัก", "บริการ", "ให้เช่า", "ขาย", "สำนักงาน",
        "ซ่อมรถ"},
       true},
      {"Chinese (simplified)",
       "Hani",
       "chi_sim",
       wqy,
       0,
       "电话",
       "",
       {"金边", "西港", "公司", "酒店", "餐厅", "超市", "招聘", "欢迎光临", "银行", "妙瓦底",
        "科技有限公司", "娱乐城", "柬埔寨", "缅甸", "老挝", "宿舍", "食堂", "办公室", "园区"},
       false},
      {"Chinese (traditional)",
       "Hani",
       "chi_tra",
       wqy,
       0,
       "電話",
       "",
       {"公司", "餐廳", "酒店", "歡迎光臨", "銀行", "超級市場", "招聘", "科技有限公司", "娛樂城",
        "宿舍", "食堂", "辦公室", "園區", "緬甸", "寮國"},
       false},
      {"Vietnamese",
       "Latn",
       "vie",
       noto + "NotoSans-Regular.ttf",
       0,
       "Điện thoại",
       "VN",
       {"Nhà hàng", "Khách sạn", "Cà phê", "Ngân hàng", "Bệnh viện", "Chợ", "Công ty", "Chào mừng",
        "Hà Nội", "Đà Nẵng", "Phở bò", "Tuyển dụng", "Cho thuê", "Văn phòng", "Sửa xe", "Bán hàng"},
       true},
      {"English",
       "Latn",
       "eng",
       noto + "NotoSans-Regular.ttf",
       0,
       "Tel",
       "",
       {"Golden Triangle", "Welcome", "Hotel", "Restaurant", "Casino", "Company", "Office",
        "Security", "Recruitment", "Dormitory", "Canteen", "Building", "Technology", "Group",
        "Entertainment", "Investment", "Park"},
       true},
  };
}

// A phone number as a sign writes it in `country`, valid per libphonenumber, and its
// E.164 form; half with the country code.
std::pair<std::string, std::string> MakePhone(const std::string& country, std::mt19937_64& rng) {
  const auto& util = *i18n::phonenumbers::PhoneNumberUtil::GetInstance();
  const auto digits = [&](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>('0' + rng() % 10);
    return s;
  };
  const bool international = rng() % 2;
  for (int attempt = 0; attempt < 200; ++attempt) {
    std::string local, intl;
    if (country == "KH") {
      const std::string p =
          std::vector<std::string>{"12", "17", "77", "92", "96", "10", "15", "23"}[rng() % 8];
      const std::string a = digits(3), b = digits(3);
      local = "0" + p + " " + a + " " + b;
      intl = "+855 " + p + " " + a + " " + b;
    } else if (country == "TH") {
      const std::string p = std::vector<std::string>{"81", "86", "89", "91", "62"}[rng() % 5];
      const std::string a = digits(3), b = digits(4);
      local = "0" + p + "-" + a + "-" + b;
      intl = "+66 " + p + " " + a + " " + b;
    } else if (country == "MM") {
      const std::string p =
          std::vector<std::string>{"25", "26", "40", "42", "45", "97", "79"}[rng() % 7];
      const std::string a = digits(3), b = digits(4);
      local = "09 " + p + a + " " + b;
      intl = "+95 9 " + p + a + " " + b;
    } else if (country == "LA") {
      const std::string p = std::vector<std::string>{"20 55", "20 22", "20 77", "20 95"}[rng() % 4];
      const std::string a = digits(2), b = digits(4);
      local = "0" + p + a + " " + b;
      intl = "+856 " + p + a + " " + b;
    } else if (country == "VN") {
      const std::string p = std::vector<std::string>{"91", "98", "90", "93", "97", "88"}[rng() % 6];
      const std::string a = digits(1), b = digits(3), c = digits(3);
      local = "0" + p + a + " " + b + " " + c;
      intl = "+84 " + p + a + " " + b + " " + c;
    } else {
      return {"", ""};
    }
    i18n::phonenumbers::PhoneNumber number;
    if (util.Parse(intl, "ZZ", &number) != i18n::phonenumbers::PhoneNumberUtil::NO_PARSING_ERROR ||
        !util.IsValidNumberForRegion(number, country))
      continue;
    std::string e164;
    util.Format(number, i18n::phonenumbers::PhoneNumberUtil::E164, &e164);
    return {international ? intl : local, e164};
  }
  return {"", ""};
}

struct Sign {
  int script = 0;
  std::vector<std::string> lines;  // as rendered: the words, then the phone line if any
  std::string phone_e164, phone_country;
  double x_height = 0;
  cv::Rect box;  // in the evaluated photo
};

struct Composite {
  std::string background;
  cv::Mat photo;  // decoded from the degraded JPEG
  std::vector<Sign> signs;
};

cv::Ptr<cv::freetype::FreeType2> Font(const std::string& path, int index) {
  static std::mutex mutex;
  static std::map<std::string, cv::Ptr<cv::freetype::FreeType2>> fonts;
  std::lock_guard lock(mutex);
  auto& f = fonts[path + "#" + std::to_string(index)];
  if (!f) {
    f = cv::freetype::createFreeType2();
    f->loadFontData(path, index);
  }
  return f;
}

// The sign's plate with its text, upright.
void RenderSign(const std::vector<Script>& scripts, Sign& sign, std::mt19937_64& rng,
                cv::Mat& plate) {
  const Script& s = scripts[static_cast<std::size_t>(sign.script)];
  const int size = std::max(8, static_cast<int>(std::lround(sign.x_height / kXHeightPerEm)));
  // Parts of each line: (font, text); the phone's digits in Noto Sans.
  std::vector<std::vector<std::pair<cv::Ptr<cv::freetype::FreeType2>, std::string>>> parts;
  parts.push_back({{Font(s.font, s.font_index), sign.lines[0]}});
  if (sign.lines.size() > 1) {
    parts.push_back({{Font(s.font, s.font_index), s.label + " "},
                     {Font("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", 0),
                      sign.lines[1].substr(s.label.size() + 1)}});
  }
  int width = 0, height = 0;
  std::vector<int> widths;
  for (const auto& line : parts) {
    int w = 0;
    for (const auto& [font, text] : line) {
      int baseline = 0;
      w += font->getTextSize(text, size, -1, &baseline).width;
    }
    widths.push_back(w);
    width = std::max(width, w);
    height += size * 3 / 2;
  }
  const int pad = size / 2;
  plate.create(height + 2 * pad, width + 2 * pad, CV_8UC3);
  // Dark on light, or light on a coloured plate.
  static const std::vector<std::pair<cv::Scalar, cv::Scalar>> kColours = {
      {{240, 240, 240}, {20, 20, 20}},  {{230, 245, 250}, {40, 40, 160}},
      {{30, 30, 170}, {250, 250, 250}}, {{140, 60, 20}, {250, 250, 250}},
      {{40, 120, 30}, {240, 240, 240}}, {{60, 200, 240}, {30, 30, 30}},
      {{20, 20, 20}, {60, 210, 250}}};
  const auto& [back, ink] = kColours[rng() % kColours.size()];
  plate.setTo(back);
  int y = pad + size;
  for (std::size_t l = 0; l < parts.size(); ++l) {
    int x = pad + (width - widths[l]) / 2;
    for (const auto& [font, text] : parts[l]) {
      font->putText(plate, text, {x, y}, size, ink, -1, cv::LINE_AA, true);
      int baseline = 0;
      x += font->getTextSize(text, size, -1, &baseline).width;
    }
    y += size * 3 / 2;
  }
}

Composite MakeComposite(const std::vector<Script>& scripts, const cv::Mat& background,
                        int long_side, int first_script, std::mt19937_64& rng) {
  Composite c;
  const double scale = static_cast<double>(long_side) / std::max(background.cols, background.rows);
  cv::Mat photo;
  cv::resize(background, photo, cv::Size(), scale, scale,
             scale > 1 ? cv::INTER_CUBIC : cv::INTER_AREA);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<cv::Rect> taken;
  for (int k = 0; k < 2; ++k) {
    Sign sign;
    sign.script = (first_script + k * 3) % static_cast<int>(scripts.size());
    const Script& s = scripts[static_cast<std::size_t>(sign.script)];
    const int words = 1 + static_cast<int>(rng() % 2);
    std::string text;
    for (int w = 0; w < words; ++w)
      text += (w && s.spaces ? " " : "") + s.words[rng() % s.words.size()];
    sign.lines.push_back(text);
    std::string country = s.country;
    if (country.empty()) country = std::vector<std::string>{"KH", "MM", "LA", "TH"}[rng() % 4];
    if (unit(rng) < 0.5) {
      const auto [written, e164] = MakePhone(country, rng);
      if (!written.empty()) {
        sign.lines.push_back(s.label + " " + written);
        sign.phone_e164 = e164;
        sign.phone_country = country;
      }
    }
    sign.x_height = 12 * std::pow(80.0 / 12, unit(rng));
    cv::Mat plate;
    for (int attempt = 0; attempt < 30; ++attempt) {
      RenderSign(scripts, sign, rng, plate);
      const double yaw = (unit(rng) * 2 - 1) * 40 * M_PI / 180;
      const double pitch = (unit(rng) * 2 - 1) * 15 * M_PI / 180;
      const double roll = (unit(rng) * 2 - 1) * 8 * M_PI / 180;
      auto corners = bench::Turned(plate.size(), yaw, pitch, roll, photo.cols);
      const cv::Rect2f bounds = cv::boundingRect(corners);
      if (bounds.width > photo.cols - 8 || bounds.height > photo.rows - 8) {
        sign.x_height *= 0.8;  // too big for this photo: smaller
        continue;
      }
      const float x0 = static_cast<float>(4 + unit(rng) * (photo.cols - 8 - bounds.width));
      const float y0 = static_cast<float>(4 + unit(rng) * (photo.rows - 8 - bounds.height));
      for (auto& p : corners) p += cv::Point2f(x0 - bounds.x, y0 - bounds.y);
      const cv::Rect box = cv::boundingRect(corners) & cv::Rect(0, 0, photo.cols, photo.rows);
      if (std::any_of(taken.begin(), taken.end(),
                      [&](const cv::Rect& t) { return (t & box).area() > 0; }))
        continue;
      bench::PastePlate(photo, plate, corners);
      sign.box = box;
      taken.push_back(box);
      c.signs.push_back(sign);
      break;
    }
  }
  // The photo as it arrives: blurred, noisy, recompressed.
  if (unit(rng) < 0.5) cv::GaussianBlur(photo, photo, cv::Size(0, 0), 0.3 + 0.9 * unit(rng));
  cv::Mat noise(photo.size(), CV_16SC3);
  cv::randn(noise, 0, 6 * unit(rng));
  cv::Mat noisy;
  photo.convertTo(noisy, CV_16SC3);
  noisy += noise;
  noisy.convertTo(photo, CV_8UC3);
  std::vector<std::uint8_t> jpeg;
  cv::imencode(".jpg", photo, jpeg, {cv::IMWRITE_JPEG_QUALITY, 60 + static_cast<int>(rng() % 36)});
  c.photo = cv::imdecode(jpeg, cv::IMREAD_COLOR);
  return c;
}

// Code points without spaces (their placement differs between scripts and readers).
std::u32string U32(const std::string& s) {
  std::u32string out;
  for (const char32_t c : DecodeUtf8(s))
    if (c != ' ' && c != '\n' && c != 0x200B) out.push_back(c);
  return out;
}

double Cer(const std::string& truth, const std::string& read) {
  const std::u32string a = U32(truth), b = U32(read);
  if (a.empty()) return b.empty() ? 0 : 1;
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] =
          std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return std::min(1.0, static_cast<double>(prev[b.size()]) / a.size());
}

// The lines read on a sign: mostly inside its box; in reading order.
std::vector<const TextLine*> OnSign(const std::vector<TextLine>& lines, const cv::Rect& box) {
  std::vector<const TextLine*> out;
  for (const auto& l : lines)
    if ((l.box & box).area() >= 0.5 * l.box.area() && l.box.area() > 0) out.push_back(&l);
  std::sort(out.begin(), out.end(), [](const TextLine* a, const TextLine* b) {
    return a->box.y + a->box.height / 2 < b->box.y ||
           (a->box.y < b->box.y + b->box.height / 2 && a->box.x < b->box.x);
  });
  return out;
}

struct Tally {
  int n = 0, ok = 0;
  void Add(bool good) { ++n, ok += good; }
  double Rate() const { return n ? 100.0 * ok / n : 0; }
};

struct Figures {
  std::map<std::string, Tally> script_by_band;  // "12-19", "20-39", "40-80"
  std::map<std::string, Tally> script_by_name;  // x-height >= 20
  Tally vie_language;                           // Vietnamese read as vie
  Tally phones, phones_exact;
  Tally detected;  // a candidate line box mostly on the sign (before reading)
  std::map<std::string, std::pair<double, int>> cer, cer_whole;
  int clean_photos = 0, false_phones = 0, false_places = 0, false_plates = 0, false_scripts = 0;
  std::vector<double> read_s;
  std::mutex mutex;
};

std::string Band(double x) { return x < 20 ? "12-19" : x < 40 ? "20-39" : "40-80"; }

void Score(const std::vector<Script>& scripts, const Composite& c,
           const std::vector<TextLine>& lines, const std::vector<TextLine>& whole, Figures& f,
           bool verbose) {
  cv::Mat gray;
  cv::cvtColor(c.photo, gray, cv::COLOR_BGR2GRAY);
  const auto candidates = DetectTextLines(gray, 40);
  std::lock_guard lock(f.mutex);
  for (const auto& sign : c.signs) {
    f.detected.Add(std::any_of(candidates.begin(), candidates.end(), [&](const TextCandidate& b) {
      return (b.box & sign.box).area() >= 0.5 * b.box.area();
    }));
    const Script& s = scripts[static_cast<std::size_t>(sign.script)];
    const auto on = OnSign(lines, sign.box);
    std::map<std::string, int> letters;
    std::string read;
    bool vie = false;
    for (const TextLine* l : on) {
      const LineScript id = IdentifyScript(l->text);
      letters[id.script] += id.letters;
      read += l->text;
      vie = vie || id.language == "vie";
    }
    std::string named = "none";
    int most = 0;
    for (const auto& [script, n] : letters)
      if (script != "Zyyy" && n > most) named = script, most = n;
    const bool script_ok = named == s.iso;
    f.script_by_band[Band(sign.x_height)].Add(script_ok);
    if (sign.x_height >= 20) f.script_by_name[s.name].Add(script_ok);
    if (s.tesseract == "vie" && sign.x_height >= 20) f.vie_language.Add(vie);
    if (!sign.phone_e164.empty()) {
      bool country = false, exact = false;
      for (const TextLine* l : on)
        for (const auto& item : l->items)
          if (item.kind == "phone") {
            country = country || item.country == sign.phone_country;
            exact = exact || item.value == sign.phone_e164;
          }
      f.phones.Add(country);
      f.phones_exact.Add(exact);
      if (verbose && !country) {
        std::string found;
        for (const TextLine* l : on)
          for (const auto& item : l->items)
            if (item.kind == "phone") found += " " + item.country + ":" + item.value;
        std::printf("  phone WRONG: %s %s, found%s\n", sign.phone_country.c_str(),
                    sign.phone_e164.c_str(), found.empty() ? " none" : found.c_str());
      }
    }
    std::string truth = sign.lines[0];
    if (sign.lines.size() > 1) truth += sign.lines[1];
    auto& cer = f.cer[s.name];
    cer.first += Cer(truth, read), ++cer.second;
    std::string read_whole;
    for (const TextLine* l : OnSign(whole, sign.box)) read_whole += l->text;
    auto& cw = f.cer_whole[s.name];
    cw.first += Cer(truth, read_whole), ++cw.second;
    if (verbose)
      std::printf("  %-22s x %4.1f  %-5s %s | read '%s' | whole '%s'\n", s.name.c_str(),
                  sign.x_height, script_ok ? "ok" : named.c_str(), truth.c_str(), read.c_str(),
                  read_whole.c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  fs::path shared = "../shared/data";
  std::string split = "validation";
  int per_photo = 3, speed = 6, threads = 2;
  int seed = -1;  // the composites' random seed; by default 11 (tune) or 22 (validation)
  bool verbose = false;
  fs::path dump;  // --dump DIR: each composite with the candidate lines drawn (tuning aid)
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--dump" && i + 1 < argc) {
      dump = argv[++i];
      continue;
    }
    if (a == "--shared" && i + 1 < argc) {
      shared = argv[++i];
    } else if (a == "--split" && i + 1 < argc) {
      split = argv[++i];
    } else if (a == "--per-photo" && i + 1 < argc) {
      per_photo = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--speed" && i + 1 < argc) {
      speed = std::max(0, std::atoi(argv[++i]));
    } else if (a == "--threads" && i + 1 < argc) {
      threads = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--seed" && i + 1 < argc) {
      seed = std::max(0, std::atoi(argv[++i]));
    } else if (a == "--verbose") {
      verbose = true;
    } else {
      std::fprintf(stderr,
                   "usage: eval_text [--shared DIR] [--split tune|validation] [--per-photo N] "
                   "[--speed N] [--threads N] [--seed N] [--verbose] [--dump DIR]\n");
      return 2;
    }
  }
  if (split != "tune" && split != "validation") {
    std::fprintf(stderr, "eval_text: --split is tune or validation\n");
    return 2;
  }
  const fs::path exif = shared / "exif";
  if (!fs::is_directory(exif)) {
    std::fprintf(stderr, "eval_text: %s not found: this evaluation needs ../shared/data\n",
                 exif.c_str());
    return 2;
  }
  const auto scripts = Scripts();
  for (const auto& s : scripts)
    if (!fs::exists(s.font)) {
      std::fprintf(stderr, "eval_text: font %s missing (run scripts/deps)\n", s.font.c_str());
      return 2;
    }
  const auto backgrounds = bench::CameraBackgrounds(exif, split);
  if (seed < 0) seed = split == "tune" ? 11 : 22;
  std::printf("eval-text: split %s, %zu background photos, %d composites each (2 signs), seed %d\n",
              split.c_str(), backgrounds.size(), per_photo, seed);
  std::mt19937_64 rng(static_cast<std::uint64_t>(seed));
  std::vector<Composite> composites;
  int first_script = 0;
  for (const auto& [path, img] : backgrounds)
    for (int k = 0; k < per_photo; ++k) {
      composites.push_back(MakeComposite(scripts, img, 1600, first_script++, rng));
      composites.back().background = path.filename().string();
    }
  Figures f;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  const auto work = [&] {
    auto opened = TextReader::Open({});
    if (!opened.ok()) {
      std::fprintf(stderr, "eval_text: %s\n", opened.error().message.c_str());
      failed = true;
      return;
    }
    auto& reader = **opened;
    for (std::size_t i = next++; i < composites.size() + backgrounds.size(); i = next++) {
      if (i < composites.size()) {
        const Composite& c = composites[i];
        auto lines = reader.Read(c.photo);
        std::string languages;
        for (const auto& sign : c.signs) {
          const std::string& t = scripts[static_cast<std::size_t>(sign.script)].tesseract;
          if (languages.find(t) == std::string::npos)
            languages += (languages.empty() ? "" : "+") + t;
        }
        if (languages.find("eng") == std::string::npos) languages += "+eng";
        auto whole = reader.ReadWhole(c.photo, languages);
        if (!lines.ok() || !whole.ok()) {
          failed = true;
          continue;
        }
        if (verbose) std::printf("%s #%zu\n", c.background.c_str(), i);
        if (!dump.empty()) {
          fs::create_directories(dump);
          cv::imwrite((dump / ("r" + std::to_string(i) + ".png")).string(), c.photo);
          cv::Mat shown = c.photo.clone();
          cv::Mat gray;
          cv::cvtColor(c.photo, gray, cv::COLOR_BGR2GRAY);
          for (const auto& b : DetectTextLines(gray, 40)) {
            std::vector<cv::Point> q(b.quad.begin(), b.quad.end());
            cv::polylines(shown, q, true, {0, 255, 0}, 2);
          }
          for (const auto& l : *lines) cv::rectangle(shown, l.box, {255, 0, 255}, 2);
          for (const auto& sign : c.signs) cv::rectangle(shown, sign.box, {0, 0, 255}, 1);
          fs::create_directories(dump);
          cv::resize(shown, shown, cv::Size(), 0.6, 0.6, cv::INTER_AREA);
          cv::imwrite((dump / ("c" + std::to_string(i) + ".png")).string(), shown);
        }
        Score(scripts, c, *lines, *whole, f, verbose);
      } else {
        // The untouched photo, at the size a forwarded photo has.
        const cv::Mat& img = backgrounds[i - composites.size()].second;
        cv::Mat photo;
        const double s = 1600.0 / std::max(img.cols, img.rows);
        cv::resize(img, photo, cv::Size(), s, s, s > 1 ? cv::INTER_CUBIC : cv::INTER_AREA);
        auto lines = reader.Read(photo);
        if (!lines.ok()) {
          failed = true;
          continue;
        }
        std::lock_guard lock(f.mutex);
        ++f.clean_photos;
        for (const auto& l : *lines)
          for (const auto& item : l.items) {
            f.false_phones += item.kind == "phone";
            f.false_places += item.kind == "place";
            f.false_plates += item.kind == "plate";
            if (verbose && (item.kind == "phone" || item.kind == "place" || item.kind == "plate"))
              std::printf("  false %s '%s' in '%s' (%s)\n", item.kind.c_str(), item.value.c_str(),
                          l.text.c_str(),
                          backgrounds[i - composites.size()].first.filename().c_str());
          }
      }
    }
  };
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  if (failed) return 1;
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // Speed: 12 MP photos with signs, one reader, one photo at a time.
  std::vector<double> times;
  if (speed > 0) {
    auto opened = TextReader::Open({});
    if (!opened.ok()) return 1;
    for (int k = 0; k < speed && k < static_cast<int>(backgrounds.size()); ++k) {
      Composite c =
          MakeComposite(scripts, backgrounds[static_cast<std::size_t>(k)].second, 4000, k, rng);
      cv::Mat photo = c.photo;
      if (photo.cols < photo.rows) cv::rotate(photo, photo, cv::ROTATE_90_CLOCKWISE);
      cv::resize(photo, photo, cv::Size(4000, 3000));
      const auto s0 = std::chrono::steady_clock::now();
      auto lines = (*opened)->Read(photo);
      times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - s0).count());
      if (!lines.ok()) return 1;
    }
  }
  std::sort(times.begin(), times.end());

  std::printf("\n%-34s %10s %10s\n", "figure", "geoverify", "target");
  for (const auto& [band, t] : f.script_by_band)
    std::printf("script right, x-height %-11s %9.1f%% %10s  (%d signs)\n", band.c_str(), t.Rate(),
                band == "12-19" ? "-" : ">= 95%", t.n);
  Tally at20;
  for (const auto& [band, t] : f.script_by_band)
    if (band != "12-19") at20.n += t.n, at20.ok += t.ok;
  std::printf("script right, x-height >= 20      %9.1f%% %10s  (%d signs)\n", at20.Rate(), ">= 95%",
              at20.n);
  for (const auto& [name, t] : f.script_by_name)
    std::printf("  %-32s %9.1f%%             (%d signs)\n", name.c_str(), t.Rate(), t.n);
  std::printf("  Vietnamese named vie (x >= 20)   %9.1f%%             (%d signs)\n",
              f.vie_language.Rate(), f.vie_language.n);
  std::printf("signs with a candidate line found   %7.1f%%\n", f.detected.Rate());
  std::printf("phone to the right country        %9.1f%% %10s  (%d phones)\n", f.phones.Rate(),
              ">= 90%", f.phones.n);
  std::printf("  the exact number                 %9.1f%%\n", f.phones_exact.Rate());
  std::printf("\n%-34s %10s %10s\n", "character error rate", "geoverify", "whole-photo");
  for (const auto& [name, c] : f.cer)
    std::printf("  %-32s %10.3f %10.3f  (%d signs)\n", name.c_str(), c.first / c.second,
                f.cer_whole[name].first / f.cer_whole[name].second, c.second);
  const double per20 =
      f.clean_photos ? 20.0 * (f.false_phones + f.false_places) / f.clean_photos : 0;
  std::printf(
      "\nfalse phone+place items per 20 untouched photos %5.2f %8s  (%d photos: %d phones, "
      "%d places; %d plates)\n",
      per20, "<= 1", f.clean_photos, f.false_phones, f.false_places, f.false_plates);
  if (!times.empty())
    std::printf("seconds per 12 MP photo: median %.2f, max %.2f %14s  (%zu photos)\n",
                times[times.size() / 2], times.back(), "< 3", times.size());
  std::printf("(%.0f s for %zu composites and %zu untouched photos on %d threads)\n", total,
              composites.size(), backgrounds.size(), threads);
  return 0;
}
