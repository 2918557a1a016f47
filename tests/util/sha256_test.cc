#include "util/sha256.h"

#include <gtest/gtest.h>

#include <string>

#include "support/temp_dir.h"

namespace gv {
namespace {

std::span<const std::uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST(Sha256, MatchesFips180Examples) {
  EXPECT_EQ(Sha256Hex(Bytes("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex(Bytes("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(Bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, FileDigestEqualsBufferDigestAcrossBlockBoundaries) {
  test::TempDir dir;
  std::string data(200000, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31 % 251);
  test::WriteText(dir / "f.bin", data);
  const auto from_file = Sha256File(dir / "f.bin");
  ASSERT_TRUE(from_file.ok()) << from_file.error().message;
  EXPECT_EQ(*from_file, Sha256Hex(Bytes(data)));
}

TEST(Sha256, MissingFileIsAnErrorNamingIt) {
  const auto result = Sha256File("/nonexistent/evidence.jpg");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("/nonexistent/evidence.jpg"), std::string::npos);
}

}  // namespace
}  // namespace gv
