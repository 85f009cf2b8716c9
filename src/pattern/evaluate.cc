#include "pattern/evaluate.h"

#include <algorithm>
#include <limits>
#include <type_traits>
#include <utility>

#include "pattern/check.h"
#include "pattern/compare.h"

namespace tadamun::pattern {
namespace {

using Nanos = __int128;
constexpr Nanos kMinNanos = -(static_cast<Nanos>(1) << 100);
constexpr Nanos kMaxNanos = static_cast<Nanos>(1) << 100;

Nanos ToNanos(const Timestamp& t) {
  return static_cast<Nanos>(t.unix_seconds()) * 1000000000 + t.nanos();
}

// A non-owning reference to a callable (the continuations of the search).
template <typename Sig>
class FnRef;
template <typename R, typename... A>
class FnRef<R(A...)> {
 public:
  template <typename F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, FnRef>)
  FnRef(F&& f)  // NOLINT: implicit by design
      : obj_(const_cast<void*>(static_cast<const void*>(&f))),
        call_([](void* o, A... a) -> R { return (*static_cast<std::remove_reference_t<F>*>(o))(a...); }) {}
  R operator()(A... a) const { return call_(obj_, a...); }

 private:
  void* obj_;
  R (*call_)(void*, A...);
};

// Summary of a partial binding: all constraints depend only on these and the slots used.
struct Sum {
  Nanos max_first = kMinNanos;
  Nanos min_last = kMaxNanos;
  uint32_t min_slot = std::numeric_limits<uint32_t>::max();
};
Sum Merge(const Sum& a, const Sum& b) {
  return Sum{std::max(a.max_first, b.max_first), std::min(a.min_last, b.min_last),
             std::min(a.min_slot, b.min_slot)};
}

enum Step { kContinue = 0, kFound = 1, kStop = 2 };

struct Slot {
  uint32_t observation;
  int64_t copy;
  Nanos first, last;
};

struct Constraint {
  enum class Kind : uint8_t { kWindow, kInterval, kAfter } kind;
  bool active = true;
  Nanos a = 0, b = 0;  // window: width, unused; interval: [a, b); after: last >= a
  Nanos max_first = kMinNanos, min_last = kMaxNanos;  // window extents so far
};

using Cont = FnRef<int(const Sum&)>;

class Search {
 public:
  Search(const Pattern& p, std::vector<Slot> slots, std::vector<std::vector<uint32_t>> cands,
         const EvalOptions& options)
      : p_(p), slots_(std::move(slots)), cands_(std::move(cands)), options_(options),
        used_(slots_.size(), 0) {}

  StatusOr<MatchResult> Run() {
    MatchResult result;
    int r = Enum(p_.root, 0, [&](const Sum&) {
      found_ = binding_;
      return static_cast<int>(kFound);
    });
    if (r == kStop) return error_;
    result.matched = r == kFound;
    for (auto [leaf, slot] : found_) {
      result.binding.push_back(Bound{leaf, slots_[slot].observation, slots_[slot].copy});
    }
    result.work = work_;
    return result;
  }


