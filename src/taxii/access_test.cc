// Authentication and authorisation of TAXII requests: the Authorization parser on a table of
// good and bad headers, then every failure mode through Server::Handle (401 with the
// challenges, 404 identical to an unknown collection, 403), and the per-member collection list.
#include "taxii/access.h"

#include <gtest/gtest.h>

#include "base/clock.h"

#include <filesystem>
#include <set>

#include "base/encoding.h"
#include "json/json.h"
#include "node/node.h"
#include "taxii/resources.h"

namespace tadamun::taxii {
namespace {

constexpr char kC1[] = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";  // reader r, writer rw
constexpr char kC2[] = "52892447-4d7e-4f70-b94d-d7f22742ff63";  // inbox: writer-only w
constexpr char kC3[] = "0c5d7e2a-3f41-4a55-9e0b-6d2b8f1e4c77";  // nobody's
constexpr char kUnknown[] = "e3b0c442-98fc-4c14-9afb-f4c8996fb924";
constexpr char kChallenges[] = "Basic realm=\"tadamun\", Bearer realm=\"tadamun\"";
constexpr char kInvalidChallenges[] =
    "Basic realm=\"tadamun\", Bearer realm=\"tadamun\", error=\"invalid_token\"";

TEST(ParseAuthorization, GoodHeaders) {
  struct Case {
    std::string header;
    bool basic;
    std::string user, token;
  };
  const std::string t = "tdm_AbC-_9";
  const std::vector<Case> cases = {
      {"Bearer " + t, false, "", t},
      {"bearer " + t, false, "", t},
      {"BEARER   " + t + "  ", false, "", t},
      {"  Bearer " + t, false, "", t},
      {"Bearer abc+/~.=", false, "", "abc+/~.="},
      {"Basic " + Base64Encode("alice:" + t), true, "alice", t},
      {"basic " + Base64Encode("alice:" + t), true, "alice", t},
      {"Basic " + Base64Encode("alice:a:b"), true, "alice", "a:b"},  // the first ':' splits
      {"Basic " + Base64Encode(":" + t), true, "", t},
      {"Basic " + Base64Encode("alice:"), true, "alice", ""},
  };
  for (const Case& c : cases) {
    auto got = ParseAuthorization(c.header);
    ASSERT_TRUE(got.ok()) << c.header << ": " << got.status().ToString();
    EXPECT_EQ(got->basic, c.basic) << c.header;
    EXPECT_EQ(got->user, c.user) << c.header;
    EXPECT_EQ(got->token, c.token) << c.header;
  }
}

TEST(ParseAuthorization, BadHeadersNeverEchoTheValue) {
  const std::string secret = "tdm_S3cr3tV4lue";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "Basic or Bearer"},
      {secret, "Basic or Bearer"},  // a bare token without a scheme
      {"Digest " + secret, "Basic or Bearer"},
      {"Token " + secret, "Basic or Bearer"},
      {"Bearer", "no credentials"},
      {"Bearer ", "no credentials"},
      {"Bearer " + secret + " x", "characters"},
      {"Bearer " + secret + "\"", "characters"},
      {"Bearer ==" + secret, "characters"},
      {"Bearer " + std::string(300, 'a'), "longer"},
      {"Bearer " + std::string(2000, 'a'), "longer than 1024"},
      {"Basic " + secret + "%", "not base64"},
      {"Basic " + Base64Encode("alice:" + secret).substr(1), "not base64"},
      {"Basic " + Base64UrlEncode("alice?" + secret + ">>"), "not base64"},  // URL alphabet
      {"Basic " + Base64Encode("alice" + secret), "no ':'"},
  };
  for (const auto& [header, fragment] : cases) {
    auto got = ParseAuthorization(header);
    ASSERT_FALSE(got.ok()) << header;
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(got.status().message().find(fragment), std::string::npos)
        << header << " -> " << got.status().message();
    EXPECT_EQ(got.status().message().find("S3cr3t"), std::string::npos) << header;
  }
}

TEST(Decide, Table) {
  using R = store::Rights;
  EXPECT_EQ(Decide(R{false, false}, Access::kRead), Decision::kHide);
  EXPECT_EQ(Decide(R{false, false}, Access::kWrite), Decision::kHide);
  EXPECT_EQ(Decide(R{true, false}, Access::kRead), Decision::kAllow);
  EXPECT_EQ(Decide(R{true, false}, Access::kWrite), Decision::kForbid);
  EXPECT_EQ(Decide(R{false, true}, Access::kRead), Decision::kForbid);
  EXPECT_EQ(Decide(R{false, true}, Access::kWrite), Decision::kAllow);
  EXPECT_EQ(Decide(R{true, true}, Access::kRead), Decision::kAllow);
  EXPECT_EQ(Decide(R{true, true}, Access::kWrite), Decision::kAllow);
}

class AccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/access_test_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    ASSERT_TRUE(node::Node::Init(dir_, {}).ok());
    auto node = node::Node::Open(dir_);
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    node_ = std::move(*node);
    store::Store& s = node_->store();
    ASSERT_TRUE(s.CreateCollection({kC1, "Shared", "", ""}).ok());
    ASSERT_TRUE(s.CreateCollection({kC2, "Inbox", "", ""}).ok());
    ASSERT_TRUE(s.CreateCollection({kC3, "Private", "", ""}).ok());
    for (const char* m : {"reader", "writer", "inbox", "nobody", "gone"}) {
      auto token = s.AddMember(m);
      ASSERT_TRUE(token.ok()) << token.status().ToString();
      tokens_[m] = *token;
    }
    ASSERT_TRUE(s.SetRights("reader", kC1, {true, false}).ok());
    ASSERT_TRUE(s.SetRights("writer", kC1, {true, true}).ok());
    ASSERT_TRUE(s.SetRights("inbox", kC2, {false, true}).ok());
    ASSERT_TRUE(s.SetRights("gone", kC1, {true, true}).ok());
    ASSERT_TRUE(s.RevokeMember("gone").ok());
    // Tokens with a lifetime: one that ended a second ago, one that ends tomorrow.
    const int64_t now = Clock::System()->Now().unix_seconds();
    for (auto [m, end] : {std::pair<const char*, int64_t>{"late", now - 1}, {"soon", now + 86400}}) {
      auto token = s.AddMember(m, Timestamp::FromUnixMicros(end * 1000000));
      ASSERT_TRUE(token.ok()) << token.status().ToString();
      tokens_[m] = *token;
      ASSERT_TRUE(s.SetRights(m, kC1, {true, false}).ok());
    }
    server_ = std::make_unique<Server>(s, ServerOptions{});
  }
  void TearDown() override {
    server_.reset();
    node_.reset();
    std::filesystem::remove_all(dir_);
  }

  Response Send(const std::string& path, const std::optional<std::string>& authorization,
                const std::string& method = "GET") {
    Request r;
    r.method = method;
    r.path = path;
    r.member = "writer";  // whatever the caller put here is overwritten
    if (authorization) r.AddHeader("Authorization", *authorization);
    r.AddHeader("Accept", std::string(kTaxiiMediaType));
    if (method == "POST") {
      r.AddHeader("Content-Type", std::string(kTaxiiMediaType));
      r.body = R"({"objects":[]})";
    }
    return server_->Handle(std::move(r));
  }
  Response As(const std::string& member, const std::string& path,
              const std::string& method = "GET") {
    return Send(path, "Bearer " + tokens_.at(member), method);
  }
  std::string BasicFor(const std::string& user, const std::string& token) {
    return "Basic " + Base64Encode(user + ":" + token);
  }
  static std::string Collection(const std::string& id, const std::string& rest = "") {
    return "/taxii2/api/collections/" + id + "/" + rest;
  }
  static json::Value Body(const Response& r) {
    auto v = json::Parse(r.body);
    EXPECT_TRUE(v.ok()) << r.body;
    return v.ok() ? *v : json::Value();
  }
  // A 401 TAXII error resource with the challenges; the description must not leak `secret`.
  void Expect401(const Response& r, const char* challenges, std::string_view fragment,
                 const std::string& secret) {
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(r.Header("WWW-Authenticate"), std::string(challenges)) << r.body;
    EXPECT_EQ(r.Header("Content-Type"), std::string(kTaxiiMediaType));
    json::Value v = Body(r);
    ASSERT_NE(v.Find("http_status"), nullptr) << r.body;
    EXPECT_EQ(v.Find("http_status")->str(), "401");
    ASSERT_NE(v.Find("description"), nullptr) << r.body;
    EXPECT_NE(v.Find("description")->str().find(fragment), std::string::npos)
        << "'" << fragment << "' not in " << r.body;
    if (!secret.empty()) {
      EXPECT_EQ(r.body.find(secret), std::string::npos) << r.body;
      EXPECT_EQ(r.body.find(secret.substr(4)), std::string::npos) << r.body;
    }
  }
  // The ids of the collections listed for `member`, with their can_read/can_write.
  std::map<std::string, std::string> Listed(const std::string& member) {
    Response r = As(member, "/taxii2/api/collections/");
    EXPECT_EQ(r.status, 200) << r.body;
    std::map<std::string, std::string> out;
    json::Value v = Body(r);
    const json::Value* list = v.Find("collections");
    if (list == nullptr) {
      EXPECT_EQ(r.body, "{}");
      return out;
    }
    for (const json::Value& c : list->items()) {
      out[c.Find("id")->str()] = std::string(c.Find("can_read")->bool_value() ? "r" : "-") +
                                 (c.Find("can_write")->bool_value() ? "w" : "-");
    }
    return out;
  }

  std::string dir_;
  std::unique_ptr<node::Node> node_;
  std::unique_ptr<Server> server_;
  std::map<std::string, std::string> tokens_;
};

