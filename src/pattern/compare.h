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
//   auto scratch = c->NewScratch();
//   TADAMUN_ASSIGN_OR_RETURN(bool holds, c->Holds(0, observation, &tests, scratch.get()));
#pragma once

#include <cstdint>
#include <memory>
#include <string>
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

  // Whether `[...]` number `leaf` holds for observation `o`. Adds the number of property
  // values tested to *tests. InvalidArgument for an evaluation error.
  // `scratch` (from NewScratch) is reused between calls to avoid allocation; one per thread.
  struct Scratch;
  struct ScratchDeleter {
    void operator()(Scratch* s) const;
  };
  using ScratchPtr = std::unique_ptr<Scratch, ScratchDeleter>;
  ScratchPtr NewScratch() const;
  StatusOr<bool> Holds(uint32_t leaf, const Observation& o, uint64_t* tests,
                       Scratch* scratch) const;

  struct Compiled;  // per comparison node (regexes, CIDR, Latin-1 forms)

 private:
  CompiledComparisons() = default;
  const Pattern* pattern_ = nullptr;
  std::vector<std::unique_ptr<Compiled>> compiled_;  // by comparison index
  std::vector<std::pair<uint32_t, uint32_t>> leaf_range_;  // [first, root] node indexes
  std::vector<std::vector<std::string>> leaf_types_;        // object types each leaf names
};

}  // namespace tadamun::pattern
