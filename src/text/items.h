// Structured items in text read from a photo: phone numbers (libphonenumber: the country,
// from the number itself or the regions the line's script suggests, and the area where its
// geocoder knows it), URLs and e-mail addresses with their country-code top-level domain,
// licence plates with their province, currency signs, and place names (GeoNames). Each item
// names the country it points to (ISO 3166-1 alpha-2) and a confidence.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "text/place_names.h"

namespace gv {

struct TextItem {
  std::string kind;   // phone, url, email, plate, currency, place
  std::string value;  // as read, or normalised (E.164 for a phone)
  std::string country;
  double confidence = 0;
  std::string area;                // phone: the area its prefix belongs to; plate: the province
  std::vector<NamedPlace> places;  // place: the places of that name, most populous first
  // The reading it was found in when that is not the line's text: a phone number read by the
  // English model where the line's winning model misread the digits.
  std::string source;
};

// Items of one line. `regions`: where a number written without its country code may be
// from, most likely first (e.g. from the line's script); a local number valid in none of
// them is not an item.
// `places`: the place names to look for, or none.
std::vector<TextItem> FindTextItems(std::string_view line, const std::vector<std::string>& regions,
                                    const PlaceNames* places = nullptr);

// Confidences of phone items: a number read with its country code names its country
// itself; one read without it is right only if the region guess is.
constexpr double kInternationalPhoneConfidence = 0.95;
constexpr double kLocalPhoneConfidence = 0.6;

// A phone item read with its country code ("+95 9 ...").
inline bool IsInternationalPhone(const TextItem& item) {
  return item.kind == "phone" && item.confidence >= kInternationalPhoneConfidence;
}
// A phone item read without it, whose country is a guess.
inline bool IsLocalPhone(const TextItem& item) {
  return item.kind == "phone" && item.confidence < kInternationalPhoneConfidence;
}

// The Southeast Asian regions a local number is tried in when the script says nothing.
const std::vector<std::string>& DefaultPhoneRegions();

}  // namespace gv
