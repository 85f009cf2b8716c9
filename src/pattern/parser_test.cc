#include "pattern/parser.h"

#include <gtest/gtest.h>

#include <string>

#include "pattern/lexer.h"

namespace tadamun::pattern {
namespace {

const Comparison& Cmp(const Pattern& p, uint32_t i) { return std::get<Comparison>(p.comparisons[i]); }

TEST(ParserTest, BuildsComparison) {
  StatusOr<Pattern> p = Parse("[file:hashes.'SHA-256' NOT IN ('a', 'b')]");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->comparisons.size(), 1u);
  const Comparison& c = Cmp(*p, 0);
  EXPECT_EQ(c.path.object_type, "file");
  ASSERT_EQ(c.path.steps.size(), 2u);
  EXPECT_EQ(c.path.steps[0].key, "hashes");
  EXPECT_EQ(c.path.steps[1].key, "SHA-256");
  EXPECT_EQ(c.op, CompareOp::kIn);
  EXPECT_TRUE(c.negated);
  ASSERT_EQ(c.values.size(), 2u);
  EXPECT_EQ(std::get<StringLit>(c.values[1]).value, "b");
  EXPECT_EQ(c.column, 2u);
  EXPECT_EQ(p->leaf_count, 1u);
}

TEST(ParserTest, ObservationPrecedence) {
  // a OR b AND c FOLLOWEDBY d  ==  (a OR (b AND c)) FOLLOWEDBY d
  StatusOr<Pattern> p = Parse("[a:x=1] OR [b:x=1] AND [c:x=1] FOLLOWEDBY [d:x=1]");
  ASSERT_TRUE(p.ok());
  const auto& root = std::get<ObsBinary>(p->observations[p->root]);
  EXPECT_EQ(root.op, ObsBinary::Op::kFollowedBy);
  const auto& left = std::get<ObsBinary>(p->observations[root.left]);
  EXPECT_EQ(left.op, ObsBinary::Op::kOr);
  EXPECT_EQ(std::get<ObsBinary>(p->observations[left.right]).op, ObsBinary::Op::kAnd);
  EXPECT_EQ(std::get<ObsSimple>(p->observations[root.right]).leaf, 3u);
}

TEST(ParserTest, LeftAssociative) {
  StatusOr<Pattern> p = Parse("[a:x=1] AND [b:x=1] AND [c:x=1]");
  ASSERT_TRUE(p.ok());
  const auto& root = std::get<ObsBinary>(p->observations[p->root]);
  EXPECT_TRUE(std::holds_alternative<ObsBinary>(p->observations[root.left]));
  EXPECT_TRUE(std::holds_alternative<ObsSimple>(p->observations[root.right]));
}

TEST(ParserTest, QualifiersStackInOrder) {
  StatusOr<Pattern> p = Parse(
      "[a:x=1] REPEATS 3 TIMES WITHIN 2.5 SECONDS START t'2020-01-01T00:00:00Z' STOP "
      "t'2020-01-02T00:00:00.25Z'");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const auto& ss = std::get<ObsStartStop>(p->observations[p->root]);
  EXPECT_EQ(ss.stop.nanos(), 250000000u);
  const auto& w = std::get<ObsWithin>(p->observations[ss.child]);
  EXPECT_EQ(w.nanos, 2500000000);
  EXPECT_EQ(std::get<ObsRepeats>(p->observations[w.child]).times, 3);
}

TEST(ParserTest, ChildrenPrecedeParents) {
  StatusOr<Pattern> p = Parse("([a:x=1 AND (a:y=2 OR a:z=3)] FOLLOWEDBY [b:x=1]) WITHIN 5 SECONDS");
  ASSERT_TRUE(p.ok());
  for (size_t i = 0; i < p->comparisons.size(); ++i) {
    if (const auto* b = std::get_if<BoolExpr>(&p->comparisons[i])) {
      EXPECT_LT(b->left, i);
      EXPECT_LT(b->right, i);
    }
  }
  EXPECT_EQ(p->root, p->observations.size() - 1);
}

TEST(ParserTest, LiteralsDecode) {
  StatusOr<Pattern> p = Parse(
      "[a:b = h'00fF' AND a:c = b'AAEC' AND a:d = -12 AND a:e = +.25 AND a:f = 'x\\'y\\\\z' "
      "AND a:g = false]");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  std::vector<const Comparison*> cs;
  for (const auto& n : p->comparisons) {
    if (const auto* c = std::get_if<Comparison>(&n)) cs.push_back(c);
  }
  ASSERT_EQ(cs.size(), 6u);
  EXPECT_EQ(std::get<BinaryLit>(cs[0]->values[0]).bytes, std::string("\x00\xff", 2));
  EXPECT_EQ(std::get<BinaryLit>(cs[1]->values[0]).bytes, std::string("\x00\x01\x02", 3));
  EXPECT_EQ(std::get<IntLit>(cs[2]->values[0]).value, -12);
  EXPECT_DOUBLE_EQ(std::get<FloatLit>(cs[3]->values[0]).value, 0.25);
  EXPECT_EQ(std::get<StringLit>(cs[4]->values[0]).value, "x'y\\z");
  EXPECT_FALSE(std::get<BoolLit>(cs[5]->values[0]).value);
}

TEST(ParserTest, IntegerLimits) {
  EXPECT_TRUE(Parse("[a:b = -9223372036854775808]").ok());
  EXPECT_TRUE(Parse("[a:b = 9223372036854775807]").ok());
  EXPECT_FALSE(Parse("[a:b = 9223372036854775808]").ok());
}

TEST(ParserTest, ErrorsSayWhereAndWhat) {
  StatusOr<Pattern> p = Parse("[file:name = 'a'] WITHIN 5 HOURS");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status().message(), "column 28: found 'HOURS'; expected 'SECONDS'");
  p = Parse("[file:name MATCHES /x/]");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), "column 20: found '/'; expected a string literal after MATCHES");
}

