#include "taxii/resources.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <vector>

#include "base/encoding.h"
#include "json/json.h"
#include "node/import.h"
#include "node/node.h"

namespace tadamun::taxii {
namespace {

constexpr char kC1[] = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
constexpr char kC2[] = "52892447-4d7e-4f70-b94d-d7f22742ff63";
constexpr int kIdentities = 10;

std::string Uuid(int i) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08d-1111-4111-8111-111111111111", i);
  return buf;
}
std::string IdentityId(int i) { return "identity--" + Uuid(i); }
std::string Identity(int i, const std::string& modified) {
  return R"({"type":"identity","spec_version":"2.1","id":")" + IdentityId(i) +
         R"(","created":"2020-01-01T00:00:00.000Z","modified":")" + modified +
         R"(","name":"org )" + std::to_string(i) + R"(","identity_class":"organization"})";
}
std::string Malware(int i) {
  return R"({"type":"malware","spec_version":"2.1","id":"malware--)" + Uuid(i) +
         R"(","created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z",)"
         R"("name":"m)" + std::to_string(i) + R"(","is_family":false})";
}
std::string Bundle(const std::vector<std::string>& objects) {
  std::string out = R"({"type":"bundle","id":"bundle--6f1a3b5e-1c5d-4b8e-9d2a-4f6b7c8d9e0f","objects":[)";
  for (size_t i = 0; i < objects.size(); ++i) out += (i ? "," : "") + objects[i];
  return out + "]}";
}

constexpr char kV1[] = "2020-01-01T00:00:00.000Z";
constexpr char kV2[] = "2021-01-01T00:00:00.000Z";

class ResourcesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/taxii_test_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    ASSERT_TRUE(node::Node::Init(dir_, {}).ok());
    Open();
    store::Store& s = node_->store();
    ASSERT_TRUE(s.CreateCollection({kC1, "Partners", "shared with partners", ""}).ok());
    ASSERT_TRUE(s.CreateCollection({kC2, "Internal", "", ""}).ok());
    // c1: ten identities (v1), then five of them again (v2) with two malware; c2: one malware;
    // outside any collection: a third version of identity 9.
    std::vector<std::string> first, second;
    for (int i = 0; i < kIdentities; ++i) first.push_back(Identity(i, kV1));
    for (int i = 0; i < 5; ++i) second.push_back(Identity(i, kV2));
    second.push_back(Malware(1));
    second.push_back(Malware(2));
    Import(Bundle(first), kC1, &added1_);
    Import(Bundle(second), kC1, &added2_);
    Import(Bundle({Malware(3)}), kC2, nullptr);
    Import(Bundle({Identity(9, "2022-01-01T00:00:00.000Z")}), "", nullptr);
    // The caller of every request below: a member that may read both collections.
    auto token = s.AddMember("partner");
    ASSERT_TRUE(token.ok()) << token.status().ToString();
    token_ = *token;
    ASSERT_TRUE(s.SetRights("partner", kC1, {true, false}).ok());
    ASSERT_TRUE(s.SetRights("partner", kC2, {true, false}).ok());
  }
  void TearDown() override {
    server_.reset();
    node_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    server_.reset();
    node_.reset();
    auto node = node::Node::Open(dir_);
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    node_ = std::move(*node);
    server_ = std::make_unique<Server>(node_->store(), ServerOptions{.max_page_size = 50});
  }
  void Import(std::string text, const std::string& collection, std::string* date_added) {
    node::ImportOptions options;
    options.collection = collection;
    auto r = node::ImportDocument(&node_->store(), &text, options);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE(r->committed) << (r->issues.empty() ? "" : r->issues[0].message);
    if (date_added) *date_added = r->date_added;
  }
  Response Get(const std::string& path, const std::string& query = "") {
    Request r;
    r.path = path;
    auto q = ParseQueryString(query);
    EXPECT_TRUE(q.ok()) << q.status().ToString();
    if (q.ok()) r.query = *q;
    r.AddHeader("Accept", std::string(kTaxiiMediaType));
    return server_->Handle(Authorized(std::move(r)));
  }
  Request Authorized(Request r) const {
    r.AddHeader("Authorization", "Bearer " + token_);
    return r;
  }
  static json::Value Body(const Response& r) {
    auto v = json::Parse(r.body);
    EXPECT_TRUE(v.ok()) << r.body;
    return v.ok() ? *v : json::Value();
  }
  static std::string Str(const json::Value& v, std::string_view key) {
    const json::Value* f = v.Find(key);
    return f && f->is_string() ? f->str() : "<missing>";
  }
  // "id@version" of every object in an envelope (or manifest) body.
  static std::vector<std::string> Keys(const json::Value& body, bool manifest = false) {
    std::vector<std::string> out;
    const json::Value* objects = body.Find("objects");
    if (!objects) return out;
    for (const json::Value& o : objects->items()) {
      out.push_back(Str(o, "id") + "@" + Str(o, manifest ? "version" : "modified"));
    }
    return out;
  }
  // The reference: the store's own scan of the same query, unpaged.
  std::vector<std::string> Reference(store::Query q) {
    std::vector<std::string> out;
    EXPECT_TRUE(node_->store()
                    .Scan(q, [&](const store::Row& row) {
                      out.push_back(row.id + "@" + row.version);
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }
  std::string Objects(const char* c) { return std::string("/taxii2/api/collections/") + c + "/objects/"; }

  std::string dir_;
  std::string token_;
  std::string added1_, added2_;
  std::unique_ptr<node::Node> node_;
  std::unique_ptr<Server> server_;
};

void ExpectError(const Response& r, int status, std::string_view fragment) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), std::string(kTaxiiMediaType));
  auto v = json::Parse(r.body);
  ASSERT_TRUE(v.ok()) << r.body;
  ASSERT_NE(v->Find("title"), nullptr) << r.body;
  ASSERT_NE(v->Find("http_status"), nullptr) << r.body;
  EXPECT_EQ(v->Find("http_status")->str(), std::to_string(status));
  ASSERT_NE(v->Find("description"), nullptr) << r.body;
  EXPECT_NE(v->Find("description")->str().find(fragment), std::string::npos)
      << "'" << fragment << "' not in " << r.body;
}