TEST_F(AccessTest, EveryResourceNeedsAToken) {
  for (const std::string& path :
       {std::string("/taxii2/"), std::string("/taxii2/api/"), std::string("/taxii2/api/collections/"),
        Collection(kC1), Collection(kC1, "objects/"), Collection(kC1, "manifest/"),
        Collection(kUnknown, "objects/"), std::string("/taxii2/api/status/x/"),
        std::string("/nowhere/")}) {
    SCOPED_TRACE(path);
    Expect401(Send(path, std::nullopt), kChallenges, "needs an API token", "");
  }
  // Also before the method check: an anonymous caller learns nothing about routes.
  Expect401(Send(Collection(kC1, "objects/"), std::nullopt, "POST"), kChallenges,
            "needs an API token", "");
}

TEST_F(AccessTest, EveryFailureModeIs401) {
  const std::string token = tokens_.at("reader");
  const std::string path = Collection(kC1, "objects/");
  Expect401(Send(path, "Digest " + token), kChallenges, "Basic or Bearer", token);
  Expect401(Send(path, token), kChallenges, "Basic or Bearer", token);  // no scheme
  Expect401(Send(path, "Bearer"), kChallenges, "no credentials", "");
  Expect401(Send(path, "Bearer " + token + "\""), kChallenges, "characters", token);
  Expect401(Send(path, "Basic " + token + "!!"), kChallenges, "not base64", token);
  Expect401(Send(path, "Basic " + Base64Encode("reader" + token)), kChallenges, "no ':'", token);
  // Well-formed but not valid: error="invalid_token".
  Expect401(Send(path, BasicFor("writer", token)), kInvalidChallenges, "does not match", token);
  Expect401(Send(path, BasicFor("", token)), kInvalidChallenges, "does not match", token);
  std::string unknown = token;
  unknown[10] = unknown[10] == 'x' ? 'y' : 'x';
  Expect401(Send(path, "Bearer " + unknown), kInvalidChallenges, "not valid", unknown);
  Expect401(Send(path, BasicFor("reader", unknown)), kInvalidChallenges, "not valid", unknown);
  Expect401(Send(path, "Bearer tdm_"), kInvalidChallenges, "not valid", "");
  // The stored hash is not a token.
  Expect401(Send(path, "Bearer " + store::TokenHash(token)), kInvalidChallenges, "not valid", "");
  const std::string gone = tokens_.at("gone");
  Expect401(Send(path, "Bearer " + gone), kInvalidChallenges, "revoked", gone);
  Expect401(Send(path, BasicFor("gone", gone)), kInvalidChallenges, "revoked", gone);
  Expect401(Send("/taxii2/api/collections/", "Bearer " + gone), kInvalidChallenges, "revoked",
            gone);
  // A token past its lifetime; one within it authenticates.
  const std::string late = tokens_.at("late");
  Expect401(Send(path, "Bearer " + late), kInvalidChallenges, "expired", late);
  Expect401(Send(path, BasicFor("late", late)), kInvalidChallenges, "expired", late);
  EXPECT_EQ(Send(path, "Bearer " + tokens_.at("soon")).status, 200);
}

TEST_F(AccessTest, BearerAndBasicBothAuthenticate) {
  const std::string token = tokens_.at("reader");
  const std::string path = Collection(kC1, "objects/");
  EXPECT_EQ(Send(path, "Bearer " + token).status, 200);
  EXPECT_EQ(Send(path, "bearer " + token).status, 200);
  EXPECT_EQ(Send(path, BasicFor("reader", token)).status, 200);
  EXPECT_EQ(Send(path, "BASIC " + Base64Encode("reader:" + token)).status, 200);
  // request.member is what the server authenticated, not what the caller set ("writer").
  Response r = Send(Collection(kC1), "Bearer " + token);
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(Body(r).Find("can_write")->bool_value());
  Request direct;
  direct.member = "writer";
  direct.AddHeader("Authorization", BasicFor("reader", token));
  EXPECT_FALSE(Authenticate(node_->store(), &direct).has_value());
  EXPECT_EQ(direct.member, "reader");
  direct.headers.clear();
  direct.AddHeader("Authorization", "Bearer " + tokens_.at("gone"));
  EXPECT_TRUE(Authenticate(node_->store(), &direct).has_value());
  EXPECT_EQ(direct.member, "");
}

