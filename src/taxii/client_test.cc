#include "taxii/client.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "node/node.h"
#include "taxii/resources.h"

namespace tadamun::taxii {
namespace {

constexpr char kColl[] = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
constexpr char kRoot[] = "/taxii2/api/";

std::string Identity(int i) {
  char uuid[40];
  std::snprintf(uuid, sizeof uuid, "%08d-1111-4111-8111-111111111111", i);
  return std::string(R"({"type":"identity","spec_version":"2.1","id":"identity--)") + uuid +
         R"(","created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z",)"
         R"("name":"org )" +
         std::to_string(i) + R"(","identity_class":"organization"})";
}

// The client against the real resources of a node, in process.
class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/client_test_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    ASSERT_TRUE(node::Node::Init(dir_, {}).ok());
    node_ = std::move(*node::Node::Open(dir_));
    ASSERT_TRUE(node_->store().CreateCollection({kColl, "Shared", "", ""}).ok());
    auto token = node_->store().AddMember("peer");
    ASSERT_TRUE(token.ok());
    token_ = *token;
    ASSERT_TRUE(node_->store().SetRights("peer", kColl, {true, false}).ok());
    std::string text = "[";
    for (int i = 0; i < 23; ++i) text += (i ? "," : "") + Identity(i);
    text += "]";
    node::ImportOptions o;
    o.collection = kColl;
    auto r = node_->Import(&text, o);
    ASSERT_TRUE(r.ok() && r->committed);
    server_ = std::make_unique<Server>(node_->store(), ServerOptions{.max_page_size = 10});
    transport_ = std::make_unique<InProcessTransport>(
        [this](Request r) {
          if (fake_) return fake_(r);
          return server_->Handle(std::move(r));
        },
        "http://node.test");
    client_ = std::make_unique<Client>(transport_.get(), ClientOptions{"Bearer " + token_});
  }
  void TearDown() override {
    server_.reset();
    node_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Makes every request answer `status`, `content_type`, `body` (and optional headers).
  void Answer(int status, std::string content_type, std::string body,
              std::multimap<std::string, std::string> headers = {}) {
    fake_ = [=](const Request&) {
      Response r;
      r.status = status;
      if (!content_type.empty()) r.headers.emplace("Content-Type", content_type);
      for (const auto& h : headers) r.headers.insert(h);
      r.body = body;
      return r;
    };
  }
  void ExpectError(const Status& s, StatusCode code, const std::string& fragment) {
    EXPECT_EQ(s.code(), code) << s.ToString();
    EXPECT_NE(s.message().find(fragment), std::string::npos) << s.message();
  }

  std::string dir_, token_;
  std::unique_ptr<node::Node> node_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<InProcessTransport> transport_;
  std::unique_ptr<Client> client_;
  std::function<Response(const Request&)> fake_;
};

TEST_F(ClientTest, DiscoveryApiRootAndCollections) {
  auto d = client_->Discover("/taxii2/");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->default_root, kRoot);
  // A discovery URL resolves to its default API root; an API root URL to itself.
  auto from_discovery = client_->ResolveApiRoot("/taxii2");
  ASSERT_TRUE(from_discovery.ok()) << from_discovery.status().ToString();
  EXPECT_EQ(*from_discovery, kRoot);
  auto from_root = client_->ResolveApiRoot(kRoot);
  ASSERT_TRUE(from_root.ok());
  EXPECT_EQ(*from_root, kRoot);
  auto root = client_->GetApiRoot(kRoot);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(root->max_content_length, ServerOptions().max_content_length);
  auto collections = client_->GetCollections(kRoot);
  ASSERT_TRUE(collections.ok()) << collections.status().ToString();
  ASSERT_EQ(collections->size(), 1u);
  EXPECT_EQ((*collections)[0].id, kColl);
  EXPECT_TRUE((*collections)[0].can_read);
  EXPECT_FALSE((*collections)[0].can_write);
  auto c = client_->GetCollection(kRoot, kColl);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->title, "Shared");
}

