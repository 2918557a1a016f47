// Text in photos: scripts from Unicode blocks, Zawgyi, phone numbers and domains to
// countries, and Tesseract reading signs rendered with the region's real fonts (Debian
// fonts-khmeros, fonts-noto-core) onto a photo-like background.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <opencv2/freetype.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "support/landsat_scene.h"
#include "support/sample_case.h"
#include "support/synth_photo.h"
#include "support/temp_dir.h"
#include "text/items.h"
#include "text/place_names.h"
#include "text/reader.h"
#include "text/script.h"
#include "text/script_look.h"
#include "text/text_json.h"

namespace gv {
namespace {

TEST(Script, UnicodeBlocksNameTheScript) {
  EXPECT_EQ(IdentifyScript("ភ្នំពេញ").script, "Khmr");
  EXPECT_EQ(IdentifyScript("ភ្នំពេញ").language, "khm");
  EXPECT_EQ(IdentifyScript("မြဝတီ").script, "Mymr");
  EXPECT_EQ(IdentifyScript("ວຽງຈັນ").script, "Laoo");
  EXPECT_EQ(IdentifyScript("แม่สอด").script, "Thai");
  EXPECT_EQ(IdentifyScript("西港 公司").script, "Hani");
  EXPECT_EQ(IdentifyScript("Thành phố Hồ Chí Minh").language, "vie");
  EXPECT_EQ(IdentifyScript("Golden Triangle").language, "eng");
  EXPECT_EQ(IdentifyScript("12:30 +855").script, "Zyyy");
  EXPECT_FALSE(IdentifyScript("ภาษาไทย and English").mixed_word);
  EXPECT_TRUE(IdentifyScript("กขabc").mixed_word);  // garbage OCR mixes scripts in a word
  // Rows of windows read as Lao, scripts of the region mixed in a line: textures, not text.
  EXPECT_TRUE(IdentifyScript("ສຮ ຮ ຮ ຮ ຮ ຮ ພ ຮ ພ ທ").garbage_like);
  EXPECT_TRUE(IdentifyScript("มมมมมมมม").garbage_like);
  EXPECT_TRUE(IdentifyScript("យយ យយ យ").garbage_like);
  EXPECT_TRUE(IdentifyScript("မဲ ແ.").garbage_like);
  EXPECT_FALSE(IdentifyScript("ร้านอาหาร โทร").garbage_like);
  EXPECT_FALSE(IdentifyScript("บรการ").garbage_like);  // a letter twice in a short word
  EXPECT_FALSE(IdentifyScript("ក្រុមហ៊ុន ភ្នំពេញ").garbage_like);
  EXPECT_FALSE(IdentifyScript("Call us at the front desk").garbage_like);
  EXPECT_EQ(IdentifyScript("\xff\xfe garbage bytes").script, "Latn");  // invalid UTF-8 skipped
}

TEST(Script, ZawgyiIsDetectedAndConverted) {
  // "မြန်မာ" (Myanmar) typed in Zawgyi: the vowel sign E and medial RA come first.
  const std::string zawgyi =
      "\xe1\x80\xbb\xe1\x80\x99\xe1\x80\x94\xe1\x80\xb9\xe1\x80\x99\xe1\x80\xac";
  const std::string unicode = "မြန်မာ";
  EXPECT_TRUE(LooksLikeZawgyi("\xe1\x80\xb1\xe1\x80\x80\xe1\x80\xac\xe1\x80\x84\xe1\x80\xb9"));
  EXPECT_FALSE(LooksLikeZawgyi(unicode));
  EXPECT_FALSE(LooksLikeZawgyi("ကောင်း"));  // Unicode: consonant, then the vowel sign E
  EXPECT_EQ(ZawgyiToUnicode(zawgyi), unicode);
}

TEST(Script, TransliterationAndWhereScriptsAreWritten) {
  EXPECT_FALSE(TransliterateToLatin("แม่สอด").empty());
  EXPECT_TRUE(TransliterateToLatin("Mae Sot").empty());
  EXPECT_EQ(ScriptCountries("Khmr", "khm").front().first, "KH");
  EXPECT_EQ(ScriptCountries("Latn", "vie").front().first, "VN");
  EXPECT_TRUE(ScriptCountries("Latn", "eng").empty());
  EXPECT_TRUE(ScriptCountries("Hani", "chi_sim").empty());
}

TEST(Items, PhonesDomainsAndCurrencies) {
  auto items = FindTextItems("Call +855 12 345 678 or visit www.jobs-asia.com.kh", {});
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].kind, "phone");
  EXPECT_EQ(items[0].value, "+85512345678");
  EXPECT_EQ(items[0].country, "KH");
  EXPECT_EQ(items[1].kind, "url");
  EXPECT_EQ(items[1].country, "KH");
  // A local Thai number, with the region the script suggests.
  items = FindTextItems("โทร 02 123 4567", {"TH"});
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].country, "TH");
  EXPECT_LT(items[0].confidence, 0.9);  // without its country code: a guess
  items = FindTextItems("hr@recruit.la  ราคา 500฿", {});
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].kind, "email");
  EXPECT_EQ(items[0].country, "LA");
  EXPECT_EQ(items[1].kind, "currency");
  EXPECT_EQ(items[1].country, "TH");
  // Not items: versions, generic country-code domains, bare numbers.
  EXPECT_TRUE(FindTextItems("version 3.5 of e.g. the app", {}).empty());
  items = FindTextItems("see chat.io", {});
  ASSERT_EQ(items.size(), 1u);
  EXPECT_TRUE(items[0].country.empty());
  EXPECT_TRUE(FindTextItems("2025 12 31", {"KH"}).empty());
}

