#include "base/timestamp.h"


namespace tadamun {
namespace {

constexpr std::string_view kForm = "YYYY-MM-DDTHH:MM:SS[.s+]Z (UTC with a 'Z')";

Status Bad(std::string_view text, size_t pos, std::string_view what) {
  std::string m = "invalid timestamp '";
  m.append(text.substr(0, 64));
  m += "': ";
  m.append(what);
  m += " at character ";
  m += std::to_string(pos + 1);
  m += "; expected ";
  m.append(kForm);
  return Status::InvalidArgument(std::move(m));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool UnsignedAt(std::string_view text, size_t pos, size_t width, unsigned* out) {
  if (pos + width > text.size()) return false;
  unsigned v = 0;
  for (size_t i = 0; i < width; ++i) {
    char c = text[pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  *out = v;
  return true;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* year, unsigned* month, unsigned* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (*month <= 2);
}

StatusOr<Timestamp> Timestamp::Parse(std::string_view text) {
  unsigned year, month, day, hour, minute, second;
  if (!UnsignedAt(text, 0, 4, &year)) return Bad(text, 0, "year must be 4 digits");
  if (text.size() <= 4 || text[4] != '-') return Bad(text, 4, "expected '-'");
  if (!UnsignedAt(text, 5, 2, &month)) return Bad(text, 5, "month must be 2 digits");
  if (month < 1 || month > 12) return Bad(text, 5, "month out of range 01-12");
  if (text.size() <= 7 || text[7] != '-') return Bad(text, 7, "expected '-'");
  if (!UnsignedAt(text, 8, 2, &day)) return Bad(text, 8, "day must be 2 digits");
  if (day < 1 || day > DaysInMonth(year, month)) return Bad(text, 8, "day out of range for month");
  if (text.size() <= 10 || text[10] != 'T') return Bad(text, 10, "expected uppercase 'T'");
  if (!UnsignedAt(text, 11, 2, &hour)) return Bad(text, 11, "hour must be 2 digits");
  if (hour > 23) return Bad(text, 11, "hour out of range 00-23");
  if (text.size() <= 13 || text[13] != ':') return Bad(text, 13, "expected ':'");
  if (!UnsignedAt(text, 14, 2, &minute)) return Bad(text, 14, "minute must be 2 digits");
  if (minute > 59) return Bad(text, 14, "minute out of range 00-59");
  if (text.size() <= 16 || text[16] != ':') return Bad(text, 16, "expected ':'");
  if (!UnsignedAt(text, 17, 2, &second)) return Bad(text, 17, "second must be 2 digits");
  if (second > 60) return Bad(text, 17, "second out of range 00-60");
  size_t pos = 19;
  uint32_t nanos = 0;
  int digits = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t start = pos;
    while (pos < text.size() && IsDigit(text[pos])) {
      if (digits == 9) return Bad(text, pos, "more than 9 fractional digits");
      nanos = nanos * 10 + static_cast<uint32_t>(text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (pos == start) return Bad(text, pos, "a '.' must be followed by digits");
    for (int i = digits; i < 9; ++i) nanos *= 10;
  }
  if (pos >= text.size()) return Bad(text, pos, "missing 'Z'");
  if (text[pos] != 'Z') {
    if (text[pos] == 'z') return Bad(text, pos, "lowercase 'z'");
    if (text[pos] == '+' || text[pos] == '-') return Bad(text, pos, "offsets are not allowed");
    return Bad(text, pos, "unexpected character");
  }
  if (pos + 1 != text.size()) return Bad(text, pos + 1, "trailing characters");
  Timestamp t;
  t.seconds_ = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  t.nanos_ = nanos;
  t.digits_ = static_cast<uint8_t>(digits);
  return t;
}

Timestamp Timestamp::FromUnixNanos(int64_t seconds, uint32_t nanos, int digits) {
  Timestamp t;
  t.seconds_ = seconds;
  t.nanos_ = nanos % 1000000000;
  t.digits_ = static_cast<uint8_t>(digits < 0 ? 0 : digits > 9 ? 9 : digits);
  return t.WithDigits(t.digits_);
}

Timestamp Timestamp::FromUnixMicros(int64_t micros) {
  int64_t s = micros / 1000000;
  int64_t us = micros % 1000000;
  if (us < 0) {
    us += 1000000;
    --s;
  }
  return FromUnixNanos(s, static_cast<uint32_t>(us * 1000), 6);
}

Timestamp Timestamp::WithDigits(int digits) const {
  Timestamp t = *this;
  t.digits_ = static_cast<uint8_t>(digits < 0 ? 0 : digits > 9 ? 9 : digits);
  uint32_t unit = 1;
  for (int i = t.digits_; i < 9; ++i) unit *= 10;
  t.nanos_ = nanos_ / unit * unit;
  return t;
}

namespace {

void PutDigits(char* p, uint64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// Hand-rolled (no snprintf): timestamps are formatted for every stored object.
std::string Format(int64_t seconds, uint32_t nanos, int digits) {
  int64_t days = seconds / 86400;
  int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[32] = "0000-00-00T00:00:00";
  PutDigits(buf, static_cast<uint64_t>(y < 0 ? 0 : y), 4);
  PutDigits(buf + 5, m, 2);
  PutDigits(buf + 8, d, 2);
  PutDigits(buf + 11, static_cast<uint64_t>(rem / 3600), 2);
  PutDigits(buf + 14, static_cast<uint64_t>(rem / 60 % 60), 2);
  PutDigits(buf + 17, static_cast<uint64_t>(rem % 60), 2);
  size_t len = 19;
  if (digits > 0) {
    buf[len++] = '.';
    char frac[9];
    PutDigits(frac, nanos, 9);
    for (int i = 0; i < digits; ++i) buf[len++] = frac[i];
  }
  buf[len++] = 'Z';
  return std::string(buf, len);
}

}  // namespace

std::string Timestamp::ToString() const { return Format(seconds_, nanos_, digits_); }
std::string Timestamp::SortKey() const { return Format(seconds_, nanos_, 9); }

}  // namespace tadamun
