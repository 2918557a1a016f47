#include "text/text_json.h"

#include <map>

#include "text/script.h"

namespace gv {

// A line read with confidence and long enough not to be a texture's chance shapes.
bool MakesScriptClue(const TextLine& line) {
  return line.confidence >= kScriptClueConfidence &&
         IdentifyScript(line.text).letters >= kScriptClueLetters;
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
      items.push_back({{"kind", item.kind},
                       {"value", item.value},
                       {"country", item.country.empty() ? Json(nullptr) : Json(item.country)},
                       {"box", box},
                       {"confidence", item.confidence}});
      if (item.country.empty()) continue;
      const char* kind = item.kind == "phone"                         ? "phone_country"
                         : item.kind == "url" || item.kind == "email" ? "tld_country"
                                                                      : "currency_country";
      clues.push_back({{"kind", kind},
                       {"country", item.country},
                       {"value", item.value},
                       {"confidence", item.confidence}});
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