TEST(Items, PlatesAndPhoneAreas) {
  auto items = FindTextItems("YGN 2B-1234", {});
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, "plate");
  EXPECT_EQ(items[0].country, "MM");
  EXPECT_EQ(items[0].area, "Yangon");
  items = FindTextItems("กข 1234", {});
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].country, "TH");
  items = FindTextItems("ນວ 5678", {});
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].country, "LA");
  // A Cambodian plate says where it is from in Khmer; bare, the pattern is a weak guess.
  const auto khmer = FindTextItems("ភ្នំពេញ 2A-1234", {});
  const auto bare = FindTextItems("2A-1234", {});
  ASSERT_FALSE(khmer.empty());
  ASSERT_EQ(bare.size(), 1u);
  EXPECT_EQ(bare[0].country, "KH");
  EXPECT_GT(khmer[0].confidence, bare[0].confidence);
  // A long Thai line with a number is a sign, not a plate.
  EXPECT_TRUE(FindTextItems("ร้านอาหารอร่อยมาก เปิดทุกวัน 1234", {}).empty());
  EXPECT_TRUE(FindTextItems("จ3", {}).empty());  // what a texture reads as
  EXPECT_TRUE(FindTextItems("ญษ0", {}).empty());
  // A Bangkok landline: libphonenumber's geocoder names the area; it knows none in
  // Cambodia (the country's name is not an area).
  items = FindTextItems("+66 2 123 4567", {});
  ASSERT_EQ(items.size(), 1u);
  EXPECT_NE(items[0].area.find("Bangkok"), std::string::npos);
  items = FindTextItems("+855 23 880 880", {});
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].area, "");
}

class PlaceNamesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("gv_place_names_" + std::to_string(::getpid()) + ".tsv");
    std::ofstream out(path_);
    out << "# test\n"
        << "Dawei\t14.08230\t98.19151\tMM\t136783\tPPLA\tDawei\n"
        << "ထားဝယ်\t14.08230\t98.19151\tMM\t136783\tPPLA\tDawei\n"
        << "Taunggyi\t20.78919\t97.03776\tMM\t160115\tPPLA\tTaunggyi\n"
        << "សៀមរាប\t13.36179\t103.86056\tKH\t139458\tPPLA\tSiem Reap\n"
        << "Hà Nội\t21.02450\t105.84117\tVN\t8053663\tPPLC\tHanoi\n"
        << "San Jose\t12.35275\t121.06761\tPH\t143430\tPPL\tSan Jose\n"
        << "San Jose\t15.79000\t120.99000\tPH\t40000\tPPL\tSan Jose\n";
  }
  void TearDown() override { std::filesystem::remove(path_); }
  std::filesystem::path path_;
};

TEST_F(PlaceNamesTest, MatchesNamesInLinesExactlyOrOneLetterOff) {
  auto names = PlaceNames::Load(path_);
  ASSERT_TRUE(names.ok()) << names.error().message;
  // Inside a Burmese or Khmer line with no spaces around the name.
  auto found = names->Find("ထားဝယ်ဆိပ်ကမ်း");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].places.front()->name, "Dawei");
  EXPECT_EQ(found[0].edits, 0);
  found = names->Find("សណ្ឋាគារសៀមរាប");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].places.front()->country, "KH");
  // Latin names by whole words, any case, diacritics folded; one letter off for long names.
  EXPECT_EQ(names->Find("WELCOME TO DAWEI PORT").size(), 1u);
  EXPECT_TRUE(names->Find("Daweiland").empty());
  EXPECT_EQ(names->Find("Ha Noi 2025").size(), 1u);
  found = names->Find("Taunggyj market");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].edits, 1);
  EXPECT_LT(found[0].confidence, names->Find("Taunggyi market")[0].confidence);
  EXPECT_TRUE(names->Find("Dawel").empty());  // short: one letter off is another word
  // A shared name names every place, the most populous first.
  found = names->Find("San Jose");
  ASSERT_EQ(found.size(), 1u);
  ASSERT_EQ(found[0].places.size(), 2u);
  EXPECT_GT(found[0].places[0]->population, found[0].places[1]->population);
  EXPECT_GT(found[0].places[0]->RadiusM(), found[0].places[1]->RadiusM());
}

TEST(PlaceNames, ShippedDataHasLocalScriptNames) {
  auto names = PlaceNames::Default();
  ASSERT_TRUE(names.ok()) << names.error().message;
  for (const char* name : {"ភ្នំពេញ", "金边", "暹粒", "ทวาย", "တောင်ကြီး"}) {
    const auto found = (*names)->Find(name);
    ASSERT_EQ(found.size(), 1u) << name;
    EXPECT_FALSE(found[0].places.empty());
  }
  EXPECT_EQ((*names)->Find("ភ្នំពេញ")[0].places[0]->name, "Phnom Penh");
  EXPECT_EQ((*names)->Find("暹粒")[0].places[0]->name, "Siem Reap");
  EXPECT_TRUE((*names)->Find("The quick brown fox").empty());
  // Other spellings of towns in the compounds' countries, and the known sites' own names.
  EXPECT_EQ((*names)->Find("Kampong Som port")[0].places[0]->name, "Sihanoukville");
  auto site = (*names)->Find("Welcome to KK PARK");
  ASSERT_EQ(site.size(), 1u);
  EXPECT_EQ(site[0].places[0]->feature, "KNOWN_SITE");
  EXPECT_EQ(site[0].places[0]->country, "MM");
  EXPECT_GT(site[0].places[0]->RadiusM(), 0);
  site = (*names)->Find("Yatai New City");
  ASSERT_EQ(site.size(), 1u);
  EXPECT_NE(site[0].places[0]->name.find("Shwe Kokko"), std::string::npos);
}

TEST(TextJson, ScriptCluesNeedConfidentLinesOfSixLetters) {
  TextLine texture;  // what a texture read as Thai looked like in a bench photo
  texture.text = "ลิค์%";
  texture.script = "Thai";
  texture.confidence = 80;
  EXPECT_FALSE(MakesScriptClue(texture));
  EXPECT_TRUE(TextJson({texture})["clues"].empty());
  TextLine vowel_first = texture;  // six letters, but a Thai word cannot start with า
  vowel_first.text = "าซึ่งๆ";
  EXPECT_FALSE(MakesScriptClue(vowel_first));
  EXPECT_TRUE(IdentifyScript(vowel_first.text).impossible_start);
  TextLine sign = texture;
  sign.text = "ร้านอาหาร";
  EXPECT_TRUE(MakesScriptClue(sign));
  sign.confidence = 70;
  EXPECT_FALSE(MakesScriptClue(sign));
  sign.confidence = 80;
  const auto clues = TextJson({sign, sign})["clues"];
  ASSERT_EQ(clues.size(), 1u);
  EXPECT_EQ(clues[0]["countries"][0]["country"], "TH");
  EXPECT_EQ(clues[0]["lines"], 2);
}

