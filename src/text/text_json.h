// The JSON of text read in one photo (`geoverify text --json`; keys in
// docs/commands/text.md): lines, items and the clues they make.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "text/reader.h"

namespace gv {

// A line makes a script clue when read with at least this confidence and this many letters.
constexpr double kScriptClueConfidence = 75;
constexpr int kScriptClueLetters = 6;
bool MakesScriptClue(const TextLine& line);

// {lines: [...], items: [...], clues: [...]} for the lines of one photo. Clues: `script`
// (a soft country prior per script that says where it is written, from lines read with
// confidence), `phone_country`, `tld_country` and `currency_country` (one per item that
// names a country).
nlohmann::ordered_json TextJson(const std::vector<TextLine>& lines);

}  // namespace gv
