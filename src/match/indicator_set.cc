#include "match/indicator_set.h"

#include <algorithm>
#include <variant>

#include "match/compile.h"
#include "pattern/check.h"

namespace tadamun::match {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

struct Needles {
  bool always = false;
  std::vector<std::string> list;
};

Needles Union(Needles a, const Needles& b) {
  if (a.always || b.always) return {true, {}};
  a.list.insert(a.list.end(), b.list.begin(), b.list.end());
  return a;
}

// Either side must hold: the side with fewer literals is the sharper necessary condition.
Needles Both(const Needles& a, const Needles& b) {
  if (a.always) return b;
  if (b.always) return a;
  return a.list.size() <= b.list.size() ? a : b;
}

Needles OfComparison(const pattern::Comparison& c) {
  using pattern::CompareOp;
  if (c.negated) return {true, {}};
  Needles n;
  for (const pattern::Literal& lit : c.values) {
    if (c.op == CompareOp::kEq || c.op == CompareOp::kIn) {
      if (const auto* s = std::get_if<pattern::StringLit>(&lit)) {
        if (s->value.empty()) return {true, {}};
        n.list.push_back(Lower(s->value));
      } else if (const auto* i = std::get_if<pattern::IntLit>(&lit)) {
        n.list.push_back(std::to_string(i->value));
      } else {
        return {true, {}};
      }
    } else if (c.op == CompareOp::kLike) {
      const auto* s = std::get_if<pattern::StringLit>(&lit);
      if (s == nullptr) return {true, {}};
      std::string best, run;
      for (char ch : s->value) {
        if (ch == '%' || ch == '_') {
          if (run.size() > best.size()) best = run;
          run.clear();
        } else {
          run.push_back(ch);
        }
      }
      if (run.size() > best.size()) best = run;
      if (best.empty()) return {true, {}};
      n.list.push_back(Lower(best));
    } else {
      return {true, {}};  // !=, <, >, MATCHES, ISSUBSET, ISSUPERSET, EXISTS
    }
  }
  if (n.list.empty()) return {true, {}};  // IN () or EXISTS
  return n;
}

}  // namespace

void PatternNeedles(const pattern::Pattern& p, std::vector<std::string>* needles, bool* always) {
  std::vector<Needles> cmp(p.comparisons.size());
  for (size_t i = 0; i < p.comparisons.size(); ++i) {
    if (const auto* c = std::get_if<pattern::Comparison>(&p.comparisons[i])) {
      cmp[i] = OfComparison(*c);
    } else {
      const auto& b = std::get<pattern::BoolExpr>(p.comparisons[i]);
      cmp[i] = b.op == pattern::BoolExpr::Op::kOr ? Union(cmp[b.left], cmp[b.right]) : Both(cmp[b.left], cmp[b.right]);
    }
  }
  std::vector<Needles> obs(p.observations.size());
  for (size_t i = 0; i < p.observations.size(); ++i) {
    std::visit(
        [&](const auto& o) {
          using T = std::decay_t<decltype(o)>;
          if constexpr (std::is_same_v<T, pattern::ObsSimple>) {
            obs[i] = cmp[o.comparison];
          } else if constexpr (std::is_same_v<T, pattern::ObsBinary>) {
            obs[i] = o.op == pattern::ObsBinary::Op::kOr ? Union(obs[o.left], obs[o.right])
                                                          : Both(obs[o.left], obs[o.right]);
          } else {
            obs[i] = obs[o.child];
          }
        },
        p.observations[i]);
  }
  const Needles& root = obs[p.root];
  *always = root.always;
  needles->clear();
  if (!root.always) {
    *needles = root.list;
    std::sort(needles->begin(), needles->end());
    needles->erase(std::unique(needles->begin(), needles->end()), needles->end());
  }
}

