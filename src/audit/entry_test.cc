#include "audit/entry.h"

#include <gtest/gtest.h>

namespace tadamun::audit {
namespace {

const std::string kDigest = "sha256:" + std::string(64, 'a');

TEST(EntryTest, EncodesCanonicallyAndRoundTrips) {
  Entry e = Entry::Import("2026-11-25T03:00:00Z", kDigest, "file:feed.json",
                          {{"indicator--1", "2026-01-01T00:00:00.000Z"}, {"identity--2", "-"}});
  e.actor = "analyst one";
  auto bytes = EncodeEntry(e);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(*bytes,
            "tadamun/audit-entry/v1\nkind import\ntime 2026-11-25T03:00:00Z\nactor analyst one\n"
            "bundle " + kDigest + "\nsource file:feed.json\n"
            "object indicator--1 2026-01-01T00:00:00.000Z\nobject identity--2 -\n");
  auto back = DecodeEntry(*bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, e);
  for (const Entry& other : {Entry::Release("2026-11-25T03:00:00Z", "cert.example", "tlp:green",
                                            {{"indicator--1", "-"}}),
                             Entry::Member("2026-11-25T03:00:00Z", "add", "cert.example"),
                             Entry::Key("2026-11-25T03:00:00Z", "create",
                                        "a+01020304+AQID")}) {
    auto b = EncodeEntry(other);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    EXPECT_EQ(*DecodeEntry(*b), other);
  }
}

TEST(EntryTest, RejectsInvalidAndNonCanonical) {
  EXPECT_FALSE(EncodeEntry(Entry::Import("yesterday", kDigest, "f", {})).ok());
  EXPECT_FALSE(EncodeEntry(Entry::Import("2026-11-25T03:00:00Z", "sha256:xyz", "f", {})).ok());
  EXPECT_FALSE(EncodeEntry(Entry::Import("2026-11-25T03:00:00Z", kDigest, "", {})).ok());
  EXPECT_FALSE(EncodeEntry(Entry::Import("2026-11-25T03:00:00Z", kDigest, "a\nb", {})).ok());
  EXPECT_FALSE(EncodeEntry(Entry::Release("2026-11-25T03:00:00Z", "m", "p", {})).ok());
  EXPECT_FALSE(EncodeEntry(Entry::Import("2026-11-25T03:00:00Z", kDigest, "f", {{"a b", "-"}})).ok());
  const std::string good =
      "tadamun/audit-entry/v1\nkind member\ntime 2026-11-25T03:00:00Z\nmember m\naction add\n";
  ASSERT_TRUE(DecodeEntry(good).ok()) << DecodeEntry(good).status().ToString();
  // Fields out of order, doubled spaces, unknown fields, missing newline, other versions,
  // missing required fields.
  for (const std::string& bad : {
           std::string("tadamun/audit-entry/v1\nkind member\ntime 2026-11-25T03:00:00Z\naction add\nmember m\n"),
           std::string("tadamun/audit-entry/v1\nkind member\ntime 2026-11-25T03:00:00Z\nmember  m\naction add\n"),
           std::string("tadamun/audit-entry/v1\nkind member\ntime 2026-11-25T03:00:00Z\nmember m\naction add\ncolor red\n"),
           std::string("tadamun/audit-entry/v1\nkind member\ntime 2026-11-25T03:00:00Z\nmember m\naction add"),
           std::string("tadamun/audit-entry/v2\nkind member\ntime 2026-11-25T03:00:00Z\nmember m\naction add\n"),
           std::string("tadamun/audit-entry/v1\nkind member\ntime 2026-11-25T03:00:00Z\nmember m\n"),
           std::string("tadamun/audit-entry/v1\nkind member\ntime 2026-11-25T03:00:00+01:00\nmember m\naction add\n"),
       }) {
    EXPECT_FALSE(DecodeEntry(bad).ok()) << bad;
  }
}

TEST(EntryTest, SplitsLargeImportsIntoParts) {
  std::vector<ObjectRef> objects;
  for (int i = 0; i < 3000; ++i) {
    objects.push_back({"indicator--" + std::string(36, static_cast<char>('a' + i % 26)) +
                           std::to_string(i),
                       "2026-01-01T00:00:00.000Z"});
  }
  Entry big = Entry::Import("2026-11-25T03:00:00Z", kDigest, "peer:cert.example", objects);
  EXPECT_FALSE(EncodeEntry(big).ok());
  auto parts = SplitToFit(big);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_GT(parts->size(), 1u);
  std::vector<ObjectRef> rejoined;
  for (size_t i = 0; i < parts->size(); ++i) {
    auto bytes = EncodeEntry((*parts)[i]);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    EXPECT_LE(bytes->size(), 65535u);
    EXPECT_EQ((*parts)[i].part, std::to_string(i + 1) + "/" + std::to_string(parts->size()));
    for (const ObjectRef& o : (*parts)[i].objects) rejoined.push_back(o);
  }
  EXPECT_EQ(rejoined, objects);
  Entry small = Entry::Import("2026-11-25T03:00:00Z", kDigest, "f", {{"x--1", "-"}});
  EXPECT_EQ(SplitToFit(small)->size(), 1u);
  EXPECT_EQ(SplitToFit(small)->at(0), small);
}

TEST(EntryTest, DeleteEntries) {
  Entry e = Entry::Delete("2026-11-25T03:00:00.123456Z", "taxii:cert.example",
                          "collection:91a7b528-80eb-42ed-a74d-c6fbd5a26116",
                          {{"indicator--1", "2026-01-01T00:00:00.000Z"}, {"ipv4-addr--2", "-"}});
  auto bytes = EncodeEntry(e);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(*bytes,
            "tadamun/audit-entry/v1\nkind delete\ntime 2026-11-25T03:00:00.123456Z\n"
            "actor taxii:cert.example\nsource collection:91a7b528-80eb-42ed-a74d-c6fbd5a26116\n"
            "object indicator--1 2026-01-01T00:00:00.000Z\nobject ipv4-addr--2 -\n");
  auto back = DecodeEntry(*bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, e);
  EXPECT_EQ(DescribeEntry(e),
            "delete 2026-11-25T03:00:00.123456Z actor=taxii:cert.example "
            "source=collection:91a7b528-80eb-42ed-a74d-c6fbd5a26116 objects=2");
  // A delete names where from and at least one object; the actor is optional.
  EXPECT_FALSE(EncodeEntry(Entry::Delete("2026-11-25T03:00:00Z", "a", "", {{"x--1", "-"}})).ok());
  EXPECT_FALSE(EncodeEntry(Entry::Delete("2026-11-25T03:00:00Z", "a", "collection:c", {})).ok());
  EXPECT_TRUE(EncodeEntry(Entry::Delete("2026-11-25T03:00:00Z", "", "collection:c",
                                        {{"x--1", "-"}}))
                  .ok());
  EXPECT_FALSE(DecodeEntry("tadamun/audit-entry/v1\nkind remove\ntime 2026-11-25T03:00:00Z\n"
                           "source collection:c\nobject x--1 -\n")
                   .ok());
}

}  // namespace
}  // namespace tadamun::audit
