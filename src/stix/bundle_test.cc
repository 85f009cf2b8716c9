#include "stix/bundle.h"

#include <gtest/gtest.h>

namespace tadamun::stix {
namespace {

Status Read(std::string text, std::vector<Object>* objects, std::vector<Issue>* issues,
            ReadSummary* summary) {
  return ReadObjects(&text, {}, [&](Object&& o) {
    objects->push_back(std::move(o));
    return Status::Ok();
  }, issues, summary);
}

constexpr const char* kIdentity =
    R"({"type":"identity","spec_version":"2.1","id":"identity--311b2d2d-f010-4473-83ec-1edf84858f4c","created":"2015-12-21T19:59:11Z","modified":"2015-12-21T19:59:11Z","name":"Cole Powers","identity_class":"individual"})";

TEST(BundleTest, ReadsBundleArrayAndSingleObject) {
  for (std::string text : {std::string(R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[)") + kIdentity + "]}",
                           std::string("[") + kIdentity + "]", std::string(kIdentity)}) {
    std::vector<Object> objects;
    std::vector<Issue> issues;
    ReadSummary summary;
    ASSERT_TRUE(Read(text, &objects, &issues, &summary).ok()) << text;
    EXPECT_TRUE(issues.empty()) << issues[0].ToString("t");
    ASSERT_EQ(objects.size(), 1u);
    EXPECT_EQ(objects[0].id, "identity--311b2d2d-f010-4473-83ec-1edf84858f4c");
    EXPECT_EQ(objects[0].Name(), "Cole Powers");
    EXPECT_EQ(summary.valid, 1u);
  }
}

TEST(BundleTest, IssuesCarryPointerLineAndColumn) {
  std::string text = "{\"type\":\"bundle\",\"id\":\"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d\",\n"
                     "\"objects\":[\n" + std::string(kIdentity) + ",\n"
                     "  {\"type\":\"identity\",\"id\":\"identity--x\"}]}";
  std::vector<Object> objects;
  std::vector<Issue> issues;
  ReadSummary summary;
  ASSERT_TRUE(Read(text, &objects, &issues, &summary).ok());
  EXPECT_EQ(objects.size(), 1u);
  ASSERT_FALSE(issues.empty());
  EXPECT_EQ(issues[0].pointer, "/objects/1/id");
  EXPECT_EQ(issues[0].line, 4u);
  EXPECT_EQ(issues[0].column, 27u);
  EXPECT_GE(summary.errors, 1u);
}

TEST(BundleTest, SameVersionTwiceWithDifferentContent) {
  std::string second(kIdentity);
  second.replace(second.find("Cole Powers"), 11, "Someone Else");
  std::string text = std::string("[") + kIdentity + "," + kIdentity + "," + second + "]";
  std::vector<Object> objects;
  std::vector<Issue> issues;
  ReadSummary summary;
  ASSERT_TRUE(Read(text, &objects, &issues, &summary).ok());
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].pointer, "/2");
  EXPECT_NE(issues[0].message.find("first at /0"), std::string::npos) << issues[0].message;
}

TEST(BundleTest, MalformedJsonStopsWithPosition) {
  std::vector<Object> objects;
  std::vector<Issue> issues;
  ReadSummary summary;
  Status s = Read("[\n{\"type\": }]", &objects, &issues, &summary);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("line 2", 0), 0u) << s.message();
}

}  // namespace
}  // namespace tadamun::stix

