#include "base/timestamp.h"

#include <gtest/gtest.h>

namespace tadamun {
namespace {

TEST(TimestampTest, RoundTripsAsWritten) {
  for (const char* text : {"2016-04-06T20:03:48Z", "2016-04-06T20:03:48.1Z",
                           "2016-04-06T20:03:48.123Z", "2015-05-15T09:12:16.432678Z",
                           "2000-02-29T23:59:59.123456789Z", "0001-01-01T00:00:00Z",
                           "9999-12-31T23:59:59.999Z", "1969-12-31T23:59:59.5Z"}) {
    auto t = Timestamp::Parse(text);
    ASSERT_TRUE(t.ok()) << text << ": " << t.status().ToString();
    EXPECT_EQ(t->ToString(), text);
  }
}

TEST(TimestampTest, KnownInstants) {
  auto t = Timestamp::Parse("1970-01-02T00:00:01.250Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->unix_seconds(), 86401);
  EXPECT_EQ(t->nanos(), 250000000u);
  EXPECT_EQ(t->digits(), 3);
  EXPECT_EQ(t->UnixMicros(), 86401250000);
  EXPECT_EQ(Timestamp::Parse("2021-01-01T00:00:00Z")->unix_seconds(), 1609459200);
}

TEST(TimestampTest, ComparesInstantsNotText) {
  auto a = Timestamp::Parse("2016-01-01T00:00:00Z");
  auto b = Timestamp::Parse("2016-01-01T00:00:00.000Z");
  auto c = Timestamp::Parse("2016-01-01T00:00:00.001Z");
  EXPECT_EQ(*a, *b);
  EXPECT_LT(*b, *c);
  EXPECT_LT(a->SortKey(), c->SortKey());
  EXPECT_EQ(a->SortKey(), "2016-01-01T00:00:00.000000000Z");
}

TEST(TimestampTest, SortKeyOrderMatchesTimeOrder) {
  const char* texts[] = {"0001-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z",
                         "1970-01-01T00:00:00Z", "2020-02-29T12:00:00.5Z",
                         "2020-02-29T12:00:00.50001Z", "9999-12-31T23:59:59Z"};
  for (size_t i = 0; i + 1 < std::size(texts); ++i) {
    auto a = Timestamp::Parse(texts[i]), b = Timestamp::Parse(texts[i + 1]);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_LT(*a, *b);
    EXPECT_LT(a->SortKey(), b->SortKey());
  }
}

TEST(TimestampTest, RejectsWithReason) {
  struct Case {
    const char* text;
    const char* reason;
  } cases[] = {
      {"2016-04-06T20:03:48", "missing 'Z'"},
      {"2016-04-06t20:03:48Z", "uppercase 'T'"},
      {"2016-04-06T20:03:48z", "lowercase 'z'"},
      {"2016-04-06T20:03:48+00:00", "offsets are not allowed"},
      {"2016-04-06T20:03:48.Z", "followed by digits"},
      {"2016-13-06T20:03:48Z", "month out of range"},
      {"2015-02-29T20:03:48Z", "day out of range"},
      {"2016-04-06T24:00:00Z", "hour out of range"},
      {"2016-04-06T20:60:00Z", "minute out of range"},
      {"16-04-06T20:03:48Z", "year must be 4 digits"},
      {"2016-04-06T20:03:48.1234567890Z", "more than 9"},
      {"2016-04-06T20:03:48Zjunk", "trailing"},
      {"", "year"},
  };
  for (const auto& c : cases) {
    auto t = Timestamp::Parse(c.text);
    ASSERT_FALSE(t.ok()) << c.text;
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(t.status().message().find(c.reason), std::string::npos)
        << c.text << " -> " << t.status().message();
  }
}

TEST(TimestampTest, FromMicrosAndDigits) {
  Timestamp t = Timestamp::FromUnixMicros(1700000000123456);
  EXPECT_EQ(t.ToString(), "2023-11-14T22:13:20.123456Z");
  EXPECT_EQ(t.WithDigits(3).ToString(), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(Timestamp::FromUnixMicros(-1).ToString(), "1969-12-31T23:59:59.999999Z");
}

TEST(TimestampTest, CivilDaysInverse) {
  for (int64_t days = -800000; days < 3000000; days += 997) {
    int64_t y;
    unsigned m, d;
    CivilFromDays(days, &y, &m, &d);
    EXPECT_EQ(DaysFromCivil(y, m, d), days);
  }
}

}  // namespace
}  // namespace tadamun
