#include "pattern/check.h"

#include <re2/re2.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "pattern/cidr.h"
#include "pattern/lexer.h"
#include "pattern/unicode.h"

namespace tadamun::pattern {
namespace {

// Expected hex length of a hash algorithm named in a path (`hashes.'SHA-256'`), or 0 when the
// algorithm is not one whose length is fixed.
size_t HashHexLength(std::string_view name) {
  std::string n;
  for (char c : name) {
    if (c == '-' || c == '_') continue;
    n += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  }
  if (n == "MD5") return 32;
  if (n == "SHA1") return 40;
  if (n == "SHA256" || n == "SHA3256") return 64;
  if (n == "SHA512" || n == "SHA3512") return 128;
  return 0;
}

int LiteralKind(const Literal& l) {
  // Numbers (int, float) share one kind; h'' and b'' share one kind.
  switch (l.index()) {
    case 0: case 1: return 0;
    default: return static_cast<int>(l.index());
  }
}
std::string_view LiteralKindName(const Literal& l) {
  switch (l.index()) {
    case 0: case 1: return "a number";
    case 2: return "a string";
    case 3: return "a boolean";
    case 4: return "a binary value";
    default: return "a timestamp";
  }
}

Status CheckComparison(const Comparison& c) {
  const auto& steps = c.path.steps;
  // Hash lengths: <type>:...hashes.<ALG> compared with =, != or IN.
  if (steps.size() >= 2 && steps[steps.size() - 2].kind == PathStep::Kind::kKey &&
      steps[steps.size() - 2].key == "hashes" && steps.back().kind == PathStep::Kind::kKey &&
      (c.op == CompareOp::kEq || c.op == CompareOp::kNe || c.op == CompareOp::kIn)) {
    size_t want = HashHexLength(steps.back().key);
    for (const Literal& l : c.values) {
      const auto* s = std::get_if<StringLit>(&l);
      if (want == 0 || s == nullptr) continue;
      bool hex = s->value.size() == want;
      for (char ch : s->value) {
        hex = hex && ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
                      (ch >= 'A' && ch <= 'F'));
      }
      if (!hex) {
        return Status::InvalidArgument(
            AtColumn(c.literal_column) + "'" + s->value.substr(0, 80) + "' is not a valid " +
            steps.back().key + " hash; expected " + std::to_string(want) + " hex digits");
      }
    }
  }
  switch (c.op) {
    case CompareOp::kIn:
      for (size_t i = 1; i < c.values.size(); ++i) {
        if (LiteralKind(c.values[i]) != LiteralKind(c.values[0])) {
          return Status::InvalidArgument(
              AtColumn(c.literal_column) + "set element " + std::to_string(i + 1) + " is " +
              std::string(LiteralKindName(c.values[i])) + "; expected " +
              std::string(LiteralKindName(c.values[0])) +
              " like the first element (all elements of an IN set have one type)");
        }
      }
      break;
    case CompareOp::kIsSubset:
    case CompareOp::kIsSuperset: {
      const std::string& v = std::get<StringLit>(c.values[0]).value;
      if (!ParseCidr(v)) {
        return Status::InvalidArgument(
            AtColumn(c.literal_column) + "'" + v.substr(0, 80) + "' is not an IP address or " +
            "CIDR block; expected e.g. '10.0.0.0/8', '192.0.2.1' or '2001:db8::/32' after " +
            std::string(CompareOpName(c.op)));
      }
      break;
    }
    case CompareOp::kMatches: {
      std::optional<std::string> nfc = NormalizeNfc(std::get<StringLit>(c.values[0]).value);
      RE2::Options opts;
      opts.set_log_errors(false);
      RE2 re(nfc ? *nfc : std::string(), opts);
      if (!nfc || !re.ok()) {
        return Status::InvalidArgument(
            AtColumn(c.literal_column) + "regular expression does not compile: " +
            (nfc ? re.error() : std::string("invalid UTF-8")) +
            "; expected RE2 syntax (PCRE without back-references and look-around)");
      }
      break;
    }
    default:
      break;
  }
  return Status::Ok();
}

int QualifierType(const ObservationNode& n) {
  if (std::holds_alternative<ObsWithin>(n)) return 1;
  if (std::holds_alternative<ObsRepeats>(n)) return 2;
  if (std::holds_alternative<ObsStartStop>(n)) return 3;
  return 0;
}
uint32_t QualifierChild(const ObservationNode& n) {
  if (const auto* w = std::get_if<ObsWithin>(&n)) return w->child;
  if (const auto* r = std::get_if<ObsRepeats>(&n)) return r->child;
  return std::get<ObsStartStop>(n).child;
}
std::string_view QualifierName(int type) {
  return type == 1 ? "WITHIN" : type == 2 ? "REPEATS" : "START/STOP";
}

}  // namespace

