// Round trip: every example bundle imported into a fresh node and exported again gives back
// every object, semantically equal (same properties and values, custom ones included).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "base/env.h"
#include "json/json.h"
#include "node/import.h"
#include "node/node.h"

namespace tadamun {
namespace {

namespace fs = std::filesystem;

// Files the OASIS validator's own tests expect to be rejected (see tests/data/stix/README.md).
bool ExpectedInvalid(const fs::path& p) {
  std::string name = p.filename().string();
  return name.rfind("invalid_", 0) == 0;
}

std::vector<fs::path> ExampleFiles() {
  std::vector<fs::path> files;
  for (const auto& entry :
       fs::recursive_directory_iterator(fs::path(TADAMUN_TEST_DATA_DIR) / "stix" / "examples")) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The objects of a document: a bundle's "objects", an array, or one object.
std::vector<json::Value> ObjectsOf(const json::Value& doc) {
  if (doc.is_array()) return doc.items();
  if (const json::Value* objects = doc.Find("objects"); objects && objects->is_array()) {
    return objects->items();
  }
  return {doc};
}

std::string Key(const json::Value& o) {
  const json::Value* id = o.Find("id");
  const json::Value* modified = o.Find("modified");
  if (modified == nullptr) modified = o.Find("created");
  return (id ? id->str() : "") + "|" + (modified && modified->is_string() ? modified->str() : "");
}

TEST(RoundTripTest, EveryExampleBundleComesBackSemanticallyEqual) {
  std::vector<fs::path> files = ExampleFiles();
  ASSERT_GE(files.size(), 10u) << "example bundles missing from tests/data/stix/examples";
  size_t round_tripped = 0;
  for (const fs::path& file : files) {
    if (ExpectedInvalid(file)) continue;
    SCOPED_TRACE(file.string());
    std::string dir = ::testing::TempDir() + "/roundtrip_node";
    fs::remove_all(dir);
    ASSERT_TRUE(node::Node::Init(dir, {}).ok());
    auto node = node::Node::Open(dir);
    ASSERT_TRUE(node.ok());
    auto text = Env::Default()->ReadFile(file.string(), 64 << 20);
    ASSERT_TRUE(text.ok());
    auto original = json::Parse(*text);
    ASSERT_TRUE(original.ok());
    std::string copy = *text;
    auto report = node::ImportDocument(&(*node)->store(), &copy, {});
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    ASSERT_TRUE(report->committed) << (report->issues.empty() ? "" : report->issues[0].ToString(file.string()));

    std::map<std::string, json::Value> exported;
    store::Query all;
    all.versions = store::VersionSelection::All();
    ASSERT_TRUE((*node)->store().Scan(all, [&](const store::Row& row) {
      auto value = json::Parse(row.json);
      EXPECT_TRUE(value.ok());
      exported.emplace(Key(*value), std::move(*value));
      return Status::Ok();
    }).ok());
    std::vector<json::Value> objects = ObjectsOf(*original);
    EXPECT_EQ(exported.size(), objects.size());
    for (const json::Value& o : objects) {
      auto it = exported.find(Key(o));
      ASSERT_NE(it, exported.end()) << Key(o) << " missing from the export";
      EXPECT_TRUE(json::Equal(o, it->second))
          << Key(o) << "\noriginal: " << json::ToJson(o) << "\nexported: " << json::ToJson(it->second);
    }
    ++round_tripped;
    node->reset();
    fs::remove_all(dir);
  }
  EXPECT_GE(round_tripped, 10u);
}

}  // namespace
}  // namespace tadamun
