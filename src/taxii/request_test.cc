#include "taxii/request.h"

#include <gtest/gtest.h>

namespace tadamun::taxii {
namespace {

TEST(ParseQueryString, DecodesPairsInOrder) {
  auto q = ParseQueryString("match%5Btype%5D=indicator,malware&limit=2&added_after=a+b&flag");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_EQ(q->size(), 4u);
  EXPECT_EQ(q->find("match[type]")->second, "indicator,malware");
  EXPECT_EQ(q->find("limit")->second, "2");
  EXPECT_EQ(q->find("added_after")->second, "a b");
  EXPECT_EQ(q->find("flag")->second, "");
}

TEST(ParseQueryString, RepeatedNamesKept) {
  auto q = ParseQueryString("match[id]=a&&match[id]=b&");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->count("match[id]"), 2u);
}

TEST(ParseQueryString, BadEscapeSaysWhere) {
  auto q = ParseQueryString("limit=1&next=%zz");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(q.status().message().find("byte 13"), std::string::npos) << q.status().message();
  EXPECT_FALSE(ParseQueryString("a=%4").ok());
  EXPECT_FALSE(ParseQueryString("a=%").ok());
}

TEST(ParseQueryString, TooManyParameters) {
  std::string many;
  for (int i = 0; i < 10; ++i) many += "a=1&";
  EXPECT_TRUE(ParseQueryString(many, 10).ok());
  EXPECT_EQ(ParseQueryString(many + "b=2", 10).status().code(), StatusCode::kResourceExhausted);
}

TEST(AcceptsTaxii, MediaRanges) {
  EXPECT_TRUE(AcceptsTaxii(std::nullopt));
  EXPECT_TRUE(AcceptsTaxii(std::string("application/taxii+json;version=2.1")));
  EXPECT_TRUE(AcceptsTaxii(std::string("application/taxii+json; version=2.1")));
  EXPECT_TRUE(AcceptsTaxii(std::string("Application/TAXII+json")));
  EXPECT_TRUE(AcceptsTaxii(std::string("text/html, */*;q=0.8")));
  EXPECT_TRUE(AcceptsTaxii(std::string("application/*")));
  EXPECT_FALSE(AcceptsTaxii(std::string("application/taxii+json;version=2.0")));
  EXPECT_FALSE(AcceptsTaxii(std::string("application/json")));
  EXPECT_FALSE(AcceptsTaxii(std::string("text/html")));
  EXPECT_FALSE(AcceptsTaxii(std::string("application/taxii+json;q=0")));
  EXPECT_FALSE(AcceptsTaxii(std::string("application/stix+json;version=2.1")));
}

TEST(Request, HeadersAreCaseInsensitive) {
  Request r;
  r.AddHeader("Accept", "x");
  EXPECT_EQ(r.Header("ACCEPT"), "x");
  EXPECT_FALSE(r.Header("Content-Type").has_value());
  Response resp;
  resp.headers.emplace("X-TAXII-Date-Added-First", "t");
  EXPECT_EQ(resp.Header("x-taxii-date-added-first"), "t");
}

}  // namespace
}  // namespace tadamun::taxii
