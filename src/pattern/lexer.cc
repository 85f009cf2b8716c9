#include "pattern/lexer.h"

#include <array>
#include <utility>

namespace tadamun::pattern {
namespace {

struct Keyword {
  std::string_view text;
  Tok tok;
};
constexpr std::array<Keyword, 20> kKeywords = {{
    {"AND", Tok::kAnd},         {"OR", Tok::kOr},           {"NOT", Tok::kNot},
    {"FOLLOWEDBY", Tok::kFollowedBy}, {"LIKE", Tok::kLike}, {"MATCHES", Tok::kMatches},
    {"ISSUPERSET", Tok::kIsSuperset}, {"ISSUBSET", Tok::kIsSubset}, {"EXISTS", Tok::kExists},
    {"LAST", Tok::kLast},       {"IN", Tok::kIn},           {"START", Tok::kStart},
    {"STOP", Tok::kStop},       {"SECONDS", Tok::kSeconds}, {"WITHIN", Tok::kWithin},
    {"REPEATS", Tok::kRepeats}, {"TIMES", Tok::kTimes},     {"true", Tok::kBool},
    {"false", Tok::kBool},      {"", Tok::kEnd},
}};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsBase64Char(char c) { return IsAlpha(c) || IsDigit(c) || c == '+' || c == '/'; }

// Length of the UTF-8 sequence at s[i], or 0 if it is not valid UTF-8 (RFC 3629).
size_t Utf8Length(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n = 0;
  uint32_t cp = 0;
  if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; }
  else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; }
  else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; }
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
      cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

// Decodes the code point at s[i] (valid UTF-8 already checked).
uint32_t CodePointAt(std::string_view s, size_t i, size_t n) {
  auto c = static_cast<unsigned char>(s[i]);
  if (n == 1) return c;
  uint32_t cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return cp;
}