 private:
  // Enumerates bindings of node `n` over unused slots; for each calls k, stopping at the first
  // non-kContinue. `floor`: when n binds exactly one slot, only slots > floor - 1 are tried.
  int Enum(uint32_t n, uint32_t floor, Cont k) {
    const ObservationNode& node = p_.observations[n];
    if (const auto* s = std::get_if<ObsSimple>(&node)) return Leaf(*s, floor, k);
    if (const auto* g = std::get_if<ObsGroup>(&node)) return Enum(g->child, floor, k);
    if (const auto* b = std::get_if<ObsBinary>(&node)) {
      switch (b->op) {
        case ObsBinary::Op::kOr: {
          int r = Enum(b->left, 0, k);
          return r != kContinue ? r : Enum(b->right, 0, k);
        }
        case ObsBinary::Op::kAnd:
          return Enum(b->left, 0, [&](const Sum& sa) {
            return Enum(b->right, 0, [&](const Sum& sb) { return k(Merge(sa, sb)); });
          });
        case ObsBinary::Op::kFollowedBy:
          return Enum(b->left, 0, [&](const Sum& sa) {
            size_t at = Push(Constraint{Constraint::Kind::kAfter, true, sa.max_first, 0});
            int r = Enum(b->right, 0, [&](const Sum& sb) {
              cons_[at].active = false;
              int r2 = k(Merge(sa, sb));
              cons_[at].active = true;
              return r2;
            });
            cons_.pop_back();
            return r;
          });
      }
    }
    if (const auto* w = std::get_if<ObsWithin>(&node)) {
      return Scoped(Constraint{Constraint::Kind::kWindow, true, w->nanos, 0}, w->child, floor, k);
    }
    if (const auto* ss = std::get_if<ObsStartStop>(&node)) {
      return Scoped(Constraint{Constraint::Kind::kInterval, true, ToNanos(ss->start),
                               ToNanos(ss->stop)},
                    ss->child, floor, k);
    }
    const auto& rep = std::get<ObsRepeats>(node);
    return Repeat(rep, 0, 0, Sum{}, k);
  }

  int Scoped(Constraint c, uint32_t child, uint32_t floor, Cont k) {
    size_t at = Push(c);
    int r = Enum(child, floor, [&](const Sum& s) {
      cons_[at].active = false;
      int r2 = k(s);
      cons_[at].active = true;
      return r2;
    });
    cons_.pop_back();
    return r;
  }

  // Binds repetition i.. of `rep`; each repetition's smallest slot exceeds the previous one's,
  // so every set of repetitions is tried once, not once per order.
  int Repeat(const ObsRepeats& rep, int64_t i, uint32_t floor, const Sum& acc, Cont k) {
    if (i == rep.times) return k(acc);
    if (int leaf = SingleLeaf(rep.child); leaf >= 0) {
      int e = Enough(static_cast<uint32_t>(leaf), floor, rep.times - i);
      if (e != kFound) return e;
    }
    return Enum(rep.child, floor, [&](const Sum& s) {
      if (i > 0 && s.min_slot < floor) return static_cast<int>(kContinue);
      return Repeat(rep, i + 1, s.min_slot + 1, i == 0 ? s : Merge(acc, s), k);
    });
  }

  // The leaf of a `[...]` under only parentheses and qualifiers other than REPEATS (an
  // expression that binds exactly one observation), else -1.
  int SingleLeaf(uint32_t n) const {
    while (true) {
      const ObservationNode& node = p_.observations[n];
      if (const auto* s = std::get_if<ObsSimple>(&node)) return static_cast<int>(s->leaf);
      if (const auto* g = std::get_if<ObsGroup>(&node)) { n = g->child; continue; }
      if (const auto* w = std::get_if<ObsWithin>(&node)) { n = w->child; continue; }
      if (const auto* ss = std::get_if<ObsStartStop>(&node)) { n = ss->child; continue; }
      return -1;
    }
  }

  size_t Push(const Constraint& c) {
    cons_.push_back(c);
    return cons_.size() - 1;
  }

  // Slots are numbered in first_observed order, so no candidate after one whose
  // first_observed is past this bound can satisfy the active windows and intervals.
  Nanos FirstBound() const {
    Nanos bound = kMaxNanos;
    for (const Constraint& c : cons_) {
      if (!c.active) continue;
      if (c.kind == Constraint::Kind::kWindow && c.min_last != kMaxNanos) {
        bound = std::min(bound, c.min_last + c.a);
      } else if (c.kind == Constraint::Kind::kInterval) {
        bound = std::min(bound, c.b - 1);
      }
    }
    return bound;
  }

