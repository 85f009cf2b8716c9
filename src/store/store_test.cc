#include "store/store.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "stix/validate.h"
#include "store/sqlite.h"

namespace tadamun::store {
namespace {

stix::Object MakeObject(const std::string& id, const std::string& modified,
                        const std::string& name = "n") {
  std::string type = id.substr(0, id.find("--"));
  std::string text = R"({"type":")" + type + R"(","spec_version":"2.1","id":")" + id +
                     R"(","created":"2020-01-01T00:00:00.000Z","modified":")" + modified +
                     R"(","name":")" + name + R"(",)" +
                     (type == "malware" ? R"("is_family":false,)" : "") +
                     R"("x_custom":{"k":[1,2.50]}})";
  auto value = json::Parse(text);
  EXPECT_TRUE(value.ok());
  std::vector<stix::Issue> issues;
  auto object = stix::ValidateObject(std::move(*value), "", &issues);
  EXPECT_TRUE(object.has_value()) << (issues.empty() ? "" : issues[0].message);
  return *object;
}

const std::string kA = "malware--11111111-1111-4111-8111-111111111111";
const std::string kB = "tool--22222222-2222-4222-8222-222222222222";
const std::string kC = "malware--33333333-3333-4333-8333-333333333333";

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/store_test_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    StoreOptions options;
    options.create_if_missing = true;
    options.clock = &clock_;
    auto s = Store::Open(dir_ + "/node.db", options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Status ImportAll(const std::vector<stix::Object>& objects, const std::string& collection = "") {
    TADAMUN_ASSIGN_OR_RETURN(auto import, store_->BeginImport({"file", "t.json", "00"}, collection));
    for (const auto& o : objects) {
      auto r = import->Add(o);
      if (!r.ok()) return r.status();
    }
    return import->Commit();
  }

  std::vector<Row> Rows(const Query& q) {
    std::vector<Row> rows;
    Status s = store_->Scan(q, [&](const Row& r) {
      rows.push_back(r);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return rows;
  }

  std::string dir_;
  FakeClock clock_{1700000000000000};
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, ImportKeepsEveryVersionAndReimportIsNoop) {
  ASSERT_TRUE(ImportAll({MakeObject(kA, "2020-01-01T00:00:00.000Z"), MakeObject(kB, "2020-01-02T00:00:00Z")}).ok());
  auto stats = store_->GetStats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->versions, 2u);
  // Same versions again: nothing added.
  auto import = store_->BeginImport({"file", "again.json", ""}, "");
  ASSERT_TRUE(import.ok());
  EXPECT_EQ(*(*import)->Add(MakeObject(kA, "2020-01-01T00:00:00.000Z")), AddOutcome::kUnchanged);
  // A newer modified adds a version.
  EXPECT_EQ(*(*import)->Add(MakeObject(kA, "2020-06-01T00:00:00.000Z", "renamed")), AddOutcome::kAdded);
  ASSERT_TRUE((*import)->Commit().ok());
  EXPECT_EQ(store_->GetStats()->versions, 3u);
  EXPECT_EQ(store_->GetStats()->objects, 2u);
  auto versions = store_->Versions(kA);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].version, "2020-01-01T00:00:00.000Z");
  EXPECT_EQ((*versions)[1].name, "renamed");
  // Custom properties and number text survive.
  EXPECT_NE((*versions)[0].json.find(R"("x_custom":{"k":[1,2.50]})"), std::string::npos)
      << (*versions)[0].json;
}

TEST_F(StoreTest, SameVersionDifferentContentIsRejected) {
  ASSERT_TRUE(ImportAll({MakeObject(kA, "2020-01-01T00:00:00Z")}).ok());
  Status s = ImportAll({MakeObject(kA, "2020-01-01T00:00:00Z", "other")});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("already stored with different content"), std::string::npos);
  s = ImportAll({MakeObject(kC, "2020-01-01T00:00:00Z"), MakeObject(kC, "2020-01-01T00:00:00Z", "x")});
  EXPECT_NE(s.message().find("twice in this import"), std::string::npos) << s.message();
  // Semantically equal (different digits for the same instant is a different version text,
  // but same JSON content re-serialised) is not a conflict.
  EXPECT_TRUE(ImportAll({MakeObject(kA, "2020-01-01T00:00:00Z")}).ok());
}

