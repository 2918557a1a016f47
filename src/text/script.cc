#include "text/script.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

namespace gv {
namespace {

// Decodes one UTF-8 code point at `i` (advancing it); U+FFFD for an invalid sequence.
char32_t Next(std::string_view s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i++]);
  if (b < 0x80) return b;
  int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : -1;
  if (extra < 0 || i + static_cast<std::size_t>(extra) > s.size()) return 0xFFFD;
  char32_t c = b & (0x3F >> extra);
  for (int k = 0; k < extra; ++k) {
    const auto t = static_cast<unsigned char>(s[i]);
    if ((t & 0xC0) != 0x80) return 0xFFFD;
    c = (c << 6) | (t & 0x3F);
    ++i;
  }
  return c;
}

bool IsVietnameseLetter(char32_t c) {
  // ă â đ ê ô ơ ư (either case) and the precomposed letters with tone marks of Latin
  // Extended Additional that Vietnamese uses (U+1EA0..U+1EF9).
  static const std::u32string kLetters = U"ăâđêôơưĂÂĐÊÔƠƯ";
  return kLetters.find(c) != std::u32string::npos || (c >= 0x1EA0 && c <= 0x1EF9);
}

}  // namespace

std::u32string DecodeUtf8(std::string_view s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) out.push_back(Next(s, i));
  return out;
}

std::string IcuTransform(const char* id, std::string_view utf8) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<icu::Transliterator>> cache;
  std::lock_guard lock(mutex);
  auto& t = cache[id];
  if (!t) {
    UErrorCode status = U_ZERO_ERROR;
    t.reset(icu::Transliterator::createInstance(id, UTRANS_FORWARD, status));
    if (U_FAILURE(status)) t.reset();
  }
  if (!t) return std::string(utf8);
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<std::int32_t>(utf8.size())));
  t->transliterate(text);
  std::string out;
  text.toUTF8String(out);
  return out;
}

std::string_view ScriptOfCodePoint(char32_t c) {
  if (c >= 0x1780 && c <= 0x17FF) return "Khmr";
  if (c >= 0x19E0 && c <= 0x19FF) return "Khmr";  // Khmer symbols
  if (c >= 0x1000 && c <= 0x109F) return "Mymr";
  if (c >= 0xAA60 && c <= 0xAA7F) return "Mymr";  // Myanmar Extended-A
  if (c >= 0x0E80 && c <= 0x0EFF) return "Laoo";
  if (c >= 0x0E00 && c <= 0x0E7F) return "Thai";
  if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
      (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FA1F))
    return "Hani";
  if (c >= 0x3040 && c <= 0x309F) return "Hira";
  if (c >= 0x30A0 && c <= 0x30FF) return "Kana";
  if ((c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x1100 && c <= 0x11FF)) return "Hang";
  if (c >= 0x0600 && c <= 0x06FF) return "Arab";
  if (c >= 0x0400 && c <= 0x04FF) return "Cyrl";
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
      (c >= 0x00C0 && c <= 0x024F && c != 0xD7 && c != 0xF7) || (c >= 0x1E00 && c <= 0x1EFF))
    return "Latn";
  return "";
}

