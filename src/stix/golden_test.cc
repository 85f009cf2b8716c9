// Data-driven tests of the validator (files under tests/data/stix/):
//   cases/*.jsonl   one case a line: {"name", "input", "errors": [{"pointer", "message"}],
//                   "warnings": [...] (optional)}; the errors (and warnings when given) must
//                   match exactly, each by pointer and message substring.
//   required.jsonl  one valid example per STIX type with the type's required properties (from
//                   the STIX 2.1 specification): the example must validate, removing a required
//                   property must give an error at its pointer, removing any other property
//                   must not (except those listed in "removal_breaks").
//   examples/       published bundles that must read with zero errors, and the OASIS
//                   validator's single-object files with their documented verdicts.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "stix/bundle.h"
#include "stix/schema.h"
#include "stix/validate.h"

namespace tadamun::stix {
namespace {

namespace fs = std::filesystem;

const fs::path kData = fs::path(TADAMUN_TEST_DATA_DIR) / "stix";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<json::Value> ReadJsonl(const fs::path& path) {
  std::vector<json::Value> out;
  std::istringstream lines(ReadFile(path));
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    if (line.empty()) continue;
    auto v = json::Parse(line);
    EXPECT_TRUE(v.ok()) << path << ":" << n << ": " << v.status().message();
    if (v.ok()) out.push_back(std::move(*v));
  }
  return out;
}

std::string Dump(const std::vector<Issue>& issues) {
  std::string out;
  for (const Issue& i : issues) out += "  " + i.ToString("") + "\n";
  return out;
}

std::vector<Issue> Only(const std::vector<Issue>& issues, Severity severity) {
  std::vector<Issue> out;
  for (const Issue& i : issues) {
    if (i.severity == severity) out.push_back(i);
  }
  return out;
}

// Every expected {pointer, message} matches a distinct issue, and there are no others.
void ExpectIssues(const std::string& name, const json::Value& expected,
                  const std::vector<Issue>& got) {
  ASSERT_TRUE(expected.is_array()) << name;
  std::vector<bool> used(got.size(), false);
  for (const json::Value& e : expected.items()) {
    const std::string& pointer = e.Find("pointer")->str();
    const std::string& message = e.Find("message")->str();
    bool found = false;
    for (size_t i = 0; i < got.size() && !found; ++i) {
      if (used[i] || got[i].pointer != pointer) continue;
      if (got[i].message.find(message) == std::string::npos) continue;
      used[i] = found = true;
    }
    EXPECT_TRUE(found) << name << ": expected an issue at \"" << pointer << "\" containing \""
                       << message << "\"; got:\n"
                       << Dump(got);
  }
  EXPECT_EQ(expected.items().size(), got.size()) << name << ": got:\n" << Dump(got);
}

TEST(GoldenTest, Cases) {
  int count = 0;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kData / "cases")) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  std::set<std::string> names;
  for (const fs::path& file : files) {
    for (const json::Value& c : ReadJsonl(file)) {
      const std::string name = file.filename().string() + ": " + c.Find("name")->str();
      EXPECT_TRUE(names.insert(name).second) << "duplicate case name " << name;
      std::vector<Issue> issues;
      std::optional<Object> o = ValidateObject(*c.Find("input"), "", &issues);
      std::vector<Issue> errors = Only(issues, Severity::kError);
      ExpectIssues(name, *c.Find("errors"), errors);
      EXPECT_EQ(o.has_value(), errors.empty()) << name;
      if (const json::Value* w = c.Find("warnings")) {
        ExpectIssues(name + " (warnings)", *w, Only(issues, Severity::kWarning));
      }
      if (o) {
        // Nothing a producer sent is dropped.
        EXPECT_TRUE(json::Equal(o->json, *c.Find("input"))) << name;
        EXPECT_EQ(json::ToJson(o->json), json::ToJson(*c.Find("input"))) << name;
      }
      ++count;
    }
  }
  EXPECT_GE(count, 100);
  std::printf("[ golden   ] %d cases from %zu files\n", count, files.size());
}

