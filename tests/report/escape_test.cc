#include "report/escape.h"

#include <gtest/gtest.h>

namespace gv {
namespace {

TEST(Escape, HtmlNeutralisesMarkup) {
  EXPECT_EQ(HtmlEscape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  EXPECT_EQ(HtmlEscape(std::string("bad\xff", 4)), "bad\xEF\xBF\xBD");
}

TEST(Escape, CsvQuotesAndDisarmsFormulas) {
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(CsvField("+1"), "\"'+1\"");
}

TEST(Escape, JsonCannotCloseTheScriptElement) {
  const std::string out = JsonForScript(R"({"make":"</script><script>alert(1)</script>"})");
  EXPECT_EQ(out.find("</script"), std::string::npos);
  EXPECT_NE(out.find("\\u003c/script\\u003e"), std::string::npos);
}

}  // namespace
}  // namespace gv