TEST_F(ResourcesTest, Discovery) {
  Response r = Get("/taxii2/");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), std::string(kTaxiiMediaType));
  json::Value v = Body(r);
  EXPECT_EQ(Str(v, "title"), "Tadamun TAXII 2.1 server");
  EXPECT_EQ(Str(v, "default"), "/taxii2/api/");
  ASSERT_NE(v.Find("api_roots"), nullptr);
  ASSERT_EQ(v.Find("api_roots")->items().size(), 1u);
  EXPECT_EQ(v.Find("api_roots")->items()[0].str(), "/taxii2/api/");
  EXPECT_EQ(v.Find("description"), nullptr);  // empty options are omitted
}

TEST_F(ResourcesTest, ApiRoot) {
  Response r = Get("/taxii2/api/");
  ASSERT_EQ(r.status, 200);
  json::Value v = Body(r);
  EXPECT_EQ(Str(v, "title"), "Tadamun");
  ASSERT_NE(v.Find("versions"), nullptr);
  EXPECT_EQ(v.Find("versions")->items()[0].str(), "application/taxii+json;version=2.1");
  EXPECT_EQ(v.Find("max_content_length")->AsInt64(), int64_t{10} << 20);
  EXPECT_EQ(Get("/taxii2/api").status, 200);  // the trailing slash may be left off
}

TEST_F(ResourcesTest, CollectionsAndCollection) {
  json::Value v = Body(Get("/taxii2/api/collections/"));
  ASSERT_NE(v.Find("collections"), nullptr);
  std::set<std::string> ids;
  for (const json::Value& c : v.Find("collections")->items()) {
    ids.insert(Str(c, "id"));
    EXPECT_TRUE(c.Find("can_read")->bool_value());
    EXPECT_FALSE(c.Find("can_write")->bool_value());
    EXPECT_EQ(c.Find("media_types")->items()[0].str(), "application/stix+json;version=2.1");
  }
  EXPECT_EQ(ids, (std::set<std::string>{kC1, kC2}));
  json::Value c = Body(Get(std::string("/taxii2/api/collections/") + kC1 + "/"));
  EXPECT_EQ(Str(c, "id"), kC1);
  EXPECT_EQ(Str(c, "title"), "Partners");
  EXPECT_EQ(Str(c, "description"), "shared with partners");
  ExpectError(Get("/taxii2/api/collections/nope/"), 404, "nope");
}

