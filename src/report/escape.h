// Escaping for every place a string from evidence is written. Inputs may hold anything a
// hostile file can put in its metadata; outputs are valid UTF-8 and inert.
#pragma once

#include <string>
#include <string_view>

namespace gv {

// For HTML text and double-quoted attribute values: & < > " ' escaped.
std::string HtmlEscape(std::string_view text);
// One CSV field (RFC 4180), always quoted; leading = + - @ are prefixed with ' so that a
// spreadsheet does not run the field as a formula.
std::string CsvField(std::string_view text);
// JSON text to embed inside <script type="application/json">: '<', '>' and '&' become
// \u escapes so the text cannot close the script element.
std::string JsonForScript(std::string_view json);

}  // namespace gv