TEST(TextJson, PlatesAndPlaceNamesNeedAConfidentLine) {
  // A plate's pattern or a town's name in a garbled line is an item, not a clue.
  TextLine plate;
  plate.text = "YGN 2B-1234";
  plate.script = "Latn";
  plate.confidence = 65;
  plate.items = FindTextItems(plate.text, {});
  ASSERT_EQ(plate.items.size(), 1u);
  auto j = TextJson({plate});
  EXPECT_EQ(j["items"].size(), 1u);
  EXPECT_TRUE(j["clues"].empty());
  plate.confidence = 90;
  j = TextJson({plate});
  ASSERT_EQ(j["clues"].size(), 1u);
  EXPECT_EQ(j["clues"][0]["kind"], "plate_country");
  EXPECT_EQ(j["items"][0]["area"], "Yangon");
  // A place name: its towns go with the clue, the confidence scaled by the line's.
  TextLine place;
  place.text = "សៀមរាប";
  place.script = "Khmr";
  place.confidence = 90;
  TextItem item{"place", "សៀមរាប", "KH", 0.85, "", {}, ""};
  NamedPlace siem_reap;
  siem_reap.name = "Siem Reap";
  siem_reap.at = {13.36179, 103.86056};
  siem_reap.country = "KH";
  siem_reap.population = 139458;
  item.places.push_back(siem_reap);
  place.items.push_back(item);
  j = TextJson({place});
  const nlohmann::ordered_json* clue = nullptr;
  for (const auto& c : j["clues"])
    if (c["kind"] == "place_name") clue = &c;
  ASSERT_NE(clue, nullptr) << j.dump(1);
  EXPECT_NEAR((*clue)["confidence"].get<double>(), 0.85 * 0.9, 1e-9);
  EXPECT_EQ((*clue)["places"][0]["name"], "Siem Reap");
  EXPECT_NEAR((*clue)["places"][0]["radius_m"].get<double>(), siem_reap.RadiusM(), 1e-6);
  place.confidence = 70;
  const auto unsure = TextJson({place});
  for (const auto& c : unsure["clues"]) EXPECT_NE(c["kind"], "place_name");
}

TEST(Script, ANumberGluedToAWordDoesNotMixLettersAndDigits) {
  // What a model makes of a script it does not know: digits among letters.
  EXPECT_TRUE(MixesLettersAndDigits("๑ธุ๊6"));
  EXPECT_TRUE(MixesLettersAndDigits("ab1c 012 345"));
  EXPECT_TRUE(MixesLettersAndDigits("ຊ້ອງ12"));  // two digits: not a number
  EXPECT_TRUE(MixesLettersAndDigits("၂ဌ၅ဌ"));   // Myanmar digits among letters
  // A phone number whose space Tesseract dropped (in the evaluation, this line then fell
  // below the garbage threshold with its number).
  EXPECT_FALSE(MixesLettersAndDigits("ទូរស័ព្ទ092 027 676"));
  EXPECT_FALSE(MixesLettersAndDigits("Tel:081-234-5678"));
  EXPECT_FALSE(MixesLettersAndDigits("012.345ថ្មី"));
  EXPECT_FALSE(MixesLettersAndDigits("โทร 081 234 5678"));
  EXPECT_FALSE(MixesLettersAndDigits("1ຮງຮຽນ"));  // ໂ (before its consonant) read as a 1
  EXPECT_TRUE(MixesLettersAndDigits("ຮງ1ຮຽນ"));
}

// A textured background drawn from its own generator, seeded by what is drawn on it: a
// test sign looks the same whatever the process drew before (cv::randu draws from OpenCV's
// global generator, so a case read differently when run alone, with --gtest_filter).
void Texture(cv::Mat& img, double low, double high, const std::string& seed) {
  cv::RNG rng(std::hash<std::string>{}(seed) | 1);
  rng.fill(img, cv::RNG::UNIFORM, cv::Scalar::all(low), cv::Scalar::all(high));
}

// A sign: dark text on a light panel, inside a textured photo-like background; each run of
// text in its own font (no font of the region's scripts has Latin digits too).
cv::Mat Sign(const std::vector<std::pair<std::string, std::string>>& runs, int height) {
  cv::Mat img(480, 900, CV_8UC3);
  std::string seed = std::to_string(height);
  for (const auto& [font, text] : runs) seed += "|" + font + "|" + text;
  Texture(img, 60, 140, seed);
  cv::GaussianBlur(img, img, cv::Size(7, 7), 3);
  cv::rectangle(img, cv::Rect(60, 150, 780, 170), cv::Scalar(235, 235, 230), cv::FILLED);
  int x = 90;
  for (const auto& [font, text] : runs) {
    auto ft = cv::freetype::createFreeType2();
    ft->loadFontData(font, 0);
    ft->putText(img, text, cv::Point(x, 270), height, cv::Scalar(30, 30, 120), -1, cv::LINE_AA,
                true);
    int baseline = 0;
    x += ft->getTextSize(text, height, -1, &baseline).width + height / 3;
  }
  return img;
}

const char* const kLatinFont = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf";

class ReaderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto r = TextReader::Open({});
    ASSERT_TRUE(r.ok()) << r.error().message;
    reader_ = r->release();
  }
  static void TearDownTestSuite() { delete reader_; }
  static TextReader* reader_;
};
TextReader* ReaderTest::reader_ = nullptr;