  bool Fits(const Slot& sl) const {
    for (const Constraint& c : cons_) {
      if (!c.active) continue;
      switch (c.kind) {
        case Constraint::Kind::kWindow:
          if (std::max(c.max_first, sl.first) - std::min(c.min_last, sl.last) > c.a) return false;
          break;
        case Constraint::Kind::kInterval:
          if (!(c.a <= sl.last && sl.first < c.b)) return false;
          break;
        case Constraint::Kind::kAfter:
          if (sl.last < c.a) return false;
          break;
      }
    }
    return true;
  }

  bool Spend() {
    if (++work_ <= options_.max_work) return true;
    error_ = Status::ResourceExhausted(
        "pattern evaluation stopped after " + std::to_string(options_.max_work) +
        " work units (EvalOptions::max_work); the pattern is too costly for this many "
        "observations");
    return false;
  }

  // For REPEATS of a one-observation expression: are there at least `need` unused candidate
  // slots >= floor that fit the active constraints? (A necessary condition; prunes searches
  // that cannot complete, e.g. REPEATS 10 TIMES WITHIN a window holding only 9.)
  int Enough(uint32_t leaf, uint32_t floor, int64_t need) {
    const std::vector<uint32_t>& cands = cands_[leaf];
    Nanos bound = FirstBound();
    int64_t n = 0;
    for (auto it = std::lower_bound(cands.begin(), cands.end(), floor);
         it != cands.end() && n < need; ++it) {
      if (!Spend()) return kStop;
      const Slot& sl = slots_[*it];
      if (sl.first > bound) break;
      if (!used_[*it] && Fits(sl)) ++n;
    }
    return n >= need ? kFound : kContinue;
  }

  int Leaf(const ObsSimple& s, uint32_t floor, Cont k) {
    const std::vector<uint32_t>& cands = cands_[s.leaf];
    Nanos bound = FirstBound();
    for (auto it = std::lower_bound(cands.begin(), cands.end(), floor); it != cands.end(); ++it) {
      if (!Spend()) return kStop;
      uint32_t slot = *it;
      const Slot& sl = slots_[slot];
      if (sl.first > bound) break;
      if (used_[slot] || !Fits(sl)) continue;
      size_t undo = undo_.size();
      for (size_t i = 0; i < cons_.size(); ++i) {
        Constraint& c = cons_[i];
        if (!c.active || c.kind != Constraint::Kind::kWindow) continue;
        undo_.push_back({i, c.max_first, c.min_last});
        c.max_first = std::max(c.max_first, sl.first);
        c.min_last = std::min(c.min_last, sl.last);
      }
      used_[slot] = 1;
      binding_.emplace_back(s.leaf, slot);
      int r = k(Sum{sl.first, sl.last, slot});
      binding_.pop_back();
      used_[slot] = 0;
      while (undo_.size() > undo) {
        cons_[undo_.back().index].max_first = undo_.back().max_first;
        cons_[undo_.back().index].min_last = undo_.back().min_last;
        undo_.pop_back();
      }
      if (r != kContinue) return r;
    }
    return kContinue;
  }

  struct Undo {
    size_t index;
    Nanos max_first, min_last;
  };

