#include "federation/pull.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "node/node.h"
#include "taxii/resources.h"

namespace tadamun::federation {
namespace {

constexpr char kColl[] = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
constexpr char kRoot[] = "/taxii2/api/";
constexpr char kSource[] = "http://node-a.test/taxii2/api/";

std::string Identity(int i, const std::string& modified = "2020-01-01T00:00:00.000Z") {
  char uuid[40];
  std::snprintf(uuid, sizeof uuid, "%08d-1111-4111-8111-111111111111", i);
  return std::string(R"({"type":"identity","spec_version":"2.1","id":"identity--)") + uuid +
         R"(","created":"2020-01-01T00:00:00.000Z","modified":")" + modified + R"(","name":"org )" +
         std::to_string(i) + R"(","identity_class":"organization"})";
}
std::string Bundle(int from, int to) {
  std::string out =
      R"({"type":"bundle","id":"bundle--6f1a3b5e-1c5d-4b8e-9d2a-4f6b7c8d9e0f","objects":[)";
  for (int i = from; i < to; ++i) out += (i > from ? "," : "") + Identity(i);
  return out + "]}";
}

// The node-backed importer, as the CLI builds it.
PageImporter NodeImporter(node::Node* node) {
  return [node](const PageImport& page) -> StatusOr<PageResult> {
    node::ImportOptions o;
    o.collection = page.collection;
    o.source_kind = "taxii";
    o.source_name = page.source_name;
    TADAMUN_ASSIGN_OR_RETURN(node::ImportReport r, node->Import(page.objects, o));
    PageResult out{r.committed, r.added, r.unchanged, r.summary.errors, ""};
    if (!r.issues.empty()) out.first_error = r.issues[0].ToString("page");
    return out;
  };
}

// Node A serves kColl through taxii::Server over an in-process transport; node B pulls.
class PullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = ::testing::TempDir() + "/pull_test_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(base_);
    ASSERT_TRUE(node::Node::Init(base_ + "/a", {.name = "a"}).ok());
    ASSERT_TRUE(node::Node::Init(base_ + "/b", {.name = "b"}).ok());
    a_ = std::move(*node::Node::Open(base_ + "/a"));
    b_ = std::move(*node::Node::Open(base_ + "/b"));
    ASSERT_TRUE(a_->store().CreateCollection({kColl, "Shared", "for partners", ""}).ok());
    auto token = a_->store().AddMember("node-b");
    ASSERT_TRUE(token.ok()) << token.status().ToString();
    ASSERT_TRUE(a_->store().SetRights("node-b", kColl, {true, true}).ok());
    server_ = std::make_unique<taxii::Server>(
        a_->store(), taxii::ServerOptions{.default_page_size = 10, .max_page_size = 10});
    transport_ = std::make_unique<taxii::InProcessTransport>(
        [this](taxii::Request r) {
          ++requests_;
          if (fail_at_ != 0 && requests_ == fail_at_) {
            return taxii::ErrorResponse(503, "Unavailable", "the node is restarting");
          }
          taxii::Response resp = server_->Handle(std::move(r));
          if (tamper_) tamper_(&resp);
          return resp;
        },
        "http://node-a.test");
    client_ =
        std::make_unique<taxii::Client>(transport_.get(), taxii::ClientOptions{"Bearer " + *token});
  }
  void TearDown() override {
    client_.reset();
    transport_.reset();
    server_.reset();
    a_.reset();
    b_.reset();
    std::filesystem::remove_all(base_);
  }
  void ImportA(int from, int to) {
    std::string text = Bundle(from, to);
    node::ImportOptions o;
    o.collection = kColl;
    auto r = a_->Import(&text, o);
    ASSERT_TRUE(r.ok() && r->committed);
  }
  // Page by page (batch 1) unless `batch` says otherwise.
  StatusOr<PullReport> Pull(uint64_t max_pages = 0, uint64_t batch = 1) {
    PullOptions o{.source = kSource,
                  .api_root = kRoot,
                  .collection = kColl,
                  .page_size = 10,
                  .max_pages = max_pages,
                  .batch_objects = batch};
    return federation::Pull(client_.get(), &b_->store(), NodeImporter(b_.get()), o);
  }
  // id@version of every version in `node`'s collection: the reference the pull must equal.
  static std::set<std::string> Held(node::Node* node) {
    std::set<std::string> out;
    store::Query q;
    q.collection = kColl;
    q.versions = store::VersionSelection::All();
    EXPECT_TRUE(node->store()
                    .Scan(q,
                          [&](const store::Row& row) {
                            out.insert(row.id + "@" + row.version);
                            return Status::Ok();
                          })
                    .ok());
    return out;
  }
  store::SyncCursor Cursor() {
    auto c = b_->store().GetSyncCursor(kSource, kColl);
    EXPECT_TRUE(c.ok() && c->has_value());
    return c.ok() && c->has_value() ? **c : store::SyncCursor{};
  }
  // The latest date_added in A's collection (the cursor after a complete pull).
  std::string LastAdded() {
    std::string last;
    store::Query q;
    q.collection = kColl;
    q.versions = store::VersionSelection::All();
    EXPECT_TRUE(a_->store()
                    .Scan(q,
                          [&](const store::Row& row) {
                            last = std::max(last, row.date_added);
                            return Status::Ok();
                          })
                    .ok());
    return last;
  }

  std::string base_;
  std::unique_ptr<node::Node> a_, b_;
  std::unique_ptr<taxii::Server> server_;
  std::unique_ptr<taxii::InProcessTransport> transport_;
  std::unique_ptr<taxii::Client> client_;
  int requests_ = 0;
  int fail_at_ = 0;
  std::function<void(taxii::Response*)> tamper_;
};

