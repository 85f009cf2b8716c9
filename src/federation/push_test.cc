#include "federation/push.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "json/json.h"
#include "node/node.h"
#include "taxii/resources.h"

namespace tadamun::federation {
namespace {

constexpr char kColl[] = "52892447-4d7e-4f70-b94d-d7f22742ff63";
constexpr char kRoot[] = "/taxii2/api/";

std::string Indicator(int i) {
  char uuid[40];
  std::snprintf(uuid, sizeof uuid, "%08d-2222-4222-8222-222222222222", i);
  return std::string(R"({"type":"indicator","spec_version":"2.1","id":"indicator--)") + uuid +
         R"(","created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z",)"
         R"("pattern":"[ipv4-addr:value = '10.0.0.)" +
         std::to_string(i % 250) +
         R"(']","pattern_type":"stix","valid_from":"2020-01-01T00:00:00Z","name":")" +
         std::string(static_cast<size_t>(i % 7) * 40, 'x') + R"("})";
}

taxii::Response Json(int status, std::string body) {
  taxii::Response r;
  r.status = status;
  r.headers.emplace("Content-Type", std::string(taxii::kTaxiiMediaType));
  r.body = std::move(body);
  return r;
}

// A remote TAXII server that records what it is sent: every POST answers a pending status,
// which becomes complete on the first GET status; objects whose name is 200 'x' fail.
class FakeRemote {
 public:
  uint64_t max_content_length = 4000;
  bool can_write = true;
  std::vector<size_t> envelope_sizes;
  std::multiset<std::string> received;
  int status_gets = 0;

  taxii::Response Handle(taxii::Request r) {
    const std::string coll = std::string(kRoot) + "collections/" + kColl + "/";
    if (r.method == "GET" && r.path == kRoot) {
      return Json(200, R"({"title":"fake","versions":["application/taxii+json;version=2.1"],)"
                       R"("max_content_length":)" +
                           std::to_string(max_content_length) + "}");
    }
    if (r.method == "GET" && r.path == coll) {
      return Json(200, std::string(R"({"id":")") + kColl +
                           R"(","title":"in","can_read":false,)"
                           R"("can_write":)" +
                           (can_write ? "true" : "false") + "}");
    }
    if (r.method == "POST" && r.path == coll + "objects/") {
      EXPECT_EQ(r.Header("content-type"), std::string(taxii::kTaxiiMediaType));
      envelope_sizes.push_back(r.body.size());
      auto v = json::Parse(r.body);
      EXPECT_TRUE(v.ok());
      const json::Value* objects = v->Find("objects");
      EXPECT_TRUE(objects && objects->is_array());
      std::string id = "status-" + std::to_string(statuses_.size());
      std::string successes, failures;
      uint64_t ok = 0, bad = 0;
      for (const json::Value& o : objects->items()) {
        const std::string oid = o.Find("id")->str();
        received.insert(oid);
        std::string detail = R"({"id":")" + oid + R"(","version":"2020-01-01T00:00:00.000Z")";
        if (o.Find("name")->str().size() == 200) {
          failures += std::string(bad++ ? "," : "") + detail + R"(,"message":"too long"})";
        } else {
          successes += std::string(ok++ ? "," : "") + detail + "}";
        }
      }
      statuses_[id] = R"({"id":")" + id + R"(","status":"complete","total_count":)" +
                      std::to_string(ok + bad) + R"(,"success_count":)" + std::to_string(ok) +
                      R"(,"successes":[)" + successes + R"(],"failure_count":)" +
                      std::to_string(bad) + R"(,"failures":[)" + failures +
                      R"(],"pending_count":0})";
      return Json(202, R"({"id":")" + id + R"(","status":"pending","total_count":)" +
                           std::to_string(ok + bad) +
                           R"(,"success_count":0,"failure_count":0,"pending_count":)" +
                           std::to_string(ok + bad) + "}");
    }
    if (r.method == "GET" && r.path.rfind(std::string(kRoot) + "status/", 0) == 0) {
      ++status_gets;
      std::string id = r.path.substr(std::string(kRoot).size() + 7);
      id.pop_back();
      auto it = statuses_.find(id);
      if (it == statuses_.end()) return taxii::ErrorResponse(404, "Not found", id);
      return Json(200, it->second);
    }
    return taxii::ErrorResponse(404, "Not found", r.path);
  }

 private:
  std::map<std::string, std::string> statuses_;
};

class PushTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/push_test_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    ASSERT_TRUE(node::Node::Init(dir_, {}).ok());
    node_ = std::move(*node::Node::Open(dir_));
    ASSERT_TRUE(node_->store().CreateCollection({kColl, "out", "", ""}).ok());
    std::string text = "[";
    for (int i = 0; i < kObjects; ++i) text += (i ? "," : "") + Indicator(i);
    text += "]";
    node::ImportOptions o;
    o.collection = kColl;
    auto r = node_->Import(&text, o);
    ASSERT_TRUE(r.ok() && r->committed)
        << (r.ok() && !r->issues.empty() ? r->issues[0].message : "");
    transport_ = std::make_unique<taxii::InProcessTransport>(
        [this](taxii::Request r) { return remote_.Handle(std::move(r)); }, "http://remote.test");
    client_ = std::make_unique<taxii::Client>(transport_.get(), taxii::ClientOptions{});
  }
  void TearDown() override {
    node_.reset();
    std::filesystem::remove_all(dir_);
  }
  PushOptions Options() {
    return {.source = "http://remote.test/taxii2/api/",
            .api_root = kRoot,
            .collection = kColl,
            .from = kColl,
            .status_poll_ms = 1};
  }

  static constexpr int kObjects = 60;
  std::string dir_;
  std::unique_ptr<node::Node> node_;
  FakeRemote remote_;
  std::unique_ptr<taxii::InProcessTransport> transport_;
  std::unique_ptr<taxii::Client> client_;
};

TEST_F(PushTest, EnvelopesStayWithinMaxContentLengthAndCarryEveryObjectOnce) {
  auto r = Push(client_.get(), &node_->store(), Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(r->envelopes, 3u);  // 60 objects of ~300-550 bytes in 4000-byte envelopes
  for (size_t size : remote_.envelope_sizes) EXPECT_LE(size, remote_.max_content_length);
  std::multiset<std::string> expected;
  ASSERT_TRUE(node_->store()
                  .Scan({.collection = kColl},
                        [&](const store::Row& row) {
                          expected.insert(row.id);
                          return Status::Ok();
                        })
                  .ok());
  EXPECT_EQ(remote_.received, expected);
  EXPECT_EQ(r->objects, static_cast<uint64_t>(kObjects));
  // Every status was pending at first and polled to completion.
  EXPECT_EQ(remote_.status_gets, static_cast<int>(r->envelopes));
  // Objects i % 7 == 5 have 200-character names: the fake server refuses them.
  uint64_t refused = 0;
  for (int i = 0; i < kObjects; ++i) refused += i % 7 == 5;
  EXPECT_EQ(r->failures, refused);
  EXPECT_EQ(r->successes, kObjects - refused);
  EXPECT_EQ(r->pending, 0u);
  ASSERT_FALSE(r->failure_details.empty());
  EXPECT_EQ(r->failure_details[0].message, "too long");
}

TEST_F(PushTest, ObjectLargerThanAnyEnvelopeIsReportedNotSent) {
  remote_.max_content_length = 400;  // smaller than the longest objects
  auto r = Push(client_.get(), &node_->store(), Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (size_t size : remote_.envelope_sizes) EXPECT_LE(size, 400u);
  uint64_t not_sent = 0;
  for (const auto& d : r->failure_details) {
    if (d.message.find("larger than the server's max_content_length") != std::string::npos) {
      ++not_sent;
    }
  }
  EXPECT_GT(not_sent, 0u);
  EXPECT_EQ(remote_.received.size() + not_sent, static_cast<uint64_t>(kObjects));
  EXPECT_EQ(r->successes + r->failures, static_cast<uint64_t>(kObjects));
}

TEST_F(PushTest, ReadOnlyCollectionIsRefusedBeforeSending) {
  remote_.can_write = false;
  auto r = Push(client_.get(), &node_->store(), Options());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(remote_.envelope_sizes.empty());
}

}  // namespace
}  // namespace tadamun::federation