TEST(GoldenTest, RequiredPropertiesOfEveryType) {
  std::vector<json::Value> rows = ReadJsonl(kData / "required.jsonl");
  std::set<std::string> covered;
  int removals = 0;
  int mutations = 0;
  for (const json::Value& row : rows) {
    const std::string& type = row.Find("type")->str();
    covered.insert(type);
    const json::Value& example = *row.Find("example");
    std::set<std::string> required, breaks;
    for (const json::Value& r : row.Find("required")->items()) required.insert(r.str());
    for (const json::Value& r : row.Find("removal_breaks")->items()) breaks.insert(r.str());

    std::vector<Issue> issues;
    std::optional<Object> o = ValidateObject(example, "/x", &issues);
    ASSERT_TRUE(o.has_value()) << type << ":\n" << Dump(issues);
    EXPECT_TRUE(Only(issues, Severity::kError).empty()) << type;
    EXPECT_EQ(o->type, type);

    for (const json::Member& m : example.members()) {
      json::Value reduced = example;
      reduced.Erase(m.key);
      std::vector<Issue> found;
      std::optional<Object> r = ValidateObject(reduced, "/x", &found);
      std::vector<Issue> errors = Only(found, Severity::kError);
      ++removals;
      if (required.count(m.key) != 0) {
        EXPECT_FALSE(r.has_value()) << type << " without " << m.key;
        bool at_pointer = false;
        for (const Issue& e : errors) {
          at_pointer |= e.pointer == "/x/" + m.key && e.message.find("missing") != std::string::npos;
        }
        EXPECT_TRUE(at_pointer) << type << " without required " << m.key << ":\n" << Dump(errors);
      } else if (breaks.count(m.key) == 0) {
        EXPECT_TRUE(errors.empty()) << type << " without optional " << m.key << ":\n"
                                    << Dump(errors);
      }
    }
    // Every defined property rejects a value of the wrong JSON type, at its pointer.
    for (const json::Member& m : example.members()) {
      json::Value wrong = example;
      wrong.Set(m.key, m.value.is_string() ? json::Value::Int(12345) : json::Value::String("x"));
      std::vector<Issue> found;
      std::optional<Object> r = ValidateObject(wrong, "/x", &found);
      bool at_pointer = false;
      for (const Issue& e : Only(found, Severity::kError)) {
        at_pointer |= e.pointer.rfind("/x/" + m.key, 0) == 0;
      }
      EXPECT_FALSE(r.has_value()) << type << " with a wrong type for " << m.key;
      EXPECT_TRUE(at_pointer) << type << " with a wrong type for " << m.key << ":\n" << Dump(found);
      ++mutations;
    }
    for (const std::string& r : required) {
      EXPECT_NE(example.Find(r), nullptr) << type << " example lacks required " << r;
    }
  }
  // Every type the validator knows has a row, and every row is a type it knows.
  std::set<std::string> known;
  for (const internal::TypeSpec& t : internal::AllTypes()) known.insert(std::string(t.type));
  EXPECT_EQ(covered, known);
  EXPECT_EQ(known.size(), 19u + 2u + 3u + 18u);
  std::printf("[ golden   ] %zu types, %d property removals, %d wrong-type mutations\n",
              rows.size(), removals, mutations);
}

struct ReadResult {
  Status status;
  std::vector<Object> objects;
  std::vector<Issue> issues;
  ReadSummary summary;
};

ReadResult ReadText(std::string text, ReadOptions options = {}) {
  ReadResult r;
  options.max_issues = 1000;
  r.status = ReadObjects(&text, options, [&](Object&& o) {
    r.objects.push_back(std::move(o));
    return Status::Ok();
  }, &r.issues, &r.summary);
  return r;
}

