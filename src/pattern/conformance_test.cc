// Conformance with the OASIS reference implementations: every STIX 2.1 case of the reference
// matcher's and validator's own test suites (tests/data/pattern/*.jsonl, see its README).
// Deliberate deviations are listed here and in docs/pattern-semantics.md; for those the test
// pins our own documented outcome instead.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "json/json.h"
#include "pattern/check.h"
#include "pattern/evaluate.h"
#include "pattern/observation.h"

namespace tadamun::pattern {
namespace {

std::vector<json::Value> ReadCases(const std::string& name) {
  std::ifstream in(std::string(TADAMUN_TEST_DATA_DIR) + "/pattern/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::vector<json::Value> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    StatusOr<json::Value> v = json::Parse(line, {.max_depth = 128});
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    if (v.ok()) out.push_back(std::move(*v));
  }
  return out;
}

std::string Str(const json::Value& c, std::string_view key) {
  const json::Value* v = c.Find(key);
  return v && v->is_string() ? v->str() : "";
}

// Our outcome for one matcher case: "match", "nomatch", "invalid" (Parse/Check rejected it)
// or "error" (Evaluate failed), plus the observed-data ids of the binding.
struct Outcome {
  std::string kind;
  std::string message;
  std::vector<std::string> ids;
  std::vector<uint32_t> indexes;
};

Outcome RunCase(const json::Value& c) {
  Outcome o;
  StatusOr<Pattern> p = ParseAndCheck(Str(c, "pattern"));
  if (!p.ok()) return {"invalid", p.status().message(), {}, {}};
  StatusOr<std::vector<Observation>> obs = ObservationsFromJson(*c.Find("observed_data"));
  if (!obs.ok()) return {"error", obs.status().message(), {}, {}};
  StatusOr<MatchResult> r = Evaluate(*p, *obs);
  if (!r.ok()) return {"error", r.status().ToString(), {}, {}};
  o.kind = r->matched ? "match" : "nomatch";
  o.ids = r->ObservedDataIds(*obs);
  for (const Bound& b : r->binding) o.indexes.push_back(b.observation);
  std::sort(o.indexes.begin(), o.indexes.end());
  o.indexes.erase(std::unique(o.indexes.begin(), o.indexes.end()), o.indexes.end());
  return o;
}

std::string Expected(const json::Value& c) {
  const json::Value* err = c.Find("expect_error");
  if (err && err->is_string()) return err->str() == "parse" ? "invalid" : "error";
  return c.Find("expected")->bool_value() ? "match" : "nomatch";
}

// Deliberate deviations (2.1): case id -> our outcome.
const std::map<std::string, std::string> kMatcherDeviations = {
    // `[x] REPEATS 2 TIMES REPEATS n TIMES`: the reference validator (stix2-patterns) rejects a
    // repeated qualifier type on one bracket ("Duplicate qualifier type"); we follow the
    // validator so import validation and evaluation agree.
    {"m0660", "invalid"},
    {"m0664", "invalid"},
};

TEST(ConformanceTest, MatcherCasesStix21) {
  int total = 0, agree = 0, phase_differs = 0, deviations = 0, bindings_checked = 0,
      bindings_agree = 0, bindings_informative = 0;
  for (const json::Value& c : ReadCases("matcher-cases.jsonl")) {
    if (Str(c, "stix_version") != "2.1") continue;
    ++total;
    std::string id = Str(c, "id");
    Outcome got = RunCase(c);
    std::string want = Expected(c);
    if (auto dev = kMatcherDeviations.find(id); dev != kMatcherDeviations.end()) {
      ++deviations;
      EXPECT_EQ(got.kind, dev->second) << id << " " << Str(c, "pattern") << ": " << got.message;
      continue;
    }
    // An expected evaluation-time error may be reported by our semantic checks instead
    // (WITHIN 0 SECONDS, mixed-type IN sets): still an error, found earlier.
    bool ok = got.kind == want || (want == "error" && got.kind == "invalid");
    if (ok && got.kind != want) ++phase_differs;
    EXPECT_TRUE(ok) << id << " " << Str(c, "pattern") << ": want " << want << ", got "
                    << got.kind << " " << got.message;
    if (!ok) continue;
    ++agree;
    if (want == "match") {
      std::vector<std::string> ref;
      for (const json::Value& v : c.Find("first_binding")->items()) ref.push_back(v.str());
      bool same = ref == got.ids;
      if (c.Find("checks_first_binding")->bool_value()) {
        ++bindings_checked;
        EXPECT_EQ(ref, got.ids) << id << " " << Str(c, "pattern");
        bindings_agree += same;
      } else {
        bindings_informative += same;
      }
    }
  }
  std::cout << "matcher 2.1: " << agree << " of " << total - deviations
            << " agree (" << phase_differs << " errors found at check time instead of "
            << "evaluation), " << deviations << " deliberate deviations; first bindings: "
            << bindings_agree << " of " << bindings_checked << " checked agree, "
            << bindings_informative << " more agree informatively\n";
  EXPECT_EQ(total, 411);
}

TEST(ConformanceTest, ValidatorCasesStix21) {
  int total = 0, agree = 0;
  for (const json::Value& c : ReadCases("validator-cases.jsonl")) {
    if (Str(c, "stix_version") != "2.1") continue;
    ++total;
    Status s = Check(Str(c, "pattern"));
    bool want = c.Find("valid")->bool_value();
    EXPECT_EQ(s.ok(), want) << Str(c, "id") << " " << Str(c, "pattern") << ": " << s.ToString();
    agree += s.ok() == want;
  }
  std::cout << "validator 2.1: " << agree << " of " << total << " agree\n";
  EXPECT_EQ(total, 87);
}

// STIX 2.0 cases, informative: 2.0 is not a goal. Every disagreement must be one of the
// known differences between 2.0 and 2.1 (or our documented decision), never a wrong answer.
TEST(ConformanceTest, MatcherCasesStix20Informative) {
  int total = 0, agree = 0, start_strings = 0, duplicate = 0, not_observed_data = 0;
  for (const json::Value& c : ReadCases("matcher-cases.jsonl")) {
    if (Str(c, "stix_version") != "2.0") continue;
    ++total;
    Outcome got = RunCase(c);
    std::string want = Expected(c);
    if (got.kind == want || (want == "error" && got.kind == "invalid")) {
      ++agree;
    } else if (got.kind == "invalid" && Str(c, "pattern").find("START '") != std::string::npos) {
      ++start_strings;  // 2.0 grammar: START/STOP take string literals, 2.1 timestamp literals
    } else if (got.kind == "invalid" && got.message.find("duplicate") != std::string::npos) {
      ++duplicate;  // our documented decision (m0660/m0664 in 2.1)
    } else if (got.kind == "error" &&
               got.message.find("expected a STIX bundle or an observed-data") != std::string::npos) {
      ++not_observed_data;  // old tests passing "cybox-container" objects
    } else {
      ADD_FAILURE() << Str(c, "id") << " " << Str(c, "pattern") << ": want " << want << ", got "
                    << got.kind << " " << got.message;
    }
  }
  std::cout << "matcher 2.0 (informative): " << agree << " of " << total << " agree; "
            << start_strings << " START with strings (2.0 grammar), " << duplicate
            << " duplicate qualifiers (decision), " << not_observed_data
            << " inputs that are not observed-data\n";
  EXPECT_EQ(total, 431);
}

}  // namespace
}  // namespace tadamun::pattern
