#include "util/text.h"

#include <gtest/gtest.h>

namespace gv {
namespace {

TEST(SanitizeUtf8, ReplacesInvalidSequencesAndControlCharacters) {
  EXPECT_EQ(SanitizeUtf8("Canon\0\0\0"), "Canon");
  EXPECT_EQ(SanitizeUtf8(std::string("a\xff"
                                     "b",
                                     3)),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(SanitizeUtf8(std::string("x\x01y", 3)), "x\xEF\xBF\xBDy");
  EXPECT_EQ(SanitizeUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong '/'
  EXPECT_EQ(SanitizeUtf8("\xE6\xBC\xA2\xE5\xAD\x97"), "\xE6\xBC\xA2\xE5\xAD\x97");  // 漢字 kept
  EXPECT_EQ(SanitizeUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

TEST(Text, TrimLowerContains) {
  EXPECT_EQ(Trim("  FINE   "), "FINE");
  EXPECT_EQ(ToLower("GIMP 2.4"), "gimp 2.4");
  EXPECT_TRUE(ContainsIgnoreCase("Adobe Photoshop CS3", "photoshop"));
  EXPECT_FALSE(ContainsIgnoreCase("Nikon Transfer", "photoshop"));
}

}  // namespace
}  // namespace gv

namespace gv {
namespace {

TEST(SplitCsvLine, QuotesKeepCommasAndCarriageReturnsAreDropped) {
  EXPECT_EQ(SplitCsvLine("a,\"b,c\",d\r"), (std::vector<std::string>{"a", "b,c", "d"}));
  EXPECT_EQ(SplitCsvLine(""), (std::vector<std::string>{""}));
  // RFC 4180: a quote inside a quoted field is written twice (the case manifest does).
  EXPECT_EQ(SplitCsvLine("\"say \"\"hi\"\", then\",x"),
            (std::vector<std::string>{"say \"hi\", then", "x"}));
  EXPECT_EQ(SplitCsvLine("x,,"), (std::vector<std::string>{"x", "", ""}));
}

}  // namespace
}  // namespace gv
