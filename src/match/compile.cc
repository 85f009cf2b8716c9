#include "match/compile.h"

#include <optional>
#include <variant>

#include "pattern/parser.h"

namespace tadamun::match {
namespace {

using pattern::CompareOp;
using pattern::Comparison;

std::string At(uint32_t column) { return "column " + std::to_string(column) + ": "; }

Status NeedsEngine(uint32_t column, std::string_view why) {
  return Status::FailedPrecondition("needs the pattern engine: " + At(column) + std::string(why));
}

// Expected hex length of a STIX hash algorithm name, or 0 when any hash length will do.
size_t HashLength(std::string_view algorithm) {
  if (algorithm == "MD5") return 32;
  if (algorithm == "SHA-1") return 40;
  if (algorithm == "SHA-256" || algorithm == "SHA3-256") return 64;
  if (algorithm == "SHA-384" || algorithm == "SHA3-384") return 96;
  if (algorithm == "SHA-512" || algorithm == "SHA3-512") return 128;
  return 0;
}

Status CompileValue(const Comparison& c, std::string_view raw, std::vector<IndexEntry>* out) {
  const std::string& type = c.path.object_type;
  // Undefang only rewrites text holding a bracket or an 'x' (hxxp); most values hold neither.
  const std::string value = raw.find_first_of("[({xX") == std::string_view::npos ? std::string(raw) : Undefang(raw);
  auto fail = [&](const Status& s) { return Status::InvalidArgument(At(c.literal_column) + s.message()); };
  IndexEntry entry;
  if (type == "ipv4-addr" || type == "ipv6-addr") {
    auto range = ParseCidr(value);
    if (!range.ok()) return fail(range.status());
    if (range->v6 != (type == "ipv6-addr")) {
      return Status::InvalidArgument(At(c.literal_column) + "value '" + value + "' is not an address of type " + type);
    }
    entry.kind = EntryKind::kAddress;
    entry.range = *range;
  } else {
    StatusOr<std::string> v = Status::Internal("unreachable");
    if (type == "domain-name") {
      entry.kind = EntryKind::kDomain;
      v = NormalizeDomain(value);
    } else if (type == "url") {
      entry.kind = EntryKind::kUrl;
      v = NormalizeUrl(value);
    } else if (type == "file") {
      entry.kind = EntryKind::kHash;
      v = NormalizeHash(value);
      size_t want = HashLength(c.path.steps[1].key);
      if (v.ok() && want != 0 && v->size() != want) {
        return Status::InvalidArgument(At(c.literal_column) + "hash of " + std::to_string(v->size()) + " digits for " +
                                       c.path.steps[1].key + "; expected " + std::to_string(want));
      }
    } else if (type == "email-addr") {
      entry.kind = EntryKind::kEmail;
      v = NormalizeEmail(value);
    } else {
      entry.kind = EntryKind::kWallet;
      v = NormalizeWallet(value);
    }
    if (!v.ok()) return fail(v.status());
    entry.value = std::move(*v);
  }
  out->push_back(std::move(entry));
  return Status::Ok();
}

Status CompileComparison(const Comparison& c, std::vector<IndexEntry>* out) {
  const std::string& type = c.path.object_type;
  const auto& steps = c.path.steps;
  bool simple_value = steps.size() == 1 && steps[0].kind == pattern::PathStep::Kind::kKey && steps[0].key == "value" &&
                      (type == "domain-name" || type == "ipv4-addr" || type == "ipv6-addr" || type == "url" ||
                       type == "email-addr" || type == kWalletObjectType);
  bool file_hash = type == "file" && steps.size() == 2 && steps[0].kind == pattern::PathStep::Kind::kKey &&
                   steps[0].key == "hashes" && steps[1].kind == pattern::PathStep::Kind::kKey;
  if (!simple_value && !file_hash) {
    return NeedsEngine(c.column, "the property is not one the exact indexes cover");
  }
  if (file_hash && (steps[1].key == "SSDEEP" || steps[1].key == "TLSH")) {
    return NeedsEngine(c.column, "fuzzy hashes (" + steps[1].key + ") are not exact values");
  }
  if (c.negated) return NeedsEngine(c.column, "NOT comparisons are not exact lookups");
  bool ip = type == "ipv4-addr" || type == "ipv6-addr";
  if (c.op != CompareOp::kEq && c.op != CompareOp::kIn && !(c.op == CompareOp::kIsSubset && ip)) {
    return NeedsEngine(c.column, "operator " + std::string(pattern::CompareOpName(c.op)) + " is not an exact lookup");
  }
  for (const auto& literal : c.values) {
    const auto* s = std::get_if<pattern::StringLit>(&literal);
    if (s == nullptr) return NeedsEngine(c.literal_column, "the value is not a string");
    TADAMUN_RETURN_IF_ERROR(CompileValue(c, s->value, out));
  }
  return Status::Ok();
}

bool IsFastType(std::string_view t) {
  return t == "domain-name" || t == "ipv4-addr" || t == "ipv6-addr" || t == "url" || t == "file" ||
         t == "email-addr" || t == kWalletObjectType;
}

// The shape most feeds use, recognised without the full parser: `[type:value = 'literal']`
// or `[file:hashes.'ALG' = 'hex']` (spaces only as whitespace, ASCII, no escapes). Anything
// else returns nullopt and goes through pattern::Parse; CompilePatternWithParser is the
// reference the tests compare this with.
std::optional<Comparison> RecognizeSimple(std::string_view t) {
  if (t.size() > 4096 || t.empty() || t[0] != '[') return std::nullopt;
  for (char ch : t) {
    unsigned char u = static_cast<unsigned char>(ch);
    if (u >= 0x80 || u < 0x20 || ch == '\\') return std::nullopt;
  }
  size_t i = 1;
  auto skip = [&] {
    while (i < t.size() && t[i] == ' ') ++i;
  };
  skip();
  Comparison c;
  c.column = c.path.column = static_cast<uint32_t>(i + 1);
  size_t colon = t.find(':', i);
  if (colon == std::string_view::npos || !IsFastType(t.substr(i, colon - i))) return std::nullopt;
  c.path.object_type = std::string(t.substr(i, colon - i));
  i = colon + 1;
  pattern::PathStep first;
  if (t.substr(i, 5) == "value" && c.path.object_type != "file") {
    first.key = "value";
    c.path.steps.push_back(first);
    i += 5;
  } else if (t.substr(i, 8) == "hashes.'" && c.path.object_type == "file") {
    first.key = "hashes";
    c.path.steps.push_back(first);
    i += 8;
    size_t close = t.find('\'', i);
    if (close == std::string_view::npos || close == i) return std::nullopt;
    pattern::PathStep alg;
    for (size_t k = i; k < close; ++k) {
      char ch = t[k];
      if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) {
        return std::nullopt;
      }
    }
    alg.key = std::string(t.substr(i, close - i));
    c.path.steps.push_back(alg);
    i = close + 1;
  } else {
    return std::nullopt;
  }
  if (i >= t.size() || (t[i] != ' ' && t[i] != '=')) return std::nullopt;
  skip();
  if (i >= t.size() || t[i] != '=') return std::nullopt;
  ++i;
  skip();
  if (i >= t.size() || t[i] != '\'') return std::nullopt;
  c.literal_column = static_cast<uint32_t>(i + 1);
  size_t close = t.find('\'', i + 1);
  if (close == std::string_view::npos) return std::nullopt;
  c.values.resize(1);
  std::get<pattern::StringLit>(c.values[0] = pattern::StringLit{}).value = t.substr(i + 1, close - i - 1);
  i = close + 1;
  skip();
  if (i >= t.size() || t[i] != ']') return std::nullopt;
  if (i + 1 != t.size()) return std::nullopt;
  c.op = CompareOp::kEq;
  return c;
}

}  // namespace

