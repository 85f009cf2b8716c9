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
  auto str = [&](std::string_view key) -> std::string_view {
    const json::Value* v = object.Find(key);
    return v != nullptr && v->is_string() ? std::string_view(v->str()) : std::string_view();
  };
  Fields f{str("type"), str("id"), str("name"), str("pattern"), str("pattern_type"), str("valid_until")};
  const json::Value* revoked = object.Find("revoked");
  f.revoked = revoked != nullptr && revoked->is_bool() && revoked->bool_value();
  AddFields(f);
}

void IndicatorSet::Builder::AddJson(std::string_view text) {
  if (text.find("\"revoked\":true") != std::string_view::npos) {  // rare: take the exact path
    if (auto v = json::Parse(text); v.ok()) {
      Add(*v);
      return;
    }
  }
  if (!scanner_.Scan(text)) {
    ++counts_.objects;
    ++counts_.unusable;
    unusable_.push_back({"", "", "object does not parse: " + scanner_.error()});
    return;
  }
  Fields f;
  for (size_t i = 0; i < scanner_.size(); ++i) {
    if (scanner_.is_number(i)) continue;
    const std::string_view key = scanner_.Key(i);
    std::string_view* slot = key == "type" ? &f.type : key == "id" ? &f.id : key == "name" ? &f.name
                           : key == "pattern" ? &f.pattern : key == "pattern_type" ? &f.pattern_type
                           : key == "valid_until" ? &f.valid_until : nullptr;
    if (slot != nullptr && scanner_.PathIs(i, key)) *slot = scanner_.value(i);
  }
  AddFields(f);
}

void IndicatorSet::Builder::AddFields(const Fields& f) {
  ++counts_.objects;
  if (f.type != "indicator") return;
  ++counts_.indicators;
  if (f.revoked) {
    ++counts_.revoked;
    return;
  }
  if (!f.valid_until.empty()) {
    if (auto t = Timestamp::Parse(f.valid_until); t.ok() && *t <= now_) {
      ++counts_.expired;
      return;
    }
  }
  IndicatorInfo info{std::string(f.id), std::string(f.name)};
  auto unusable = [&](std::string reason) {
    ++counts_.unusable;
    unusable_.push_back({info.id, info.name, std::move(reason)});
  };
  if (!f.pattern_type.empty() && f.pattern_type != "stix") {
    return unusable("pattern_type '" + std::string(f.pattern_type) + "' is not swept (only stix)");
  }
  if (f.pattern.empty()) return unusable("no pattern");
  const std::string_view text = f.pattern;
  const uint32_t number = static_cast<uint32_t>(indicators_.size());
  StatusOr<std::vector<IndexEntry>> entries = CompilePattern(text);
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
  StatusOr<pattern::Pattern> parsed = pattern::ParseAndCheck(text);
  if (!parsed.ok()) return unusable("pattern: " + parsed.status().message());
  if (const uint64_t k = MinimumObservations(*parsed); k > 1) {
    return unusable("needs " + std::to_string(k) +
                    " observations (observation AND, FOLLOWEDBY or REPEATS): a log line is one "
                    "observation; not swept");
  }
  FallbackPattern fb;
  fb.indicator = number;
  fb.pattern = std::move(*parsed);
  PatternNeedles(fb.pattern, &fb.needles, &fb.always);
  indicators_.push_back(std::move(info));
  fallback_.push_back(std::move(fb));
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