bool IsWhitespace(uint32_t cp) {
  switch (cp) {
    case ' ': case '\t': case '\r': case '\n': case 0x0B: case 0x0C: case 0x85: case 0xA0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

std::string Quote(std::string_view s) {
  std::string out = "'";
  for (char c : s.substr(0, 40)) {
    if (static_cast<unsigned char>(c) < 0x20) {
      out += '?';
    } else {
      out += c;
    }
  }
  if (s.size() > 40) out += "...";
  out += "'";
  return out;
}

class Lexer {
 public:
  Lexer(std::string_view text, const LexOptions& options) : s_(text), options_(options) {}

  StatusOr<std::vector<Token>> Run() {
    // Column of every byte offset is computed incrementally: col_ is the column of pos_.
    for (size_t i = 0; i < s_.size();) {
      size_t n = Utf8Length(s_, i);
      if (n == 0) {
        return Status::InvalidArgument(AtColumn(ColumnOf(i)) +
                                       "invalid UTF-8 byte; expected UTF-8 text");
      }
      i += n;
    }
    std::vector<Token> out;
    while (true) {
      TADAMUN_RETURN_IF_ERROR(SkipSpace());
      if (out.size() >= options_.max_tokens) {
        return Status::ResourceExhausted(AtColumn(col_) + "pattern has more than " +
                                         std::to_string(options_.max_tokens) + " tokens");
      }
      Token t;
      t.column = col_;
      size_t start = pos_;
      if (pos_ >= s_.size()) {
        t.kind = Tok::kEnd;
        out.push_back(std::move(t));
        return out;
      }
      TADAMUN_RETURN_IF_ERROR(Next(&t));
      t.text = s_.substr(start, pos_ - start);
      out.push_back(std::move(t));
    }
  }

 private:
  uint32_t ColumnOf(size_t offset) const {
    uint32_t col = 1;
    for (size_t i = 0; i < offset && i < s_.size(); ++i) {
      if ((static_cast<unsigned char>(s_[i]) & 0xC0) != 0x80) ++col;
    }
    return col;
  }

  void Advance(size_t bytes) {
    for (size_t i = 0; i < bytes && pos_ < s_.size(); ++i, ++pos_) {
      if ((static_cast<unsigned char>(s_[pos_]) & 0xC0) != 0x80) ++col_;
    }
  }
  char At(size_t k) const { return pos_ + k < s_.size() ? s_[pos_ + k] : '\0'; }

  Status SkipSpace() {
    while (pos_ < s_.size()) {
      size_t n = Utf8Length(s_, pos_);
      if (IsWhitespace(CodePointAt(s_, pos_, n))) {
        Advance(n);
      } else if (At(0) == '/' && At(1) == '*') {
        uint32_t col = col_;
        size_t end = s_.find("*/", pos_ + 2);
        if (end == std::string_view::npos) {
          return Status::InvalidArgument(AtColumn(col) +
                                         "unterminated comment; expected '*/'");
        }
        Advance(end + 2 - pos_);
      } else if (At(0) == '/' && At(1) == '/') {
        size_t end = s_.find_first_of("\r\n", pos_);
        Advance((end == std::string_view::npos ? s_.size() : end) - pos_);
      } else {
        break;
      }
    }
    return Status::Ok();
  }

  Status Next(Token* t) {
    char c = At(0);
    auto single = [&](Tok k, size_t n) {
      t->kind = k;
      Advance(n);
      return Status::Ok();
    };
    switch (c) {
      case '[': return single(Tok::kLBrack, 1);
      case ']': return single(Tok::kRBrack, 1);
      case '(': return single(Tok::kLParen, 1);
      case ')': return single(Tok::kRParen, 1);
      case ':': return single(Tok::kColon, 1);
      case ',': return single(Tok::kComma, 1);
      case '*': return single(Tok::kAsterisk, 1);
      case '=': return single(Tok::kEq, At(1) == '=' ? 2 : 1);
      case '!':
        if (At(1) == '=') return single(Tok::kNe, 2);
        return single(Tok::kOther, 1);
      case '<':
        if (At(1) == '=') return single(Tok::kLe, 2);
        if (At(1) == '>') return single(Tok::kNe, 2);
        return single(Tok::kLt, 1);
      case '>':
        if (At(1) == '=') return single(Tok::kGe, 2);
        return single(Tok::kGt, 1);
      case '\'':
        return LexString(t);
      default:
        break;
    }
    if (c == '.' && !IsDigit(At(1))) return single(Tok::kDot, 1);
    if (IsDigit(c) || c == '.' || ((c == '+' || c == '-') && (IsDigit(At(1)) ||
                                                              (At(1) == '.' && IsDigit(At(2)))))) {
      return LexNumber(t);
    }
    if (IsAlpha(c)) {
      if (At(1) == '\'' && (c == 'h' || c == 'b' || c == 't')) {
        if (c == 'h') return LexHex(t);
        if (c == 'b') return LexBinary(t);
        return LexTimestamp(t);
      }
      size_t n = 1;
      bool hyphen = false;
      while (pos_ + n < s_.size()) {
        char d = s_[pos_ + n];
        if (IsAlpha(d) || IsDigit(d)) {
          ++n;
        } else if (d == '-') {
          hyphen = true;
          ++n;
        } else {
          break;
        }
      }
      std::string_view word = s_.substr(pos_, n);
      t->kind = hyphen ? Tok::kIdentHyphen : Tok::kIdent;
      for (const Keyword& k : kKeywords) {
        if (!k.text.empty() && k.text == word) {
          t->kind = k.tok;
          if (k.tok == Tok::kBool) t->literal = BoolLit{word == "true"};
        }
      }
      Advance(n);
      return Status::Ok();
    }
    size_t n = Utf8Length(s_, pos_);
    return single(Tok::kOther, n);
  }

  Status LexNumber(Token* t) {
    size_t i = 0;
    bool negative = false;
    if (At(0) == '+' || At(0) == '-') {
      negative = At(0) == '-';
      i = 1;
    }
    size_t digits_start = i;
    while (IsDigit(At(i))) ++i;
    if (At(i) == '.' && IsDigit(At(i + 1))) {
      ++i;
      while (IsDigit(At(i))) ++i;
      std::string text(s_.substr(pos_, i));
      t->kind = negative ? Tok::kFloatNeg : Tok::kFloatPos;
      t->literal = FloatLit{std::strtod(text.c_str(), nullptr)};
      Advance(i);
      return Status::Ok();
    }
    // IntLiteral: '0' | [1-9][0-9]*  (a leading zero ends the token after the '0').
    size_t end = At(digits_start) == '0' ? digits_start + 1 : i;
    std::string_view digits = s_.substr(pos_ + digits_start, end - digits_start);
    // Magnitude must fit int64 (the sign is applied afterwards; -2^63 is accepted).
    uint64_t v = 0;
    constexpr uint64_t kMaxMagnitude = uint64_t{1} << 63;
    for (char d : digits) {
      uint64_t digit = static_cast<uint64_t>(d - '0');
      if (v > (kMaxMagnitude - digit) / 10) {
        return Status::InvalidArgument(AtColumn(col_) + "integer " + Quote(digits) +
                                       " is out of range; expected a 64-bit integer");
      }
      v = v * 10 + digit;
    }
    if (!negative && v == kMaxMagnitude) {
      return Status::InvalidArgument(AtColumn(col_) + "integer " + Quote(digits) +
                                     " is out of range; expected a 64-bit integer");
    }
    t->kind = negative ? Tok::kIntNeg : Tok::kIntPos;
    t->literal = IntLit{negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v)};
    Advance(end);
    return Status::Ok();
  }

  // Returns the index of the closing quote of a literal body starting at At(start), or 0.
  size_t FindQuote(size_t start) const {
    size_t q = s_.find('\'', pos_ + start);
    return q == std::string_view::npos ? 0 : q - pos_;
  }

  Status LexString(Token* t) {
    std::string value;
    size_t i = 1;
    while (true) {
      if (pos_ + i >= s_.size()) {
        return Status::InvalidArgument(AtColumn(col_) +
                                       "unterminated string literal; expected a closing '");
      }
      char c = s_[pos_ + i];
      if (c == '\'') break;
      if (c == '\\') {
        char e = At(i + 1);
        if (e != '\'' && e != '\\') {
          return Status::InvalidArgument(
              AtColumn(ColumnOf(pos_ + i)) +
              "invalid escape in string literal; expected \\' or \\\\ (a backslash must be "
              "written \\\\)");
        }
        value += e;
        i += 2;
        continue;
      }
      value += c;
      ++i;
    }
    t->kind = Tok::kString;
    t->literal = StringLit{std::move(value)};
    Advance(i + 1);
    return Status::Ok();
  }

  Status LexHex(Token* t) {
    size_t q = FindQuote(2);
    std::string_view body = q ? s_.substr(pos_ + 2, q - 2) : std::string_view();
    bool ok = q != 0 && body.size() % 2 == 0;
    for (char c : body) ok = ok && IsHexDigit(c);
    if (!ok) {
      return Status::InvalidArgument(AtColumn(col_) + "malformed hex literal " +
                                     Quote(s_.substr(pos_, q ? q + 1 : 2)) +
                                     "; expected h'…' with pairs of hex digits");
    }
    std::string bytes;
    for (size_t k = 0; k < body.size(); k += 2) {
      auto nib = [](char c) {
        return IsDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
      };
      bytes += static_cast<char>(nib(body[k]) * 16 + nib(body[k + 1]));
    }
    t->kind = Tok::kHex;
    t->literal = BinaryLit{std::move(bytes), true};
    Advance(q + 1);
    return Status::Ok();
  }

  Status LexBinary(Token* t) {
    size_t q = FindQuote(2);
    std::string_view body = q ? s_.substr(pos_ + 2, q - 2) : std::string_view();
    // Grammar: quads of base64 chars, the last quad may end in '=' or '=='.
    bool ok = q != 0 && body.size() % 4 == 0;
    size_t pad = body.find('=');
    if (pad == std::string_view::npos) pad = body.size();
    for (size_t k = 0; ok && k < body.size(); ++k) {
      ok = k < pad ? IsBase64Char(body[k]) : body[k] == '=';
    }
    ok = ok && body.size() - pad <= 2 && (pad == body.size() || pad % 4 >= 2);
    if (!ok) {
      return Status::InvalidArgument(AtColumn(col_) + "malformed binary literal " +
                                     Quote(s_.substr(pos_, q ? q + 1 : 2)) +
                                     "; expected b'…' with base64 text (RFC 4648, padded)");
    }
    std::string bytes;
    uint32_t acc = 0;
    int bits = 0;
    for (char c : body) {
      if (c == '=') break;
      uint32_t v = c >= 'A' && c <= 'Z'   ? c - 'A'
                   : c >= 'a' && c <= 'z' ? c - 'a' + 26
                   : IsDigit(c)           ? c - '0' + 52
                   : c == '+'             ? 62
                                          : 63;
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        bytes += static_cast<char>((acc >> bits) & 0xFF);
      }
    }
    t->kind = Tok::kBinary;
    t->literal = BinaryLit{std::move(bytes), false};
    Advance(q + 1);
    return Status::Ok();
  }

  Status LexTimestamp(Token* t) {
    size_t q = FindQuote(2);
    std::string_view body = q ? s_.substr(pos_ + 2, q - 2) : std::string_view();
    auto fail = [&](std::string_view why) {
      return Status::InvalidArgument(AtColumn(col_) + "malformed timestamp literal " +
                                     Quote(s_.substr(pos_, q ? q + 1 : 2)) + ": " +
                                     std::string(why) +
                                     "; expected t'YYYY-MM-DDTHH:MM:SS[.s+]Z' (UTC, upper-case "
                                     "T and Z)");
    };
    if (q == 0) return fail("no closing quote");
    // YYYY-MM-DDTHH:MM:SS(.d+)?Z
    auto num = [&](size_t at, size_t n, int* out) {
      if (at + n > body.size()) return false;
      int v = 0;
      for (size_t k = 0; k < n; ++k) {
        if (!IsDigit(body[at + k])) return false;
        v = v * 10 + (body[at + k] - '0');
      }
      *out = v;
      return true;
    };
    int year, month, day, hour, minute, second;
    if (body.size() < 20 || !num(0, 4, &year) || body[4] != '-' || !num(5, 2, &month) ||
        body[7] != '-' || !num(8, 2, &day) || body[10] != 'T' || !num(11, 2, &hour) ||
        body[13] != ':' || !num(14, 2, &minute) || body[16] != ':' || !num(17, 2, &second)) {
      return fail("wrong shape");
    }
    size_t k = 19;
    uint32_t nanos = 0;
    int digits = 0;
    if (body[k] == '.') {
      ++k;
      size_t fs = k;
      while (k < body.size() && IsDigit(body[k])) {
        if (digits < 9) {
          nanos = nanos * 10 + static_cast<uint32_t>(body[k] - '0');
          ++digits;
        }
        ++k;
      }
      if (k == fs) return fail("a '.' needs at least one digit after it");
    }
    if (k + 1 != body.size() || body[k] != 'Z') return fail("wrong shape");
    if (month < 1 || month > 12) return fail("month out of range 01-12");
    if (day < 1 || day > 31) return fail("day out of range 01-31");
    if (hour > 23) return fail("hour out of range 00-23");
    if (minute > 59) return fail("minute out of range 00-59");
    if (second > 60) return fail("second out of range 00-60");
    for (int d = digits; d < 9; ++d) nanos *= 10;
    // Day-of-month is not checked against the month (the grammar does not); 2024-02-30
    // denotes the instant one day after 2024-02-29 (see docs/pattern-semantics.md).
    int64_t secs = DaysFromCivil(year, static_cast<unsigned>(month), 1) * 86400 +
                   int64_t{day - 1} * 86400 + hour * 3600 + minute * 60 + second;
    t->kind = Tok::kTimestamp;
    t->literal = TimestampLit{Timestamp::FromUnixNanos(secs, nanos, digits), std::string(body)};
    Advance(q + 1);
    return Status::Ok();
  }

  std::string_view s_;
  LexOptions options_;
  size_t pos_ = 0;
  uint32_t col_ = 1;
};

}  // namespace