  const Pattern& p_;
  std::vector<Slot> slots_;
  std::vector<std::vector<uint32_t>> cands_;  // per leaf: slots where it holds, ascending
  EvalOptions options_;
  std::vector<uint8_t> used_;
  std::vector<Constraint> cons_;
  std::vector<Undo> undo_;
  std::vector<std::pair<uint32_t, uint32_t>> binding_, found_;  // (leaf, slot)
  uint64_t work_ = 0;
  Status error_;
};

// Fewest and most observations one binding of node n can use (saturating at `cap`).
void BindingSizes(const Pattern& p, uint64_t cap, std::vector<uint64_t>* lo,
                  std::vector<uint64_t>* hi) {
  lo->assign(p.observations.size(), 0);
  hi->assign(p.observations.size(), 0);
  auto sat = [cap](uint64_t v) { return std::min(v, cap); };
  for (size_t i = 0; i < p.observations.size(); ++i) {  // children precede parents
    const ObservationNode& n = p.observations[i];
    if (std::holds_alternative<ObsSimple>(n)) {
      (*lo)[i] = (*hi)[i] = 1;
    } else if (const auto* b = std::get_if<ObsBinary>(&n)) {
      if (b->op == ObsBinary::Op::kOr) {
        (*lo)[i] = std::min((*lo)[b->left], (*lo)[b->right]);
        (*hi)[i] = std::max((*hi)[b->left], (*hi)[b->right]);
      } else {
        (*lo)[i] = sat((*lo)[b->left] + (*lo)[b->right]);
        (*hi)[i] = sat((*hi)[b->left] + (*hi)[b->right]);
      }
    } else if (const auto* r = std::get_if<ObsRepeats>(&n)) {
      uint64_t t = static_cast<uint64_t>(r->times);
      auto mul = [&](uint64_t v) { return v != 0 && t > cap / v ? cap : sat(v * t); };
      (*lo)[i] = mul((*lo)[r->child]);
      (*hi)[i] = mul((*hi)[r->child]);
    } else {
      uint32_t c = std::visit(
          [](const auto& q) -> uint32_t {
            if constexpr (requires { q.child; }) return q.child;
            return 0;
          },
          n);
      (*lo)[i] = (*lo)[c];
      (*hi)[i] = (*hi)[c];
    }
  }
}

}  // namespace

std::vector<std::string> MatchResult::ObservedDataIds(
    const std::vector<Observation>& observations) const {
  std::vector<uint32_t> idx;
  for (const Bound& b : binding) idx.push_back(b.observation);
  std::sort(idx.begin(), idx.end());
  idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
  std::vector<std::string> ids;
  for (uint32_t i : idx) ids.push_back(observations[i].id);
  return ids;
}

json::Value MatchResultToJson(const MatchResult& result,
                              const std::vector<Observation>& observations) {
  json::Value out = json::Value::Object();
  out.Set("matched", json::Value::Bool(result.matched));
  out.Set("work", json::Value::Int(static_cast<int64_t>(result.work)));
  out.Set("property_tests", json::Value::Int(static_cast<int64_t>(result.property_tests)));
  json::Value ids = json::Value::Array();
  for (const std::string& id : result.ObservedDataIds(observations)) ids.Append(json::Value::String(id));
  out.Set("observed_data", std::move(ids));
  json::Value bindings = json::Value::Array();
  for (const Bound& b : result.binding) {
    json::Value e = json::Value::Object();
    e.Set("expression", json::Value::Int(b.leaf));
    e.Set("observation", json::Value::Int(b.observation));
    e.Set("copy", json::Value::Int(b.copy));
    e.Set("observed_data", json::Value::String(observations[b.observation].id));
    bindings.Append(std::move(e));
  }
  out.Set("bindings", std::move(bindings));
  return out;
}