TEST_F(ClientTest, PagesThroughEveryObjectOnce) {
  std::set<std::string> ids;
  GetObjectsOptions o{.limit = 10};
  int pages = 0;
  while (true) {
    auto page = client_->GetObjects(kRoot, kColl, o);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ++pages;
    auto objects = json::Parse(page->objects);
    ASSERT_TRUE(objects.ok());
    ASSERT_EQ(objects->items().size(), page->count);
    for (const json::Value& obj : objects->items()) ids.insert(obj.Find("id")->str());
    EXPECT_FALSE(page->date_added_first.empty());
    EXPECT_FALSE(page->date_added_last.empty());
    if (!page->more) break;
    o.next = page->next;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(ids.size(), 23u);
  // added_after past everything: an empty page.
  auto empty = client_->GetObjects(kRoot, kColl, {.added_after = "2999-01-01T00:00:00Z"});
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->count, 0u);
  EXPECT_EQ(empty->objects, "[]");
  EXPECT_FALSE(empty->more);
}

TEST_F(ClientTest, ServerErrorsCarryUrlStatusTitleAndDescription) {
  auto r = client_->GetObjects(kRoot, "0e5e1c4e-0000-4000-8000-000000000000", {});
  ExpectError(r.status(), StatusCode::kNotFound,
              "GET http://node.test/taxii2/api/collections/0e5e1c4e-0000-4000-8000-000000000000/"
              "objects/: HTTP 404 Collection not found: no collection");
  auto bad = client_->GetObjects(kRoot, kColl, {.added_after = "yesterday"});
  ASSERT_FALSE(bad.ok());  // refused locally? no: the server says 400
  ExpectError(bad.status(), StatusCode::kInvalidArgument,
              "HTTP 400 Bad request parameter: added_after: 'yesterday' is not a timestamp");
  Client anonymous(transport_.get(), {});
  auto denied = anonymous.GetCollections(kRoot);
  ExpectError(denied.status(), StatusCode::kPermissionDenied, "HTTP 401");
  EXPECT_NE(denied.status().message().find("--token-file"), std::string::npos);
  // Path segments are checked before anything is sent.
  auto traversal = client_->GetObjects(kRoot, "../../x", {});
  ExpectError(traversal.status(), StatusCode::kInvalidArgument, "not a valid path segment");
}

TEST_F(ClientTest, TokenNeverAppearsInMessages) {
  Answer(500, "text/plain", "boom");
  auto r = client_->GetApiRoot(kRoot);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().find(token_), std::string::npos);
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("HTTP 500 (boom)"), std::string::npos)
      << r.status().message();
}

TEST_F(ClientTest, MalformedResponsesAreClearErrors) {
  const std::string taxii(kTaxiiMediaType);
  struct Case {
    int status;
    std::string type;
    std::string body;
    std::multimap<std::string, std::string> headers;
    std::string fragment;
  } cases[] = {
      {200, "application/json", "{}", {}, "Content-Type is 'application/json' (expected"},
      {200, "application/taxii+json", "{}", {}, "Content-Type is"},  // no version
      {200, "", "{}", {}, "no Content-Type"},
      {200, taxii, "{\"more\":fals", {}, "not valid JSON"},
      {200, taxii, "[1,2]", {}, "not an envelope"},
      {200, taxii, "{\"objects\":{}}", {}, "'objects' is not an array"},
      {200, taxii, "{\"objects\":[1]}", {}, "objects[0] is not a JSON object"},
      {200, taxii, "{\"more\":\"yes\",\"objects\":[]}", {}, "'more' is not true or false"},
      {200, taxii, "{\"more\":true,\"objects\":[{}]}", {}, "no 'next' cursor"},
      {200,
       taxii,
       "{\"more\":true,\"next\":\"x\",\"objects\":[]}",
       {},
       "'more' is true on an empty page"},
      {200,
       taxii,
       "{\"objects\":[{}]}",
       {{"X-TAXII-Date-Added-First", "soon"}},
       "X-TAXII-Date-Added-First 'soon' is not a timestamp"},
      {200,
       taxii,
       "{\"objects\":[{}]}",
       {{"X-TAXII-Date-Added-First", "2024-02-01T00:00:00Z"},
        {"X-TAXII-Date-Added-Last", "2024-01-01T00:00:00Z"}},
       "Last is before"},
      {302, "text/html", "", {}, "HTTP 302"},
  };
  for (const Case& c : cases) {
    Answer(c.status, c.type, c.body, c.headers);
    auto r = client_->GetObjects(kRoot, kColl, {});
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition) << r.status().ToString();
    EXPECT_NE(r.status().message().find(c.fragment), std::string::npos)
        << c.body << ": " << r.status().message();
    EXPECT_NE(r.status().message().find("GET http://node.test/taxii2/api/collections/"),
              std::string::npos);
  }
}