LineScript IdentifyScript(std::string_view utf8) {
  LineScript out;
  std::map<std::string_view, int> counts;
  int letters = 0, vietnamese = 0;
  std::string_view word_script;
  for (const char32_t c : DecodeUtf8(utf8)) {
    const std::string_view script = ScriptOfCodePoint(c);
    if (script.empty()) {
      // Combining marks stay in their word; anything else ends it.
      if (!(c >= 0x0300 && c <= 0x036F)) word_script = {};
      continue;
    }
    if (!word_script.empty() && word_script != script &&
        !((word_script == "Hani" || word_script == "Hira" || word_script == "Kana") &&
          (script == "Hani" || script == "Hira" || script == "Kana")))
      out.mixed_word = true;
    word_script = script;
    ++counts[script];
    ++letters;
    vietnamese += IsVietnameseLetter(c) ? 1 : 0;
  }
  // Texture read as text: words of one letter, one letter repeated, scripts mixed.
  {
    std::map<char32_t, int> letter_counts;
    int words = 0, one_letter_words = 0, in_word = 0, non_latin_scripts = 0;
    bool word_start = true;
    const auto end_word = [&] {
      if (in_word > 0) ++words, one_letter_words += in_word == 1 ? 1 : 0;
      in_word = 0;
      word_start = true;
    };
    for (const char32_t c : DecodeUtf8(utf8)) {
      const std::string_view script = ScriptOfCodePoint(c);
      if (script.empty()) {
        if (!(c >= 0x0300 && c <= 0x036F)) end_word();
        continue;
      }
      // Marks and vowel signs of the region's scripts join their consonant's letter.
      const bool mark = (c >= 0x17B4 && c <= 0x17D3) || (c >= 0x102B && c <= 0x103E) ||
                        (c >= 0x0EB0 && c <= 0x0ECD && c != 0x0EB2 && c != 0x0EB3) ||
                        (c >= 0x0E31 && c <= 0x0E4E && c != 0x0E32 && c != 0x0E33 && c != 0x0E40 &&
                         c != 0x0E41 && c != 0x0E42 && c != 0x0E43 && c != 0x0E44 && c != 0x0E45);
      // A Thai, Lao or Khmer word cannot begin with a vowel sign that follows its consonant
      // (Thai า, Lao ະ, Khmer ា): what a texture read as those scripts often looks like.
      const bool dependent = (c >= 0x0E30 && c <= 0x0E3A) || (c >= 0x0E47 && c <= 0x0E4E) ||
                             (c >= 0x0EB0 && c <= 0x0EBC) || (c >= 0x0EC8 && c <= 0x0ECD) ||
                             (c >= 0x17B6 && c <= 0x17D3);
      if (word_start && dependent) out.impossible_start = true;
      word_start = false;
      if (!mark) ++in_word;
      ++letter_counts[c];
    }
    end_word();
    for (const auto& [script, n] : counts) non_latin_scripts += (script != "Latn" && n > 0) ? 1 : 0;
    int top = 0;
    for (const auto& [c, n] : letter_counts) top = std::max(top, n);
    // One letter repeated: at least three times and 40 % of the letters. Twice in a short
    // word is common ("บรการ", บริการ with its vowel mark lost, has ร twice in five).
    out.garbage_like = (words >= 3 && one_letter_words * 2 >= words) ||
                       (top >= 3 && top * 10 >= letters * 4) || non_latin_scripts >= 2;
  }
  int best = 0;
  for (const auto& [script, n] : counts)
    if (n > best) best = n, out.script = std::string(script);
  out.letters = letters;
  if (letters == 0) return out;
  out.share = static_cast<double>(best) / letters;
  static const std::map<std::string, std::string> kLanguage = {
      {"Khmr", "khm"},     {"Mymr", "mya"}, {"Laoo", "lao"}, {"Thai", "tha"},
      {"Hani", "chi_sim"}, {"Hira", "jpn"}, {"Kana", "jpn"}, {"Hang", "kor"},
      {"Arab", "ara"},     {"Cyrl", "rus"}, {"Latn", "eng"}};
  const auto it = kLanguage.find(out.script);
  out.language = it == kLanguage.end() ? "" : it->second;
  if (out.script == "Latn" && vietnamese > 0 && vietnamese * 20 >= best) out.language = "vie";
  if (out.script == "Mymr") out.zawgyi = LooksLikeZawgyi(utf8);
  return out;
}

bool LooksLikeZawgyi(std::string_view utf8) {
  const std::u32string s = DecodeUtf8(utf8);
  int evidence = 0, myanmar = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char32_t c = s[i];
    if (c < 0x1000 || c > 0x109F) continue;
    ++myanmar;
    // Unicode: consonant then U+1031. Zawgyi: U+1031 typed first, at a word's start.
    const bool word_start = i == 0 || s[i - 1] < 0x1000 || s[i - 1] > 0x109F;
    if (c == 0x1031 && word_start && i + 1 < s.size() && s[i + 1] >= 0x1000 && s[i + 1] <= 0x1021)
      evidence += 2;
    // Zawgyi's stacked consonants and medial forms live here; Burmese in Unicode does not.
    if (c >= 0x1060 && c <= 0x1097) evidence += 1;
  }
  return myanmar > 0 && evidence * 10 >= myanmar;
}