TEST_F(PullTest, FollowsPagesRemembersCursorAndIsIdempotent) {
  ImportA(0, 7);
  ImportA(7, 19);
  ImportA(19, 25);
  auto r = Pull();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->pages, 3u);
  EXPECT_EQ(r->objects, 25u);
  EXPECT_EQ(r->added, 25u);
  EXPECT_TRUE(r->finished);
  EXPECT_EQ(Held(b_.get()), Held(a_.get()));
  EXPECT_EQ(Cursor().added_after, LastAdded());
  EXPECT_EQ(Cursor().next, "");
  // The local collection was created with the remote title.
  auto local = b_->store().GetCollection(kColl);
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(local->title, "Shared");

  // Pulling again asks only for what was added since: nothing.
  auto again = Pull();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->objects, 0u);
  EXPECT_EQ(again->pages, 0u);
  EXPECT_EQ(Held(b_.get()), Held(a_.get()));

  // New objects on A (and a new version of an old one): only they come.
  ImportA(25, 30);
  std::string v2 = Identity(3, "2021-01-01T00:00:00.000Z");
  node::ImportOptions o;
  o.collection = kColl;
  ASSERT_TRUE(a_->Import(&v2, o).ok());
  auto third = Pull();
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(third->objects, 6u);
  EXPECT_EQ(third->added, 6u);
  EXPECT_EQ(Held(b_.get()), Held(a_.get()));
  EXPECT_EQ(Cursor().objects, 31u);
}

TEST_F(PullTest, CopiesEveryVersion) {
  ImportA(0, 5);
  std::string v2 = Identity(1, "2021-01-01T00:00:00.000Z");
  std::string v3 = Identity(1, "2022-01-01T00:00:00.000Z");
  node::ImportOptions o;
  o.collection = kColl;
  ASSERT_TRUE(a_->Import(&v2, o).ok());
  ASSERT_TRUE(a_->Import(&v3, o).ok());
  auto r = Pull();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->objects, 7u);
  EXPECT_EQ(Held(b_.get()).size(), 7u);
  EXPECT_EQ(Held(b_.get()), Held(a_.get()));
}

TEST_F(PullTest, ProvenanceNamesTheRemoteCollection) {
  ImportA(0, 3);
  ASSERT_TRUE(Pull().ok());
  auto imports = b_->store().UnauditedImports();  // all audited by Node::Import
  ASSERT_TRUE(imports.ok());
  EXPECT_TRUE(imports->empty());
  store::Query q;
  q.collection = kColl;
  int rows = 0;
  ASSERT_TRUE(b_->store()
                  .Scan(q,
                        [&](const store::Row&) {
                          ++rows;
                          return Status::Ok();
                        })
                  .ok());
  EXPECT_EQ(rows, 3);
}

TEST_F(PullTest, ResumesAnInterruptedRunWithinOneImportDate) {
  ImportA(0, 25);  // one import: every object has the same date_added
  auto first = Pull(/*max_pages=*/1);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->objects, 10u);
  EXPECT_FALSE(first->finished);
  store::SyncCursor c = Cursor();
  EXPECT_NE(c.next, "");
  // added_after stays just before the shared date, so nothing is skipped if `next` is lost.
  EXPECT_LT(c.added_after, LastAdded());
  auto second = Pull();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->resumed);
  EXPECT_FALSE(second->restarted);
  EXPECT_EQ(second->objects, 15u);
  EXPECT_EQ(second->added, 15u);
  EXPECT_EQ(Held(b_.get()), Held(a_.get()));
  EXPECT_EQ(Cursor().added_after, LastAdded());
}

TEST_F(PullTest, RefusedResumeTokenStartsAgainFromAddedAfter) {
  ImportA(0, 25);
  ASSERT_TRUE(Pull(1).ok());
  store::SyncCursor c = Cursor();
  c.next = "bm90LWEtY3Vyc29y";  // not a cursor of this server: 400
  ASSERT_TRUE(b_->store().PutSyncCursor(c).ok());
  auto r = Pull();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->restarted);
  EXPECT_EQ(r->objects, 25u);  // all again from the start of the shared date
  EXPECT_EQ(r->added, 15u);    // of which 10 were stored already
  EXPECT_EQ(r->unchanged, 10u);
  EXPECT_EQ(Held(b_.get()), Held(a_.get()));
}