TEST(GoldenTest, PublishedBundlesHaveNoErrors) {
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kData / "examples")) {
    const fs::path& path = entry.path();
    if (path.extension() != ".json" || path.parent_path().filename() == "single-objects") continue;
    ++files;
    ReadResult r = ReadText(ReadFile(path));
    ASSERT_TRUE(r.status.ok()) << path << ": " << r.status.message();
    EXPECT_EQ(r.summary.errors, 0u) << path << ":\n" << Dump(Only(r.issues, Severity::kError));
    EXPECT_EQ(r.summary.valid, r.summary.objects) << path;
    EXPECT_GT(r.summary.objects, 0u) << path;
    std::printf("[ examples ] %s: %llu objects, %llu warnings\n", path.filename().c_str(),
                static_cast<unsigned long long>(r.summary.objects),
                static_cast<unsigned long long>(r.summary.warnings));
    if (path.filename() == "ics-attack.json") {
      EXPECT_EQ(r.summary.objects, 1826u);
    }
  }
  EXPECT_EQ(files, 9);
}

TEST(GoldenTest, OasisValidatorSingleObjects) {
  const fs::path dir = kData / "examples" / "single-objects";
  auto read = [&](const char* name) { return ReadText(ReadFile(dir / name)); };
  for (const char* valid : {"identity.json", "identity_unicode.json", "identity_warning.json"}) {
    ReadResult r = read(valid);
    ASSERT_TRUE(r.status.ok()) << valid;
    EXPECT_TRUE(r.issues.empty()) << valid << ":\n" << Dump(r.issues);
    EXPECT_EQ(r.summary.valid, 1u) << valid;
  }
  {
    ReadResult r = read("identity_unicode.json");
    ASSERT_EQ(r.objects.size(), 1u);
    EXPECT_NE(r.objects[0].Name().find('\xc3'), std::string::npos);  // non-ASCII name kept
  }
  {
    ReadResult r = read("identity_custom.json");
    ASSERT_TRUE(r.status.ok());
    EXPECT_EQ(r.summary.errors, 0u);
    ASSERT_EQ(r.issues.size(), 1u) << Dump(r.issues);
    EXPECT_EQ(r.issues[0].severity, Severity::kWarning);
    EXPECT_EQ(r.issues[0].pointer, "/objects/0/foo");
    ASSERT_EQ(r.objects.size(), 1u);
    EXPECT_EQ(r.objects[0].json.Find("foo")->str(), "bar");  // kept
  }
  for (const char* not_json : {"invalid_braces.json", "invalid_comma.json"}) {
    EXPECT_FALSE(read(not_json).status.ok()) << not_json;
  }
  {
    ReadResult r = read("invalid_identity.json");
    ASSERT_TRUE(r.status.ok());
    EXPECT_EQ(r.summary.valid, 0u);
    ASSERT_EQ(Only(r.issues, Severity::kError).size(), 1u) << Dump(r.issues);
    EXPECT_EQ(r.issues[0].pointer, "/modified");
    EXPECT_NE(r.issues[0].message.find("missing"), std::string::npos);
  }
  {
    ReadResult r = read("invalid_timestamp.json");
    ASSERT_TRUE(r.status.ok());
    EXPECT_EQ(r.summary.valid, 0u);
    ASSERT_EQ(Only(r.issues, Severity::kError).size(), 1u) << Dump(r.issues);
    EXPECT_EQ(r.issues[0].pointer, "/modified");
    EXPECT_NE(r.issues[0].message.find("must not be earlier than created"), std::string::npos);
    EXPECT_GT(r.issues[0].line, 0u);
  }
  {
    // The published TLP 2.0 AMBER object, exactly.
    ReadResult r = read("tlp-amber.json");
    ASSERT_TRUE(r.status.ok());
    EXPECT_TRUE(r.issues.empty()) << Dump(r.issues);
    EXPECT_EQ(r.summary.valid, 1u);
  }
  {
    ReadResult r = read("tool.json");
    ASSERT_TRUE(r.status.ok());
    EXPECT_EQ(r.summary.errors, 0u);
    EXPECT_EQ(r.summary.warnings, 2u) << Dump(r.issues);  // foo_value, bar_value
    EXPECT_EQ(r.summary.valid, 1u);
  }
}

}  // namespace
}  // namespace tadamun::stix