TEST_F(StoreTest, RolledBackImportLeavesNothing) {
  {
    auto import = store_->BeginImport({"file", "x", ""}, "");
    ASSERT_TRUE(import.ok());
    ASSERT_TRUE((*import)->Add(MakeObject(kA, "2020-01-01T00:00:00Z")).ok());
    // Destroyed without Commit.
  }
  EXPECT_EQ(store_->GetStats()->versions, 0u);
  EXPECT_EQ(store_->GetStats()->imports, 0u);
  // The store is usable afterwards.
  EXPECT_TRUE(ImportAll({MakeObject(kA, "2020-01-01T00:00:00Z")}).ok());
}

TEST_F(StoreTest, QueriesByIdTypeVersionAddedAfterAndPaging) {
  ASSERT_TRUE(ImportAll({MakeObject(kA, "2020-01-01T00:00:00Z"), MakeObject(kB, "2020-01-01T00:00:00Z")}).ok());
  Timestamp between = clock_.Now();
  clock_.AdvanceMicros(1000);
  ASSERT_TRUE(ImportAll({MakeObject(kA, "2021-01-01T00:00:00Z"), MakeObject(kC, "2020-01-01T00:00:00Z")}).ok());

  Query q;
  EXPECT_EQ(Rows(q).size(), 3u);  // latest versions of A, B, C
  q.types = {"malware"};
  auto rows = Rows(q);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].version, "2021-01-01T00:00:00Z");
  q.versions = VersionSelection{false, true, false, {}};  // first
  rows = Rows(q);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].version, "2020-01-01T00:00:00Z");
  q.versions = VersionSelection::All();
  EXPECT_EQ(Rows(q).size(), 3u);
  q.versions = VersionSelection{false, false, false, {*Timestamp::Parse("2021-01-01T00:00:00.000Z")}};
  EXPECT_EQ(Rows(q).size(), 1u);
  q = Query();
  q.ids = {kB};
  EXPECT_EQ(Rows(q).size(), 1u);
  q = Query();
  q.added_after = between;
  q.versions = VersionSelection::All();
  rows = Rows(q);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_LT(between.ToString(), rows[0].date_added);
  // Paging: limit and cursor visit every row once.
  q = Query();
  q.versions = VersionSelection::All();
  q.limit = 2;
  std::vector<std::string> seen;
  for (;;) {
    auto page = Rows(q);
    for (const auto& r : page) seen.push_back(r.id + r.version);
    if (page.size() < q.limit) break;
    q.after_seq = page.back().seq;
  }
  EXPECT_EQ(seen.size(), 4u);
}

TEST_F(StoreTest, CollectionsHaveTheirOwnMembership) {
  ASSERT_TRUE(store_->CreateCollection({"c1", "Partners", "shared with partners", ""}).ok());
  EXPECT_EQ(store_->CreateCollection({"c1", "dup", "", ""}).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ImportAll({MakeObject(kA, "2020-01-01T00:00:00Z")}, "missing").code(), StatusCode::kNotFound);
  ASSERT_TRUE(ImportAll({MakeObject(kA, "2020-01-01T00:00:00Z")}).ok());
  ASSERT_TRUE(ImportAll({MakeObject(kA, "2020-01-01T00:00:00Z"), MakeObject(kB, "2020-01-01T00:00:00Z")}, "c1").ok());
  Query q;
  q.collection = "c1";
  EXPECT_EQ(Rows(q).size(), 2u);
  EXPECT_EQ(store_->Collections()->size(), 1u);
  EXPECT_EQ(store_->GetCollection("c1")->title, "Partners");
  EXPECT_EQ(store_->GetCollection("nope").status().code(), StatusCode::kNotFound);
}