TEST_F(AccessTest, PublicDiscoveryIsOptIn) {
  EXPECT_EQ(Send("/taxii2/", std::nullopt).status, 401);
  server_ = std::make_unique<Server>(node_->store(), ServerOptions{.public_discovery = true});
  Response r = Send("/taxii2/", std::nullopt);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Send("/taxii2", std::nullopt).status, 200);
  EXPECT_EQ(Send("/taxii2/", "Bearer nonsense").status, 200);  // discovery does not check
  EXPECT_EQ(Send("/taxii2/", "Bearer " + tokens_.at("reader")).status, 200);
  // Only discovery: the API root and everything under it still need a token.
  EXPECT_EQ(Send("/taxii2/api/", std::nullopt).status, 401);
  EXPECT_EQ(Send("/taxii2/api/collections/", std::nullopt).status, 401);
}

TEST_F(AccessTest, UnseenCollectionIsTheSame404AsAnUnknownOne) {
  for (const char* member : {"reader", "writer", "inbox", "nobody"}) {
    for (const std::string& rest :
         {std::string(""), std::string("objects/"), std::string("manifest/"),
          std::string("objects/identity--00000000-1111-4111-8111-111111111111/"),
          std::string("objects/identity--00000000-1111-4111-8111-111111111111/versions/")}) {
      for (const char* method : {"GET", "POST", "DELETE"}) {
        const bool post_ok = rest == "objects/";
        const bool delete_ok = rest.rfind("objects/identity", 0) == 0 && rest.find("versions") ==
                                                                             std::string::npos;
        if ((std::string(method) == "POST" && !post_ok) ||
            (std::string(method) == "DELETE" && !delete_ok)) {
          continue;
        }
        SCOPED_TRACE(std::string(member) + " " + method + " " + rest);
        Response unseen = As(member, Collection(kC3, rest), method);
        Response unknown = As(member, Collection(kUnknown, rest), method);
        EXPECT_EQ(unseen.status, 404);
        EXPECT_EQ(unseen.status, unknown.status);
        EXPECT_EQ(unseen.headers, unknown.headers);
        std::string body = unseen.body;
        body.replace(body.find(kC3), std::string(kC3).size(), kUnknown);
        EXPECT_EQ(body, unknown.body);
      }
    }
  }
  // A member with no rights on kC1 gets the same 404 there too.
  Response r = As("nobody", Collection(kC1, "objects/"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body.find("Shared"), std::string::npos);
}

TEST_F(AccessTest, ReadOnlyMemberMayNotWrite) {
  Response r = As("reader", Collection(kC1, "objects/"), "POST");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.body.find("may read"), std::string::npos) << r.body;
  EXPECT_EQ(As("reader", Collection(kC1, "objects/indicator--x/"), "DELETE").status, 403);
  // The writer passes the access check (whatever POST answers next, it is not 401/403/404).
  for (const char* method : {"POST"}) {
    int status = As("writer", Collection(kC1, "objects/"), method).status;
    EXPECT_NE(status, 401);
    EXPECT_NE(status, 403);
    EXPECT_NE(status, 404);
  }
}

TEST_F(AccessTest, WriteOnlyMemberSeesTheCollectionButNotItsObjects) {
  Response c = As("inbox", Collection(kC2));
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_FALSE(Body(c).Find("can_read")->bool_value());
  EXPECT_TRUE(Body(c).Find("can_write")->bool_value());
  for (const std::string& rest : {std::string("objects/"), std::string("manifest/"),
                                  std::string("objects/indicator--x/"),
                                  std::string("objects/indicator--x/versions/")}) {
    Response r = As("inbox", Collection(kC2, rest));
    EXPECT_EQ(r.status, 403) << rest << ": " << r.body;
    EXPECT_NE(r.body.find("not read"), std::string::npos) << r.body;
  }
  int status = As("inbox", Collection(kC2, "objects/"), "POST").status;
  EXPECT_NE(status, 403);
  EXPECT_NE(status, 404);
}

TEST_F(AccessTest, CollectionsAreFilteredPerMember) {
  using M = std::map<std::string, std::string>;
  EXPECT_EQ(Listed("reader"), (M{{kC1, "r-"}}));
  EXPECT_EQ(Listed("writer"), (M{{kC1, "rw"}}));
  EXPECT_EQ(Listed("inbox"), (M{{kC2, "-w"}}));
  EXPECT_EQ(Listed("nobody"), M{});
  // Rights changed in the store apply to the next request.
  ASSERT_TRUE(node_->store().SetRights("nobody", kC3, {true, false}).ok());
  ASSERT_TRUE(node_->store().SetRights("reader", kC1, {false, false}).ok());
  EXPECT_EQ(Listed("nobody"), (M{{kC3, "r-"}}));
  EXPECT_EQ(Listed("reader"), M{});
  EXPECT_EQ(As("nobody", Collection(kC3, "objects/")).status, 200);
  EXPECT_EQ(As("reader", Collection(kC1, "objects/")).status, 404);
}

}  // namespace
}  // namespace tadamun::taxii
