// The indicators a sweep looks for: every usable STIX indicator, compiled once.
//
// IndicatorSet::Builder takes STIX objects one by one (as the node's store streams them) and
// sorts each indicator into exactly one of:
//  - the exact index (match/compile.h: patterns that are ORs of simple comparisons);
//  - the pattern-engine fallback (any other valid single-observation STIX pattern): the
//    pattern is kept parsed, with the literals an event must contain for it to possibly match
//    (the prefilter; `always` when no literal is required, e.g. `!=`, ISSUBSET, MATCHES);
//  - unusable, with the reason (pattern_type other than "stix", a malformed value, a pattern
//    that needs several observations: observation AND, FOLLOWEDBY, REPEATS n > 1);
//  - skipped: revoked, or valid_until in the past (counted, not listed).
// Objects that are not indicators are counted and ignored. Nothing is dropped silently.
//
// Thread-safety: a built IndicatorSet is immutable and shared by the sweep's threads.
//
//   match::IndicatorSet::Builder b(Timestamp::FromUnixMicros(now));
//   for (const json::Value& o : objects) b.Add(o);
//   match::IndicatorSet set = std::move(b).Build();
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/timestamp.h"
#include "json/json.h"
#include "match/indexes.h"
#include "match/json_line.h"
#include "pattern/ast.h"

namespace tadamun::match {

struct IndicatorInfo {
  std::string id;    // indicator--…
  std::string name;  // "" when the indicator has none
};

struct UnusableIndicator {
  std::string id;
  std::string name;
  std::string reason;
};

struct FallbackPattern {
  uint32_t indicator = 0;            // index into IndicatorSet::indicators()
  pattern::Pattern pattern;
  std::vector<std::string> needles;  // lower-case; an event must contain one (substring)
  bool always = false;               // no literal required: evaluated on every event
};

struct IndicatorCounts {
  uint64_t objects = 0;         // objects offered to the builder
  uint64_t indicators = 0;      // of which STIX indicators
  uint64_t indexed = 0;         // compiled into the exact index
  uint64_t fallback = 0;        // evaluated by the pattern engine
  uint64_t unusable = 0;        // listed with a reason
  uint64_t revoked = 0;         // skipped: revoked
  uint64_t expired = 0;         // skipped: valid_until before now
  uint64_t index_entries = 0;   // exact index entries
};

class IndicatorSet {
 public:
  class Builder {
   public:
    // `now` decides which indicators have expired.
    explicit Builder(Timestamp now) : now_(now) {}
    // One STIX object as a DOM.
    void Add(const json::Value& object);
    // One STIX object as compact JSON text (as the store keeps it): the top-level properties
    // are read with the JSON line scanner, without building a tree (the DOM is used only for
    // revoked objects). Text that does not parse is counted as an unusable object.
    void AddJson(std::string_view text);
    IndicatorSet Build() &&;

   private:
    struct Fields {
      std::string_view type, id, name, pattern, pattern_type, valid_until;
      bool revoked = false;
    };
    void AddFields(const Fields& f);
    Timestamp now_;
    JsonLineScanner scanner_;
    IndicatorIndex::Builder index_;
    std::vector<IndicatorInfo> indicators_;
    std::vector<FallbackPattern> fallback_;
    std::vector<UnusableIndicator> unusable_;
    IndicatorCounts counts_;
  };

  const IndicatorIndex& index() const { return index_; }
  const std::vector<IndicatorInfo>& indicators() const { return indicators_; }
  const std::vector<FallbackPattern>& fallback() const { return fallback_; }
  const std::vector<UnusableIndicator>& unusable() const { return unusable_; }
  const IndicatorCounts& counts() const { return counts_; }

 private:
  IndicatorIndex index_;
  std::vector<IndicatorInfo> indicators_;
  std::vector<FallbackPattern> fallback_;
  std::vector<UnusableIndicator> unusable_;
  IndicatorCounts counts_;
};

// The literals an event must contain for `p` to possibly match (lower-case), or nullopt-like
// `*always = true` when the pattern can match without any literal. Exposed for tests.
void PatternNeedles(const pattern::Pattern& p, std::vector<std::string>* needles, bool* always);

// The fewest observations one match of `p` binds (1 for single-observation patterns).
uint64_t MinimumObservations(const pattern::Pattern& p);

}  // namespace tadamun::match
