#include "match/compile.h"

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
  const std::string value = Undefang(raw);
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

}  // namespace

StatusOr<std::vector<IndexEntry>> CompilePattern(std::string_view pattern_text) {
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
