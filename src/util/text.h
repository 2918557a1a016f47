// Text helpers for strings that come from untrusted metadata.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gv {

// Returns `text` as valid UTF-8: invalid sequences become U+FFFD, NUL and other C0
// control characters except tab/newline become U+FFFD too. Trailing NULs and spaces
// (common padding in EXIF ASCII fields) are removed.
std::string SanitizeUtf8(std::string_view text);

// Lower-case hex, two digits a byte.
std::string HexLower(std::span<const std::uint8_t> bytes);

// The bytes of a hex string (either case); nothing when it is not one (odd length, another
// character).
std::optional<std::vector<std::uint8_t>> HexDecode(std::string_view hex);
std::string Trim(std::string_view text);
// Standard base64 (RFC 4648) with padding, for data: URIs.
std::string Base64(std::span<const std::uint8_t> bytes);
std::string ToLower(std::string_view text);
bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle);

// Fields of one CSV line (RFC 4180 quotes: commas inside "..." do not split; the quotes
// themselves are dropped, "" inside them is one quote; a trailing CR is ignored).
std::vector<std::string> SplitCsvLine(std::string_view line);

}  // namespace gv
