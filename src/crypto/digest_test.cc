#include "crypto/digest.h"

#include <gtest/gtest.h>

#include "base/encoding.h"

namespace tadamun::crypto {
namespace {

// FIPS 180-2 test vectors.
TEST(DigestTest, Sha256Vectors) {
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexEncode(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(DigestTest, Sha1Vectors) {
  EXPECT_EQ(HexEncode(Sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(HexEncode(Sha1("")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

TEST(DigestTest, ConcatEqualsOneShot) {
  unsigned char out[kSha256Size];
  Sha256Concat({}, out);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out), kSha256Size), Sha256(""));
  std::string data(300, 'y');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 13);
  Sha256Concat({std::string_view(data).substr(0, 1), std::string_view(data).substr(1, 64),
                std::string_view(data).substr(65)},
               out);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out), kSha256Size), Sha256(data));
}

TEST(DigestTest, IncrementalEqualsOneShot) {
  std::string data(1000, 'x');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);
  Sha256Hasher h;
  h.Update(std::string_view(data).substr(0, 333));
  h.Update(std::string_view(data).substr(333));
  EXPECT_EQ(h.Finish(), Sha256(data));
}

}  // namespace
}  // namespace tadamun::crypto