TEST_F(ResourcesTest, ObjectsDefaultIsLatestVersionOfEach) {
  Response r = Get(Objects(kC1));
  ASSERT_EQ(r.status, 200) << r.body;
  json::Value v = Body(r);
  EXPECT_FALSE(v.Find("more")->bool_value());
  EXPECT_EQ(v.Find("next"), nullptr);
  std::vector<std::string> keys = Keys(v);
  // 5 identities at v1 only, 5 at v2 (their latest in c1; identity 9's v3 is not in c1), 2 malware.
  EXPECT_EQ(keys.size(), 12u);
  std::set<std::string> want;
  for (int i = 0; i < kIdentities; ++i) want.insert(IdentityId(i) + "@" + (i < 5 ? kV2 : kV1));
  want.insert("malware--" + Uuid(1) + "@" + kV1);
  want.insert("malware--" + Uuid(2) + "@" + kV1);
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()), want);
  // The date headers: the first page row was added by the first import, the last by the second.
  EXPECT_EQ(r.Header("X-TAXII-Date-Added-First"), added1_);
  EXPECT_EQ(r.Header("X-TAXII-Date-Added-Last"), added2_);
}

TEST_F(ResourcesTest, EveryFilter) {
  auto count = [&](const std::string& query, const char* c = kC1) {
    Response r = Get(Objects(c), query);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    return Keys(Body(r)).size();
  };
  EXPECT_EQ(count("match[type]=malware"), 2u);
  EXPECT_EQ(count("match[type]=malware,identity"), 12u);
  EXPECT_EQ(count("match[type]=malware&match[type]=identity"), 12u);
  EXPECT_EQ(count("match[type]=indicator"), 0u);
  EXPECT_EQ(count("match[id]=" + IdentityId(0) + "," + IdentityId(7)), 2u);
  EXPECT_EQ(count("match[id]=" + IdentityId(0) + "&match[version]=all"), 2u);
  EXPECT_EQ(count("match[version]=all"), 17u);
  EXPECT_EQ(count("match[version]=first"), 12u);
  EXPECT_EQ(count("match[version]=first,last"), 17u);
  EXPECT_EQ(count(std::string("match[version]=") + kV2), 5u);
  EXPECT_EQ(count(std::string("match[version]=") + kV1 + "," + kV2), 17u);
  EXPECT_EQ(count("match[spec_version]=2.1"), 12u);
  EXPECT_EQ(count("match[spec_version]=2.0"), 0u);
  EXPECT_EQ(count("added_after=" + added1_), 7u);  // only what the second import added
  EXPECT_EQ(count("added_after=" + added2_), 0u);
  EXPECT_EQ(count("", kC2), 1u);
  // An empty result is an empty envelope without the date headers.
  Response empty = Get(Objects(kC1), "match[type]=indicator");
  EXPECT_EQ(empty.body, "{}");
  EXPECT_FALSE(empty.Header("X-TAXII-Date-Added-First").has_value());
  // first vs last pick different versions of the re-versioned identities.
  std::vector<std::string> first = Keys(Body(Get(Objects(kC1), "match[id]=" + IdentityId(0) +
                                                                    "&match[version]=first")));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0], IdentityId(0) + "@" + kV1);
}

TEST_F(ResourcesTest, PagingMatchesStoreScan) {
  struct Case {
    std::string query;
    store::Query reference;
  };
  store::Query all_versions;
  all_versions.versions = store::VersionSelection::All();
  store::Query identities;
  identities.types = {"identity"};
  store::Query after;
  after.added_after = *Timestamp::Parse(added1_);
  after.versions = store::VersionSelection::All();
  std::vector<Case> cases = {{"", {}},
                             {"match[version]=all", all_versions},
                             {"match[type]=identity", identities},
                             {"match[version]=all&added_after=" + added1_, after}};
  for (Case& c : cases) {
    c.reference.collection = kC1;
    std::vector<std::string> want = Reference(c.reference);
    ASSERT_FALSE(want.empty());
    for (int limit : {1, 2, 3, 5, 7, 100}) {
      for (bool manifest : {false, true}) {
        SCOPED_TRACE(c.query + " limit=" + std::to_string(limit) + (manifest ? " manifest" : ""));
        std::string path = manifest ? std::string("/taxii2/api/collections/") + kC1 + "/manifest/"
                                    : Objects(kC1);
        std::vector<std::string> got;
        std::string next;
        for (int pages = 0; pages < 100; ++pages) {
          std::string q = c.query + (c.query.empty() ? "" : "&") + "limit=" + std::to_string(limit);
          if (!next.empty()) q += "&next=" + next;
          Response r = Get(path, q);
          ASSERT_EQ(r.status, 200) << r.body;
          json::Value v = Body(r);
          std::vector<std::string> keys = Keys(v, manifest);
          ASSERT_FALSE(keys.empty());
          EXPECT_LE(keys.size(), static_cast<size_t>(limit));
          got.insert(got.end(), keys.begin(), keys.end());
          if (manifest) {  // the headers are the first and last date_added of the page
            const auto& items = v.Find("objects")->items();
            EXPECT_EQ(r.Header("X-TAXII-Date-Added-First"), Str(items.front(), "date_added"));
            EXPECT_EQ(r.Header("X-TAXII-Date-Added-Last"), Str(items.back(), "date_added"));
            EXPECT_EQ(Str(items.front(), "media_type"), "application/stix+json;version=2.1");
          }
          if (!v.Find("more")->bool_value()) {
            EXPECT_EQ(v.Find("next"), nullptr);
            break;
          }
          next = Str(v, "next");
          ASSERT_NE(next, "<missing>");
        }
        EXPECT_EQ(got, want);
      }
    }
  }
}