std::string ZawgyiToUnicode(std::string_view utf8) { return IcuTransform("Zawgyi-my", utf8); }

std::string TransliterateToLatin(std::string_view utf8) {
  const LineScript script = IdentifyScript(utf8);
  if (script.script == "Latn" || script.script == "Zyyy") return "";
  const std::string latin = IcuTransform("Any-Latin", utf8);
  return IdentifyScript(latin).script == "Latn" ? latin : "";
}

std::vector<std::pair<std::string, double>> ScriptCountries(std::string_view script,
                                                            std::string_view language) {
  // Where each script is the everyday one, weighted by how many of its readers live there
  // (rough shares; documented in docs/commands/text.md). Han and Latin (except
  // Vietnamese) are written too widely, and in the compounds by everyone, to say.
  if (script == "Khmr") return {{"KH", 1.0}};
  if (script == "Mymr") return {{"MM", 0.97}, {"TH", 0.03}};  // Shan and Mon in Thailand
  if (script == "Laoo") return {{"LA", 1.0}};
  if (script == "Thai") return {{"TH", 1.0}};
  if (script == "Latn" && language == "vie") return {{"VN", 1.0}};
  return {};
}

namespace {

// The word without a number glued to its start or end: a run of at least three ASCII
// digits (with - . / between them), as in "ទូរស័ព្ទ092" or "Tel:081-234", where Tesseract
// dropped the space between a word and a phone number.
std::string WithoutGluedNumber(std::string w) {
  const auto is_part = [](char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '/';
  };
  const auto digits_in = [](const std::string& s, std::size_t a, std::size_t b) {
    return std::count_if(s.begin() + static_cast<std::ptrdiff_t>(a),
                         s.begin() + static_cast<std::ptrdiff_t>(b),
                         [](char c) { return c >= '0' && c <= '9'; });
  };
  std::size_t tail = w.size();
  while (tail > 0 && is_part(w[tail - 1])) --tail;
  if (digits_in(w, tail, w.size()) >= 3) w.erase(tail);
  std::size_t head = 0;
  while (head < w.size() && is_part(w[head])) ++head;
  if (digits_in(w, 0, head) >= 3) w.erase(0, head);
  return w;
}

// ASCII digits, and Thai ๐-๙, Lao ໐-໙, Khmer ០-៩ and Myanmar ၀-၉.
bool IsDigit(char32_t c) {
  return (c >= U'0' && c <= U'9') || (c >= 0x0E50 && c <= 0x0E59) || (c >= 0x0ED0 && c <= 0x0ED9) ||
         (c >= 0x17E0 && c <= 0x17E9) || (c >= 0x1040 && c <= 0x1049);
}

}  // namespace

bool MixesLettersAndDigits(const std::string& text) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string w = WithoutGluedNumber(text.substr(start, end - start));
    // The vowel sign O written before its consonant, Lao ໂ and Thai โ, looks like a 1: the
    // Lao model read "ໂຮງຮຽນ" (school) "1ຮງຮຽນ". A 1 before a Lao or Thai consonant is that
    // letter misread, not a digit among letters.
    if (w.size() > 1 && w[0] == '1') {
      const std::u32string cps = DecodeUtf8(std::string_view(w).substr(1));
      if (!cps.empty() &&
          ((cps[0] >= 0x0E81 && cps[0] <= 0x0EAE) || (cps[0] >= 0x0E01 && cps[0] <= 0x0E2E)))
        w.erase(0, 1);
    }
    const LineScript word = IdentifyScript(w);
    bool digit = false;
    for (const char32_t c : DecodeUtf8(w)) digit = digit || IsDigit(c);
    if (digit && word.letters > 0) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace gv