namespace tadamun::stix {
namespace {

TEST(BundleTest, InvalidUtf8IsRejectedWithPosition) {
  std::vector<Object> objects;
  std::vector<Issue> issues;
  ReadSummary summary;
  std::string text = std::string(kIdentity);
  text.replace(text.find("Cole Powers"), 4, "Co\xc3\x28");  // truncated 2-byte sequence
  Status s = Read("[\n" + text + "]", &objects, &issues, &summary);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("line 2"), std::string::npos) << s.message();
  EXPECT_TRUE(objects.empty());
}

TEST(BundleTest, NestingDeeperThanTheLimitIsRejected) {
  std::string deep = kIdentity;
  deep.insert(deep.size() - 1, ",\"x_deep\":" + std::string(100, '[') + std::string(100, ']'));
  std::vector<Object> objects;
  std::vector<Issue> issues;
  ReadSummary summary;
  std::string text = "[" + deep + "]";
  Status s = ReadObjects(&text, {}, [&](Object&& o) {
    objects.push_back(std::move(o));
    return Status::Ok();
  }, &issues, &summary);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted) << s.message();
  // Within the limit the same nesting is a custom property, kept as is.
  ReadOptions loose;
  loose.json.max_depth = 200;
  text = "[" + deep + "]";
  ASSERT_TRUE(ReadObjects(&text, loose, [&](Object&& o) {
    objects.push_back(std::move(o));
    return Status::Ok();
  }, &issues, &summary).ok());
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_NE(objects[0].json.Find("x_deep"), nullptr);
}

TEST(BundleTest, ValidationErrorsOfSeveralObjectsWithLineAndColumn) {
  std::string text =
      "{\"type\":\"bundle\",\"id\":\"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d\",\"objects\":[\n"
      "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\",\n"
      " \"created\":\"2016-04-06T20:03:48Z\",\"modified\":\"2016-04-06T20:03:48Z\",\"pattern\":\"[x:y = 1]\",\n"
      " \"pattern_type\":\"stix\",\"valid_from\":\"2016-04-06T20:03:48Z\",\"confidence\":150},\n" +
      std::string(kIdentity) + "]}";
  std::vector<Object> objects;
  std::vector<Issue> issues;
  ReadSummary summary;
  ASSERT_TRUE(Read(text, &objects, &issues, &summary).ok());
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].object_id, "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  EXPECT_EQ(issues[0].pointer, "/objects/0/confidence");
  EXPECT_EQ(issues[0].line, 4u);
  EXPECT_EQ(issues[0].column, 73u);  // the "1" of 150
  EXPECT_NE(issues[0].message.find("0–100, got 150"), std::string::npos);
  EXPECT_EQ(objects.size(), 1u);
  EXPECT_EQ(summary.valid, 1u);
  EXPECT_EQ(summary.errors, 1u);
}

}  // namespace
}  // namespace tadamun::stix

namespace tadamun::stix {
namespace {

// The reader counts positions incrementally; the reference counts from the start each time.
TEST(BundleTest, IssuePositionsMatchTheReference) {
  std::string text = "[";
  for (int i = 0; i < 40; ++i) {
    if (i > 0) text += i % 3 == 0 ? ",\n  " : ", ";
    text += "{\"type\":\"identity\",\"spec_version\":\"2.1\",\"id\":\"identity--311b2d2d-f010-4473-83ec-1edf84858f4c\","
            "\"created\":\"2015-12-21T19:59:11Z\",\"modified\":\"2015-12-21T19:59:11Z\",\"name\":\"\xc3\xa9t\xc3\xa9\","
            "\"confidence\":" + std::to_string(90 + i) + ",\n\"x_note\":\"\xe2\x82\xac\",\"labels\":[]}";
  }
  text += "]";
  const std::string copy = text;
  std::vector<Object> objects;
  std::vector<Issue> issues;
  ReadSummary summary;
  ReadOptions options;
  options.max_issues = 1000;
  options.check_duplicates = false;
  ASSERT_TRUE(ReadObjects(&text, options, [&](Object&& o) {
    objects.push_back(std::move(o));
    return Status::Ok();
  }, &issues, &summary).ok());
  ASSERT_GT(issues.size(), 80u);
  for (const Issue& issue : issues) {
    json::TextPosition want = json::PositionOf(copy, issue.offset);
    EXPECT_EQ(issue.line, want.line) << issue.ToString("t");
    EXPECT_EQ(issue.column, want.column) << issue.ToString("t");
  }
}

}  // namespace
}  // namespace tadamun::stix
