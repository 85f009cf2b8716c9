// Golden cases of our own, one file per construct group under tests/data/pattern/golden/.
//
// File format (one case per block, blocks start with "== name"):
//   == name of the case
//   pattern: [x:a = 1]
//   obs: FIRST LAST COUNT JSON      (zero or more; one observed-data each, in its own bundle;
//                                    JSON is one SCO or a list of SCOs, all in object_refs;
//                                    SCOs without "id" get "<type>--<n>")
//   extra: JSON                     (optional: SCOs in the last obs's bundle, not in object_refs)
//   expect: match [i,j,...]         (optional list: observation indexes bound, ascending)
//   expect: nomatch | error | exhausted | invalid COLUMN
// Lines starting with '#' are comments.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "json/json.h"
#include "pattern/check.h"
#include "pattern/evaluate.h"
#include "pattern/observation.h"

namespace tadamun::pattern {
namespace {

struct Case {
  std::string file, name, pattern, expect;
  std::vector<std::string> obs;
  std::vector<std::string> extra;
  int line = 0;
};

std::vector<Case> Load() {
  std::vector<Case> cases;
  std::string dir = std::string(TADAMUN_TEST_DATA_DIR) + "/pattern/golden";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.empty() || line[0] == '#') continue;
      auto value = [&](std::string_view key) { return line.substr(key.size()); };
      if (line.rfind("== ", 0) == 0) {
        cases.push_back(Case{f.filename().string(), line.substr(3), "", "", {}, {}, n});
      } else if (cases.empty()) {
        ADD_FAILURE() << f << ":" << n << ": text before the first '== name'";
      } else if (line.rfind("pattern: ", 0) == 0) {
        cases.back().pattern = value("pattern: ");
      } else if (line.rfind("obs: ", 0) == 0) {
        cases.back().obs.push_back(value("obs: "));
        cases.back().extra.emplace_back();
      } else if (line.rfind("extra: ", 0) == 0) {
        cases.back().extra.back() = value("extra: ");
      } else if (line.rfind("expect: ", 0) == 0) {
        cases.back().expect = value("expect: ");
      } else {
        ADD_FAILURE() << f << ":" << n << ": unknown line: " << line;
      }
    }
  }
  return cases;
}

// Builds the JSON list of bundles for a case's obs lines.
std::string Bundles(const Case& c) {
  std::string out = "[";
  int sco = 0;
  for (size_t i = 0; i < c.obs.size(); ++i) {
    std::istringstream in(c.obs[i]);
    std::string first, last, count, rest;
    in >> first >> last >> count;
    std::getline(in, rest);
    StatusOr<json::Value> scos = json::Parse(rest);
    EXPECT_TRUE(scos.ok()) << c.name << ": " << scos.status().ToString();
    if (!scos.ok()) return "[]";
    json::Value list = scos->is_array() ? *scos : json::Value::Array();
    if (!scos->is_array()) list.Append(*scos);
    json::Value refs = json::Value::Array();
    json::Value objects = json::Value::Array();
    for (json::Value& o : list.items()) {
      if (!o.Find("id")) o.Set("id", json::Value::String(o.Find("type")->str() + "--" + std::to_string(sco++)));
      refs.Append(json::Value::String(o.Find("id")->str()));
      objects.Append(o);
    }
    if (!c.extra[i].empty()) {
      StatusOr<json::Value> extra = json::Parse(c.extra[i]);
      EXPECT_TRUE(extra.ok()) << c.name;
      if (extra.ok()) for (const json::Value& o : extra->items()) objects.Append(o);
    }
    json::Value od = json::Value::Object();
    od.Set("type", json::Value::String("observed-data"));
    od.Set("id", json::Value::String("observed-data--" + std::to_string(i)));
    od.Set("first_observed", json::Value::String(first));
    od.Set("last_observed", json::Value::String(last));
    od.Set("number_observed", json::Value::NumberText(count));
    od.Set("object_refs", refs);
    objects.Append(od);
    json::Value bundle = json::Value::Object();
    bundle.Set("type", json::Value::String("bundle"));
    bundle.Set("id", json::Value::String("bundle--" + std::to_string(i)));
    bundle.Set("objects", objects);
    if (i) out += ",";
    out += json::ToJson(bundle);
  }
  return out + "]";
}

TEST(GoldenTest, AllCases) {
  std::vector<Case> cases = Load();
  ASSERT_GE(cases.size(), 100u);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file + ":" + std::to_string(c.line) + " " + c.name + ": " + c.pattern);
    ASSERT_FALSE(c.expect.empty());
    StatusOr<Pattern> p = ParseAndCheck(c.pattern);
    if (c.expect.rfind("invalid", 0) == 0) {
      ASSERT_FALSE(p.ok());
      std::string column = c.expect.substr(std::string("invalid ").size());
      EXPECT_EQ(p.status().message().rfind("column " + column + ":", 0), 0u)
          << p.status().message();
      continue;
    }
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    std::string text = Bundles(c);
    StatusOr<json::Value> doc = json::Parse(text);
    ASSERT_TRUE(doc.ok());
    StatusOr<std::vector<Observation>> obs = ObservationsFromJson(*doc);
    ASSERT_TRUE(obs.ok()) << obs.status().ToString();
    EvalOptions options;
    options.max_work = 100000;
    StatusOr<MatchResult> r = Evaluate(*p, *obs, options);
    if (c.expect == "error") {
      EXPECT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
      continue;
    }
    if (c.expect == "exhausted") {
      EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted) << r.status().ToString();
      continue;
    }
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    if (c.expect == "nomatch") {
      EXPECT_FALSE(r->matched);
      continue;
    }
    ASSERT_EQ(c.expect.rfind("match", 0), 0u) << "bad expect: " << c.expect;
    EXPECT_TRUE(r->matched);
    std::string want = c.expect.substr(5);
    want.erase(std::remove(want.begin(), want.end(), ' '), want.end());
    if (!want.empty()) {
      std::vector<uint32_t> idx;
      for (const Bound& b : r->binding) idx.push_back(b.observation);
      std::sort(idx.begin(), idx.end());
      idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
      std::string got = "[";
      for (size_t i = 0; i < idx.size(); ++i) got += (i ? "," : "") + std::to_string(idx[i]);
      EXPECT_EQ(got + "]", want);
    }
  }
}

}  // namespace
}  // namespace tadamun::pattern