// The latest (and first) version per id, in the store and per collection, against a brute-force
// reference: versions of several ids arrive in random order, each into a random collection or
// none, so the newest version of an id is often missing from a collection holding older ones.
TEST_F(StoreTest, LatestAndFirstVersionsMatchABruteForceReference) {
  ASSERT_TRUE(store_->CreateCollection({"c1", "one", "", ""}).ok());
  ASSERT_TRUE(store_->CreateCollection({"c2", "two", "", ""}).ok());
  std::mt19937 rng(7);
  struct Version {
    std::string id, modified, collection;
  };
  std::vector<Version> versions;
  for (int i = 0; i < 30; ++i) {
    char id[64];
    std::snprintf(id, sizeof id, "malware--%08d-1111-4111-8111-111111111111", i);
    int n = 1 + static_cast<int>(rng() % 4);
    for (int v = 0; v < n; ++v) {
      char modified[32];
      std::snprintf(modified, sizeof modified, "202%d-01-01T00:00:00Z", static_cast<int>(rng() % 10));
      const char* collections[] = {"", "c1", "c2"};
      versions.push_back({id, modified, collections[rng() % 3]});
    }
  }
  std::shuffle(versions.begin(), versions.end(), rng);
  // Reference: versions per id, overall and per collection.
  std::map<std::string, std::set<std::string>> all;
  std::map<std::string, std::map<std::string, std::set<std::string>>> in;  // collection -> id
  for (size_t i = 0; i < versions.size(); i += 5) {
    std::map<std::string, std::vector<stix::Object>> batch;  // one import per collection
    for (size_t j = i; j < std::min(versions.size(), i + 5); ++j) {
      const Version& v = versions[j];
      if (!all[v.id].insert(v.modified).second && v.collection.empty()) continue;
      if (!v.collection.empty()) in[v.collection][v.id].insert(v.modified);
      batch[v.collection].push_back(MakeObject(v.id, v.modified));
    }
    for (auto& [collection, objects] : batch) ASSERT_TRUE(ImportAll(objects, collection).ok());
  }
  auto check = [&](const std::string& collection, bool last) {
    const auto& reference = collection.empty() ? all : in[collection];
    std::set<std::string> expected;
    for (const auto& [id, vs] : reference) expected.insert(id + "@" + (last ? *vs.rbegin() : *vs.begin()));
    Query q;
    q.collection = collection;
    q.versions = VersionSelection{last, !last, false, {}};
    std::set<std::string> got;
    for (const Row& r : Rows(q)) EXPECT_TRUE(got.insert(r.id + "@" + r.version).second) << r.id;
    EXPECT_EQ(got, expected) << "collection '" << collection << "' " << (last ? "last" : "first");
  };
  for (const char* collection : {"", "c1", "c2"}) {
    check(collection, true);
    check(collection, false);
  }
}

// A database made before objects.superseded existed gains the column, computed, on Open.
TEST_F(StoreTest, OlderDatabasesGainTheSupersededColumn) {
  ASSERT_TRUE(ImportAll({MakeObject(kA, "2020-01-01T00:00:00Z"), MakeObject(kB, "2020-01-01T00:00:00Z")}).ok());
  ASSERT_TRUE(ImportAll({MakeObject(kA, "2021-01-01T00:00:00Z")}).ok());
  store_.reset();
  {
    Db db;
    ASSERT_TRUE(db.Open(dir_ + "/node.db", false).ok());
    ASSERT_TRUE(db.Exec("ALTER TABLE objects DROP COLUMN superseded").ok());
  }
  auto reopened = Store::Open(dir_ + "/node.db", {});
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  store_ = std::move(*reopened);
  Query q;
  q.ids = {kA};
  auto rows = Rows(q);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].version, "2021-01-01T00:00:00Z");
  EXPECT_EQ(Rows(Query()).size(), 2u);
}

TEST_F(StoreTest, DateAddedIncreasesEvenWhenTheClockGoesBack) {
  ASSERT_TRUE(ImportAll({MakeObject(kA, "2020-01-01T00:00:00Z")}).ok());
  clock_.AdvanceMicros(-5000000);
  ASSERT_TRUE(ImportAll({MakeObject(kB, "2020-01-01T00:00:00Z")}).ok());
  Query q;
  auto rows = Rows(q);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_LT(rows[0].date_added, rows[1].date_added);
}

TEST(StoreOpenTest, MissingAndForeignFiles) {
  std::string dir = ::testing::TempDir() + "/store_open_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  EXPECT_EQ(Store::Open(dir + "/none.db", {}).status().code(), StatusCode::kNotFound);
  std::ofstream(dir + "/text.db") << "this is not a database, just some text that is long enough";
  auto s = Store::Open(dir + "/text.db", {});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("not a Tadamun database"), std::string::npos)
      << s.status().ToString();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tadamun::store

namespace tadamun::store {
namespace {

TEST(VersionWordTest, WordsAndTimestamps) {
  VersionSelection v{false, false, false, {}};
  ASSERT_TRUE(AddVersionWord("first", &v).ok());
  ASSERT_TRUE(AddVersionWord("2020-01-01T00:00:00.5Z", &v).ok());
  EXPECT_TRUE(v.first);
  EXPECT_FALSE(v.last);
  EXPECT_FALSE(v.all);
  ASSERT_EQ(v.at.size(), 1u);
  EXPECT_EQ(v.at[0].ToString(), "2020-01-01T00:00:00.5Z");
  ASSERT_TRUE(AddVersionWord("all", &v).ok());
  EXPECT_TRUE(v.all);
  Status bad = AddVersionWord("latest", &v);
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("'latest' is not 'last', 'first', 'all' or a timestamp"),
            std::string::npos);
}

}  // namespace
}  // namespace tadamun::store