uint64_t MinimumObservations(const pattern::Pattern& p) {
  std::vector<uint64_t> n(p.observations.size(), 1);
  for (size_t i = 0; i < p.observations.size(); ++i) {
    std::visit(
        [&](const auto& o) {
          using T = std::decay_t<decltype(o)>;
          if constexpr (std::is_same_v<T, pattern::ObsSimple>) {
            n[i] = 1;
          } else if constexpr (std::is_same_v<T, pattern::ObsBinary>) {
            n[i] = o.op == pattern::ObsBinary::Op::kOr ? std::min(n[o.left], n[o.right])
                                                        : std::min<uint64_t>(n[o.left] + n[o.right], 1u << 30);
          } else if constexpr (std::is_same_v<T, pattern::ObsRepeats>) {
            n[i] = std::min<uint64_t>(n[o.child] * static_cast<uint64_t>(std::max<int64_t>(o.times, 1)), 1u << 30);
          } else {
            n[i] = n[o.child];
          }
        },
        p.observations[i]);
  }
  return n[p.root];
}

void IndicatorSet::Builder::Add(const json::Value& object) {
  ++counts_.objects;
  const json::Value* type = object.Find("type");
  if (type == nullptr || !type->is_string() || type->str() != "indicator") return;
  ++counts_.indicators;
  if (const json::Value* revoked = object.Find("revoked"); revoked && revoked->is_bool() && revoked->bool_value()) {
    ++counts_.revoked;
    return;
  }
  if (const json::Value* until = object.Find("valid_until"); until && until->is_string()) {
    if (auto t = Timestamp::Parse(until->str()); t.ok() && *t <= now_) {
      ++counts_.expired;
      return;
    }
  }
  IndicatorInfo info;
  if (const json::Value* id = object.Find("id"); id && id->is_string()) info.id = id->str();
  if (const json::Value* name = object.Find("name"); name && name->is_string()) info.name = name->str();
  auto unusable = [&](std::string reason) {
    ++counts_.unusable;
    unusable_.push_back({info.id, info.name, std::move(reason)});
  };
  const json::Value* pattern_type = object.Find("pattern_type");
  if (pattern_type != nullptr && pattern_type->is_string() && pattern_type->str() != "stix") {
    return unusable("pattern_type '" + pattern_type->str() + "' is not swept (only stix)");
  }
  const json::Value* text = object.Find("pattern");
  if (text == nullptr || !text->is_string()) return unusable("no pattern");
  const uint32_t number = static_cast<uint32_t>(indicators_.size());
  StatusOr<std::vector<IndexEntry>> entries = CompilePattern(text->str());
  if (entries.ok()) {
    indicators_.push_back(std::move(info));
    ++counts_.indexed;
    for (const IndexEntry& e : *entries) {
      index_.Add(e, number);
      ++counts_.index_entries;
    }
    return;
  }
  if (entries.status().code() != StatusCode::kFailedPrecondition) {
    return unusable(entries.status().message());
  }
  StatusOr<pattern::Pattern> parsed = pattern::ParseAndCheck(text->str());
  if (!parsed.ok()) return unusable("pattern: " + parsed.status().message());
  if (const uint64_t k = MinimumObservations(*parsed); k > 1) {
    return unusable("needs " + std::to_string(k) +
                    " observations (observation AND, FOLLOWEDBY or REPEATS): a log line is one "
                    "observation; not swept");
  }
  FallbackPattern f;
  f.indicator = number;
  f.pattern = std::move(*parsed);
  PatternNeedles(f.pattern, &f.needles, &f.always);
  indicators_.push_back(std::move(info));
  fallback_.push_back(std::move(f));
  ++counts_.fallback;
}

IndicatorSet IndicatorSet::Builder::Build() && {
  IndicatorSet set;
  set.index_ = std::move(index_).Build();
  set.indicators_ = std::move(indicators_);
  set.fallback_ = std::move(fallback_);
  set.unusable_ = std::move(unusable_);
  set.counts_ = counts_;
  return set;
}

}  // namespace tadamun::match