TEST_F(ResourcesTest, LimitAboveMaximumIsLowered) {
  json::Value v = Body(Get(Objects(kC1), "match[version]=all&limit=999999"));
  EXPECT_EQ(Keys(v).size(), 17u);  // max_page_size 50 > 17: one page
  server_ = std::make_unique<Server>(node_->store(), ServerOptions{.max_page_size = 4});
  v = Body(Get(Objects(kC1), "limit=999999"));
  EXPECT_EQ(Keys(v).size(), 4u);
  EXPECT_TRUE(v.Find("more")->bool_value());
  server_ = std::make_unique<Server>(node_->store(),
                                     ServerOptions{.default_page_size = 3, .max_page_size = 4});
  EXPECT_EQ(Keys(Body(Get(Objects(kC1)))).size(), 3u);
}

TEST_F(ResourcesTest, CursorSurvivesRestart) {
  json::Value v = Body(Get(Objects(kC1), "match[version]=all&limit=10"));
  std::string next = Str(v, "next");
  std::vector<std::string> got = Keys(v);
  Open();  // a new process: nothing of the first Server is left
  v = Body(Get(Objects(kC1), "match[version]=all&limit=10&next=" + next));
  std::vector<std::string> rest = Keys(v);
  got.insert(got.end(), rest.begin(), rest.end());
  store::Query q;
  q.collection = kC1;
  q.versions = store::VersionSelection::All();
  EXPECT_EQ(got, Reference(q));
  // The same filters in another order keep the cursor valid; other filters do not.
  v = Body(Get(Objects(kC1), "match[version]=all&limit=10"));
  next = Str(v, "next");
  EXPECT_EQ(Get(Objects(kC1), "limit=3&match[version]=all,all&next=" + next).status, 200);
  ExpectError(Get(Objects(kC1), "match[version]=first&next=" + next), 400, "different filters");
  ExpectError(Get(std::string("/taxii2/api/collections/") + kC1 + "/manifest/",
                  "match[version]=all&next=" + next),
              400, "different filters");
  ExpectError(Get(Objects(kC1), "match[version]=all&next=bm9wZQ"), 400, "not a cursor");
  ExpectError(Get(Objects(kC1), "match[version]=all&next=%25%25"), 400, "not a cursor");
}

TEST_F(ResourcesTest, ObjectAndVersions) {
  std::string base = Objects(kC1) + IdentityId(0) + "/";
  Response r = Get(base);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Keys(Body(r)), std::vector<std::string>{IdentityId(0) + "@" + kV2});
  EXPECT_EQ(Keys(Body(Get(base, "match[version]=all"))).size(), 2u);
  EXPECT_EQ(Keys(Body(Get(base, "match[version]=all&added_after=" + added1_))).size(), 1u);
  EXPECT_EQ(Body(Get(base, "match[spec_version]=2.0")).members().size(), 0u);
  // Versions: oldest first, identity 9's 2022 version is not in c1.
  r = Get(base + "versions/");
  ASSERT_EQ(r.status, 200) << r.body;
  json::Value v = Body(r);
  ASSERT_NE(v.Find("versions"), nullptr) << r.body;
  std::vector<std::string> versions;
  for (const json::Value& x : v.Find("versions")->items()) versions.push_back(x.str());
  EXPECT_EQ(versions, (std::vector<std::string>{kV1, kV2}));
  EXPECT_EQ(r.Header("X-TAXII-Date-Added-First"), added1_);
  EXPECT_EQ(r.Header("X-TAXII-Date-Added-Last"), added2_);
  json::Value nine = Body(Get(Objects(kC1) + IdentityId(9) + "/versions/"));
  EXPECT_EQ(nine.Find("versions")->items().size(), 1u);
  // Paging the versions list.
  v = Body(Get(base + "versions/", "limit=1"));
  EXPECT_TRUE(v.Find("more")->bool_value());
  v = Body(Get(base + "versions/", "limit=1&next=" + Str(v, "next")));
  EXPECT_FALSE(v.Find("more")->bool_value());
  EXPECT_EQ(v.Find("versions")->items()[0].str(), kV2);
  // Unknown objects, and objects of another collection, are 404.
  ExpectError(Get(Objects(kC1) + "malware--" + Uuid(3) + "/"), 404, "malware--" + Uuid(3));
  ExpectError(Get(Objects(kC2) + IdentityId(0) + "/versions/"), 404, IdentityId(0));
}