TEST_F(ClientTest, ApiRootAndStatusShapesAreChecked) {
  const std::string taxii(kTaxiiMediaType);
  Answer(
      200, taxii,
      R"({"title":"x","versions":["application/taxii+json;version=2.0"],"max_content_length":10})");
  ExpectError(client_->GetApiRoot(kRoot).status(), StatusCode::kFailedPrecondition,
              "'versions' does not list application/taxii+json;version=2.1");
  Answer(200, taxii, R"({"title":"x","versions":["application/taxii+json;version=2.1"]})");
  ExpectError(client_->GetApiRoot(kRoot).status(), StatusCode::kFailedPrecondition,
              "no 'max_content_length'");
  Answer(200, taxii,
         R"({"id":"s1","status":"complete","total_count":2,"success_count":1,)"
         R"("failure_count":0,"pending_count":0})");
  ExpectError(client_->GetStatus(kRoot, "s1").status(), StatusCode::kFailedPrecondition,
              "!= total_count");
  Answer(200, taxii,
         R"({"id":"s1","status":"done","total_count":0,"success_count":0,)"
         R"("failure_count":0,"pending_count":0})");
  ExpectError(client_->GetStatus(kRoot, "s1").status(), StatusCode::kFailedPrecondition,
              "expected complete or pending");
  Answer(202, taxii,
         R"({"id":"s2","status":"complete","total_count":1,"success_count":1,)"
         R"("successes":[{"id":"identity--x","version":"v"}],)"
         R"("failure_count":0,"pending_count":0})");
  auto posted = client_->PostObjects(kRoot, kColl, "{\"objects\":[]}");
  ASSERT_TRUE(posted.ok()) << posted.status().ToString();
  EXPECT_EQ(posted->successes.size(), 1u);
  // A POST answered 200 instead of 202 is not what TAXII prescribes.
  Answer(200, taxii, "{}");
  ExpectError(client_->PostObjects(kRoot, kColl, "{}").status(), StatusCode::kFailedPrecondition,
              "HTTP 200");
}

TEST_F(ClientTest, ResponseOverTheTransportLimit) {
  InProcessTransport small([this](Request r) { return server_->Handle(std::move(r)); },
                           "http://node.test", 100);
  Client client(&small, {"Bearer " + token_});
  auto r = client.GetObjects(kRoot, kColl, {});
  ExpectError(r.status(), StatusCode::kResourceExhausted, "larger than 100 bytes");
}

TEST(IsTaxiiMediaTypeTest, Spellings) {
  EXPECT_TRUE(IsTaxiiMediaType("application/taxii+json;version=2.1"));
  EXPECT_TRUE(IsTaxiiMediaType("Application/TAXII+json; version=2.1"));
  EXPECT_TRUE(IsTaxiiMediaType("application/taxii+json; charset=utf-8; version=2.1"));
  EXPECT_FALSE(IsTaxiiMediaType("application/taxii+json"));
  EXPECT_FALSE(IsTaxiiMediaType("application/taxii+json;version=2.0"));
  EXPECT_FALSE(IsTaxiiMediaType("application/stix+json;version=2.1"));
  EXPECT_FALSE(IsTaxiiMediaType("application/json"));
}

}  // namespace
}  // namespace tadamun::taxii