TEST_F(ReaderTest, ReadsAThaiSignWithItsPhone) {
  const std::string font = "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf";
  ASSERT_TRUE(std::filesystem::exists(font)) << "fonts-noto-core is missing";
  auto lines = reader_->Read(Sign({{font, "ร้านอาหาร โทร"}, {kLatinFont, "02 123 4567"}}, 56));
  ASSERT_TRUE(lines.ok()) << lines.error().message;
  ASSERT_FALSE(lines->empty());
  const auto json = TextJson(*lines);
  bool thai = false, phone = false;
  for (const auto& l : json["lines"]) thai = thai || l["script"] == "Thai";
  for (const auto& i : json["items"])
    phone = phone || (i["kind"] == "phone" && i["country"] == "TH");
  EXPECT_TRUE(thai) << json.dump(1);
  EXPECT_TRUE(phone) << json.dump(1);
  bool clue = false;
  for (const auto& c : json["clues"])
    clue = clue || (c["kind"] == "script" && c["countries"][0]["country"] == "TH");
  EXPECT_TRUE(clue) << json["clues"].dump();
}

TEST_F(ReaderTest, ReleasedModelsAreLoadedAgainAndReadTheSame) {
  // `run` frees the models after each photo's text step (memory for the next photo's
  // forensics); the next photo must read as if they had stayed.
  const std::string font = "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf";
  ASSERT_TRUE(std::filesystem::exists(font)) << "fonts-noto-core is missing";
  const cv::Mat sign = Sign({{font, "ร้านอาหาร โทร"}, {kLatinFont, "02 123 4567"}}, 56);
  auto before = reader_->Read(sign);
  ASSERT_TRUE(before.ok()) << before.error().message;
  ASSERT_FALSE(before->empty());
  EXPECT_GT(reader_->LoadedModels(), 0u);
  reader_->ReleaseModels();
  EXPECT_EQ(reader_->LoadedModels(), 0u);
  auto after = reader_->Read(sign);
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_GT(reader_->LoadedModels(), 0u);
  EXPECT_EQ(TextJson(*before).dump(1), TextJson(*after).dump(1));
}

TEST_F(ReaderTest, ReadsKhmerAndNothingOnABlankWall) {
  const std::string font = "/usr/share/fonts/truetype/khmeros/KhmerOS.ttf";
  ASSERT_TRUE(std::filesystem::exists(font)) << "fonts-khmeros is missing";
  auto lines = reader_->Read(Sign({{font, "ក្រុមហ៊ុន ភ្នំពេញ"}}, 64));
  ASSERT_TRUE(lines.ok()) << lines.error().message;
  bool khmer = false;
  for (const auto& l : *lines) khmer = khmer || l.script == "Khmr";
  EXPECT_TRUE(khmer) << TextJson(*lines).dump(1);
  // Tesseract on the whole image, with no line detection (the evaluation's baseline): on a
  // plain page it reads the Khmer.
  cv::Mat page(200, 900, CV_8UC3, cv::Scalar(255, 255, 255));
  auto ft = cv::freetype::createFreeType2();
  ft->loadFontData(font, 0);
  ft->putText(page, "ក្រុមហ៊ុន ភ្នំពេញ", cv::Point(40, 120), 64, cv::Scalar(0, 0, 0), -1, cv::LINE_AA,
              true);
  auto whole = reader_->ReadWhole(page, "khm");
  ASSERT_TRUE(whole.ok()) << whole.error().message;
  bool whole_khmer = false;
  for (const auto& l : *whole) whole_khmer = whole_khmer || l.script == "Khmr";
  EXPECT_TRUE(whole_khmer);
  // A wall with no text: no line survives the garbage filter.
  cv::Mat wall(480, 640, CV_8UC3);
  Texture(wall, 90, 160, "wall");
  cv::GaussianBlur(wall, wall, cv::Size(9, 9), 4);
  auto none = reader_->Read(wall);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(TextJson(*none)["items"].empty());
}

