// tadamun pattern check | match: STIX 2.1 patterns (pattern/check.h, pattern/evaluate.h).
//
//   tadamun pattern check 'PATTERN'          exit 0 valid, 2 invalid (message and column)
//   tadamun pattern match --pattern P --observed FILE [--json]
//                                            exit 0 match, 1 no match, 2 invalid pattern,
//                                            3 evaluation error (unreadable file, bad JSON,
//                                            bad observed-data, a limit reached)
#include <cstdio>

#include "base/env.h"
#include "command.h"
#include "json/json.h"
#include "pattern/check.h"
#include "pattern/evaluate.h"
#include "pattern/observation.h"

namespace tadamun::cli {
namespace {

constexpr uint64_t kMaxObservedBytes = uint64_t{256} << 20;

int RunCheck(const Invocation& inv) {
  if (inv.positionals.size() != 1) return UsageError(inv, "expects one PATTERN argument");
  const std::string& text = inv.positionals[0];
  Status s = pattern::Check(text);
  if (!s.ok()) {
    std::fprintf(stderr, "tadamun pattern check: invalid pattern: %s\n",
                 pattern::DescribeError(text, s).c_str());
    return 2;
  }
  std::printf("valid\n");
  return 0;
}

int EvalError(const Status& s) {
  std::fprintf(stderr, "tadamun pattern match: %s\n", s.ToString().c_str());
  return 3;
}

int RunMatch(const Invocation& inv) {
  if (!inv.positionals.empty()) return UsageError(inv, "takes no arguments; use --pattern and --observed");
  auto text = inv.Value("pattern");
  auto file = inv.Value("observed");
  if (!text || !file) return UsageError(inv, "needs --pattern PATTERN and --observed FILE");
  StatusOr<pattern::Pattern> p = pattern::ParseAndCheck(*text);
  if (!p.ok()) {
    std::fprintf(stderr, "tadamun pattern match: invalid pattern: %s\n",
                 pattern::DescribeError(*text, p.status()).c_str());
    return 2;
  }
  StatusOr<std::string> bytes = Env::Default()->ReadFile(*file, kMaxObservedBytes);
  if (!bytes.ok()) return EvalError(bytes.status());
  StatusOr<json::Value> doc = json::Parse(*bytes);
  if (!doc.ok()) return EvalError(doc.status().WithPrefix(*file));
  StatusOr<std::vector<pattern::Observation>> obs = pattern::ObservationsFromJson(*doc);
  if (!obs.ok()) return EvalError(obs.status().WithPrefix(*file));
  StatusOr<pattern::MatchResult> r = pattern::Evaluate(*p, *obs);
  if (!r.ok()) return EvalError(r.status());
  if (inv.Has("json")) {
    std::printf("%s\n", json::ToPrettyJson(pattern::MatchResultToJson(*r, *obs)).c_str());
  } else if (r->matched) {
    std::printf("match:");
    for (const std::string& id : r->ObservedDataIds(*obs)) std::printf(" %s", id.c_str());
    std::printf("\n");
  } else {
    std::printf("no match\n");
  }
  return r->matched ? 0 : 1;
}

const Registration kCheck({
    .name = "pattern check",
    .args = "PATTERN",
    .summary = "check that a STIX 2.1 pattern is valid",
    .help = "Exit 0 when PATTERN is a valid STIX 2.1 pattern; 2 with the error, its column and\n"
            "what was expected when it is not.",
    .run = RunCheck,
    .uses_node = false,
});

const Registration kMatch({
    .name = "pattern match",
    .summary = "evaluate a STIX 2.1 pattern against observed data",
    .help = "FILE is a JSON list of STIX 2.1 bundles holding observed-data and the SCOs they\n"
            "reference. Exit 0 match, 1 no match, 2 invalid pattern, 3 evaluation error.\n"
            "--json prints the observed-data bound to each [...] of the pattern.",
    .flags = {{"pattern", "PATTERN", "the STIX pattern"},
              {"observed", "FILE", "JSON list of STIX 2.1 bundles"},
              {"json", "", "print the result and bindings as JSON"}},
    .run = RunMatch,
    .uses_node = false,
});

}  // namespace
}  // namespace tadamun::cli
