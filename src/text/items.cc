#include "text/items.h"

#include <phonenumbers/geocoding/phonenumber_offline_geocoder.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumbermatch.h>
#include <phonenumbers/phonenumbermatcher.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <set>

#include "geo/countries.h"
#include "text/script.h"

namespace gv {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberMatch;
using i18n::phonenumbers::PhoneNumberMatcher;
using i18n::phonenumbers::PhoneNumberUtil;

std::string Upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// The country of a domain's top-level domain, with a confidence: country codes that are
// sold worldwide as generic names (.io, .co, .me, ...) say little.
std::pair<std::string, double> TldCountry(const std::string& host) {
  const auto dot = host.rfind('.');
  if (dot == std::string::npos) return {"", 0};
  std::string tld = Upper(host.substr(dot + 1));
  if (tld.size() != 2) return {"", 0};
  if (tld == "UK") tld = "GB";
  static const std::set<std::string> kGeneric = {"IO", "CO", "ME", "TV", "AI", "CC", "WS", "FM",
                                                 "GG", "LY", "TO", "SH", "AC", "SU", "EU"};
  if (kGeneric.count(tld)) return {"", 0};
  if (!CountryByAlpha2(tld)) return {"", 0};
  return {tld, 0.9};
}

// The area of a number where libphonenumber's geocoder knows it (landline prefixes:
// "Bangkok/Nonthaburi/..." for +66 2; it has none for Cambodia, Laos or Myanmar), "" otherwise.
std::string PhoneArea(const PhoneNumber& number, const std::string& region) {
  static std::mutex mutex;
  static std::unique_ptr<i18n::phonenumbers::PhoneNumberOfflineGeocoder> geocoder;
  std::lock_guard lock(mutex);
  if (!geocoder) geocoder = std::make_unique<i18n::phonenumbers::PhoneNumberOfflineGeocoder>();
  // Without an area, the geocoder falls back to the country's name (ICU's display name).
  const std::string area =
      geocoder->GetDescriptionForValidNumber(number, icu::Locale::getEnglish(), region);
  icu::UnicodeString display;
  std::string country;
  icu::Locale("", region.c_str()).getDisplayCountry(icu::Locale::getEnglish(), display);
  display.toUTF8String(country);
  return area == country ? "" : area;
}

static_assert(sizeof(wchar_t) == 4, "std::wregex over code points needs a 32-bit wchar_t");
std::wstring Wide(const std::string& utf8) {
  const std::u32string code_points = DecodeUtf8(utf8);
  return std::wstring(code_points.begin(), code_points.end());  // wchar_t is 32-bit here
}

std::string Narrow(const std::wstring& wide) {
  const std::u32string code_points(wide.begin(), wide.end());
  std::string out;
  icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(code_points.data()),
                                static_cast<std::int32_t>(code_points.size()))
      .toUTF8String(out);
  return out;
}

// Licence plates of the region. Thailand: two Thai consonants (a digit before them on
// newer plates), a space and three or four digits, the province written below in Thai
// (shorter forms exist, but "จ3" is what textures read as); Laos: two
// Lao letters and four digits; Myanmar: the region's three-letter code (YGN 2B-1234);
// Cambodia: a digit and one or two Latin letters, a dash and four digits (2A-1234), the
// province written above in Khmer. The province, when the plate says it, is the `area`.
void FindPlates(const std::string& line, std::vector<TextItem>& items) {
  const std::wstring w = Wide(line);
  static const std::wregex kThai(
      LR"((^|[^\u0E01-\u0E4F\d])(\d?[\u0E01-\u0E2E]{2} \d{3,4})(?![\d]))");
  static const std::wregex kLao(LR"(([\u0E81-\u0EAE]{2} ?\d{4})(?!\d))");
  static const std::wregex kMyanmar(
      LR"(\b(YGN|MDY|NPT|AYY|BGO|MGY|SGG|TNI|KYN|MON|SHN|KCN|KYH|CHN|RKE) ?(\d?[A-Z]{1,2}[-/ ]?\d{4})\b)");
  static const std::wregex kCambodia(LR"(\b(\d[A-Z]{1,2}-\d{4})\b)");
  static const std::map<std::wstring, std::string> kMyanmarRegions = {
      {L"YGN", "Yangon"}, {L"MDY", "Mandalay"}, {L"NPT", "Naypyidaw"}, {L"AYY", "Ayeyarwady"},
      {L"BGO", "Bago"},   {L"MGY", "Magway"},   {L"SGG", "Sagaing"},   {L"TNI", "Tanintharyi"},
      {L"KYN", "Kayin"},  {L"MON", "Mon"},      {L"SHN", "Shan"},      {L"KCN", "Kachin"},
      {L"KYH", "Kayah"},  {L"CHN", "Chin"},     {L"RKE", "Rakhine"}};
  std::wsmatch m;
  // A Thai plate is short: a whole line of Thai words with a number is a sign, not a plate.
  if (w.size() <= 24 && std::regex_search(w, m, kThai))
    items.push_back({"plate", Narrow(m[2].str()), "TH", 0.6, "", {}, ""});
  if (w.size() <= 24 && std::regex_search(w, m, kLao))
    items.push_back({"plate", Narrow(m[1].str()), "LA", 0.6, "", {}, ""});
  if (std::regex_search(w, m, kMyanmar))
    items.push_back(
        {"plate", Narrow(m[0].str()), "MM", 0.8, kMyanmarRegions.at(m[1].str()), {}, ""});
  else if (std::regex_search(w, m, kCambodia)) {
    const bool khmer =
        std::any_of(w.begin(), w.end(), [](wchar_t c) { return c >= 0x1780 && c <= 0x17FF; });
    const bool says = line.find("CAMBODIA") != std::string::npos;
    items.push_back({"plate", Narrow(m[1].str()), "KH", khmer || says ? 0.75 : 0.4, "", {}, ""});
  }
}

}  // namespace

