// Timestamp: an instant in UTC with the STIX 2.1 text rules (RFC 3339 profile).
//
// STIX timestamps are written `YYYY-MM-DDTHH:MM:SS[.s+]Z`: uppercase `T` and `Z`, UTC only, no
// offset, and a fraction only when it has at least one digit. A parsed Timestamp remembers how
// many fractional digits it was written with, so ToString() gives back the text as written
// (sub-second precision is part of an object's version identity in STIX and TAXII).
// Comparison is by instant only: "…:00Z" == "…:00.000Z".
//
// Limits: years 0000–9999, at most 9 fractional digits (nanoseconds); second 60 (a leap
// second) is accepted and orders after second 59 of the same minute.
//
// Value type; thread-compatible.
//
//   TADAMUN_ASSIGN_OR_RETURN(Timestamp t, Timestamp::Parse("2016-04-06T20:03:48.123Z"));
//   t.ToString();   // "2016-04-06T20:03:48.123Z"
//   t.SortKey();    // "2016-04-06T20:03:48.123000000Z" (orders like the instant)
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace tadamun {

class Timestamp {
 public:
  Timestamp() = default;  // 1970-01-01T00:00:00Z

  // Parses STIX timestamp text. On failure: InvalidArgument whose message names the first
  // offending character and the expected form.
  static StatusOr<Timestamp> Parse(std::string_view text);

  // From a count since the Unix epoch; `digits` is the fraction precision ToString() uses.
  static Timestamp FromUnixNanos(int64_t seconds, uint32_t nanos, int digits);
  static Timestamp FromUnixMicros(int64_t micros);

  int64_t unix_seconds() const { return seconds_; }
  uint32_t nanos() const { return nanos_; }
  int digits() const { return digits_; }
  int64_t UnixMicros() const { return seconds_ * 1000000 + nanos_ / 1000; }

  // The timestamp as written (same number of fractional digits).
  std::string ToString() const;
  // Fixed-width text (9 fractional digits) whose byte order is the time order.
  std::string SortKey() const;
  // Same instant with `digits` fractional digits (truncating extra precision).
  Timestamp WithDigits(int digits) const;

  friend bool operator==(const Timestamp& a, const Timestamp& b) {
    return a.seconds_ == b.seconds_ && a.nanos_ == b.nanos_;
  }
  friend std::strong_ordering operator<=>(const Timestamp& a, const Timestamp& b) {
    if (auto c = a.seconds_ <=> b.seconds_; c != 0) return c;
    return a.nanos_ <=> b.nanos_;
  }

 private:
  int64_t seconds_ = 0;
  uint32_t nanos_ = 0;
  uint8_t digits_ = 0;
};

// Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
void CivilFromDays(int64_t days, int64_t* year, unsigned* month, unsigned* day);

}  // namespace tadamun