TEST_F(PullTest, ServerErrorMidPullLeavesCursorAtLastCommittedPage) {
  ImportA(0, 10);
  ImportA(10, 20);
  ImportA(20, 30);
  // Requests: 1 GET collection, 2-4 the pages; the third page fails.
  fail_at_ = 4;
  auto r = Pull();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("after 2 committed page(s)"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("HTTP 503 Unavailable: the node is restarting"),
            std::string::npos)
      << r.status().message();
  EXPECT_EQ(Held(b_.get()).size(), 20u);
  store::SyncCursor c = Cursor();
  EXPECT_EQ(c.objects, 20u);
  EXPECT_NE(c.next, "");
  fail_at_ = 0;
  auto resumed = Pull();
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_TRUE(resumed->resumed);
  EXPECT_EQ(resumed->objects, 10u);
  EXPECT_EQ(Held(b_.get()), Held(a_.get()));
}

TEST_F(PullTest, BatchesStoreWholePagesInOneImportAndAnErrorStoresWhatArrived) {
  ImportA(0, 10);
  ImportA(10, 20);
  ImportA(20, 30);
  ImportA(30, 45);
  auto imports_before = b_->store().GetStats();
  ASSERT_TRUE(imports_before.ok());
  // Batches of >= 25 objects: pages 1-3 (30 objects) in one import, then 4-5 (15) at the end.
  auto r = Pull(0, 25);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->pages, 5u);
  EXPECT_EQ(r->objects, 45u);
  EXPECT_EQ(Held(b_.get()), Held(a_.get()));
  auto imports_after = b_->store().GetStats();
  ASSERT_TRUE(imports_after.ok());
  EXPECT_EQ(imports_after->imports - imports_before->imports, 2u);
  EXPECT_EQ(Cursor().added_after, LastAdded());

  // A failure inside a batch: the pages that arrived are stored, the cursor follows them.
  ImportA(45, 75);
  requests_ = 0;
  fail_at_ = 4;  // GET collection, pages 1 and 2, then the third page fails
  auto failed = Pull(0, 25);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("after 2 committed page(s)"), std::string::npos)
      << failed.status().message();
  EXPECT_EQ(Held(b_.get()).size(), 65u);
  fail_at_ = 0;
  auto rest = Pull(0, 25);
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  EXPECT_TRUE(rest->resumed);
  EXPECT_EQ(rest->objects, 10u);
  EXPECT_EQ(Held(b_.get()), Held(a_.get()));
}

TEST_F(PullTest, RejectedPageStoresNothingAndKeepsCursor) {
  ImportA(0, 10);
  ImportA(10, 20);
  ASSERT_TRUE(Pull(1).ok());
  const store::SyncCursor before = Cursor();
  // The next page arrives with one object broken (identity_class removed is only a warning;
  // a bad id is an error).
  tamper_ = [](taxii::Response* r) {
    size_t at = r->body.find("identity--00000015");
    if (at != std::string::npos) r->body.replace(at, 18, "identity--zzzzzzzz");
  };
  auto r = Pull();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("page 1 rejected"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("identity--zzzzzzzz"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(Held(b_.get()).size(), 10u);  // nothing of the rejected page
  EXPECT_EQ(Cursor().added_after, before.added_after);
  EXPECT_EQ(Cursor().next, before.next);
  tamper_ = nullptr;
  auto ok = Pull();
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(Held(b_.get()), Held(a_.get()));
}

TEST_F(PullTest, UnknownCollectionIsAClearError) {
  PullOptions o{
      .source = kSource, .api_root = kRoot, .collection = "0e5e1c4e-0000-4000-8000-000000000000"};
  auto r = federation::Pull(client_.get(), &b_->store(), NodeImporter(b_.get()), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find(
                "GET http://node-a.test/taxii2/api/collections/"
                "0e5e1c4e-0000-4000-8000-000000000000/: HTTP 404 Collection not found"),
            std::string::npos)
      << r.status().message();
}

TEST(NextAddedAfterTest, StaysBelowASharedDateUntilTheLastPage) {
  const std::string t = "2024-05-01T10:00:00.000005Z";
  EXPECT_EQ(NextAddedAfter("", t, /*more=*/false), t);
  EXPECT_EQ(NextAddedAfter("", t, /*more=*/true), "2024-05-01T10:00:00.000004Z");
  // Never moves back.
  EXPECT_EQ(NextAddedAfter("2024-06-01T00:00:00.000000Z", t, false), "2024-06-01T00:00:00.000000Z");
  // No header: unchanged.
  EXPECT_EQ(NextAddedAfter("2024-06-01T00:00:00.000000Z", "", false),
            "2024-06-01T00:00:00.000000Z");
  // Finer than microseconds rounds down (asks for a little again rather than skip).
  EXPECT_EQ(NextAddedAfter("", "2024-05-01T10:00:00.0000059Z", false),
            "2024-05-01T10:00:00.000005Z");
}

}  // namespace
}  // namespace tadamun::federation