StatusOr<std::vector<IndexEntry>> CompilePattern(std::string_view pattern_text) {
  if (auto simple = RecognizeSimple(pattern_text)) {
    std::vector<IndexEntry> out;
    TADAMUN_RETURN_IF_ERROR(CompileComparison(*simple, &out));
    return out;
  }
  return CompilePatternWithParser(pattern_text);
}

StatusOr<std::vector<IndexEntry>> CompilePatternWithParser(std::string_view pattern_text) {
  auto parsed = pattern::Parse(pattern_text);
  if (!parsed.ok()) return parsed.status();
  const pattern::Pattern& p = *parsed;
  std::vector<IndexEntry> out;
  std::vector<uint32_t> obs{p.root};
  while (!obs.empty()) {
    uint32_t i = obs.back();
    obs.pop_back();
    const auto& node = p.observations[i];
    if (const auto* g = std::get_if<pattern::ObsGroup>(&node)) {
      obs.push_back(g->child);
    } else if (const auto* b = std::get_if<pattern::ObsBinary>(&node)) {
      if (b->op != pattern::ObsBinary::Op::kOr) {
        return NeedsEngine(b->column, "observation expressions joined by AND or FOLLOWEDBY");
      }
      obs.push_back(b->right);
      obs.push_back(b->left);
    } else if (const auto* s = std::get_if<pattern::ObsSimple>(&node)) {
      std::vector<uint32_t> cmp{s->comparison};
      while (!cmp.empty()) {
        uint32_t k = cmp.back();
        cmp.pop_back();
        const auto& cnode = p.comparisons[k];
        if (const auto* e = std::get_if<pattern::BoolExpr>(&cnode)) {
          if (e->op != pattern::BoolExpr::Op::kOr) return NeedsEngine(e->column, "comparisons joined by AND");
          cmp.push_back(e->right);
          cmp.push_back(e->left);
        } else {
          TADAMUN_RETURN_IF_ERROR(CompileComparison(std::get<Comparison>(cnode), &out));
        }
      }
    } else {
      uint32_t column = std::visit([](const auto& n) { return n.column; }, node);
      return NeedsEngine(column, "qualifiers (WITHIN, REPEATS, START/STOP)");
    }
  }
  return out;
}

}  // namespace tadamun::match