std::string AtColumn(uint32_t column) { return "column " + std::to_string(column) + ": "; }

std::string_view TokName(Tok t) {
  switch (t) {
    case Tok::kEnd: return "end of pattern";
    case Tok::kLBrack: return "'['";
    case Tok::kRBrack: return "']'";
    case Tok::kLParen: return "'('";
    case Tok::kRParen: return "')'";
    case Tok::kColon: return "':'";
    case Tok::kDot: return "'.'";
    case Tok::kComma: return "','";
    case Tok::kAsterisk: return "'*'";
    case Tok::kEq: return "'='";
    case Tok::kNe: return "'!='";
    case Tok::kLt: return "'<'";
    case Tok::kLe: return "'<='";
    case Tok::kGt: return "'>'";
    case Tok::kGe: return "'>='";
    case Tok::kAnd: return "'AND'";
    case Tok::kOr: return "'OR'";
    case Tok::kNot: return "'NOT'";
    case Tok::kFollowedBy: return "'FOLLOWEDBY'";
    case Tok::kLike: return "'LIKE'";
    case Tok::kMatches: return "'MATCHES'";
    case Tok::kIsSuperset: return "'ISSUPERSET'";
    case Tok::kIsSubset: return "'ISSUBSET'";
    case Tok::kExists: return "'EXISTS'";
    case Tok::kLast: return "'LAST'";
    case Tok::kIn: return "'IN'";
    case Tok::kStart: return "'START'";
    case Tok::kStop: return "'STOP'";
    case Tok::kSeconds: return "'SECONDS'";
    case Tok::kWithin: return "'WITHIN'";
    case Tok::kRepeats: return "'REPEATS'";
    case Tok::kTimes: return "'TIMES'";
    case Tok::kBool: return "a boolean literal";
    case Tok::kIntPos: return "an integer";
    case Tok::kIntNeg: return "a negative integer";
    case Tok::kFloatPos: return "a number";
    case Tok::kFloatNeg: return "a negative number";
    case Tok::kString: return "a string literal";
    case Tok::kBinary: return "a binary literal";
    case Tok::kHex: return "a hex literal";
    case Tok::kTimestamp: return "a timestamp literal";
    case Tok::kIdent: return "an identifier";
    case Tok::kIdentHyphen: return "an identifier with '-'";
    case Tok::kOther: return "an unexpected character";
  }
  return "?";
}

StatusOr<std::vector<Token>> Lex(std::string_view text, const LexOptions& options) {
  return Lexer(text, options).Run();
}

}  // namespace tadamun::pattern
