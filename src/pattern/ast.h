// The syntax tree of a STIX 2.1 pattern: a closed set of plain structs and std::variants.
//
// A Pattern owns two flat arrays of nodes: comparison nodes (inside `[...]`) and observation
// nodes (outside). Children are referenced by index into those arrays, so the tree has no
// pointers, copies cheaply, and every walk over it can be written as a loop over indexes
// (children always have smaller indexes than their parent, so index order is a post-order).
// Each node keeps the 1-based column (in code points) where it starts in the pattern text,
// for error messages.
//
// Values; thread-compatible (a const Pattern may be shared between threads).
//
//   TADAMUN_ASSIGN_OR_RETURN(pattern::Pattern p, pattern::Parse("[file:name = 'a.exe']", {}));
//   const auto& root = p.observations[p.root];
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "base/timestamp.h"

namespace tadamun::pattern {

// ---- Literals -------------------------------------------------------------------------------

struct IntLit {
  int64_t value = 0;
};
struct FloatLit {
  double value = 0;
};
struct StringLit {
  std::string value;  // UTF-8, escapes resolved
};
struct BoolLit {
  bool value = false;
};
struct BinaryLit {
  std::string bytes;  // decoded from b'base64' or h'hex'
  bool hex = false;   // written as h'…'
};
struct TimestampLit {
  Timestamp value;
  std::string text;  // as written between the quotes
};
using Literal = std::variant<IntLit, FloatLit, StringLit, BoolLit, BinaryLit, TimestampLit>;

// ---- Object paths ---------------------------------------------------------------------------

struct PathStep {
  enum class Kind : uint8_t { kKey, kIndex, kAnyIndex };
  Kind kind = Kind::kKey;
  std::string key;    // kKey: property or dictionary key (quotes removed)
  int64_t index = 0;  // kIndex (may be negative: the grammar allows it; it selects nothing)
  uint32_t column = 0;
};

struct ObjectPath {
  std::string object_type;      // before the colon
  std::vector<PathStep> steps;  // the first step is always a kKey
  uint32_t column = 0;
};

// ---- Comparison expressions (inside brackets) ------------------------------------------------

enum class CompareOp : uint8_t {
  kEq, kNe, kLt, kLe, kGt, kGe, kIn, kLike, kMatches, kIsSubset, kIsSuperset, kExists,
};
std::string_view CompareOpName(CompareOp op);

struct Comparison {
  ObjectPath path;
  CompareOp op = CompareOp::kEq;
  bool negated = false;         // NOT before the operator
  std::vector<Literal> values;  // one literal; IN: the set (maybe empty); EXISTS: none
  uint32_t column = 0;          // of the object path
  uint32_t literal_column = 0;  // of the (first) literal, or of the operator for EXISTS
};

struct BoolExpr {
  enum class Op : uint8_t { kAnd, kOr };
  Op op = Op::kAnd;
  uint32_t left = 0;   // index into Pattern::comparisons
  uint32_t right = 0;
  uint32_t column = 0;
};

using ComparisonNode = std::variant<Comparison, BoolExpr>;

// ---- Observation expressions ----------------------------------------------------------------

struct ObsSimple {  // [ comparison expression ]
  uint32_t comparison = 0;  // root index into Pattern::comparisons
  uint32_t leaf = 0;        // 0-based number of this bracket in the pattern, left to right
  uint32_t column = 0;
};
struct ObsBinary {
  enum class Op : uint8_t { kAnd, kOr, kFollowedBy };
  Op op = Op::kAnd;
  uint32_t left = 0;  // index into Pattern::observations
  uint32_t right = 0;
  uint32_t column = 0;
};
struct ObsWithin {
  uint32_t child = 0;
  double seconds = 0;  // > 0 after Check
  int64_t nanos = 0;   // seconds as nanoseconds (rounded up)
  uint32_t column = 0;
};
struct ObsRepeats {
  uint32_t child = 0;
  int64_t times = 0;  // >= 1 after Check
  uint32_t column = 0;
};
struct ObsStartStop {
  uint32_t child = 0;
  Timestamp start;
  Timestamp stop;
  uint32_t column = 0;
};
// A parenthesised observation expression; kept so checks can tell `([a]) X` from `[a] X`.
struct ObsGroup {
  uint32_t child = 0;
  uint32_t column = 0;
};

using ObservationNode =
    std::variant<ObsSimple, ObsBinary, ObsWithin, ObsRepeats, ObsStartStop, ObsGroup>;

// ---- The whole pattern ----------------------------------------------------------------------

struct Pattern {
  std::string text;
  std::vector<ComparisonNode> comparisons;
  std::vector<ObservationNode> observations;
  uint32_t root = 0;        // index into observations
  uint32_t leaf_count = 0;  // number of [ ... ] observation expressions
};

}  // namespace tadamun::pattern
