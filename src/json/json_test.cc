#include "json/json.h"

#include <gtest/gtest.h>

namespace tadamun::json {
namespace {

TEST(JsonTest, ParsesAllTypesAndKeepsNumberText) {
  auto v = Parse(R"({"a": [1, -2.50, 1e3, true, false, null], "s": "x\"\\\u00e9\n", "o": {}})");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ASSERT_TRUE(v->is_object());
  const Value* a = v->Find("a");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->items().size(), 6u);
  EXPECT_EQ(a->items()[0].AsInt64(), 1);
  EXPECT_EQ(a->items()[1].number_text(), "-2.50");
  EXPECT_FALSE(a->items()[1].AsInt64().has_value());
  EXPECT_EQ(a->items()[2].AsDouble(), 1000.0);
  EXPECT_TRUE(a->items()[3].bool_value());
  EXPECT_TRUE(a->items()[5].is_null());
  EXPECT_EQ(v->Find("s")->str(), "x\"\\\xc3\xa9\n");
  EXPECT_EQ(ToJson(*v), R"({"a":[1,-2.50,1e3,true,false,null],"s":"x\"\\é\n","o":{}})");
}

TEST(JsonTest, RoundTripIsIdentityOnCompactText) {
  const char* texts[] = {R"({"b":1,"a":[{"x":"\u0001\t"}],"c":-0.0})", "[]", "\"str\"", "12",
                         "true", "null", R"([[[["deep"]]]])"};
  for (const char* t : texts) {
    auto v = Parse(t);
    ASSERT_TRUE(v.ok()) << t << ": " << v.status().ToString();
    std::string out = ToJson(*v);
    auto again = Parse(out);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(Equal(*v, *again)) << t;
    EXPECT_EQ(ToJson(*again), out);
  }
}

TEST(JsonTest, OffsetsPointAtValues) {
  std::string text = "{\n  \"id\": \"x\",\n  \"n\": [10, 20]\n}";
  auto v = Parse(text);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->offset(), 0u);
  const Value* id = v->Find("id");
  EXPECT_EQ(text.substr(id->offset(), 3), "\"x\"");
  EXPECT_EQ(DescribePosition(text, id->offset()), "line 2, column 9");
  const Value* twenty = &v->Find("n")->items()[1];
  EXPECT_EQ(DescribePosition(text, twenty->offset()), "line 3, column 13");
  EXPECT_EQ(DescribePosition(text, v->members()[1].key_offset), "line 3, column 3");
}

struct BadCase {
  const char* text;
  const char* position;  // expected "line L, column C" prefix
  const char* words;     // expected substring of the message
};

TEST(JsonTest, MalformedInputSaysWhereAndWhat) {
  BadCase cases[] = {
      {"{\"a\": 1,}", "line 1", "malformed"},
      {"[1, 2", "line 1, column 6", "ends early"},
      {"{\"a\" 1}", "line 1, column", "malformed"},
      {"{\"a\": tru}", "line 1, column 7", "expected true, false or null"},
      {"{\"a\": 01}", "line 1", "number"},
      {"{\"a\": \"x}", "line 1, column 7", "unterminated string"},
      {"", "line 1, column 1", "empty"},
      {"{} {}", "line 1", "after the JSON value"},
      {"{\"a\": 1, \"a\": 2}", "line 1, column 10", "duplicate key \"a\""},
      {"\n\n  {\"k\": \"\x01\"}", "line 3, column 10", "control character"},
  };
  for (const BadCase& c : cases) {
    auto v = Parse(c.text);
    ASSERT_FALSE(v.ok()) << c.text;
    EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument) << c.text;
    std::string m = v.status().message();
    EXPECT_EQ(m.rfind(c.position, 0), 0u) << c.text << " -> " << m;
    EXPECT_NE(m.find(c.words), std::string::npos) << c.text << " -> " << m;
  }
}

TEST(JsonTest, DuplicateKeysInLargeObjects) {
  std::string text = "{";
  for (int i = 0; i < 40; ++i) text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  text += "\"k7\":0}";
  auto v = Parse(text);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("duplicate key \"k7\""), std::string::npos)
      << v.status().message();
}

TEST(JsonTest, InvalidUtf8IsLocated) {
  std::string text = "{\"a\":\n \"ok\xff\"}";
  auto v = Parse(text);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("line 2, column 5"), std::string::npos)
      << v.status().message();
  EXPECT_NE(v.status().message().find("invalid UTF-8"), std::string::npos);
  EXPECT_FALSE(Parse("\"\xed\xa0\x80\"").ok());  // encoded surrogate
  EXPECT_FALSE(Parse("\"\xc0\xaf\"").ok());      // overlong
}

TEST(JsonTest, DepthAndSizeLimits) {
  ParseOptions options;
  options.max_depth = 10;
  std::string deep(11, '[');
  deep += std::string(11, ']');
  auto v = Parse(deep, options);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(v.status().message().find("limit of 10"), std::string::npos);
  std::string ok_depth(10, '[');
  ok_depth += std::string(10, ']');
  EXPECT_TRUE(Parse(ok_depth, options).ok());
  // Far deeper than any stack could take recursively: still a clean error.
  std::string very_deep(200000, '[');
  EXPECT_EQ(Parse(very_deep).status().code(), StatusCode::kResourceExhausted);
  options.max_bytes = 5;
  EXPECT_EQ(Parse("[1,2,3]", options).status().code(), StatusCode::kResourceExhausted);
}

