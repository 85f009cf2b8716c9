#include "audit/tiles.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "audit/checkpoint.h"
#include "base/encoding.h"
#include "json/json.h"

namespace tadamun::audit {
namespace {

json::Value Vectors() {
  std::ifstream in(std::string(TADAMUN_TEST_DATA_DIR) + "/merkle/merkle-vectors.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return json::Parse(ss.str()).value();
}

TEST(TilesVectorsTest, LayoutsAndPaths) {
  json::Value doc = Vectors();
  const json::Value* tiles = doc.Find("tiles");
  int checked = 0;
  for (const json::Value& layout : tiles->Find("layouts")->items()) {
    uint64_t size = static_cast<uint64_t>(*layout.Find("tree_size")->AsInt64());
    const auto& expect = layout.Find("expect")->items();
    EXPECT_EQ(TileLevels(size), expect.size()) << size;
    for (const json::Value& e : expect) {
      uint32_t level = static_cast<uint32_t>(*e.Find("level")->AsInt64());
      TileCount tc = TilesAt(size, level);
      EXPECT_EQ(tc.full, static_cast<uint64_t>(*e.Find("full")->AsInt64())) << size << " L" << level;
      EXPECT_EQ(tc.partial_width, static_cast<uint32_t>(*e.Find("partial_width")->AsInt64()));
      ++checked;
    }
  }
  for (const json::Value& p : tiles->Find("paths")->items()) {
    uint64_t index = static_cast<uint64_t>(*p.Find("index")->AsInt64());
    if (p.Find("height") != nullptr) {
      // Go sumdb form "tile/<H>/<L>/<N>.p/<W>": ours omits H (C2SP fixes it at 8).
      std::string go = p.Find("expect")->str();
      std::string ours = TilePath(static_cast<uint32_t>(*p.Find("level")->AsInt64()), index,
                                  static_cast<uint32_t>(*p.Find("width")->AsInt64()));
      EXPECT_EQ("tile/" + go.substr(go.find('/', 5) + 1), ours);
    } else {
      EXPECT_EQ(EncodeTileIndex(index), p.Find("expect")->str());
    }
    ++checked;
  }
  EXPECT_EQ(checked, 7);
  EXPECT_EQ(TilePath(0, 1234067, 0), "tile/0/x001/x234/067");
  EXPECT_EQ(TilePath(1, 5, 17), "tile/1/005.p/17");
  EXPECT_EQ(EntriesPath(1000, 256), "tile/entries/x001/000");
  EXPECT_EQ(TileLevels(0), 0u);
  EXPECT_EQ(TileLevels(255), 1u);
}

TEST(TilesTest, BundlesRoundTripAndRejectBrokenFraming) {
  std::string bundle;
  ASSERT_TRUE(AppendToBundle("", &bundle).ok());
  ASSERT_TRUE(AppendToBundle("abc", &bundle).ok());
  ASSERT_TRUE(AppendToBundle(std::string(65535, 'x'), &bundle).ok());
  EXPECT_FALSE(AppendToBundle(std::string(65536, 'x'), &bundle).ok());
  auto entries = ParseBundle(bundle);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[1], "abc");
  EXPECT_EQ(ParseBundle(bundle.substr(0, bundle.size() - 1)).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ParseBundle(std::string("\x00", 1)).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ParseBundle(bundle, 2).status().code(), StatusCode::kDataLoss);
}

TEST(CheckpointVectorsTest, ParsesSignedCheckpoints) {
  json::Value doc = Vectors();
  int checked = 0;
  for (const json::Value& item : doc.Find("signed_notes")->items()) {
    const json::Value* expect = item.Find("checkpoint");
    if (expect == nullptr) continue;
    auto note = crypto::ParseNote(item.Find("note")->str());
    ASSERT_TRUE(note.ok());
    auto cp = ParseCheckpoint(note->text);
    ASSERT_TRUE(cp.ok()) << cp.status().ToString();
    EXPECT_EQ(cp->origin, expect->Find("origin")->str());
    EXPECT_EQ(cp->size, static_cast<uint64_t>(*expect->Find("tree_size")->AsInt64()));
    EXPECT_EQ(cp->Text(), note->text);
    std::vector<crypto::Verifier> known;
    for (const json::Value& v : item.Find("verifiers")->items()) {
      auto parsed = crypto::Verifier::Parse(v.Find("vkey")->str());
      ASSERT_TRUE(parsed.ok());
      known.push_back(v.Find("as")->str().rfind("cosignature/v1", 0) == 0 ? *parsed->AsCosignatureV1() : *parsed);
    }
    auto opened = OpenCheckpoint(item.Find("note")->str(), known, cp->origin);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(OpenCheckpoint(item.Find("note")->str(), known, "other.example/log").status().code(),
              StatusCode::kInvalidArgument);
    ++checked;
  }
  EXPECT_EQ(checked, 3);  // the three notes that carry a `checkpoint` record
}

TEST(CheckpointTest, RejectsMalformedText) {
  const std::string root = "mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=";
  EXPECT_TRUE(ParseCheckpoint("o\n0\n" + root + "\n").ok());
  EXPECT_TRUE(ParseCheckpoint("o\n5\n" + root + "\next\n").ok());
  for (const std::string& bad :
       {std::string("o\n5\n"), "o\n05\n" + root + "\n", "o\n-5\n" + root + "\n",
        "o\n5\n" + root, "\n5\n" + root + "\n", "o\n5\n" + root + "\n\n",
        std::string("o\n5\nAAAA\n"), "o\n99999999999999999999\n" + root + "\n",
        "o\n9223372036854775808\n" + root + "\n", "o\n5 \n" + root + "\n"}) {
    EXPECT_FALSE(ParseCheckpoint(bad).ok()) << bad;
  }
  EXPECT_TRUE(ParseCheckpoint("o\n9223372036854775807\n" + root + "\n").ok());
}

}  // namespace
}  // namespace tadamun::audit