TEST_F(ReaderTest, ReadsASignTurnedAwayAndATwoCharacterHanPlaceName) {
  // A Thai sign seen 35 degrees from the side (its far end smaller, its lines slanted): the
  // line's quadrilateral is warped upright before reading.
  const cv::Mat flat =
      Sign({{"/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf", "ร้านอาหาร แม่สอด"}}, 64);
  const std::vector<cv::Point2f> from = {{60, 150}, {840, 150}, {840, 320}, {60, 320}};
  const std::vector<cv::Point2f> to = {{80, 120}, {760, 190}, {760, 300}, {80, 350}};
  cv::Mat turned;
  cv::warpPerspective(flat, turned, cv::getPerspectiveTransform(from, to), flat.size(),
                      cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  auto lines = reader_->Read(turned);
  ASSERT_TRUE(lines.ok()) << lines.error().message;
  bool thai = false, mae_sot = false;
  for (const auto& l : *lines) {
    thai = thai || l.script == "Thai";
    for (const auto& item : l.items)
      mae_sot = mae_sot ||
                (item.kind == "place" && !item.places.empty() && item.places[0].name == "Mae Sot");
  }
  EXPECT_TRUE(thai) << TextJson(*lines).dump(1);
  EXPECT_TRUE(mae_sot) << TextJson(*lines).dump(1);  // แม่สอด is Mae Sot in GeoNames
  // Two Han characters are a word: 金边 (Phnom Penh) on a sign, Debian's WenQuanYi font.
  const std::string han = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
  ASSERT_TRUE(std::filesystem::exists(han)) << "fonts-wqy-microhei is missing";
  lines = reader_->Read(Sign({{han, "金边"}}, 80));
  ASSERT_TRUE(lines.ok());
  bool phnom_penh = false;
  for (const auto& l : *lines)
    for (const auto& item : l.items)
      phnom_penh = phnom_penh || (item.kind == "place" && item.country == "KH");
  EXPECT_TRUE(phnom_penh) << TextJson(*lines).dump(1);
}

TEST_F(ReaderTest, ReadsLaoThatTheThaiModelReadsAsThaiLookalikes) {
  // The Thai model reads Lao letters as Thai ones with above 90 % confidence ("ທະນາຄານ",
  // bank, as "ทะบาถาม"); the Lao reading wins because its letters make Lao dictionary
  // words. Three Lao typefaces (the evaluation renders only the first); each of these read
  // as Thai when Tesseract's confidences alone decided.
  const std::string noto = "/usr/share/fonts/truetype/noto/";
  const struct {
    const char* font;
    const char* text;
    int height;
  } signs[] = {{"NotoSansLao-Regular.ttf", "ຍິນດີຕ້ອນຮັບ ຕະຫຼາດ", 44},
               {"NotoSerifLao-Regular.ttf", "ຫ້ວຍຊາຍ ຫຼວງພະບາງ", 44},
               {"NotoSerifLao-Regular.ttf", "ໂຮງໝໍ ວຽງຈັນ", 72},
               {"NotoLoopedLao-Regular.ttf", "ຍິນດີຕ້ອນຮັບ ຕະຫຼາດ", 32}};
  for (const auto& sign : signs) {
    ASSERT_TRUE(std::filesystem::exists(noto + sign.font)) << "fonts-noto-core is missing";
    auto lines = reader_->Read(Sign({{noto + sign.font, sign.text}}, sign.height));
    ASSERT_TRUE(lines.ok()) << lines.error().message;
    int lao = 0, thai = 0;
    for (const auto& l : *lines) {
      const LineScript id = IdentifyScript(l.text);
      if (id.script == "Laoo") lao += id.letters;
      if (id.script == "Thai") thai += id.letters;
    }
    EXPECT_GT(lao, 5) << sign.font << " " << sign.text << "\n" << TextJson(*lines).dump(1);
    EXPECT_EQ(thai, 0) << sign.font << " " << sign.text << "\n" << TextJson(*lines).dump(1);
  }
}

TEST_F(ReaderTest, TelBeforeANumberStaysLatin) {
  // "Tel" before a number, on most signs of the region, must not lose to another model's
  // lookalikes (the Thai model reads it "ไล|"). Weighing Latin readings of fewer than four
  // letters as the other scripts' short words (to read the Thai "โทร" before a number, which
  // the English model reads "Ins") lost every one of these to Thai: not done (the phone labels
  // of the region's scripts count as words, ThePhoneWordOfThaiBeforeANumberStaysThai).
  for (const int height : {40, 56, 72}) {
    for (const char* text : {"Tel 012 345 678", "Tel: 081-234-5678", "Tel +855 23 901 522"}) {
      auto lines = reader_->Read(Sign({{kLatinFont, text}}, height));
      ASSERT_TRUE(lines.ok()) << lines.error().message;
      std::map<std::string, int> letters;
      for (const auto& l : *lines) letters[l.script] += IdentifyScript(l.text).letters;
      std::string most = "none";
      for (const auto& [script, n] : letters)
        if (script != "Zyyy" && (most == "none" || n > letters[most])) most = script;
      EXPECT_EQ(most, "Latn") << text << " at " << height << "\n" << TextJson(*lines).dump(1);
    }
  }
}

TEST_F(ReaderTest, ThePhoneWordOfThaiBeforeANumberStaysThai) {
  // The Thai "โทร" (phone) before a number, alone or glued to the word before it: three
  // letters, too short for the dictionary rule of four, and the English model reads it "Ins"
  // at 95 (the evaluation lost Thai phone signs to Latin that way). The phone labels of the
  // region's scripts count as words before a number. (Glued to a word, as here, the old
  // reader read it right already; those two cases guard against the rule breaking it.)
  const std::string font = "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf";
  ASSERT_TRUE(std::filesystem::exists(font)) << "fonts-noto-core is missing";
  // With a number in the international format the strip's look sides with Latin (the
  // digits' windows), and "Ins" won at 72 px until a short Latin word before a number that
  // is no Latin phone label gave way to a model that read its own label there as surely.
  const struct {
    std::string label, number;
    int height;
  } signs[] = {{"โทร", "081 234 5678", 40},         {"โทร", "081 234 5678", 56},
               {"โทร", "081 234 5678", 72},         {"ร้านอาหารโทร", "081 234 5678", 40},
               {"ร้านอาหารโทร", "081 234 5678", 48}, {"โทร", "+66 91 800 4051", 56},
               {"โทร", "+66 91 800 4051", 72},      {"โทร", "+66 62 082 2211", 72}};
  for (const auto& [label, number, height] : signs) {
    auto lines = reader_->Read(Sign({{font, label}, {kLatinFont, number}}, height));
    ASSERT_TRUE(lines.ok()) << lines.error().message;
    int thai = 0, latin = 0;
    bool phone = false;
    for (const auto& l : *lines) {
      const LineScript id = IdentifyScript(l.text);
      if (id.script == "Thai") thai += id.letters;
      if (id.script == "Latn") latin += id.letters;
      for (const auto& item : l.items)
        phone = phone || (item.kind == "phone" && item.country == "TH");
    }
    const std::string at =
        label + " " + number + " at " + std::to_string(height) + "\n" + TextJson(*lines).dump(1);
    EXPECT_GE(thai, 3) << at;
    EXPECT_EQ(latin, 0) << at;
    EXPECT_TRUE(phone) << at;
  }
}

TEST_F(ReaderTest, APhotoReadsTheSameWhateverWasReadBefore) {
  // The sample case's forwarded photo, read by itself, and read after a synthetic street
  // scene whose last line Tesseract's Chinese model won: the same lines. (The reader once
  // tried the previous photo's winning model first, and here read Han characters instead of
  // Lao: a batch, or the slices of a sharded run, read a photo differently than alone.)
  test::TempDir dir;
  test::WriteSampleCase(dir / "case", test::kLandsatCrop);
  const cv::Mat forwarded = cv::imread((dir / "case" / "forwarded.jpg").string());
  const auto scene_jpeg = test::MakeSceneJpeg(560, 420, 80, 115);
  const cv::Mat scene = cv::imdecode(scene_jpeg, cv::IMREAD_COLOR);
  ASSERT_FALSE(forwarded.empty());
  ASSERT_FALSE(scene.empty());
  auto alone = reader_->Read(forwarded);
  auto other = TextReader::Open({});
  ASSERT_TRUE(alone.ok() && other.ok());
  ASSERT_TRUE((*other)->Read(scene).ok());
  auto after = (*other)->Read(forwarded);
  ASSERT_TRUE(after.ok());
  ASSERT_FALSE(alone->empty());
  EXPECT_EQ(TextJson(*alone)["lines"].dump(1), TextJson(*after)["lines"].dump(1));
}

TEST(Detect, ALineStopsWhereTheInkChanges) {
  // Dark letters on a pale plate, and beside them, at the same height, blobs of a lighter
  // grey (foliage, a fence): the line is the letters only, its quadrilateral around them.
  cv::Mat img(300, 1200, CV_8UC1, cv::Scalar(235));
  cv::putText(img, "SECURITY OFFICE", {40, 170}, cv::FONT_HERSHEY_SIMPLEX, 2.0, 20, 5);
  int baseline = 0;
  const int text_right =
      40 + cv::getTextSize("SECURITY OFFICE", cv::FONT_HERSHEY_SIMPLEX, 2.0, 5, &baseline).width;
  for (int x = text_right + 30; x < 1180; x += 45)
    cv::ellipse(img, {x, 150}, {14, 22}, 0, 0, 360, 150, cv::FILLED);
  const auto lines = DetectTextLines(img, 40);
  const TextCandidate* text = nullptr;
  for (const auto& l : lines)
    if (l.box.x < 60 && l.box.y < 170 && l.box.y + l.box.height > 130) text = &l;
  ASSERT_NE(text, nullptr);
  ASSERT_EQ(text->quad.size(), 4u);
  EXPECT_LT(text->box.x + text->box.width, text_right + 25);  // the blobs are not in it
  EXPECT_GT(text->box.x + text->box.width, text_right - 40);  // the whole text is
}

TEST(Detect, ALineJoinedToTextureIsSplitOut) {
  // Letters, then blobs of the same grey that chain on from the last letter but step down
  // (a fence, a railing): the chain is no straight line, and its straight run of letters is
  // still a candidate.
  cv::Mat img(400, 1400, CV_8UC1, cv::Scalar(235));
  cv::putText(img, "SECURITY OFFICE", {40, 170}, cv::FONT_HERSHEY_SIMPLEX, 2.0, 20, 5);
  int baseline = 0;
  const int text_right =
      40 + cv::getTextSize("SECURITY OFFICE", cv::FONT_HERSHEY_SIMPLEX, 2.0, 5, &baseline).width;
  for (int k = 0, x = text_right + 20; x < 1380; ++k, x += 34)
    cv::ellipse(img, {x, 150 + 14 * k}, {12, 22}, 0, 0, 360, 20, cv::FILLED);
  const auto lines = DetectTextLines(img, 40);
  bool text = false;
  for (const auto& l : lines)
    text = text || (l.box.x < 60 && l.box.x + l.box.width > text_right - 40 &&
                    l.box.x + l.box.width < text_right + 60 && l.box.y + l.box.height < 240);
  EXPECT_TRUE(text);
}

TEST(Detect, InkSeparatesFromItsBackgroundTextureDoesNot) {
  cv::Mat printed(60, 400, CV_8UC1, cv::Scalar(230));
  cv::putText(printed, "HOTEL 012", {10, 45}, cv::FONT_HERSHEY_SIMPLEX, 1.4, 30, 3);
  cv::GaussianBlur(printed, printed, cv::Size(3, 3), 0.8);
  EXPECT_GT(InkSeparability(printed), 0.7);
  cv::Mat foliage(60, 400, CV_8UC1);
  cv::randn(foliage, 120, 35);
  cv::GaussianBlur(foliage, foliage, cv::Size(5, 5), 1.5);
  EXPECT_LT(InkSeparability(foliage), 0.7);
  EXPECT_EQ(InkSeparability(cv::Mat(10, 10, CV_8UC1, cv::Scalar(7))), 0);  // flat: no ink
}

// A plate of several lines, each made of runs of text in their own fonts, centred one
// under the other on a light panel in a textured background.
cv::Mat Plate(const std::vector<std::vector<std::pair<std::string, std::string>>>& lines,
              int height) {
  const int step = height * 8 / 5;
  cv::Mat img(200 + step * static_cast<int>(lines.size()) + 200, 1000, CV_8UC3);
  std::string seed = std::to_string(height);
  for (const auto& runs : lines)
    for (const auto& [font, text] : runs) seed += "|" + font + "|" + text;
  Texture(img, 60, 140, seed);
  cv::GaussianBlur(img, img, cv::Size(7, 7), 3);
  cv::rectangle(img, cv::Rect(50, 150, 900, step * static_cast<int>(lines.size()) + 100),
                cv::Scalar(235, 235, 230), cv::FILLED);
  int y = 200 + height;
  for (const auto& runs : lines) {
    std::vector<std::pair<cv::Ptr<cv::freetype::FreeType2>, std::string>> fonts;
    int width = 0;
    for (const auto& [font, text] : runs) {
      auto ft = cv::freetype::createFreeType2();
      ft->loadFontData(font, 0);
      int baseline = 0;
      width += ft->getTextSize(text, height, -1, &baseline).width + height / 3;
      fonts.emplace_back(ft, text);
    }
    int x = (img.cols - width) / 2;
    for (const auto& [ft, text] : fonts) {
      ft->putText(img, text, cv::Point(x, y), height, cv::Scalar(30, 30, 120), -1, cv::LINE_AA,
                  true);
      int baseline = 0;
      x += ft->getTextSize(text, height, -1, &baseline).width + height / 3;
    }
    y += step;
  }
  return img;
}

TEST(ScriptLook, NamesTheScriptOfLinesInFontsItWasNotTrainedOn) {
  // The network that sees the script in a strip's look is trained on other fonts than these
  // (the evaluation's, bench/train_script_look.cc): each line's windows look most like its
  // own script, in strips cut as the reader cuts them. Lao, Thai and Khmer are the lookalikes
  // Tesseract's models confuse.
  auto look = ScriptLook::Default();
  ASSERT_TRUE(look.ok()) << look.error().message;
  const std::string noto = "/usr/share/fonts/truetype/noto/";
  const struct {
    std::string font, text, script;
  } cases[] = {{"/usr/share/fonts/truetype/khmeros/KhmerOS.ttf", "ភោជនីយដ្ឋាន សណ្ឋាគារ", "Khmr"},
               {noto + "NotoSansMyanmar-Regular.ttf", "စားသောက်ဆိုင် ကုမ္ပဏီ", "Mymr"},
               {noto + "NotoSansLao-Regular.ttf", "ຮ້ານອາຫານ ທະນາຄານ", "Laoo"},
               {noto + "NotoSansThai-Regular.ttf", "ร้านอาหาร ธนาคาร", "Thai"},
               {"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "科技有限公司 欢迎", "Hani"},
               {kLatinFont, "Restaurant Technology", "Latn"}};
  for (const auto& c : cases)
    for (const int height : {36, 60}) {
      ASSERT_TRUE(std::filesystem::exists(c.font)) << c.font;
      cv::Mat gray;
      cv::cvtColor(Sign({{c.font, c.text}}, height), gray, cv::COLOR_BGR2GRAY);
      std::map<std::string, double> windows;
      int letter_windows = 0;
      for (const auto& line : DetectTextLines(gray, 40)) {
        if ((line.box & cv::Rect(60, 150, 780, 170)).area() < 0.5 * line.box.area()) continue;
        const LookShares shares = (*look)->Classify(LineStrip(gray, line));
        for (int k = 0; k < kLookScripts; ++k)
          windows[kLookClasses[static_cast<std::size_t>(k)]] +=
              shares.share[static_cast<std::size_t>(k)] * shares.windows;
        letter_windows += shares.letter_windows;
      }
      std::string most = "none";
      std::string all;
      for (const auto& [script, n] : windows) {
        all += " " + script + ":" + std::to_string(static_cast<int>(std::lround(n)));
        if (most == "none" || n > windows[most]) most = script;
      }
      EXPECT_GT(letter_windows, 5) << c.text << " at " << height;
      EXPECT_EQ(most, c.script) << c.text << " at " << height << ":" << all;
    }
}

TEST(ScriptLook, AMissingOrForeignModelFileIsAClearError) {
  test::TempDir dir;
  auto missing = ScriptLook::Load(dir.path() / "script-look.yml.gz");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("scripts/train-script-look"), std::string::npos)
      << missing.error().message;
  std::ofstream(dir.path() / "bad.yml") << "%YAML:1.0\n---\nnot_a_model: 3\n";
  EXPECT_FALSE(ScriptLook::Load(dir.path() / "bad.yml").ok());
}

TEST_F(ReaderTest, ANumberWithoutItsCountryCodeIsReadInTheCountryOfItsPlate) {
  // "Tel 081 234 5678" alone is a valid number in Myanmar, tried before Thailand when a
  // line's script names no country (KH MM TH ...). Under a Thai line on the same plate it is
  // Thai.
  const std::string thai = "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf";
  ASSERT_TRUE(std::filesystem::exists(thai)) << "fonts-noto-core is missing";
  const auto phones = [&](const cv::Mat& img) {
    auto lines = reader_->Read(img);
    EXPECT_TRUE(lines.ok());
    std::vector<std::string> out;
    if (lines.ok())
      for (const auto& l : *lines)
        for (const auto& item : l.items)
          if (item.kind == "phone") out.push_back(item.country + " " + item.value);
    return out;
  };
  const std::vector<std::pair<std::string, std::string>> tel = {{kLatinFont, "Tel 081 234 5678"}};
  EXPECT_EQ(phones(Plate({tel}, 44)), std::vector<std::string>{"MM +95812345678"});
  EXPECT_EQ(phones(Plate({{{thai, "ร้านอาหาร เชียงราย"}}, tel}, 44)),
            std::vector<std::string>{"TH +66812345678"});
  // A label of two letters names its country weakly, and a place name of the gazetteer on
  // the plate names one even when its line is too short for a script clue: "020 5530 4102"
  // is valid in Laos and in Vietnam; after the Vietnamese "ĐT" alone it is Vietnamese, under
  // "ປາກເຊ" (Pakse, five letters) Lao. (The evaluation's "ໂທ" misread as "lưu" under a Lao
  // line.)
  const std::string lao = "/usr/share/fonts/truetype/noto/NotoSansLao-Regular.ttf";
  ASSERT_TRUE(std::filesystem::exists(lao)) << "fonts-noto-core is missing";
  const std::vector<std::pair<std::string, std::string>> dt = {{kLatinFont, "ĐT 020 5530 4102"}};
  EXPECT_EQ(phones(Plate({dt}, 44)), std::vector<std::string>{"VN +842055304102"});
  EXPECT_EQ(phones(Plate({{{lao, "ປາກເຊ"}}, dt}, 44)),
            std::vector<std::string>{"LA +8562055304102"});
}

TEST_F(ReaderTest, TheLookDecidesLinesTheModelsReadAsEachOthersScripts) {
  // Lines that Tesseract's models alone gave to another script (the reader without the
  // script look, weight 0): Khmer read as Lao "ເຄາພິຜິໄທັງໆ" and as Han "名87110 人", Lao as
  // Thai "โช]แรม ตะเทาด", loopless Thai as Latin "USưn qanq". The look of the strip (a network
  // not trained on these fonts) tips each to its own script. Seen in the same trial and left:
  // "ក្រុមហ៊ុន ភ្នំពេញ" in KhmerOS freehand at 48 px went the other way, Khmer to Lao.
  const std::string km = "/usr/share/fonts/truetype/khmeros/";
  const std::string noto = "/usr/share/fonts/truetype/noto/";
  const struct {
    std::string font, text, script;
    int height;
  } cases[] = {{km + "KhmerOS.ttf", "ភោជនីយដ្ឋាន", "Khmr", 64},
               {km + "KhmerOSmetalchrieng.ttf", "មន្ទីរពេទ្យ", "Khmr", 48},
               {noto + "NotoSansLao-Regular.ttf", "ໂຮງແຮມ ຕະຫຼາດ", "Laoo", 48},
               {noto + "NotoSansThai-Regular.ttf", "บริษัท ตลาด", "Thai", 48}};
  for (const auto& c : cases) {
    ASSERT_TRUE(std::filesystem::exists(c.font)) << c.font;
    auto lines = reader_->Read(Sign({{c.font, c.text}}, c.height));
    ASSERT_TRUE(lines.ok()) << lines.error().message;
    std::map<std::string, int> letters;
    for (const auto& l : *lines) letters[l.script] += IdentifyScript(l.text).letters;
    std::string most = "none";
    for (const auto& [script, n] : letters)
      if (script != "Zyyy" && (most == "none" || n > letters[most])) most = script;
    EXPECT_EQ(most, c.script) << c.text << " at " << c.height << "\n" << TextJson(*lines).dump(1);
  }
}

TEST(Reader, MissingLanguageDataNamesThePackage) {
  TextReadOptions options;
  options.languages = {"khm", "xyz_missing"};
  auto r = TextReader::Open(options);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("tesseract-ocr-xyz-missing"), std::string::npos)
      << r.error().message;
}

