#include "text/text_json.h"

#include <map>

#include "text/script.h"

namespace gv {

// A line read with confidence and long enough not to be a texture's chance shapes.
bool MakesScriptClue(const TextLine& line) {
  const LineScript script = IdentifyScript(line.text);
  return line.confidence >= kScriptClueConfidence && script.letters >= kScriptClueLetters &&
         !script.impossible_start;
}

nlohmann::ordered_json TextJson(const std::vector<TextLine>& lines) {
  using Json = nlohmann::ordered_json;
  Json out_lines = Json::array(), items = Json::array(), clues = Json::array();
  std::map<std::string, std::pair<int, std::string>> scripts;  // script -> lines, language
  for (const auto& l : lines) {
    const Json box = {l.box.x, l.box.y, l.box.width, l.box.height};
    out_lines.push_back({{"text", l.text},
                         {"script", l.script},
                         {"language", l.language},
                         {"confidence", l.confidence},
                         {"box", box},
                         {"zawgyi", l.zawgyi},
                         {"latin", l.latin.empty() ? Json(nullptr) : Json(l.latin)}});
    if (MakesScriptClue(l)) {
      auto& s = scripts[l.script];
      ++s.first;
      if (IdentifyScript(l.text).language == "vie") s.second = "vie";
    }
    for (const auto& item : l.items) {
      Json j = {{"kind", item.kind},
                {"value", item.value},
                {"country", item.country.empty() ? Json(nullptr) : Json(item.country)},
                {"box", box},
                {"confidence", item.confidence}};
      if (!item.area.empty()) j["area"] = item.area;
      if (!item.source.empty()) j["source"] = item.source;
      Json places = Json::array();
      for (const auto& p : item.places)
        places.push_back({{"name", p.name},
                          {"lat", p.at.lat_deg},
                          {"lon", p.at.lon_deg},
                          {"country", p.country},
                          {"population", p.population},
                          {"radius_m", p.RadiusM()}});
      if (item.kind == "place") j["places"] = places;
      items.push_back(j);
      if (item.country.empty()) continue;
      // A place name or a plate is a clue where the line was read with confidence (a
      // garbled line that spells a town or a plate's pattern by chance is not).
      if ((item.kind == "place" || item.kind == "plate") && l.confidence < kScriptClueConfidence)
        continue;
      const char* kind = item.kind == "phone"                         ? "phone_country"
                         : item.kind == "url" || item.kind == "email" ? "tld_country"
                         : item.kind == "plate"                       ? "plate_country"
                         : item.kind == "place"                       ? "place_name"
                                                                      : "currency_country";
      Json clue = {
          {"kind", kind},
          {"country", item.country},
          {"value", item.value},
          {"confidence", item.confidence * (item.kind == "place" ? l.confidence / 100 : 1)}};
      if (item.kind == "place") clue["places"] = places;
      clues.push_back(clue);
    }
  }
  for (const auto& [script, seen] : scripts) {
    const auto countries = ScriptCountries(script, seen.second);
    if (countries.empty()) continue;
    Json weights = Json::array();
    for (const auto& [country, weight] : countries)
      weights.push_back({{"country", country}, {"weight", weight}});
    clues.push_back({{"kind", "script"},
                     {"script", script},
                     {"lines", seen.first},
                     {"countries", weights},
                     {"confidence", seen.first >= 2 ? 0.8 : 0.6}});
  }
  return {{"lines", out_lines}, {"items", items}, {"clues", clues}};
}

}  // namespace gv