TEST(JsonTest, StreamingVisitsEachElement) {
  std::string text = R"({"type":"bundle","objects":[{"n":1},{"n":2},{"n":3}],"id":"b"})";
  std::vector<int64_t> seen;
  auto root = ParseStreaming(&text, "objects", [&](Value&& v, uint64_t index, std::string_view) {
    EXPECT_EQ(static_cast<int64_t>(index) + 1, *v.Find("n")->AsInt64());
    seen.push_back(*v.Find("n")->AsInt64());
    return Status::Ok();
  });
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_TRUE(root->Find("objects")->items().empty());
  EXPECT_EQ(root->Find("id")->str(), "b");

  std::string list = "[{\"n\":1},{\"n\":2}]";
  int count = 0;
  auto r2 = ParseStreaming(&list, "objects", [&](Value&&, uint64_t, std::string_view) {
    ++count;
    return Status::Ok();
  });
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(count, 2);
}

TEST(JsonTest, StreamingStopsOnCallbackErrorAndOnLateSyntaxError) {
  std::string text = R"({"objects":[1,2,3]})";
  int count = 0;
  auto r = ParseStreaming(&text, "objects", [&](Value&&, uint64_t, std::string_view) {
    return ++count == 2 ? Status::InvalidArgument("stop") : Status::Ok();
  });
  EXPECT_EQ(r.status().message(), "stop");
  EXPECT_EQ(count, 2);
  std::string broken = "{\"objects\":[1,2,3}";
  auto r2 = ParseStreaming(&broken, "objects",
                           [&](Value&&, uint64_t, std::string_view) { return Status::Ok(); });
  EXPECT_FALSE(r2.ok());
}

TEST(JsonTest, StreamingGivesEachElementsExactSource) {
  std::string text = "{\"objects\": [ {\"a\": \"\\u00e9\", \"n\": 1.50} ,\n  [1, 2]\t,\"s\" ]}";
  std::vector<std::string> sources;
  auto root = ParseStreaming(&text, "objects", [&](Value&&, uint64_t, std::string_view source) {
    sources.emplace_back(source);
    return Status::Ok();
  });
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  ASSERT_EQ(sources.size(), 3u);
  EXPECT_EQ(sources[0], "{\"a\": \"\\u00e9\", \"n\": 1.50}");
  EXPECT_EQ(sources[1], "[1, 2]");
  EXPECT_EQ(sources[2], "\"s\"");
  EXPECT_EQ(Minify(sources[0]), "{\"a\":\"\\u00e9\",\"n\":1.50}");
  EXPECT_EQ(Minify(" [ \" a b \" , true ] "), "[\" a b \",true]");
}

TEST(JsonTest, StreamingRootWithManyKeysStaysLinear) {
  // 200,000 distinct root keys, then one repeated: found without comparing every pair.
  std::string text = "{";
  for (int i = 0; i < 200000; ++i) text += "\"k" + std::to_string(i) + "\":0,";
  text += "\"k5\":1}";
  auto r = ParseStreaming(&text, "objects", [](Value&&, uint64_t, std::string_view) {
    return Status::Ok();
  });
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("duplicate key \"k5\""), std::string::npos);
}

TEST(JsonTest, PositionTrackerMatchesPositionOf) {
  std::string text = "ab\ncd\xc3\xa9" "f\n\ngh";
  PositionTracker tracker(text);
  for (uint64_t offset : {0, 1, 3, 5, 7, 9, 2, 11, 12}) {
    TextPosition a = tracker.At(offset), b = PositionOf(text, offset);
    EXPECT_EQ(a.line, b.line) << offset;
    EXPECT_EQ(a.column, b.column) << offset;
  }
}

TEST(JsonTest, SemanticEquality) {
  EXPECT_TRUE(Equal(*Parse(R"({"a":1,"b":[1.0]})"), *Parse(R"({"b":[1.00],"a":1})")));
  EXPECT_FALSE(Equal(*Parse(R"({"a":1})"), *Parse(R"({"a":"1"})")));
  EXPECT_FALSE(Equal(*Parse(R"({"a":1})"), *Parse(R"({"a":1,"b":2})")));
  EXPECT_FALSE(Equal(*Parse("[1,2]"), *Parse("[2,1]")));
}

TEST(JsonTest, BuildAndMutate) {
  Value o = Value::Object();
  o.Set("b", Value::Int(2));
  o.Set("a", Value::String("x"));
  o.Set("b", Value::Bool(false));
  Value arr = Value::Array();
  arr.Append(Value());
  o.Set("list", std::move(arr));
  EXPECT_EQ(ToJson(o), R"({"b":false,"a":"x","list":[null]})");
  EXPECT_TRUE(o.Erase("a"));
  EXPECT_FALSE(o.Erase("a"));
  EXPECT_EQ(ToPrettyJson(o), "{\n  \"b\": false,\n  \"list\": [\n    null\n  ]\n}");
  std::string ptr;
  AppendPointer(&ptr, "objects");
  AppendPointer(&ptr, uint64_t{3});
  AppendPointer(&ptr, "a/b~c");
  EXPECT_EQ(ptr, "/objects/3/a~1b~0c");
}

}  // namespace
}  // namespace tadamun::json
