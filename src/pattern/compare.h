// Comparison expressions (the inside of `[...]`) compiled once and evaluated per observation.
//
// A comparison holds for a root SCO when some value its object path selects passes the test
// (NOT negates each value's test; a path that selects nothing is false, NOT or not); AND
// intersects and OR unites the sets of root SCOs, so `[a:x = 1 AND a:y = 2]` needs one SCO
// with both. Type rules (docs/pattern-semantics.md): numbers compare as numbers, strings by
// code point, `_hex`/`_bin` properties and h''/b'' literals as bytes (a string compares with
// bytes when all its code points are < 256), t'…' with timestamp strings (any other string
// is an evaluation error), booleans only with booleans; mismatched types are unequal and
// unordered. LIKE/MATCHES compare NFC-normalised text (RE2, linear time).
//
// Immutable after Compile(); Holds() is const and thread-safe.
//
//   TADAMUN_ASSIGN_OR_RETURN(auto c, CompiledComparisons::Compile(pattern));
//   TADAMUN_ASSIGN_OR_RETURN(bool holds, c->Holds(0, observation, &work));
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "base/status.h"
#include "pattern/ast.h"
#include "pattern/observation.h"

namespace tadamun::pattern {

class CompiledComparisons {
 public:
  static StatusOr<std::unique_ptr<CompiledComparisons>> Compile(const Pattern& pattern);
  ~CompiledComparisons();
  CompiledComparisons(const CompiledComparisons&) = delete;
  CompiledComparisons& operator=(const CompiledComparisons&) = delete;

  // Whether `[...]` number `leaf` holds for observation `o`. Adds the property values tested
  // to *work. InvalidArgument for an evaluation error.
  StatusOr<bool> Holds(uint32_t leaf, const Observation& o, uint64_t* work) const;

  struct Compiled;  // per comparison node (regexes, CIDR, Latin-1 forms)

 private:
  CompiledComparisons() = default;
  const Pattern* pattern_ = nullptr;
  std::vector<std::unique_ptr<Compiled>> compiled_;  // by comparison index
  std::vector<std::pair<uint32_t, uint32_t>> leaf_range_;  // [first, root] node indexes
};

}  // namespace tadamun::pattern