TEST_F(ReaderTest, PhoneNumbersInLatinDigitsAreTheEnglishModelsReading) {
  // The winner of a line (here the Khmer or Burmese model, with English added) misreads
  // the Latin digits beside its letters: "ទូរស័ព្ទ917 729 046", a valid Vietnamese number, for
  // 017 729 046; "ဖုန်း 00 97159 8588", no number at all. The English model read both right;
  // its number is the item, and says which reading it came from.
  struct Case {
    std::string label_font, label, digits_font, digits, e164, country;
    int height;
  };
  const std::vector<Case> cases = {{"/usr/share/fonts/truetype/khmeros/KhmerOS.ttf", "ទូរស័ព្ទ",
                                    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
                                    "017 729 046", "+85517729046", "KH", 40},
                                   {"/usr/share/fonts/truetype/noto/NotoSansMyanmar-Regular.ttf",
                                    "ဖုန်း", "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
                                    "09 97159 8588", "+959971598588", "MM", 40}};
  for (const auto& c : cases) {
    ASSERT_TRUE(std::filesystem::exists(c.label_font)) << c.label_font;
    ASSERT_TRUE(std::filesystem::exists(c.digits_font)) << c.digits_font;
    auto lines =
        reader_->Read(Sign({{c.label_font, c.label}, {c.digits_font, c.digits}}, c.height));
    ASSERT_TRUE(lines.ok()) << lines.error().message;
    const auto json = TextJson(*lines);
    std::vector<std::string> phones;
    bool sourced = false;
    for (const auto& item : json["items"])
      if (item["kind"] == "phone") {
        phones.push_back(item["value"].get<std::string>() + " " +
                         item["country"].get<std::string>());
        sourced = sourced || (item["value"] == c.e164 && item.contains("source"));
      }
    EXPECT_EQ(phones, std::vector<std::string>{c.e164 + " " + c.country})
        << c.label << " " << c.digits << "\n"
        << json.dump(1);
    EXPECT_TRUE(sourced) << json.dump(1);
  }
}

