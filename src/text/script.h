// Writing systems of text read in photos: the script of a line from its Unicode blocks
// (ISO 15924), the Tesseract language that reads it, Burmese typed in the Zawgyi encoding
// (common on signs and phones) and its conversion to Unicode, a Latin transliteration
// (ICU), and where each script is written (the soft country prior of a `script` clue).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gv {

// ISO 15924 code of a code point for the scripts geoverify tells apart: Khmr, Mymr, Laoo,
// Thai, Hani (CJK ideographs), Hira/Kana (Japanese), Hang (Korean), Arab, Cyrl, Latn; ""
// for digits, punctuation, spaces and anything else.
std::string_view ScriptOfCodePoint(char32_t c);

struct LineScript {
  std::string script = "Zyyy";  // the most frequent script among the letters; Zyyy: none
  std::string language;         // Tesseract model: khm, mya, lao, tha, chi_sim, vie, eng, ...
  double share = 0;             // the share of letters in that script
  int letters = 0;              // code points of any script (marks included)
  bool mixed_word = false;      // a word mixes two scripts: the mark of garbage OCR
  bool zawgyi = false;          // Burmese typed in Zawgyi (script Mymr)
  // What textures read as text look like (rows of windows read as "ຮ ຮ ຮ ແ"): most words of
  // one letter, one letter most of the line, or two of the region's scripts in one line.
  bool garbage_like = false;
  // A Thai, Lao or Khmer word begins with a dependent vowel sign or mark ("าซึ่ง"): no
  // writer's text does.
  bool impossible_start = false;
};

// The script of a line of UTF-8 text (invalid bytes are skipped). Latin with Vietnamese
// letters (ơ ư đ ă, stacked tone marks) is language vie.
LineScript IdentifyScript(std::string_view utf8);

// A word of the text has both letters and digits (of any script: Thai ๐-๙, Lao ໐-໙, Khmer
// ០-៩ and Myanmar ၀-၉ count): "๑ธุ๊6", what a model makes of a script it does not know. A run of
// at least three ASCII digits (with - . / between them) at a word's start or end is a
// number glued to it ("ទូរស័ព្ទ092", "Tel:081-234": Tesseract dropped the space) and does not
// count.
bool MixesLettersAndDigits(const std::string& text);

// Zawgyi, by its habits: the vowel sign E (U+1031) typed before its consonant, and stacked
// forms from U+1060..U+1097 that Unicode Burmese does not use.
bool LooksLikeZawgyi(std::string_view utf8);
// Zawgyi to Unicode Burmese (ICU's Zawgyi-my transform); the text unchanged when ICU lacks it.
std::string ZawgyiToUnicode(std::string_view utf8);
// A Latin transliteration (ICU Any-Latin), or "" when ICU has none (Khmer, for one) or the
// text is Latin already.
std::string TransliterateToLatin(std::string_view utf8);

// The code points of UTF-8 text; U+FFFD for each invalid sequence.
std::u32string DecodeUtf8(std::string_view utf8);

// An ICU transform by its id ("Any-Latin", "NFKC; Lower; Latin-ASCII"), the text unchanged
// when ICU lacks it. Thread-safe (one transliterator per id, shared under a lock).
std::string IcuTransform(const char* id, std::string_view utf8);

// Where a script is written, as ISO 3166-1 alpha-2 codes with weights summing to 1 (the
// soft prior of a `script` clue); empty for scripts written too widely to say (Latin, Han
// alone says "a Chinese-reading place", which in compounds is anywhere).
std::vector<std::pair<std::string, double>> ScriptCountries(std::string_view script,
                                                            std::string_view language);

}  // namespace gv
