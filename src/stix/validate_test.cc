#include "stix/validate.h"

#include <gtest/gtest.h>

namespace tadamun::stix {
namespace {

json::Value J(std::string_view text) {
  auto v = json::Parse(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : json::Value();
}

TEST(ValidateTest, Ids) {
  EXPECT_TRUE(IsValidId("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "indicator"));
  EXPECT_FALSE(IsValidId("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "malware"));
  EXPECT_FALSE(IsValidId("indicator--8E2E2D2B-17d4-4cbf-938f-98ee46b3cd3f"));
  EXPECT_FALSE(IsValidId("indicator-8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));
  EXPECT_FALSE(IsValidId("--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));
  EXPECT_FALSE(IsValidId("indicator--8e2e2d2b-17d4-4cbf-938f98ee46b3cd3f"));
  EXPECT_FALSE(IsValidId(""));
}

TEST(ValidateTest, FillsObjectFields) {
  std::vector<Issue> issues;
  auto o = ValidateObject(
      J(R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            "created":"2016-04-06T20:03:00.000Z","modified":"2016-04-06T20:03:48.123Z","revoked":true,
            "pattern":"[ipv4-addr:value = '1.2.3.4']","pattern_type":"stix","valid_from":"2016-04-06T20:03:00Z"})"),
      "/objects/0", &issues);
  ASSERT_TRUE(o.has_value());
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(o->kind, Kind::kDomainObject);
  EXPECT_EQ(o->type, "indicator");
  EXPECT_EQ(o->id, "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  EXPECT_EQ(o->spec_version, "2.1");
  ASSERT_TRUE(o->created && o->modified);
  EXPECT_EQ(o->created->ToString(), "2016-04-06T20:03:00.000Z");
  EXPECT_EQ(o->Version()->ToString(), "2016-04-06T20:03:48.123Z");
  EXPECT_TRUE(o->revoked);
}

TEST(ValidateTest, KindOfEachFamily) {
  const std::pair<const char*, Kind> cases[] = {
      {R"({"type":"relationship","spec_version":"2.1","id":"relationship--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:00Z","modified":"2016-04-06T20:03:00Z","relationship_type":"uses","source_ref":"tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","target_ref":"tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"})",
       Kind::kRelationshipObject},
      {R"({"type":"url","id":"url--47c3cf9a-5027-5bf0-997a-017c7edc7c55","value":"https://example.com/research/index.html"})",
       Kind::kCyberObservable},
      {R"({"type":"marking-definition","spec_version":"2.1","id":"marking-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:00Z","definition_type":"statement","definition":{"statement":"c"}})",
       Kind::kMarkingDefinition},
      {R"({"type":"language-content","spec_version":"2.1","id":"language-content--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:00Z","modified":"2016-04-06T20:03:00Z","object_ref":"tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","contents":{"de":{"name":"x"}}})",
       Kind::kLanguageContent},
      {R"({"type":"x-acme","id":"x-acme--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"})", Kind::kCustom},
  };
  for (const auto& [text, kind] : cases) {
    std::vector<Issue> issues;
    auto o = ValidateObject(J(text), "", &issues);
    ASSERT_TRUE(o.has_value()) << text << (issues.empty() ? "" : issues[0].message);
    EXPECT_EQ(o->kind, kind) << text;
  }
}

TEST(ValidateTest, SpecVersionAbsentForScoAndNoModifiedForMarkings) {
  std::vector<Issue> issues;
  auto sco = ValidateObject(
      J(R"({"type":"url","id":"url--47c3cf9a-5027-5bf0-997a-017c7edc7c55","value":"https://example.com/research/index.html"})"),
      "", &issues);
  ASSERT_TRUE(sco.has_value());
  EXPECT_EQ(sco->spec_version, "");
  EXPECT_FALSE(sco->Version().has_value());
  auto marking = ValidateObject(
      J(R"({"type":"marking-definition","spec_version":"2.1","id":"marking-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:00Z","definition_type":"statement","definition":{"statement":"c"}})"),
      "", &issues);
  ASSERT_TRUE(marking.has_value());
  EXPECT_FALSE(marking->modified.has_value());
  EXPECT_EQ(marking->Version()->ToString(), "2016-04-06T20:03:00Z");
}

TEST(ValidateTest, WarnCustomOffSilencesCustomWarnings) {
  json::Value v = J(R"({"type":"x-acme","id":"x-acme--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","x_a":1})");
  std::vector<Issue> issues;
  ASSERT_TRUE(ValidateObject(v, "", &issues).has_value());
  EXPECT_EQ(issues.size(), 1u);
  issues.clear();
  ValidationOptions quiet;
  quiet.warn_custom = false;
  ASSERT_TRUE(ValidateObject(v, "", &issues, quiet).has_value());
  EXPECT_TRUE(issues.empty());
}

TEST(ValidateTest, IssueToString) {
  std::vector<Issue> issues;
  ValidateObject(J(R"({"type":"identity","spec_version":"2.1","id":"identity--311b2d2d-f010-4473-83ec-1edf84858f4c","created":"2015-12-21T19:59:11Z","modified":"2015-12-21T19:59:11Z","name":"n","confidence":101})"),
                 "/objects/2", &issues);
  ASSERT_EQ(issues.size(), 1u);
  issues[0].line = 3;
  issues[0].column = 9;
  EXPECT_EQ(issues[0].ToString("in.json"),
            "in.json:3:9: error: identity--311b2d2d-f010-4473-83ec-1edf84858f4c "
            "/objects/2/confidence: confidence must be an integer 0–100, got 101");
}

}  // namespace
}  // namespace tadamun::stix

namespace tadamun::stix {
namespace {

TEST(ValidateTest, SelectorWorkIsBounded) {
  // 3,000 members × 3,000 selectors would be 9 million member comparisons: cut off with an error.
  json::Value v = J(R"({"type":"identity","spec_version":"2.1","id":"identity--311b2d2d-f010-4473-83ec-1edf84858f4c","created":"2015-12-21T19:59:11Z","modified":"2015-12-21T19:59:11Z","name":"n"})");
  json::Value selectors = json::Value::Array();
  for (int i = 0; i < 3000; ++i) {
    v.Set("x_p" + std::to_string(i), json::Value::Int(i));
    selectors.Append(json::Value::String("x_p2999"));
  }
  json::Value marking = json::Value::Object();
  marking.Set("lang", json::Value::String("en"));
  marking.Set("selectors", std::move(selectors));
  json::Value markings = json::Value::Array();
  markings.Append(std::move(marking));
  v.Set("granular_markings", std::move(markings));
  ValidationOptions quiet;
  quiet.warn_custom = false;
  std::vector<Issue> issues;
  EXPECT_FALSE(ValidateObject(v, "", &issues, quiet).has_value());
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_NE(issues[0].message.find("work limit"), std::string::npos);
  EXPECT_EQ(issues[0].pointer.rfind("/granular_markings/0/selectors/", 0), 0u);
  // The same selectors over a small object are fine.
  json::Value small = J(R"({"type":"identity","spec_version":"2.1","id":"identity--311b2d2d-f010-4473-83ec-1edf84858f4c","created":"2015-12-21T19:59:11Z","modified":"2015-12-21T19:59:11Z","name":"n","granular_markings":[{"lang":"en","selectors":["name","name","name"]}]})");
  issues.clear();
  EXPECT_TRUE(ValidateObject(small, "", &issues).has_value());
  EXPECT_TRUE(issues.empty());
}

}  // namespace
}  // namespace tadamun::stix