TEST(ParserTest, RejectsInvalidUtf8) {
  StatusOr<Pattern> p = Parse("[a:b = '\xff']");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message().rfind("column 9:", 0), 0u) << p.status().message();
}

TEST(ParserTest, LengthLimit) {
  ParseOptions o;
  o.max_length = 10;
  StatusOr<Pattern> p = Parse("[a:b = 'long enough']", o);
  EXPECT_EQ(p.status().code(), StatusCode::kResourceExhausted);
}

TEST(ParserTest, DepthLimit) {
  std::string deep(40, '(');
  deep += "[a:b = 1]";
  deep += std::string(40, ')');
  EXPECT_EQ(Parse(deep).status().code(), StatusCode::kResourceExhausted);
  std::string ok(20, '(');
  ok += "[a:b = 1]" + std::string(20, ')');
  EXPECT_TRUE(Parse(ok).ok());
  std::string cmp = "[" + std::string(40, '(') + "a:b = 1" + std::string(40, ')') + "]";
  EXPECT_EQ(Parse(cmp).status().code(), StatusCode::kResourceExhausted);
  // A very deep input is refused without exhausting the stack.
  std::string huge(60000, '(');
  EXPECT_EQ(Parse(huge).status().code(), StatusCode::kResourceExhausted);
}

TEST(ParserTest, ObservationCountLimit) {
  std::string text = "[a:b = 1]";
  for (int i = 0; i < 20; ++i) text += " OR [a:b = 1]";
  ParseOptions o;
  o.max_observation_expressions = 10;
  EXPECT_EQ(Parse(text, o).status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(Parse(text).ok());
}

TEST(ParserTest, LongFlatChainsParseIteratively) {
  std::string text = "[a:b = 1";
  for (int i = 0; i < 4000; ++i) text += " OR a:b = " + std::to_string(i);
  text += "]";
  StatusOr<Pattern> p = Parse(text);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->comparisons.size(), 8001u);
}

TEST(LexerTest, KeywordsNeedExactCase) {
  StatusOr<std::vector<Token>> t = Lex("AND And and ANDX", {});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)[0].kind, Tok::kAnd);
  EXPECT_EQ((*t)[1].kind, Tok::kIdent);
  EXPECT_EQ((*t)[2].kind, Tok::kIdent);
  EXPECT_EQ((*t)[3].kind, Tok::kIdent);
  EXPECT_EQ((*t)[4].kind, Tok::kEnd);
  EXPECT_EQ((*t)[4].column, 17u);
}

TEST(LexerTest, Numbers) {
  StatusOr<std::vector<Token>> t = Lex("1 -1 +1 1.5 -.5 0 00", {});
  ASSERT_TRUE(t.ok());
  std::vector<Tok> kinds;
  for (const Token& k : *t) kinds.push_back(k.kind);
  std::vector<Tok> want = {Tok::kIntPos, Tok::kIntNeg, Tok::kIntPos, Tok::kFloatPos,
                           Tok::kFloatNeg, Tok::kIntPos, Tok::kIntPos, Tok::kIntPos, Tok::kEnd};
  EXPECT_EQ(kinds, want);
}

TEST(LexerTest, TokenLimit) {
  std::string many(100, ',');
  EXPECT_EQ(Lex(many, {.max_tokens = 50}).status().code(), StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace tadamun::pattern
