#include "audit/node_audit.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "audit/test_dir.h"

namespace tadamun::audit {
namespace {

TEST(NodeAuditTest, CreateThenOpenWriterAndReader) {
  std::string node = FreshTestDir("node");
  FakeClock clock(1764039600000000);
  {
    auto log = CreateNodeAudit(Env::Default(), node, "cert.example", &clock);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    EXPECT_EQ((*log)->size(), 1u);  // the key creation entry
    auto entry = DecodeEntry(*(*log)->ReadEntry(0));
    ASSERT_TRUE(entry.ok());
    EXPECT_EQ(entry->kind, EntryKind::kKey);
    EXPECT_EQ(entry->action, "create");
    EXPECT_EQ(entry->key, (*log)->verifier().ToString());
    // One writer at a time.
    EXPECT_EQ(OpenNodeAudit(Env::Default(), node).status().code(), StatusCode::kUnavailable);
  }
  EXPECT_EQ(CreateNodeAudit(Env::Default(), node, "cert.example", &clock).status().code(),
            StatusCode::kAlreadyExists);
  auto writer = OpenNodeAudit(Env::Default(), node);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE((*writer)->AppendEntries({Entry::Member(clock.Now().ToString(), "add", "cert.other")}).ok());
  auto reader = OpenNodeAuditReader(Env::Default(), node);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->size(), 2u);
  EXPECT_EQ(OpenNodeAudit(Env::Default(), node + "/missing").status().code(), StatusCode::kNotFound);
  std::filesystem::remove_all(node);
}

}  // namespace
}  // namespace tadamun::audit
