#include "base/encoding.h"

#include <gtest/gtest.h>

namespace tadamun {
namespace {

TEST(EncodingTest, HexRoundTrip) {
  std::string bytes("\x00\x01\x7f\x80\xff", 5);
  EXPECT_EQ(HexEncode(bytes), "00017f80ff");
  EXPECT_EQ(*HexDecode("00017F80ff"), bytes);
  EXPECT_FALSE(HexDecode("abc").ok());
  EXPECT_FALSE(HexDecode("zz").ok());
  EXPECT_TRUE(IsHex("deadBEEF"));
  EXPECT_FALSE(IsHex(""));
  EXPECT_FALSE(IsHex("0x12"));
}

// RFC 4648 section 10 test vectors.
TEST(EncodingTest, Base64Rfc4648Vectors) {
  const char* vectors[][2] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                              {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
                              {"foobar", "Zm9vYmFy"}};
  for (const auto& v : vectors) {
    EXPECT_EQ(Base64Encode(v[0]), v[1]);
    auto d = Base64Decode(v[1]);
    ASSERT_TRUE(d.ok()) << v[1];
    EXPECT_EQ(*d, v[0]);
  }
}

TEST(EncodingTest, Base64Strict) {
  EXPECT_FALSE(Base64Decode("Zg=").ok());       // length
  EXPECT_FALSE(Base64Decode("Zh==").ok());      // non-zero trailing bits
  EXPECT_FALSE(Base64Decode("Z!==").ok());      // alphabet
  EXPECT_FALSE(Base64Decode("Zm9v\n").ok());    // whitespace
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(*Base64UrlDecode("-_8"), "\xfb\xff");
}

TEST(EncodingTest, Base64AllBytesRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (size_t n = 0; n <= all.size(); n += 37) {
    std::string part = all.substr(0, n);
    EXPECT_EQ(*Base64Decode(Base64Encode(part)), part);
    EXPECT_EQ(*Base64UrlDecode(Base64UrlEncode(part)), part);
  }
}

}  // namespace
}  // namespace tadamun
