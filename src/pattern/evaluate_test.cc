#include "pattern/evaluate.h"

#include <gtest/gtest.h>

#include <string>

#include "json/json.h"
#include "pattern/check.h"

namespace tadamun::pattern {
namespace {

// One bundle per (first_observed, number_observed, value of x:a).
json::Value Bundles(const std::vector<std::tuple<std::string, int, int>>& rows) {
  std::string text = "[";
  for (size_t i = 0; i < rows.size(); ++i) {
    auto [t, n, a] = rows[i];
    text += (i ? "," : "") + std::string("{\"type\":\"bundle\",\"id\":\"bundle--") +
            std::to_string(i) + "\",\"objects\":[{\"type\":\"x\",\"id\":\"x--" + std::to_string(i) +
            "\",\"a\":" + std::to_string(a) +
            "},{\"type\":\"observed-data\",\"id\":\"observed-data--" + std::to_string(i) +
            "\",\"first_observed\":\"" + t + "\",\"last_observed\":\"" + t +
            "\",\"number_observed\":" + std::to_string(n) + ",\"object_refs\":[\"x--" +
            std::to_string(i) + "\"]}]}";
  }
  StatusOr<json::Value> v = json::Parse(text + "]");
  EXPECT_TRUE(v.ok());
  return *v;
}

TEST(EvaluateTest, ReportsBindingPerLeaf) {
  json::Value doc = Bundles({{"2020-01-01T00:00:00Z", 1, 1}, {"2020-01-01T00:00:01Z", 1, 2}});
  auto obs = ObservationsFromJson(doc);
  ASSERT_TRUE(obs.ok());
  auto p = ParseAndCheck("[x:a = 2] OR ([x:a = 1] FOLLOWEDBY [x:a = 2])");
  ASSERT_TRUE(p.ok());
  auto r = Evaluate(*p, *obs);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->matched);
  // OR tries its left side first: leaf 0 bound to observation 1.
  ASSERT_EQ(r->binding.size(), 1u);
  EXPECT_EQ(r->binding[0].leaf, 0u);
  EXPECT_EQ(r->binding[0].observation, 1u);
  EXPECT_EQ(r->ObservedDataIds(*obs), std::vector<std::string>{"observed-data--1"});
  EXPECT_GT(r->work, 0u);

  p = ParseAndCheck("[x:a = 1] FOLLOWEDBY [x:a = 2]");
  r = Evaluate(*p, *obs);
  ASSERT_TRUE(r.ok() && r->matched);
  ASSERT_EQ(r->binding.size(), 2u);
  EXPECT_EQ(r->binding[0].leaf, 0u);
  EXPECT_EQ(r->binding[0].observation, 0u);
  EXPECT_EQ(r->binding[1].leaf, 1u);
  EXPECT_EQ(r->binding[1].observation, 1u);
}

TEST(EvaluateTest, ResultAsJson) {
  json::Value doc = Bundles({{"2020-01-01T00:00:00Z", 2, 1}});
  auto obs = ObservationsFromJson(doc);
  auto r = Evaluate(*ParseAndCheck("[x:a = 1] AND [x:a = 1]"), *obs);
  ASSERT_TRUE(r.ok() && r->matched);
  json::Value j = MatchResultToJson(*r, *obs);
  StatusOr<json::Value> want = json::Parse(
      R"({"matched":true,"work":0,"observed_data":["observed-data--0"],"bindings":[)"
      R"({"expression":0,"observation":0,"copy":0,"observed_data":"observed-data--0"},)"
      R"({"expression":1,"observation":0,"copy":1,"observed_data":"observed-data--0"}]})");
  ASSERT_TRUE(want.ok());
  want->Set("work", json::Value::Int(static_cast<int64_t>(r->work)));
  want->Set("property_tests", json::Value::Int(static_cast<int64_t>(r->property_tests)));
  EXPECT_EQ(r->property_tests, 2u);  // 2 brackets x 1 observed-data (copies share the test)
  EXPECT_TRUE(json::Equal(j, *want)) << json::ToJson(j);
}

TEST(EvaluateTest, CopiesOfOneObservedData) {
  json::Value doc = Bundles({{"2020-01-01T00:00:00Z", 3, 1}});
  auto obs = ObservationsFromJson(doc);
  auto p = ParseAndCheck("[x:a = 1] REPEATS 3 TIMES");
  auto r = Evaluate(*p, *obs);
  ASSERT_TRUE(r.ok() && r->matched);
  std::vector<int64_t> copies;
  for (const Bound& b : r->binding) copies.push_back(b.copy);
  EXPECT_EQ(copies, (std::vector<int64_t>{0, 1, 2}));
}

TEST(EvaluateTest, WorkLimitStopsCombinatorialSearch) {
  // Twenty observations a=1 one second apart, all after the only b: 10-subsets are tried
  // until the budget runs out.
  std::vector<std::tuple<std::string, int, int>> rows = {{"2020-01-01T00:00:00Z", 1, 2}};
  for (int i = 1; i <= 20; ++i) {
    char t[32];
    std::snprintf(t, sizeof t, "2020-01-01T00:00:%02dZ", i);
    rows.emplace_back(t, 1, 1);
  }
  json::Value doc = Bundles(rows);
  auto obs = ObservationsFromJson(doc);
  auto p = ParseAndCheck("[x:a = 1] REPEATS 10 TIMES FOLLOWEDBY [x:a = 2]");
  EvalOptions o;
  o.max_work = 50000;
  auto r = Evaluate(*p, *obs, o);
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(r.status().message().find("max_work"), std::string::npos);
  // The WITHIN window prunes the same search to nothing quickly.
  p = ParseAndCheck("[x:a = 1] REPEATS 10 TIMES WITHIN 8 SECONDS");
  r = Evaluate(*p, *obs, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->matched);
  p = ParseAndCheck("[x:a = 1] REPEATS 10 TIMES WITHIN 9 SECONDS");
  r = Evaluate(*p, *obs, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->matched);
}

TEST(EvaluateTest, PropertyTestLimit) {
  json::Value doc = Bundles({{"2020-01-01T00:00:00Z", 1, 1}, {"2020-01-01T00:00:01Z", 1, 2}});
  auto obs = ObservationsFromJson(doc);
  auto p = ParseAndCheck("[x:a = 5] OR [x:a = 6] OR [x:a = 2]");
  EvalOptions o;
  o.max_property_tests = 5;  // 3 brackets x 2 observations = 6 tests
  EXPECT_EQ(Evaluate(*p, *obs, o).status().code(), StatusCode::kResourceExhausted);
  o.max_property_tests = 6;
  auto r = Evaluate(*p, *obs, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->matched);
  EXPECT_EQ(r->property_tests, 6u);
}

TEST(EvaluateTest, BindingSizeAndObservationLimits) {
  json::Value doc = Bundles({{"2020-01-01T00:00:00Z", 1000, 1}});
  auto obs = ObservationsFromJson(doc);
  auto p = ParseAndCheck("[x:a = 1] REPEATS 100 TIMES");
  EvalOptions o;
  o.max_binding_size = 50;
  EXPECT_EQ(Evaluate(*p, *obs, o).status().code(), StatusCode::kResourceExhausted);
  o = EvalOptions();
  o.max_observations = 10;
  EXPECT_EQ(Evaluate(*p, *obs, o).status().code(), StatusCode::kResourceExhausted);
  auto r = Evaluate(*p, *obs);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->matched);
}