namespace tadamun::audit {
namespace {

TEST(TilePathTest, ParsesEveryCanonicalPathBack) {
  for (uint32_t level : {0u, 1u, 5u, 63u}) {
    for (uint64_t index : {uint64_t{0}, uint64_t{7}, uint64_t{999}, uint64_t{1000},
                           uint64_t{1234067}, uint64_t{1} << 40}) {
      for (uint32_t width : {0u, 1u, 17u, 255u}) {
        for (bool entries : {false, true}) {
          std::string path = entries ? EntriesPath(index, width) : TilePath(level, index, width);
          auto ref = ParseTilePath(path);
          ASSERT_TRUE(ref.ok()) << path << ": " << ref.status().message();
          EXPECT_EQ(ref->entries, entries);
          EXPECT_EQ(ref->index, index);
          EXPECT_EQ(ref->width, width);
          if (!entries) {
            EXPECT_EQ(ref->level, level);
          }
          EXPECT_EQ(ref->Path(), path);
        }
      }
    }
  }
}

TEST(TilePathTest, RefusesEverythingElse) {
  for (const char* path :
       {"", "tile/", "tile/0", "tile/0/", "tile/0/1", "tile/0/01", "tile/0/0001", "tile/00/000",
        "tile/64/000", "tile/0/001/002", "tile/0/x001/002/", "tile/0/y001/002", "tile/0/x01/002",
        "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/07", "tile/0/000.p/", "tile/0/000.p",
        "tile/0/x000/001", "tile/../000", "tile/0/../000", "tile/0/%2e%2e", "tile/entries/",
        "tile/entries/../../node.key", "tile/0/000/", "/tile/0/000", "tile//000", "tile/0/0a0",
        "tile/0/x999/x999/x999/x999/x999/x999/999", "tile/entries/000.p/1/x", "checkpoint"}) {
    auto ref = ParseTilePath(path);
    EXPECT_FALSE(ref.ok()) << path;
    if (!ref.ok()) {
      EXPECT_EQ(ref.status().code(), StatusCode::kInvalidArgument);
      EXPECT_NE(ref.status().message().find("not a tile path"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace tadamun::audit
