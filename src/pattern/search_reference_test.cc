// The evaluator's depth-first search checked against a slow, obviously-correct reference on
// generated inputs. The reference builds, bottom-up, the complete list of bindings of every
// observation expression straight from the definitions (AND: disjoint pairs; OR: either side;
// FOLLOWEDBY: disjoint pairs in time order; WITHIN / START-STOP: filters; REPEATS n: every
// n-subset of pairwise disjoint bindings) with no pruning and no search order.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "json/json.h"
#include "pattern/check.h"
#include "pattern/evaluate.h"
#include "pattern/observation.h"

namespace tadamun::pattern {
namespace {

struct Obs {
  int value;      // the SCO's property "a"
  int64_t first;  // seconds after 2020-01-01T00:00:00Z
  int64_t last;
  int count;
};

// A binding: sorted (leaf, slot) pairs; a slot is (observation, copy).
using Slot = std::pair<int, int>;
using Binding = std::vector<std::pair<int, Slot>>;

bool Disjoint(const Binding& a, const Binding& b) {
  for (const auto& x : a) {
    for (const auto& y : b) {
      if (x.second == y.second) return false;
    }
  }
  return true;
}
Binding Concat(const Binding& a, const Binding& b) {
  Binding c = a;
  c.insert(c.end(), b.begin(), b.end());
  std::sort(c.begin(), c.end());
  return c;
}

// Random pattern generator that also builds the reference binding lists.
class Generator {
 public:
  Generator(std::mt19937* rng, const std::vector<Obs>* obs) : rng_(*rng), obs_(*obs) {}

  // Returns the pattern text; *out gets all bindings. Sets too_big_ when lists explode.
  std::string Gen(int depth, std::vector<Binding>* out) {
    int kind = depth <= 0 ? 0 : Pick(7);
    if (kind == 0) {
      int k = Pick(3);
      int leaf = leaves_++;
      for (size_t o = 0; o < obs_.size(); ++o) {
        if (obs_[o].value != k) continue;
        for (int c = 0; c < obs_[o].count; ++c) {
          out->push_back(Binding{{leaf, {static_cast<int>(o), c}}});
        }
      }
      return "[x:a = " + std::to_string(k) + "]";
    }
    if (kind <= 3) {
      std::vector<Binding> l, r;
      std::string a = Gen(depth - 1, &l);
      std::string b = Gen(depth - 1, &r);
      const char* op = kind == 1 ? "AND" : kind == 2 ? "OR" : "FOLLOWEDBY";
      if (kind == 2) {
        *out = l;
        out->insert(out->end(), r.begin(), r.end());
      } else {
        for (const Binding& x : l) {
          for (const Binding& y : r) {
            if (!Disjoint(x, y)) continue;
            if (kind == 3 && MaxFirst(x) > MinLast(y)) continue;
            out->push_back(Concat(x, y));
          }
        }
      }
      Check(*out);
      return "(" + a + " " + op + " " + b + ")";
    }
    std::vector<Binding> in;
    std::string e = "(" + Gen(depth - 1, &in) + ")";
    if (kind == 4) {
      int w = 1 + Pick(3);
      for (const Binding& b : in) {
        if (MaxFirst(b) - MinLast(b) <= w) out->push_back(b);
      }
      return e + " WITHIN " + std::to_string(w) + " SECONDS";
    }
    if (kind == 5) {
      int start = Pick(6), stop = Pick(8);
      for (const Binding& b : in) {
        bool ok = true;
        for (const auto& [leaf, slot] : b) {
          const Obs& o = obs_[slot.first];
          ok = ok && start <= o.last && o.first < stop;
        }
        if (ok) out->push_back(b);
      }
      return e + " START " + Ts(start) + " STOP " + Ts(stop);
    }
    int n = 2 + Pick(2);
    // Every n-subset of the list (by position) whose members are pairwise disjoint.
    std::vector<int> pick;
    Subsets(in, n, 0, &pick, out);
    Check(*out);
    return e + " REPEATS " + std::to_string(n) + " TIMES";
  }

  bool too_big() const { return too_big_; }

