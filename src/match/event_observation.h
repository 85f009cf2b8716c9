// One log event as STIX observed-data, and the pattern-engine fallback of the sweep.
//
// EventBundle maps the fields of one log line to SCOs (docs/sweep-semantics.md, "Observed-data
// of an event"): each value that is looked up is cut into tokens as the sweep cuts it, and each
// token is classified as match/token.h classifies it — URL -> `url` (plus its host as
// `domain-name` / `ipv4-addr` / `ipv6-addr`), e-mail -> `email-addr` (plus its domain),
// IPv4 / IPv6 (port dropped) -> `ipv4-addr` / `ipv6-addr`, hash -> `file` with
// `hashes.{MD5,SHA-1,SHA-256,SHA-384,SHA-512}` by length, wallet -> `cryptocurrency-wallet`,
// a dotted domain name (port dropped) -> `domain-name`. Zeek (`id.orig_h`, `id.orig_p`,
// `id.resp_h`, `id.resp_p`, `proto`) and EVE (`src_ip`, `src_port`, `dest_ip`, `dest_port`,
// `proto`) connection fields also give a `network-traffic` with src_ref/dst_ref/ports/protocols.
// Values keep the spelling of the log. One observed-data, number_observed 1,
// first_observed = last_observed = the event's time.
//
// FallbackMatcher evaluates the IndicatorSet's fallback patterns on one event: a pattern is
// evaluated only when one of its needles is a (case-insensitive) substring of one of the
// event's values, or always when it has none; the bundle is built once per event, lazily.
//
// Thread-safety: a FallbackMatcher is used by one thread (it keeps scratch buffers); the
// IndicatorSet it reads is shared.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/timestamp.h"
#include "json/json.h"
#include "match/indicator_set.h"

namespace tadamun::match {

struct EventField {
  std::string name;
  std::string value;
  bool looked_up = true;  // false: numbers, counters, times (not cut into SCOs)
};

// A bundle holding the SCOs of the event and one observed-data referring to them.
json::Value EventBundle(const std::vector<EventField>& fields, size_t count, Timestamp time);

struct FallbackHit {
  uint32_t indicator = 0;
  std::string value;  // the value that held a needle ("" for patterns without needles)
};

class FallbackMatcher {
 public:
  explicit FallbackMatcher(const IndicatorSet& set) : set_(set) {}
  // Appends the fallback indicators the event matches (each once).
  void Match(const std::vector<EventField>& fields, size_t count, Timestamp time,
             std::vector<FallbackHit>* hits);

  uint64_t evaluations() const { return evaluations_; }
  uint64_t errors() const { return errors_; }  // evaluations over the engine's limits
  const std::string& last_error() const { return last_error_; }

 private:
  const IndicatorSet& set_;
  std::vector<std::string> lower_;
  uint64_t evaluations_ = 0;
  uint64_t errors_ = 0;
  std::string last_error_;
};

}  // namespace tadamun::match
