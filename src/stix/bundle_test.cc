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
