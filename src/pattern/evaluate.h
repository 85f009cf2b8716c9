// The STIX 2.1 pattern evaluator: does a pattern match a set of observations, and which
// observations bound each `[...]`?
//
// Semantics (STIX 2.1 §9, decisions in docs/pattern-semantics.md): a `[...]` holds for an
// observation when its comparison expression holds for one SCO of it (AND needs the same
// root SCO on both sides); observation AND and FOLLOWEDBY bind distinct observations;
// FOLLOWEDBY needs the left side's latest first_observed <= the right side's earliest
// last_observed; WITHIN w needs max(first_observed) - min(last_observed) <= w over the bound
// observations; START s STOP e needs every bound observation to overlap [s, e); REPEATS n
// binds n pairwise distinct matches of its expression. An observed-data with
// number_observed = k stands for k distinct observations.
//
// The search is a depth-first search with pruning (time windows and intervals are checked as
// each observation is bound) and a work budget: every candidate observation tried costs one
// unit (max_work); property tests have their own budget (max_property_tests). Over EvalOptions limits: ResourceExhausted with a
// message naming the limit — never a hang. Evaluation errors (a t'…' literal compared with a
// property that is not a timestamp): InvalidArgument naming the column and the value.
//
// Thread-safe: Evaluate keeps all state on its own stack; Pattern and observations are read.
//
//   TADAMUN_ASSIGN_OR_RETURN(Pattern p, ParseAndCheck(text));
//   TADAMUN_ASSIGN_OR_RETURN(MatchResult r, Evaluate(p, observations, {}));
//   if (r.matched) for (const Bound& b : r.binding) Use(observations[b.observation].id);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "json/json.h"
#include "pattern/ast.h"
#include "pattern/observation.h"

namespace tadamun::pattern {

struct EvalOptions {
  // Search steps (candidate observations tried while looking for a binding) before giving up.
  // This is the budget that stops combinatorial searches (~0.2 s at the default).
  uint64_t max_work = 20'000'000;
  // Property values tested (each `[...]` against each observation's SCOs) before giving up.
  // Linear in pattern size x observations; ~100 M tests per second.
  uint64_t max_property_tests = 200'000'000;
  // Most observations one match may need (the pattern's minimum binding size, e.g. 10 for
  // REPEATS 10 TIMES); bounds the search depth. The search recurses once per bound
  // observation: at this default it needs under 512 KiB of stack (release build; ~4x under
  // ASan), so evaluate on threads with at least 1 MiB of stack (Linux default: 8 MiB).
  uint32_t max_binding_size = 512;
  // Most observations after number_observed expansion. Each observed-data contributes at most
  // as many observations as one match can bind, so huge number_observed values stay cheap.
  uint64_t max_observations = 1'000'000;
};

// One `[...]` of the pattern bound to one observation.
struct Bound {
  uint32_t leaf = 0;         // which `[...]`, 0-based, left to right in the pattern text
  uint32_t observation = 0;  // index into the observations passed to Evaluate
  int64_t copy = 0;          // which of its number_observed observations (0-based)
};

struct MatchResult {
  bool matched = false;
  std::vector<Bound> binding;   // the first match found (empty when !matched)
  uint64_t work = 0;            // search steps spent
  uint64_t property_tests = 0;  // property values tested

  // Distinct observed-data ids of the binding, in observation order.
  std::vector<std::string> ObservedDataIds(const std::vector<Observation>& observations) const;
};

// {"matched": bool, "work": n, "property_tests": n, "observed_data": [ids], "bindings": [{"expression": leaf,
//  "observation": index, "copy": n, "observed_data": id}]}, for `tadamun pattern match --json`.
json::Value MatchResultToJson(const MatchResult& result,
                              const std::vector<Observation>& observations);

// Precondition: none (the pattern is re-checked; an invalid one gives InvalidArgument).
StatusOr<MatchResult> Evaluate(const Pattern& pattern, const std::vector<Observation>& observations,
                               const EvalOptions& options = {});

}  // namespace tadamun::pattern