const std::vector<std::string>& DefaultPhoneRegions() {
  static const std::vector<std::string> regions = {"KH", "MM", "TH", "LA", "VN",
                                                   "PH", "MY", "ID", "CN"};
  return regions;
}

std::vector<TextItem> FindTextItems(std::string_view line_view,
                                    const std::vector<std::string>& regions,
                                    const PlaceNames* places) {
  std::vector<TextItem> items;
  const std::string line(line_view);
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  // Phones: international numbers (with +) whatever the region; local ones in the first of
  // `regions` where they are valid numbers.
  std::set<std::string> seen;
  const auto add_phone = [&](const PhoneNumber& number, double confidence) {
    std::string e164, region;
    util.Format(number, PhoneNumberUtil::E164, &e164);
    util.GetRegionCodeForNumber(number, &region);
    if (region.empty() || region == "ZZ" || !seen.insert(e164).second) return;
    items.push_back({"phone", e164, region, confidence, PhoneArea(number, region), {}, ""});
  };
  {
    PhoneNumberMatcher matcher(util, line, "ZZ", PhoneNumberMatcher::VALID, 100);
    while (matcher.HasNext()) {
      PhoneNumberMatch match;
      matcher.Next(&match);
      add_phone(match.number(), kInternationalPhoneConfidence);
    }
  }
  for (const auto& region : regions) {
    PhoneNumberMatcher matcher(util, line, region, PhoneNumberMatcher::VALID, 100);
    bool found = false;
    while (matcher.HasNext()) {
      PhoneNumberMatch match;
      matcher.Next(&match);
      if (match.raw_string().find('+') != std::string::npos) continue;  // handled above
      // Written without a country code: right only if the region guess is.
      add_phone(match.number(), kLocalPhoneConfidence);
      found = true;
    }
    if (found) break;
  }
  // URLs and e-mail addresses.
  static const std::regex kEmail(R"(([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+))");
  static const std::regex kUrl(
      R"(((https?://)|(www\.))?([A-Za-z0-9-]+\.)+([A-Za-z]{2,24})(/[^\s]*)?)");
  std::string rest = line;
  for (std::sregex_iterator it(line.begin(), line.end(), kEmail), end; it != end; ++it) {
    const auto [country, confidence] = TldCountry((*it)[2].str());
    items.push_back({"email", it->str(), country, confidence, "", {}, ""});
    rest.replace(static_cast<std::size_t>(it->position()), static_cast<std::size_t>(it->length()),
                 static_cast<std::size_t>(it->length()), ' ');
  }
  for (std::sregex_iterator it(rest.begin(), rest.end(), kUrl), end; it != end; ++it) {
    const std::string url = it->str();
    const bool explicit_url = (*it)[2].matched || (*it)[3].matched;
    // A bare "word.word" is a URL only with a known top-level domain of two letters or a
    // common generic one; "e.g" or "3.5" are not.
    std::string host = url.substr((*it)[2].matched ? (*it)[2].length() : 0);
    host = host.substr(0, host.find('/'));
    const auto [country, confidence] = TldCountry(host);
    static const std::set<std::string> kGenericTlds = {"COM", "NET", "ORG", "INFO", "BIZ",
                                                       "APP", "XYZ", "TOP", "VIP",  "SHOP"};
    const std::string tld = Upper(host.substr(host.rfind('.') + 1));
    const bool known_tld =
        kGenericTlds.count(tld) || (tld.size() == 2 && CountryByAlpha2(tld)) || tld == "UK";
    if (!explicit_url && !known_tld) continue;
    items.push_back({"url", url, country, country.empty() ? 0.0 : confidence, "", {}, ""});
  }
  // Currency signs and words.
  static const std::vector<std::pair<std::string, std::string>> kCurrency = {
      {"\u17DB", "KH"}, {"\u0E3F", "TH"}, {"\u20AD", "LA"},
      {"\u20AB", "VN"}, {"\u20B1", "PH"}, {"\u1000\u103B\u1015\u103A", "MM"}};  // ៛ ฿ ₭ ₫ ₱ ကျပ်
  for (const auto& [sign, country] : kCurrency)
    if (line.find(sign) != std::string::npos)
      items.push_back({"currency", sign, country, 0.8, "", {}, ""});
  static const std::regex kKyat(R"((\d[\d,.]*\s*(Ks|Kyats?)\b)|(\bK\s?\d[\d,.]{2,}))");
  std::smatch m;
  if (std::regex_search(line, m, kKyat))
    items.push_back({"currency", m.str(), "MM", 0.5, "", {}, ""});
  FindPlates(line, items);
  // Place names; a plate's province is a place name on the same line.
  if (places)
    for (auto& match : places->Find(line)) {
      TextItem item{"place", match.name, "", match.confidence, "", {}, ""};
      for (const NamedPlace* p : match.places) item.places.push_back(*p);
      item.country = item.places.front().country;
      for (auto& plate : items)
        if (plate.kind == "plate" && plate.area.empty() && plate.country == item.country)
          plate.area = item.places.front().name;
      items.push_back(std::move(item));
    }
  return items;
}

}  // namespace gv
