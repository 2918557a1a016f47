#include "text/items.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumbermatch.h>
#include <phonenumbers/phonenumbermatcher.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <regex>
#include <set>

#include "geo/countries.h"

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

}  // namespace

const std::vector<std::string>& DefaultPhoneRegions() {
  static const std::vector<std::string> regions = {"KH", "MM", "TH", "LA", "VN",
                                                   "PH", "MY", "ID", "CN"};
  return regions;
}

std::vector<TextItem> FindTextItems(std::string_view line_view,
                                    const std::vector<std::string>& regions) {
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
    items.push_back({"phone", e164, region, confidence});
  };
  {
    PhoneNumberMatcher matcher(util, line, "ZZ", PhoneNumberMatcher::VALID, 100);
    while (matcher.HasNext()) {
      PhoneNumberMatch match;
      matcher.Next(&match);
      add_phone(match.number(), 0.95);
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
      add_phone(match.number(), 0.6);
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
    items.push_back({"email", it->str(), country, confidence});
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
    items.push_back({"url", url, country, country.empty() ? 0.0 : confidence});
  }
  // Currency signs and words.
  static const std::vector<std::pair<std::string, std::string>> kCurrency = {
      {"\u17DB", "KH"}, {"\u0E3F", "TH"}, {"\u20AD", "LA"},
      {"\u20AB", "VN"}, {"\u20B1", "PH"}, {"\u1000\u103B\u1015\u103A", "MM"}};  // ៛ ฿ ₭ ₫ ₱ ကျပ်
  for (const auto& [sign, country] : kCurrency)
    if (line.find(sign) != std::string::npos) items.push_back({"currency", sign, country, 0.8});
  static const std::regex kKyat(R"((\d[\d,.]*\s*(Ks|Kyats?)\b)|(\bK\s?\d[\d,.]{2,}))");
  std::smatch m;
  if (std::regex_search(line, m, kKyat)) items.push_back({"currency", m.str(), "MM", 0.5});
  return items;
}

}  // namespace gv
