#include "metadata/vendor_blocks.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace gv {
namespace {

void Put16(std::vector<std::uint8_t>& v, std::size_t at, std::uint16_t x) {
  if (v.size() < at + 2) v.resize(at + 2);
  v[at] = x & 0xFF;
  v[at + 1] = x >> 8;
}
void Put32(std::vector<std::uint8_t>& v, std::size_t at, std::uint32_t x) {
  Put16(v, at, x & 0xFFFF);
  Put16(v, at + 2, x >> 16);
}

// A CIFF APP0 body as the Canon PowerShot A5 writes it: header, then a heap holding the
// make/model string, a TimeStamp record stored in the record itself, and the table.
std::vector<std::uint8_t> MakeCiff() {
  std::vector<std::uint8_t> body = {'I', 'I', 0, 0, 0, 0, 'H', 'E', 'A', 'P', 'J', 'P', 'G', 'M'};
  const std::size_t header = 26;
  Put32(body, 2, header);
  body.resize(header);
  std::vector<std::uint8_t> heap;
  const std::string make_model("Canon\0Canon PowerShot A5\0", 25);
  heap.insert(heap.end(), make_model.begin(), make_model.end());
  const std::size_t table = heap.size();
  Put16(heap, table, 2);
  Put16(heap, table + 2, 0x080a);  // ASCII, in heap
  Put32(heap, table + 4, static_cast<std::uint32_t>(make_model.size()));
  Put32(heap, table + 8, 0);
  Put16(heap, table + 12, 0x580e);  // u32, in record: TimeStamp
  Put32(heap, table + 14, 972687386);
  Put32(heap, table + 18, 0);
  Put32(heap, heap.size(), static_cast<std::uint32_t>(table));
  body.insert(body.end(), heap.begin(), heap.end());
  return body;
}

TEST(VendorBlocks, ReadsCanonCiffMakeModelAndTime) {
  const auto info = ParseCiffApp0(MakeCiff());
  EXPECT_EQ(info.make, "Canon");
  EXPECT_EQ(info.model, "Canon PowerShot A5");
  ASSERT_TRUE(info.datetime_original);
  EXPECT_EQ(FormatIsoLocal(*info.datetime_original), "2000-10-27T22:56:26");
}

TEST(VendorBlocks, CorruptCiffIsIgnoredSafely) {
  const auto good = MakeCiff();
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    auto bytes = good;
    for (int f = 0; f < 4; ++f) bytes[rng() % bytes.size()] = static_cast<std::uint8_t>(rng());
    if (rng() % 2) bytes.resize(rng() % bytes.size());
    ParseCiffApp0(bytes);  // no crash, no out-of-bounds read (checked under ASan)
  }
}

TEST(VendorBlocks, ReadsOlympusPictureInfo) {
  const std::string text =
      "OLYMPUS OPTICAL CO.,LTD.\r\n[picture info]\r\nTimeDate=909698819\r\nShutter=33363\r\n";
  const auto info =
      ParsePictureInfoApp12({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  ASSERT_TRUE(info.datetime_original);
  EXPECT_EQ(FormatIsoLocal(*info.datetime_original), "1998-10-29T22:06:59");
  const std::string other = "TimeDate=123";  // no [picture info] section
  EXPECT_FALSE(
      ParsePictureInfoApp12({reinterpret_cast<const std::uint8_t*>(other.data()), other.size()})
          .datetime_original);
}

TEST(VendorBlocks, ReadsReconyxHyperfireMakerNote) {
  std::vector<std::uint8_t> note(713, 0);
  Put16(note, 0, 0xf101);
  const std::uint16_t when[6] = {0, 0, 10, 3, 16, 2020};  // s, min, h, month, day, year
  for (int i = 0; i < 6; ++i) Put16(note, 0x16 + 2 * i, when[i]);
  const std::string serial = "H500EE06130468";
  for (std::size_t i = 0; i < serial.size(); ++i)
    Put16(note, 0x2a + 2 * i, static_cast<std::uint16_t>(serial[i]));
  const auto info = ParseReconyxMakerNote(note);
  ASSERT_TRUE(info.datetime_original);
  EXPECT_EQ(FormatIsoLocal(*info.datetime_original), "2020-03-16T10:00:00");
  EXPECT_EQ(info.serial, serial);
  note.resize(20);
  EXPECT_FALSE(ParseReconyxMakerNote(note).datetime_original);
}

}  // namespace
}  // namespace gv
