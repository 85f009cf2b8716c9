// Format detection, field extraction, the tokeniser and the JSON line scanner (the scanner is
// checked against the json module's DOM parser on generated and mutated lines).
#include "match/log_format.h"

#include <gtest/gtest.h>

#include <random>

#include "json/json.h"
#include "match/sweep.h"

namespace tadamun::match {
namespace {

std::vector<std::string> Tokens(std::string_view text) {
  std::vector<std::string> out;
  Tokenizer t(text);
  std::string_view tok;
  while (t.Next(&tok)) out.emplace_back(tok);
  return out;
}

using V = std::vector<std::string>;

TEST(Tokenizer, BoundariesAndPunctuation) {
  EXPECT_EQ(Tokens("GET http://evil.com/a?b=c&d=(e) from 10.0.0.1:443;"),
            (V{"GET", "http://evil.com/a?b=c&d=(e)", "from", "10.0.0.1:443"}));
  EXPECT_EQ(Tokens("src=1.2.3.4&dst=evil.com|x"), (V{"src", "1.2.3.4", "dst", "evil.com", "x"}));
  EXPECT_EQ(Tokens("(see http://x.example/a). Then evil.com: refused!"),
            (V{"see", "http://x.example/a", "Then", "evil.com", "refused"}));
  EXPECT_EQ(Tokens("v6 2001:db8:: and [2001:db8::1]:443 fe80::1:"), (V{"v6", "2001:db8::", "and", "2001:db8::1", ":443", "fe80::1:"}));
  EXPECT_EQ(Tokens("<bob@evil.com>, \"evil.net\" 'a.b'"), (V{"bob@evil.com", "evil.net", "a.b"}));
  EXPECT_EQ(Tokens("a\tb\x01" "c\x7f" "d"), (V{"a", "b", "c", "d"}));
  EXPECT_EQ(Tokens("... !? evil.com.! a:b: x"), (V{"evil.com", "a:b:", "x"}));
  EXPECT_EQ(Tokens("http://[2001:db8::1]/x"), V{"http://[2001:db8::1]/x"});
}

// The 16-byte scan of IsWholeUrlValue against the byte-by-byte rule, at every position.
TEST(Tokenizer, WholeUrlValueAtEveryPosition) {
  const std::string url = "http://evil.example/a/b/c?d=e&f=(g)[h]{i}|j,k;l";
  EXPECT_TRUE(IsWholeUrlValue(url));
  EXPECT_FALSE(IsWholeUrlValue("evil.example/a"));
  for (size_t pos = 0; pos <= url.size(); ++pos) {
    for (char c : std::string("\x00\x01\x1f \x7f\"'`<>", 10)) {
      std::string v = url;
      v.insert(pos, 1, c);
      EXPECT_FALSE(IsWholeUrlValue(v)) << pos << " " << static_cast<int>(c);
    }
    std::string ok = url;
    ok.insert(pos, "\xc3\xbc~!");  // bytes >= 0x80 and other URL bytes do not end a URL
    EXPECT_EQ(IsWholeUrlValue(ok), ok.find("://") != std::string::npos) << pos;
  }
}

TEST(DetectFormat, FromFirstLine) {
  EXPECT_EQ(DetectFormat("#separator \\x09"), LogFormat::kZeekTsv);
  EXPECT_EQ(DetectFormat(R"({"_path":"dns","ts":"x"})"), LogFormat::kZeekJson);
  EXPECT_EQ(DetectFormat(R"({"ts":1.5,"id.orig_h":"1.2.3.4"})"), LogFormat::kZeekJson);
  EXPECT_EQ(DetectFormat(R"({"@stream":"conn","id_orig_h":"1.2.3.4"})"), LogFormat::kZeekJson);
  EXPECT_EQ(DetectFormat(R"({"timestamp":"x","event_type":"dns"})"), LogFormat::kEve);
  EXPECT_EQ(DetectFormat(R"({"a":1})"), LogFormat::kJsonLines);
  EXPECT_EQ(DetectFormat(R"([1,"x"])"), LogFormat::kJsonLines);
  EXPECT_EQ(DetectFormat(R"({"a":)"), LogFormat::kText);
  EXPECT_EQ(DetectFormat("1286536308.779    180 192.168.0.224 TCP_MISS/200 411 GET http://x/ - DIRECT/1.2.3.4 text/html"),
            LogFormat::kSquid);
  EXPECT_EQ(DetectFormat("Mar  1 10:00:00 host sshd[1]: Accepted"), LogFormat::kText);
}

class Collect final : public FieldVisitor {
 public:
  void Field(const FieldRef& f, std::string_view value) override {
    if (!f.number) fields.push_back(f.Name() + "=" + std::string(value));
  }
  V fields;
};

TEST(LineParser, ZeekTsvEscapesSetsUnsetAndUrl) {
  ZeekHeader h;
  ASSERT_TRUE(h.Update("#separator \\x09"));
  ASSERT_TRUE(h.Update("#set_separator\t,"));
  ASSERT_TRUE(h.Update("#fields\tts\tid.orig_h\tid.orig_p\thost\turi\tanswers\tuser_agent\tproto"));
  ASSERT_TRUE(h.Update("#types\ttime\taddr\tport\tstring\tstring\tvector[string]\tstring\tenum"));
  EXPECT_FALSE(h.Update("#path\thttp"));
  LineParser p;
  Collect c;
  ASSERT_TRUE(p.Parse(LogFormat::kZeekTsv, h,
                      "1.5\t10.0.0.1\t80\tevil.com\t/a\\x09b\ta.com,b\\x2cc.com\t-\ttcp", &c));
  EXPECT_EQ(c.fields, (V{"id.orig_h=10.0.0.1", "host=evil.com", "uri=/a\tb", "answers=a.com", "answers=b,c.com",
                         "url=http://evil.com/a\\x09b"}));
  Collect bad;
  EXPECT_FALSE(p.Parse(LogFormat::kZeekTsv, h, "1.5\t10.0.0.1", &bad));
  EXPECT_NE(p.error().find("expected 8 fields"), std::string::npos) << p.error();
  EXPECT_TRUE(bad.fields.empty());
}

TEST(LineParser, SquidFieldsAndEveUrl) {
  LineParser p;
  ZeekHeader h;
  Collect c;
  ASSERT_TRUE(p.Parse(LogFormat::kSquid, h,
                      "1286536308.779    180 192.168.0.224 TCP_MISS/200 411 GET http://x.example/ bob@evil.com "
                      "DIRECT/203.0.113.5 text/html extra.example",
                      &c));
  EXPECT_EQ(c.fields, (V{"client=192.168.0.224", "url=http://x.example/", "user=bob@evil.com", "hierarchy=203.0.113.5",
                         "extra=extra.example"}));
  Collect e;
  ASSERT_TRUE(p.Parse(LogFormat::kEve, h,
                      R"({"event_type":"http","dest_port":80,"http":{"hostname":"Bad.example","url":"\/dl\/x.exe"}})", &e));
  EXPECT_EQ(e.fields, (V{"event_type=http", "http.hostname=Bad.example", "http.url=/dl/x.exe", "url=http://Bad.example/dl/x.exe"}));
}

// The squid column splitter (16 bytes at a time) against istringstream on random padding.
TEST(LineParser, SquidColumnsWithAnyPadding) {
  std::mt19937 rng(3);
  LineParser p;
  ZeekHeader h;
  for (int i = 0; i < 3000; ++i) {
    V cols = {"1286536308." + std::to_string(rng() % 1000), std::to_string(rng() % 99999), "10.0.0." + std::to_string(rng() % 256),
              "TCP_MISS/200", std::to_string(rng()), "GET", "http://h" + std::string(rng() % 40, 'x') + ".example/",
              rng() % 2 ? "-" : "bob", "DIRECT/1.2.3." + std::to_string(rng() % 256), "text/html"};
    for (int extra = static_cast<int>(rng() % 3); extra > 0; --extra) cols.push_back("e" + std::to_string(rng() % 100) + ".example");
    std::string line = std::string(rng() % 3, ' ');
    for (const std::string& c : cols) {
      line += c;
      const int pad = 1 + static_cast<int>(rng() % 20);
      for (int k = 0; k < pad; ++k) line += rng() % 8 == 0 ? '\t' : ' ';
    }
    if (rng() % 2) line.erase(line.find_last_not_of(" \t") + 1);
    Collect got;
    ASSERT_TRUE(p.Parse(LogFormat::kSquid, h, line, &got)) << line;
    V want = {"client=" + cols[2], "url=" + cols[6]};
    if (cols[7] != "-") want.push_back("user=" + cols[7]);
    want.push_back("hierarchy=" + cols[8].substr(7));
    for (size_t k = 10; k < cols.size(); ++k) want.push_back("extra=" + cols[k]);
    ASSERT_EQ(got.fields, want) << "'" << line << "'";
  }
}

// Every string value and its path, from the json module's DOM (the reference).
void DomStrings(const json::Value& v, const std::string& path, V* out, bool top = true) {
  if (v.is_string()) out->push_back(path + "=" + v.str());
  if (v.is_number()) out->push_back(path + "#" + v.number_text());
  for (const json::Value& e : v.is_array() ? v.items() : std::vector<json::Value>{}) DomStrings(e, path, out, top);
  if (v.is_object()) {
    for (const json::Member& m : v.members()) DomStrings(m.value, top ? m.key : path + "." + m.key, out, false);
  }
}

TEST(JsonLineScanner, AgreesWithTheDomParserOnGeneratedAndMutatedLines) {
  std::mt19937 rng(5);
  const std::vector<std::string> atoms = {R"("a")", R"("\u00fc\/\"x\\")", R"("\ud83d\ude00")", "-1.5e+3", "0", "true",
                                          "false", "null", R"("")", R"("tab\t")", "12"};
  size_t accepted = 0, rejected = 0;
  JsonLineScanner scanner;
  std::string path;
  for (int i = 0; i < 4000; ++i) {
    // A random document up to depth 4.
    std::function<std::string(int)> gen = [&](int depth) -> std::string {
      const int k = depth > 3 ? 0 : static_cast<int>(rng() % 3);
      if (k == 0) return atoms[rng() % atoms.size()];
      std::string s = k == 1 ? "[" : "{";
      const int n = static_cast<int>(rng() % 4);
      for (int j = 0; j < n; ++j) {
        if (j) s += rng() % 8 == 0 ? " , " : ",";
        if (k == 2) s += "\"k" + std::to_string(j) + "\":";
        s += gen(depth + 1);
      }
      return s + (k == 1 ? "]" : "}");
    };
    std::string line = "{\"r\":" + gen(0) + "}";
    if (i % 2) {  // mutate one byte
      const size_t at = rng() % line.size();
      switch (rng() % 3) {
        case 0: line.erase(at, 1); break;
        case 1: line.insert(at, 1, "{}[],:\"\\x1 "[rng() % 12]); break;
        default: line[at] = "{}[],:\"\\x1 "[rng() % 12]; break;
      }
    }
    auto dom = json::Parse(line);
    const bool ok = scanner.Scan(line);
    ASSERT_EQ(ok, dom.ok()) << line << " scanner: " << scanner.error();
    if (!ok) {
      ++rejected;
      continue;
    }
    ++accepted;
    V want, got;
    DomStrings(*dom, "", &want);
    for (size_t k = 0; k < scanner.size(); ++k) {
      got.push_back(std::string(scanner.Path(k, &path)) + (scanner.is_number(k) ? "#" : "=") + std::string(scanner.value(k)));
      EXPECT_TRUE(scanner.PathIs(k, scanner.Path(k, &path)));
    }
    ASSERT_EQ(got, want) << line;
  }
  EXPECT_GT(accepted, 1500u);
  EXPECT_GT(rejected, 500u);
}

TEST(JsonLineScanner, DepthLimit) {
  JsonLineScanner s;
  EXPECT_TRUE(s.Scan(std::string(64, '[') + std::string(64, ']')));
  EXPECT_FALSE(s.Scan(std::string(65, '[') + std::string(65, ']')));
  EXPECT_NE(s.error().find("deeper than 64"), std::string::npos);
  EXPECT_FALSE(s.Scan(std::string(100000, '[')));
}

TEST(ParseEventTime, EpochAndRfc3339WithOffsets) {
  EXPECT_EQ(ParseEventTime("1521911720.865716")->ToString(), "2018-03-24T17:15:20.865716Z");
  EXPECT_EQ(ParseEventTime("1286536308.779")->ToString(), "2010-10-08T11:11:48.779Z");
  EXPECT_EQ(ParseEventTime("2018-03-24T17:15:20.865716Z")->ToString(), "2018-03-24T17:15:20.865716Z");
  EXPECT_EQ(ParseEventTime("2024-03-01T10:00:01.000000+0100")->ToString(), "2024-03-01T09:00:01.000000Z");
  EXPECT_EQ(ParseEventTime("2024-03-01T10:00:01-05:30")->ToString(), "2024-03-01T15:30:01Z");
  EXPECT_FALSE(ParseEventTime("yesterday").has_value());
  EXPECT_FALSE(ParseEventTime("1.2.3").has_value());
  EXPECT_FALSE(ParseEventTime("").has_value());
}

}  // namespace
}  // namespace tadamun::match