TEST_F(ResourcesTest, BadParametersAre400) {
  ExpectError(Get(Objects(kC1), "limit=0"), 400, "limit");
  ExpectError(Get(Objects(kC1), "limit=-1"), 400, "positive integer");
  ExpectError(Get(Objects(kC1), "limit=ten"), 400, "limit");
  ExpectError(Get(Objects(kC1), "limit=1&limit=2"), 400, "at most once");
  ExpectError(Get(Objects(kC1), "added_after=yesterday"), 400, "added_after");
  ExpectError(Get(Objects(kC1), "match[version]=newest"), 400, "'last', 'first', 'all'");
  ExpectError(Get(Objects(kC1), "match[version]="), 400, "match[version]");
  ExpectError(Get(Objects(kC1), "match[spec_version]=two"), 400, "spec version");
  ExpectError(Get(Objects(kC1), "match[type]=a,,b"), 400, "match[type]");
  ExpectError(Get(Objects(kC1), "match[typ]=malware"), 400, "match[typ]");
  // Raw bytes echoed in the message are made printable: the error is still valid JSON.
  ExpectError(Get(Objects(kC1), "match[type]=%FF%C3%01"), 400, "'\?\?\?' is not an object type");
  ExpectError(Get(Objects(kC1) + IdentityId(0) + "/", "match[id]=x"), 400, "match[id]");
  ExpectError(Get(Objects(kC1) + IdentityId(0) + "/versions/", "match[version]=all"), 400,
              "match[version]");
  std::string ids;
  for (int i = 0; i < 300; ++i) ids += (i ? "," : "") + IdentityId(i);
  ExpectError(Get(Objects(kC1), "match[id]=" + ids), 400, "more than");
}

TEST_F(ResourcesTest, MethodAcceptAndPathErrors) {
  Request post;
  post.method = "POST";
  post.path = "/taxii2/api/collections/";
  Response r = server_->Handle(Authorized(post));
  ExpectError(r, 405, "POST");
  EXPECT_EQ(r.Header("Allow"), "GET");
  post.method = "DELETE";
  post.path = Objects(kC1);
  r = server_->Handle(Authorized(post));
  ExpectError(r, 405, "DELETE");
  EXPECT_EQ(r.Header("Allow"), "GET, POST");
  post.method = "PUT";
  post.path = Objects(kC1) + IdentityId(0) + "/";
  r = server_->Handle(Authorized(post));
  ExpectError(r, 405, "PUT");
  EXPECT_EQ(r.Header("Allow"), "GET, DELETE");

  Request html;
  html.path = "/taxii2/api/collections/";
  html.AddHeader("Accept", "text/html");
  ExpectError(server_->Handle(Authorized(html)), 406, "text/html");
  html.headers.clear();  // no Accept at all is fine
  EXPECT_EQ(server_->Handle(Authorized(html)).status, 200);

  ExpectError(Get("/elsewhere/"), 404, "/elsewhere/");
  ExpectError(Get("/taxii2/api/collections/" + std::string(kC1) + "/objects/x/y/"), 404, "x/y");
  ExpectError(Get("/taxii2/api/collections/" + std::string(kC1) + "/status/"), 404, "status");
  ExpectError(Get("/taxii2/api/collections/nope/objects/"), 404, "nope");
  ExpectError(Get("/taxii2/api/collections/nope/manifest/"), 404, "nope");
}

TEST(Cursor, RoundTripAndTampering) {
  std::string c = EncodeCursor(12345, "abcd");
  EXPECT_EQ(DecodeCursor(c, "abcd").value(), 12345);
  EXPECT_EQ(DecodeCursor(c, "abce").status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(DecodeCursor("", "abcd").ok());
  EXPECT_FALSE(DecodeCursor(Base64UrlEncode("2:1:abcd"), "abcd").ok());
  EXPECT_FALSE(DecodeCursor(Base64UrlEncode("1:x:abcd"), "abcd").ok());
  EXPECT_FALSE(DecodeCursor(Base64UrlEncode("1:99999999999999999999:abcd"), "abcd").ok());
}

}  // namespace
}  // namespace tadamun::taxii