Status CheckSemantics(const Pattern& p) {
  for (const ComparisonNode& n : p.comparisons) {
    if (const auto* c = std::get_if<Comparison>(&n)) TADAMUN_RETURN_IF_ERROR(CheckComparison(*c));
  }
  for (const ObservationNode& n : p.observations) {
    if (const auto* w = std::get_if<ObsWithin>(&n); w && !(w->seconds > 0)) {
      return Status::InvalidArgument(AtColumn(w->column) +
                                     "WITHIN 0 SECONDS can never hold; expected a number of "
                                     "seconds greater than 0");
    }
    if (const auto* r = std::get_if<ObsRepeats>(&n); r && r->times < 1) {
      return Status::InvalidArgument(AtColumn(r->column) +
                                     "REPEATS 0 TIMES; expected a count of at least 1");
    }
    int type = QualifierType(n);
    if (type == 0) continue;
    // Walk down the qualifier chain below this qualifier; a repeated type on a chain that ends
    // at a bracket is rejected (the OASIS validator's "Duplicate qualifier type").
    bool duplicate = false;
    uint32_t at = QualifierChild(n);
    while (QualifierType(p.observations[at]) != 0) {
      duplicate = duplicate || QualifierType(p.observations[at]) == type;
      at = QualifierChild(p.observations[at]);
    }
    if (duplicate && std::holds_alternative<ObsSimple>(p.observations[at])) {
      uint32_t col = std::visit([](const auto& q) { return q.column; }, n);
      return Status::InvalidArgument(
          AtColumn(col) + "duplicate " + std::string(QualifierName(type)) +
          " qualifier on one observation expression; expected each qualifier type at most once "
          "(wrap the expression in parentheses to apply it again)");
    }
  }
  return Status::Ok();
}

StatusOr<Pattern> ParseAndCheck(std::string_view text, const ParseOptions& options) {
  TADAMUN_ASSIGN_OR_RETURN(Pattern p, Parse(text, options));
  TADAMUN_RETURN_IF_ERROR(CheckSemantics(p));
  return p;
}

Status Check(std::string_view text) { return ParseAndCheck(text).status(); }

std::string DescribeError(std::string_view text, const Status& error) {
  const std::string& m = error.message();
  std::string out = m;
  if (m.rfind("column ", 0) != 0) return out;
  uint64_t column = std::strtoull(m.c_str() + 7, nullptr, 10);
  if (column == 0 || text.size() > 4096) return out;
  // Byte offset of code point number `column` (1-based; one past the end is the end).
  size_t target = text.size();
  uint64_t seen = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (++seen == column) {
      target = i;
      break;
    }
  }
  size_t nl = text.rfind('\n', target == 0 ? 0 : target - 1);
  size_t line_start = nl == std::string_view::npos || nl >= target ? 0 : nl + 1;
  size_t line_end = text.find('\n', target);
  std::string_view line = text.substr(line_start, line_end == std::string_view::npos
                                                      ? std::string_view::npos
                                                      : line_end - line_start);
  uint64_t pad = 0;
  for (size_t k = line_start; k < target; ++k) {
    if ((static_cast<unsigned char>(text[k]) & 0xC0) != 0x80) ++pad;
  }
  out += "\n  ";
  out += line;
  out += "\n  " + std::string(pad, ' ') + "^";
  return out;
}

}  // namespace tadamun::pattern