TEST_F(ReaderTest, TwoLargeHanCharactersAreALine) {
  // A sign of two Han characters, large: each character is one region (or one of a few),
  // two regions are no chain of three, and the sign was not read at all ("超市" at an
  // x-height of 67 px in the evaluation). Two square regions of one size side by side are a
  // line of their own.
  const std::string han = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
  ASSERT_TRUE(std::filesystem::exists(han)) << "fonts-wqy-microhei is missing";
  for (const auto& [word, height] : std::vector<std::pair<std::string, int>>{
           {"超市", 80}, {"超市", 110}, {"園區", 56}, {"園區", 110}}) {
    auto lines = reader_->Read(Sign({{han, word}}, height));
    ASSERT_TRUE(lines.ok()) << lines.error().message;
    int hani = 0;
    for (const auto& l : *lines)
      if (l.script == "Hani") hani += IdentifyScript(l.text).letters;
    EXPECT_GE(hani, 2) << word << " at " << height << "\n" << TextJson(*lines).dump(1);
  }
}

TEST_F(ReaderTest, TheLabelCountsWhenTheScriptModelRereadsWithEnglish) {
  // A phone line won by the Thai model is read again by the Thai model with English added,
  // for its digits (the Thai model alone read 081-739-6448 as "081-7239-6448" in the
  // evaluation), and that reading is taken when it is nearly as sure. Its phone label "โทร"
  // must count as a word of the Thai model there too: the label table was looked up under
  // "tha+eng", found nothing, and the reading, 30 % less sure without its only word, was
  // never taken.
  const std::string font = "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf";
  ASSERT_TRUE(std::filesystem::exists(font)) << "fonts-noto-core is missing";
  for (const int height : {40, 56, 72}) {
    auto lines = reader_->Read(Sign({{font, "โทร"}, {kLatinFont, "081-739-6448"}}, height));
    ASSERT_TRUE(lines.ok()) << lines.error().message;
    bool reread = false;
    for (const auto& l : *lines)
      reread =
          reread || (l.language == "tha+eng" && l.text.find("081-739-6448") != std::string::npos);
    EXPECT_TRUE(reread) << height << "\n" << TextJson(*lines).dump(1);
  }
}

TEST_F(ReaderTest, AShortBurmeseWordIsFoundByItsMarks) {
  // A Burmese word of one or two letters carries its vowel signs and tones above, below and
  // beside them ("ရုံး": one letter, a mark above, one below, the two dots of the visarga):
  // no chain of three letters, and the sign was not read at all (x-height 50 in the
  // evaluation). The letters with the marks of their ink around them are a word.
  const std::string font = "/usr/share/fonts/truetype/noto/NotoSansMyanmar-Regular.ttf";
  ASSERT_TRUE(std::filesystem::exists(font)) << "fonts-noto-core is missing";
  for (const auto& [word, height] :
       std::vector<std::pair<std::string, int>>{{"ရုံး", 56}, {"ရုံး", 80}, {"ဈေး", 56}, {"ဈေး", 80}}) {
    auto lines = reader_->Read(Sign({{font, word}}, height));
    ASSERT_TRUE(lines.ok()) << lines.error().message;
    int burmese = 0;
    for (const auto& l : *lines)
      if (l.script == "Mymr") burmese += IdentifyScript(l.text).letters;
    EXPECT_GE(burmese, 1) << word << " at " << height << "\n" << TextJson(*lines).dump(1);
  }
}

}  // namespace
}  // namespace gv