StatusOr<MatchResult> Evaluate(const Pattern& pattern, const std::vector<Observation>& observations,
                               const EvalOptions& options) {
  TADAMUN_RETURN_IF_ERROR(CheckSemantics(pattern));
  std::vector<uint64_t> lo, hi;
  uint64_t cap = uint64_t{options.max_binding_size} + 1;
  BindingSizes(pattern, cap, &lo, &hi);
  if (lo[pattern.root] > options.max_binding_size) {
    return Status::ResourceExhausted(
        "a match of this pattern binds at least " +
        (lo[pattern.root] >= cap ? "more than " + std::to_string(options.max_binding_size)
                                 : std::to_string(lo[pattern.root])) +
        " observations; the limit is " + std::to_string(options.max_binding_size) +
        " (EvalOptions::max_binding_size)");
  }
  TADAMUN_ASSIGN_OR_RETURN(auto compiled, CompiledComparisons::Compile(pattern));

  // Which observations each `[...]` holds for (sparse: leaves x observations can be large).
  uint64_t work = 0;
  std::vector<std::vector<uint32_t>> holds(pattern.leaf_count);
  std::vector<uint8_t> any(observations.size(), 0);
  auto scratch = compiled->NewScratch();
  for (uint32_t leaf = 0; leaf < pattern.leaf_count; ++leaf) {
    for (uint32_t o = 0; o < observations.size(); ++o) {
      TADAMUN_ASSIGN_OR_RETURN(bool h,
                               compiled->Holds(leaf, observations[o], &work, scratch.get()));
      if (h) holds[leaf].push_back(o);
      any[o] |= h;
      if (work > options.max_property_tests) {
        return Status::ResourceExhausted(
            "pattern evaluation stopped after " + std::to_string(options.max_property_tests) +
            " property tests (EvalOptions::max_property_tests)");
      }
    }
  }
  // Slots: observation o stands for min(number_observed, most one binding can use) slots.
  std::vector<Slot> slots;
  std::vector<uint32_t> base(observations.size(), 0), count(observations.size(), 0);
  // Slots are numbered in first_observed order (ties: input order), so the search can stop
  // scanning candidates once they start after every open time window.
  std::vector<uint32_t> order;
  for (uint32_t o = 0; o < observations.size(); ++o) {
    if (any[o]) order.push_back(o);
  }
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return observations[a].first_observed < observations[b].first_observed;
  });
  for (uint32_t o : order) {
    uint64_t copies = std::min<uint64_t>(observations[o].number_observed, hi[pattern.root]);
    if (slots.size() + copies > options.max_observations) {
      return Status::ResourceExhausted(
          "more than " + std::to_string(options.max_observations) +
          " observations after number_observed expansion (EvalOptions::max_observations)");
    }
    base[o] = static_cast<uint32_t>(slots.size());
    count[o] = static_cast<uint32_t>(copies);
    Nanos f = ToNanos(observations[o].first_observed), l = ToNanos(observations[o].last_observed);
    for (uint64_t c = 0; c < copies; ++c) {
      slots.push_back(Slot{static_cast<uint32_t>(o), static_cast<int64_t>(c), f, l});
    }
  }
  MatchResult none;
  none.property_tests = work;
  if (lo[pattern.root] > slots.size()) return none;
  // Satisfiable at all, ignoring distinctness and time? (A `[...]` that holds nowhere makes
  // every AND/FOLLOWEDBY above it impossible: answer without searching.)
  std::vector<uint8_t> sat(pattern.observations.size(), 0);
  for (size_t i = 0; i < pattern.observations.size(); ++i) {
    const ObservationNode& n = pattern.observations[i];
    if (const auto* s = std::get_if<ObsSimple>(&n)) {
      sat[i] = !holds[s->leaf].empty();
    } else if (const auto* b = std::get_if<ObsBinary>(&n)) {
      sat[i] = b->op == ObsBinary::Op::kOr ? (sat[b->left] | sat[b->right])
                                           : (sat[b->left] & sat[b->right]);
    } else {
      sat[i] = sat[std::visit(
          [](const auto& q) -> uint32_t {
            if constexpr (requires { q.child; }) return q.child;
            return 0;
          },
          n)];
    }
  }
  if (!sat[pattern.root]) return none;
  std::vector<std::vector<uint32_t>> cands(pattern.leaf_count);
  for (uint32_t leaf = 0; leaf < pattern.leaf_count; ++leaf) {
    for (uint32_t o : holds[leaf]) {
      for (uint32_t c = 0; c < count[o]; ++c) cands[leaf].push_back(base[o] + c);
    }
    std::sort(cands[leaf].begin(), cands[leaf].end());
  }
  Search search(pattern, std::move(slots), std::move(cands), options);
  TADAMUN_ASSIGN_OR_RETURN(MatchResult r, search.Run());
  r.property_tests = work;
  return r;
}

}  // namespace tadamun::pattern
