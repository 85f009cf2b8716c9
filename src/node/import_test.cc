#include "node/import.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "audit/node_audit.h"
#include "node/node.h"

namespace tadamun::node {
namespace {

std::string Identity(const std::string& uuid, const std::string& name,
                     const std::string& modified = "2020-01-01T00:00:00.000Z") {
  return R"({"type":"identity","spec_version":"2.1","id":"identity--)" + uuid +
         R"(","created":"2020-01-01T00:00:00.000Z","modified":")" + modified +
         R"(","name":")" + name + R"(","identity_class":"organization"})";
}

std::string Bundle(const std::vector<std::string>& objects) {
  std::string out = R"({"type":"bundle","id":"bundle--6f1a3b5e-1c5d-4b8e-9d2a-4f6b7c8d9e0f","objects":[)";
  for (size_t i = 0; i < objects.size(); ++i) out += (i ? ",\n" : "\n") + objects[i];
  return out + "]}";
}

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/import_test_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    ASSERT_TRUE(Node::Init(dir_, {}).ok());
    auto node = Node::Open(dir_);
    ASSERT_TRUE(node.ok());
    node_ = std::move(*node);
  }
  void TearDown() override {
    node_.reset();
    std::filesystem::remove_all(dir_);
  }
  StatusOr<ImportReport> Import(std::string text) {
    ImportOptions options;
    options.source_name = "test.json";
    return ImportDocument(&node_->store(), &text, options);
  }
  uint64_t Versions() { return node_->store().GetStats()->versions; }

  std::string dir_;
  std::unique_ptr<Node> node_;
};

const char* kU1 = "11111111-1111-4111-8111-111111111111";
const char* kU2 = "22222222-2222-4222-8222-222222222222";

TEST_F(ImportTest, ValidBundleIsStored) {
  auto r = Import(Bundle({Identity(kU1, "a"), Identity(kU2, "b")}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->committed);
  EXPECT_EQ(r->added, 2u);
  EXPECT_EQ(r->digest.size(), 64u);
  EXPECT_EQ(Versions(), 2u);
  auto again = Import(Bundle({Identity(kU1, "a")}));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->unchanged, 1u);
  EXPECT_EQ(Versions(), 2u);
}

TEST_F(ImportTest, OneBadObjectRejectsTheWholeBundle) {
  std::string bad = Identity(kU2, "b");
  bad.replace(bad.find("identity--"), 10, "identity-");
  auto r = Import(Bundle({Identity(kU1, "a"), bad}));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->committed);
  ASSERT_FALSE(r->issues.empty());
  EXPECT_EQ(r->issues[0].pointer, "/objects/1/id");
  EXPECT_EQ(r->issues[0].line, 3u);
  EXPECT_EQ(Versions(), 0u);
  EXPECT_EQ(node_->store().GetStats()->imports, 0u);
}

TEST_F(ImportTest, ClashWithStoredVersionRejectsTheWholeBundle) {
  ASSERT_TRUE(Import(Bundle({Identity(kU1, "a")}))->committed);
  auto r = Import(Bundle({Identity(kU2, "new"), Identity(kU1, "changed")}));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->committed);
  ASSERT_EQ(r->issues.size(), 1u);
  EXPECT_EQ(r->issues[0].object_id, std::string("identity--") + kU1);
  EXPECT_EQ(r->issues[0].pointer, "/objects/1");
  EXPECT_EQ(r->issues[0].line, 3u);
  EXPECT_NE(r->issues[0].message.find("different content"), std::string::npos);
  EXPECT_EQ(Versions(), 1u);
}

TEST_F(ImportTest, MalformedJsonStoresNothingAndSaysWhere) {
  auto r = Import(Bundle({Identity(kU1, "a")}) + ",");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("line 2", 0), 0u) << r.status().message();
  EXPECT_EQ(Versions(), 0u);
}

TEST_F(ImportTest, ListOfObjectsAndProgress) {
  std::string text = "[" + Identity(kU1, "a") + "," + Identity(kU2, "b") + "]";
  ImportOptions options;
  uint64_t last_offset = 0;
  options.progress = [&](uint64_t offset, uint64_t) { last_offset = offset; };
  auto r = ImportDocument(&node_->store(), &text, options);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->committed);
  EXPECT_EQ(last_offset, text.size());
}

}  // namespace
}  // namespace tadamun::node

namespace tadamun::node {
namespace {

TEST_F(ImportTest, ImportsAreRecordedInTheAuditLogEvenAfterACrashInBetween) {
  auto reader = audit::OpenNodeAuditReader(Env::Default(), dir_);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  const uint64_t initial = (*reader)->size();  // the key's creation
  EXPECT_EQ(initial, 1u);

  // Through the node: committed, then recorded.
  std::string text = Bundle({Identity(kU1, "a"), Identity(kU2, "b")});
  ImportOptions options;
  options.source_name = "first.json";
  auto r = node_->Import(&text, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->committed);
  EXPECT_TRUE(node_->store().UnauditedImports()->empty());

  // A crash between the store's commit and the log: the store-level import alone.
  std::string second = Bundle({Identity(kU1, "a", "2021-01-01T00:00:00.000Z")});
  ASSERT_TRUE(ImportDocument(&node_->store(), &second, options)->committed);
  ASSERT_EQ(node_->store().UnauditedImports()->size(), 1u);
  ASSERT_TRUE(node_->RecordPendingImports().ok());
  EXPECT_TRUE(node_->store().UnauditedImports()->empty());

  auto log = audit::OpenNodeAuditReader(Env::Default(), dir_);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ((*log)->size(), initial + 2);
  auto entry = (*log)->ReadEntry(initial);
  ASSERT_TRUE(entry.ok()) << entry.status().ToString();
  EXPECT_NE(entry->find("sha256:" + r->digest), std::string::npos) << *entry;
  EXPECT_NE(entry->find(std::string("identity--") + kU2), std::string::npos) << *entry;
  EXPECT_NE(entry->find("file:first.json"), std::string::npos) << *entry;
}

}  // namespace
}  // namespace tadamun::node