TEST(ObservationTest, ErrorsNameTheElement) {
  auto bad = [](const std::string& text) {
    StatusOr<json::Value> v = json::Parse(text);
    EXPECT_TRUE(v.ok());
    return ObservationsFromJson(*v).status();
  };
  Status s = bad(R"([{"type":"observed-data","id":"observed-data--1","last_observed":"2020-01-01T00:00:00Z","number_observed":1}])");
  EXPECT_EQ(s.message(), "element 0 (observed-data--1): observed-data has no first_observed; expected a STIX timestamp string");
  s = bad(R"([{"type":"observed-data","first_observed":"2020-01-02T00:00:00Z","last_observed":"2020-01-01T00:00:00Z","number_observed":1}])");
  EXPECT_NE(s.message().find("before first_observed"), std::string::npos);
  s = bad(R"([{"type":"observed-data","first_observed":"2020-01-01T00:00:00Z","last_observed":"2020-01-01T00:00:00Z","number_observed":0}])");
  EXPECT_NE(s.message().find("number_observed"), std::string::npos);
  s = bad(R"([{"type":"indicator"}])");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  s = bad(R"({"type":"bundle"})");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  StatusOr<json::Value> many = json::Parse(R"([{"type":"observed-data","first_observed":"2020-01-01T00:00:00Z","last_observed":"2020-01-01T00:00:00Z","number_observed":1},{"type":"observed-data","first_observed":"2020-01-01T00:00:00Z","last_observed":"2020-01-01T00:00:00Z","number_observed":1}])");
  EXPECT_EQ(ObservationsFromJson(*many, {.max_observed_data = 1}).status().code(),
            StatusCode::kResourceExhausted);
}

TEST(ObservationTest, BundleRefsResolveWithinTheBundle) {
  StatusOr<json::Value> v = json::Parse(R"([
    {"type":"bundle","id":"bundle--1","objects":[
      {"type":"x","id":"x--1","r_ref":"y--1"},
      {"type":"y","id":"y--1","v":1},
      {"type":"observed-data","id":"observed-data--1","first_observed":"2020-01-01T00:00:00Z",
       "last_observed":"2020-01-01T00:00:00Z","number_observed":1,"object_refs":["x--1","nope--1"]}]},
    {"type":"bundle","id":"bundle--2","objects":[
      {"type":"y","id":"y--2","v":2}]}])");
  ASSERT_TRUE(v.ok());
  auto obs = ObservationsFromJson(*v);
  ASSERT_TRUE(obs.ok());
  ASSERT_EQ(obs->size(), 1u);
  EXPECT_EQ((*obs)[0].objects.size(), 1u);
  auto r = Evaluate(*ParseAndCheck("[x:r_ref.v = 1]"), *obs);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->matched);
}

// The search recurses once per bound observation: the largest patterns the limits allow must
// not exhaust the stack (this also runs under ASan, whose frames are larger).
TEST(EvaluateTest, DeepestSearchesFitTheStack) {
  json::Value doc = Bundles({{"2020-01-01T00:00:00Z", 1000, 1}});
  auto obs = ObservationsFromJson(doc);
  std::string chain = "[x:a = 1]";
  for (int i = 1; i < 500; ++i) chain += (i % 2 ? " AND [x:a = 1]" : " FOLLOWEDBY [x:a = 1]");
  auto p = ParseAndCheck(chain);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  auto r = Evaluate(*p, *obs);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->matched);
  EXPECT_EQ(r->binding.size(), 500u);
  r = Evaluate(*ParseAndCheck("[x:a = 1] REPEATS 512 TIMES WITHIN 1 SECONDS"), *obs);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->matched);
  EXPECT_EQ(r->binding.size(), 512u);
}

TEST(EvaluateTest, InvalidPatternIsRefused) {
  Pattern p = *Parse("[a:b = 1] WITHIN 0 SECONDS");
  EXPECT_EQ(Evaluate(p, {}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tadamun::pattern
