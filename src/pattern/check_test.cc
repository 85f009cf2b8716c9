#include "pattern/check.h"

#include <gtest/gtest.h>

#include "pattern/unicode.h"

namespace tadamun::pattern {
namespace {

TEST(CheckTest, AcceptsSpecExamples) {
  for (const char* ok : {
           "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
           "[email-message:from_ref.value MATCHES '.+\\\\@example\\\\.com$']",
           "[network-traffic:dst_ref.value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']",
           "([file:name = 'foo.dll'] AND [process:name = 'x']) WITHIN 5 SECONDS WITHIN 6 SECONDS",
           "[EXISTS windows-registry-key:values[*].name]",
           "[NOT EXISTS file:hashes.MD5]",
       }) {
    EXPECT_TRUE(Check(ok).ok()) << ok << ": " << Check(ok).ToString();
  }
}

TEST(CheckTest, MessagesSayWhatWasExpected) {
  Status s = Check("[file:hashes.MD5 = 'f00']");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "column 20: 'f00' is not a valid MD5 hash; expected 32 hex digits");
  s = Check("[a:b = 1] WITHIN 0 SECONDS");
  EXPECT_NE(s.message().find("greater than 0"), std::string::npos) << s.message();
  s = Check("[a:b IN (1, true)]");
  EXPECT_EQ(s.message(),
            "column 9: set element 2 is a boolean; expected a number like the first element (all "
            "elements of an IN set have one type)");
  s = Check("[a:b MATCHES '(?=x)']");
  EXPECT_NE(s.message().find("RE2"), std::string::npos) << s.message();
}

TEST(CheckTest, HashAlgorithmsAreNormalised) {
  std::string sha1(40, 'a');
  EXPECT_TRUE(Check("[file:hashes.'SHA-1' = '" + sha1 + "']").ok());
  EXPECT_TRUE(Check("[file:hashes.SHA1 = '" + sha1 + "']").ok());
  EXPECT_FALSE(Check("[file:hashes.'sha-1' = 'abc']").ok());
  EXPECT_FALSE(Check("[file:hashes.'SHA3-512' = '" + std::string(127, 'a') + "']").ok());
  EXPECT_TRUE(Check("[file:hashes.'SHA3-512' = '" + std::string(128, 'a') + "']").ok());
  // LIKE on a hash is not a value and is not length-checked.
  EXPECT_TRUE(Check("[file:hashes.MD5 LIKE 'ab%']").ok());
}

TEST(UnicodeTest, Nfc) {
  EXPECT_EQ(*NormalizeNfc("e\xcc\x81"), "\xc3\xa9");
  EXPECT_EQ(*NormalizeNfc("plain"), "plain");
  EXPECT_FALSE(NormalizeNfc("\xff"));
  EXPECT_EQ(*Latin1Bytes("\xc3\xa9"), "\xe9");
  EXPECT_FALSE(Latin1Bytes("\xc4\x83"));  // U+0103
}

}  // namespace
}  // namespace tadamun::pattern

namespace tadamun::pattern {
namespace {

TEST(CheckTest, DescribeErrorPointsAtTheColumn) {
  std::string text = "[x:a = 'é'] and [x:b = 2]";
  Status s = Check(text);
  EXPECT_EQ(DescribeError(text, s),
            "column 13: found 'and'; expected an observation operator (AND, OR, FOLLOWEDBY), a "
            "qualifier (WITHIN, REPEATS, START) or the end of the pattern\n"
            "  [x:a = 'é'] and [x:b = 2]\n"
            "              ^");
  text = "[x:a = 1";
  EXPECT_EQ(DescribeError(text, Check(text)).substr(DescribeError(text, Check(text)).find('\n')),
            "\n  [x:a = 1\n          ^");
  EXPECT_EQ(DescribeError("x", Status::ResourceExhausted("too long")), "too long");
}

}  // namespace
}  // namespace tadamun::pattern