 private:
  int Pick(int n) { return static_cast<int>(rng_() % static_cast<unsigned>(n)); }
  static std::string Ts(int s) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "t'2020-01-01T00:00:%02dZ'", s);
    return buf;
  }
  int64_t MaxFirst(const Binding& b) const {
    int64_t m = INT64_MIN;
    for (const auto& [leaf, slot] : b) m = std::max(m, obs_[slot.first].first);
    return m;
  }
  int64_t MinLast(const Binding& b) const {
    int64_t m = INT64_MAX;
    for (const auto& [leaf, slot] : b) m = std::min(m, obs_[slot.first].last);
    return m;
  }
  void Check(const std::vector<Binding>& v) {
    if (v.size() > 20000) too_big_ = true;
  }
  void Subsets(const std::vector<Binding>& in, int n, size_t from, std::vector<int>* pick,
               std::vector<Binding>* out) {
    if (too_big_) return;
    if (static_cast<int>(pick->size()) == n) {
      Binding b;
      for (int i : *pick) b = Concat(b, in[i]);
      out->push_back(b);
      Check(*out);
      return;
    }
    for (size_t i = from; i < in.size(); ++i) {
      bool ok = true;
      for (int j : *pick) ok = ok && Disjoint(in[j], in[i]);
      if (!ok) continue;
      pick->push_back(static_cast<int>(i));
      Subsets(in, n, i + 1, pick, out);
      pick->pop_back();
    }
  }

  std::mt19937& rng_;
  const std::vector<Obs>& obs_;
  int leaves_ = 0;
  bool too_big_ = false;
};

std::string BundlesJson(const std::vector<Obs>& obs) {
  std::string out = "[";
  for (size_t i = 0; i < obs.size(); ++i) {
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "%s{\"type\":\"bundle\",\"id\":\"bundle--%zu\",\"objects\":["
                  "{\"type\":\"x\",\"id\":\"x--%zu\",\"a\":%d},"
                  "{\"type\":\"observed-data\",\"id\":\"observed-data--%zu\","
                  "\"first_observed\":\"2020-01-01T00:00:%02lldZ\","
                  "\"last_observed\":\"2020-01-01T00:00:%02lldZ\",\"number_observed\":%d,"
                  "\"object_refs\":[\"x--%zu\"]}]}",
                  i ? "," : "", i, i, obs[i].value, i, static_cast<long long>(obs[i].first),
                  static_cast<long long>(obs[i].last), obs[i].count, i);
    out += buf;
  }
  return out + "]";
}

TEST(SearchReferenceTest, AgreesWithBruteForceOnGeneratedInputs) {
  std::mt19937 rng(20240607);
  int compared = 0, matches = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::vector<Obs> obs;
    int n = 1 + static_cast<int>(rng() % 6);
    for (int i = 0; i < n; ++i) {
      int64_t first = rng() % 6;
      obs.push_back(Obs{static_cast<int>(rng() % 3), first, first + static_cast<int64_t>(rng() % 3),
                        1 + static_cast<int>(rng() % 2)});
    }
    std::vector<Binding> reference;
    Generator gen(&rng, &obs);
    std::string text = gen.Gen(1 + static_cast<int>(rng() % 3), &reference);
    if (gen.too_big()) continue;
    SCOPED_TRACE(text + " over " + BundlesJson(obs));
    StatusOr<Pattern> p = ParseAndCheck(text);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    StatusOr<json::Value> doc = json::Parse(BundlesJson(obs));
    ASSERT_TRUE(doc.ok());
    StatusOr<std::vector<Observation>> observations = ObservationsFromJson(*doc);
    ASSERT_TRUE(observations.ok());
    StatusOr<MatchResult> r = Evaluate(*p, *observations);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ++compared;
    ASSERT_EQ(r->matched, !reference.empty());
    if (!r->matched) continue;
    ++matches;
    // The binding found must be one of the reference's bindings.
    Binding got;
    for (const Bound& b : r->binding) {
      got.push_back({static_cast<int>(b.leaf), {static_cast<int>(b.observation),
                                                static_cast<int>(b.copy)}});
    }
    std::sort(got.begin(), got.end());
    std::set<Binding> all(reference.begin(), reference.end());
    EXPECT_TRUE(all.count(got)) << "binding not in the reference set";
  }
  // Enough cases of both outcomes were compared for the test to mean something.
  std::cout << "compared " << compared << " (" << matches << " matches)\n";
  EXPECT_GT(compared, 2000);
  EXPECT_GT(matches, 400);
  EXPECT_GT(compared - matches, 400);
}

}  // namespace
}  // namespace tadamun::pattern
