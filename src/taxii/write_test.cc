// Tests of the TAXII resources that write (write.cc): POST objects, DELETE object, GET status,
// against a real node (store and audit log in a temporary folder).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "audit/entry.h"
#include "audit/node_audit.h"
#include "base/env.h"
#include "json/json.h"
#include "node/import.h"
#include "node/node.h"
#include "store/sqlite.h"
#include "taxii/resources.h"

namespace tadamun::taxii {
namespace {

constexpr char kC1[] = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
constexpr char kC2[] = "52892447-4d7e-4f70-b94d-d7f22742ff63";
constexpr char kUnknown[] = "00000000-0000-4000-8000-000000000000";
constexpr char kV1[] = "2020-01-01T00:00:00.000Z";
constexpr char kV2[] = "2021-01-01T00:00:00.000Z";

std::string IdentityId(int i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "identity--%08d-1111-4111-8111-111111111111", i);
  return buf;
}
std::string Identity(int i, const std::string& modified, const std::string& name = "") {
  return R"({"type":"identity","spec_version":"2.1","id":")" + IdentityId(i) +
         R"(","created":"2020-01-01T00:00:00.000Z","modified":")" + modified + R"(","name":")" +
         (name.empty() ? "org " + std::to_string(i) : name) +
         R"(","identity_class":"organization"})";
}
std::string Envelope(const std::vector<std::string>& objects) {
  std::string out = R"({"more":false,"objects":[)";
  for (size_t i = 0; i < objects.size(); ++i) out += (i ? ",\n" : "") + objects[i];
  return out + "]}";
}

class WriteTest : public ::testing::Test {
 protected:
  void SetUp() override { Fresh(); }
  // A new node folder with the two collections and the two members.
  void Fresh(ServerOptions options = {}) {
    server_.reset();
    node_.reset();
    writes_ = 0;
    dir_ = ::testing::TempDir() + "/taxii_write_test_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    ASSERT_TRUE(node::Node::Init(dir_, {}).ok());
    Open(std::move(options));
    ASSERT_TRUE(node_->store().CreateCollection({kC1, "Partners", "", ""}).ok());
    ASSERT_TRUE(node_->store().CreateCollection({kC2, "Internal", "", ""}).ok());
    // "writer" may read and write both collections; "reader" may only read kC1.
    store::Store& s = node_->store();
    auto writer = s.AddMember("writer");
    auto reader = s.AddMember("reader");
    ASSERT_TRUE(writer.ok() && reader.ok());
    token_ = *writer;
    reader_token_ = *reader;
    ASSERT_TRUE(s.SetRights("writer", kC1, {true, true}).ok());
    ASSERT_TRUE(s.SetRights("writer", kC2, {true, true}).ok());
    ASSERT_TRUE(s.SetRights("reader", kC1, {true, false}).ok());
  }
  void TearDown() override {
    server_.reset();
    node_.reset();
    std::filesystem::remove_all(dir_);
  }
  // (Re)opens the node and a new Server over it, as after a restart.
  void Open(ServerOptions options = {}) {
    server_.reset();
    node_.reset();
    auto node = node::Node::Open(dir_);
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    node_ = std::move(*node);
    options.validation = node::NodeValidation();
    options.after_write = [this] {
      ++writes_;
      Status s = node_->RecordPendingImports();
      EXPECT_TRUE(s.ok()) << s.ToString();
    };
    server_ = std::make_unique<Server>(node_->store(), std::move(options));
  }
  Response Post(const std::string& collection, std::string body,
                const std::string& content_type = std::string(kTaxiiMediaType),
                const std::string* token = nullptr) {
    Request r;
    r.AddHeader("Authorization", "Bearer " + (token ? *token : token_));
    r.method = "POST";
    r.path = "/taxii2/api/collections/" + collection + "/objects/";
    r.AddHeader("Accept", std::string(kTaxiiMediaType));
    if (!content_type.empty()) r.AddHeader("Content-Type", content_type);
    r.body = std::move(body);
    return server_->Handle(std::move(r));
  }
  Response Send(const std::string& method, const std::string& path, const std::string& query = "",
                const std::string* token = nullptr) {
    Request r;
    r.AddHeader("Authorization", "Bearer " + (token ? *token : token_));
    r.method = method;
    r.path = path;
    auto q = ParseQueryString(query);
    EXPECT_TRUE(q.ok()) << q.status().ToString();
    if (q.ok()) r.query = *q;
    r.AddHeader("Accept", std::string(kTaxiiMediaType));
    return server_->Handle(std::move(r));
  }
  std::string ObjectPath(const std::string& collection, const std::string& id) {
    return "/taxii2/api/collections/" + collection + "/objects/" + id + "/";
  }
  static json::Value Body(const Response& r) {
    auto v = json::Parse(r.body);
    EXPECT_TRUE(v.ok()) << r.body;
    return v.ok() ? *v : json::Value();
  }
  static int64_t Int(const json::Value& v, std::string_view key) {
    const json::Value* f = v.Find(key);
    return f && f->AsInt64() ? *f->AsInt64() : -1;
  }
  static std::string Str(const json::Value& v, std::string_view key) {
    const json::Value* f = v.Find(key);
    return f && f->is_string() ? f->str() : "<missing>";
  }
  static const std::vector<json::Value>& List(const json::Value& v, std::string_view key) {
    static const std::vector<json::Value> kEmpty;
    const json::Value* f = v.Find(key);
    return f && f->is_array() ? f->items() : kEmpty;
  }
  // "id@version" of every version of the collection (the store's own scan).
  std::vector<std::string> InCollection(const std::string& collection) {
    store::Query q;
    q.collection = collection;
    q.versions = store::VersionSelection::All();
    std::vector<std::string> out;
    EXPECT_TRUE(node_->store()
                    .Scan(q,
                          [&](const store::Row& row) {
                            out.push_back(row.id + "@" + row.version);
                            return Status::Ok();
                          })
                    .ok());
    return out;
  }
  uint64_t StoredVersions() {
    auto stats = node_->store().GetStats();
    EXPECT_TRUE(stats.ok());
    return stats.ok() ? stats->versions : 0;
  }
  // Every audit log entry, decoded.
  std::vector<audit::Entry> AuditEntries() {
    std::vector<audit::Entry> out;
    auto log = audit::OpenNodeAuditReader(Env::Default(), dir_);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    if (!log.ok()) return out;
    Status s = (*log)->ForEachEntry(0, (*log)->size(), [&](uint64_t, std::string_view bytes) {
      auto e = audit::DecodeEntry(bytes);
      if (!e.ok()) return e.status();
      out.push_back(*e);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  std::string dir_;
  std::string token_;         // the writer's API token
  std::string reader_token_;  // the reader's
  std::unique_ptr<node::Node> node_;
  std::unique_ptr<Server> server_;
  int writes_ = 0;
};

TEST_F(WriteTest, PostStoresObjectsAndAnswersAStatus) {
  Response r = Post(kC1, Envelope({Identity(1, kV1), Identity(2, kV1), Identity(3, kV1)}));
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.Header("content-type"), std::string(kTaxiiMediaType));
  json::Value status = Body(r);
  const std::string id = Str(status, "id");
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(Str(status, "status"), "complete");
  EXPECT_TRUE(Timestamp::Parse(Str(status, "request_timestamp")).ok());
  EXPECT_EQ(Int(status, "total_count"), 3);
  EXPECT_EQ(Int(status, "success_count"), 3);
  EXPECT_EQ(Int(status, "failure_count"), 0);
  EXPECT_EQ(Int(status, "pending_count"), 0);
  ASSERT_EQ(List(status, "successes").size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const json::Value& d = List(status, "successes")[i];
    EXPECT_EQ(Str(d, "id"), IdentityId(i + 1));
    EXPECT_EQ(Str(d, "version"), kV1);
  }
  EXPECT_TRUE(List(status, "failures").empty());
  EXPECT_EQ(InCollection(kC1),
            (std::vector<std::string>{IdentityId(1) + "@" + kV1, IdentityId(2) + "@" + kV1,
                                      IdentityId(3) + "@" + kV1}));
  EXPECT_TRUE(InCollection(kC2).empty());
  EXPECT_EQ(writes_, 1);

  // Readable through TAXII, and the status reads back byte for byte.
  Response objects = Send("GET", "/taxii2/api/collections/" + std::string(kC1) + "/objects/");
  EXPECT_EQ(List(Body(objects), "objects").size(), 3u);
  Response again = Send("GET", "/taxii2/api/status/" + id + "/");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, r.body);

  // Provenance: a "taxii" import by the member, recorded in the audit log by after_write.
  bool found = false;
  for (const audit::Entry& e : AuditEntries()) {
    if (e.kind == audit::EntryKind::kImport && e.source == "taxii:writer") {
      found = true;
      EXPECT_EQ(e.objects.size(), 3u);
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(WriteTest, FailuresArePerObjectWithTheReason) {
  // A version stored earlier; the POST sends it again with other content (a clash).
  ASSERT_EQ(Post(kC1, Envelope({Identity(9, kV1)})).status, 202);
  const std::string bad_created =
      R"({"type":"identity","spec_version":"2.1","id":")" + IdentityId(5) +
      R"(","created":"yesterday","modified":"2020-01-01T00:00:00.000Z","name":"x"})";
  const std::string bad_pattern =
      R"({"type":"indicator","spec_version":"2.1","id":"indicator--11111111-1111-4111-8111-111111111111",)"
      R"("created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z",)"
      R"("pattern":"[ipv4-addr:value = ","pattern_type":"stix","valid_from":"2020-01-01T00:00:00Z"})";
  const std::vector<std::string> objects = {
      Identity(1, kV1),                // 0: ok
      bad_created,                     // 1: validation error at /objects/1/created
      Identity(9, kV1, "renamed"),     // 2: clash with the stored version
      Identity(2, kV1),                // 3: ok
      R"({"type":"identity"})",        // 4: no id
      bad_pattern,                     // 5: the node's pattern check
      Identity(2, kV1, "other name"),  // 6: clash inside the envelope
      "42",                            // 7: not an object
  };
  Response r = Post(kC1, Envelope(objects));
  ASSERT_EQ(r.status, 202) << r.body;
  json::Value status = Body(r);
  EXPECT_EQ(Int(status, "total_count"), 8);
  EXPECT_EQ(Int(status, "success_count"), 2);
  EXPECT_EQ(Int(status, "failure_count"), 6);
  ASSERT_EQ(List(status, "successes").size(), 2u);
  EXPECT_EQ(Str(List(status, "successes")[0], "id"), IdentityId(1));
  EXPECT_EQ(Str(List(status, "successes")[1], "id"), IdentityId(2));
  const auto& failures = List(status, "failures");
  ASSERT_EQ(failures.size(), 6u);
  struct Want {
    std::string id, version, in_message;
  };
  // The envelope puts each object on its own line: /objects/N is on line N + 1.
  const std::vector<Want> want = {
      {IdentityId(5), "2020-01-01T00:00:00.000Z", "/objects/1/created (line 2, column"},
      {IdentityId(9), kV1, "/objects/2 (line 3, column 1): " + IdentityId(9)},
      {"", "", "/objects/4"},
      {"indicator--11111111-1111-4111-8111-111111111111", "2020-01-01T00:00:00.000Z",
       "/objects/5/pattern (line 6"},
      {IdentityId(2), kV1, "appears twice in this import with different content"},
      {"", "", "/objects/7 (line 8, column 1)"},
  };
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(Str(failures[i], "id"), want[i].id);
    EXPECT_EQ(Str(failures[i], "version"), want[i].version);
    EXPECT_NE(Str(failures[i], "message").find(want[i].in_message), std::string::npos)
        << Str(failures[i], "message");
  }
  EXPECT_NE(Str(failures[1], "message").find("already stored with different content"),
            std::string::npos);
  // The valid objects were stored, the failures were not (the stored 9 keeps its content).
  EXPECT_EQ(InCollection(kC1),
            (std::vector<std::string>{IdentityId(9) + "@" + kV1, IdentityId(1) + "@" + kV1,
                                      IdentityId(2) + "@" + kV1}));
  auto nine = node_->store().Versions(IdentityId(9));
  ASSERT_TRUE(nine.ok());
  ASSERT_EQ(nine->size(), 1u);
  EXPECT_NE(nine->at(0).json.find("org 9"), std::string::npos);
}

TEST_F(WriteTest, RePostIsIdempotentAndJoinsOtherCollections) {
  const std::string body = Envelope({Identity(1, kV1), Identity(2, kV1)});
  ASSERT_EQ(Post(kC1, body).status, 202);
  const uint64_t versions = StoredVersions();
  Response r = Post(kC1, body);
  ASSERT_EQ(r.status, 202);
  json::Value status = Body(r);
  EXPECT_EQ(Int(status, "success_count"), 2);
  EXPECT_EQ(Int(status, "failure_count"), 0);
  EXPECT_EQ(Str(List(status, "successes")[0], "message"), "already stored with the same content");
  EXPECT_EQ(StoredVersions(), versions);
  EXPECT_EQ(InCollection(kC1).size(), 2u);
  // The same objects posted to another collection join it without new versions.
  ASSERT_EQ(Post(kC2, body).status, 202);
  EXPECT_EQ(StoredVersions(), versions);
  EXPECT_EQ(InCollection(kC2), InCollection(kC1));
}

TEST_F(WriteTest, MalformedJsonIs400WithPositionAndStoresNothing) {
  // Two valid objects, then a syntax error on line 3: nothing may be stored.
  std::string body = Envelope({Identity(1, kV1), Identity(2, kV1), Identity(3, kV1)});
  body.replace(body.rfind("\"name\""), 6, "\"name\" \"x\"");
  Response r = Post(kC1, body);
  ASSERT_EQ(r.status, 400) << r.body;
  json::Value error = Body(r);
  EXPECT_EQ(Str(error, "http_status"), "400");
  EXPECT_NE(Str(error, "description").find("line 3, column"), std::string::npos)
      << Str(error, "description");
  EXPECT_TRUE(InCollection(kC1).empty());
  EXPECT_EQ(StoredVersions(), 0u);
  EXPECT_EQ(writes_, 0);

  for (const std::string& bad :
       {std::string(""), std::string("{\"objects\":["), std::string("{\"objects\":[1]} trailing")}) {
    Response e = Post(kC1, bad);
    EXPECT_EQ(e.status, 400) << bad << " -> " << e.body;
    EXPECT_EQ(Str(Body(e), "http_status"), "400");
  }
  // Well-formed JSON that is not an envelope: 422 Unprocessable Entity.
  for (const std::string& bad : {std::string("[") + Identity(1, kV1) + "]",
                                 std::string("\"objects\""), std::string("{\"objects\":{}}")}) {
    Response e = Post(kC1, bad);
    EXPECT_EQ(e.status, 422) << bad << " -> " << e.body;
    EXPECT_EQ(Str(Body(e), "http_status"), "422");
  }
  EXPECT_EQ(StoredVersions(), 0u);
}

TEST_F(WriteTest, EmptyEnvelopeIsAcceptedWithNothingToDo) {
  for (const std::string& body : {std::string("{}"), std::string("{\"objects\":[]}"),
                                  std::string("{\"more\":false,\"next\":\"x\"}")}) {
    Response r = Post(kC1, body);
    ASSERT_EQ(r.status, 202) << r.body;
    EXPECT_EQ(Int(Body(r), "total_count"), 0);
  }
  EXPECT_EQ(writes_, 0);  // nothing committed, nothing to audit
}

TEST_F(WriteTest, BodyOverMaxContentLengthIs413) {
  ServerOptions options;
  options.max_content_length = 1000;
  Open(options);
  std::string body = Envelope(
      {Identity(1, kV1), Identity(2, kV1), Identity(3, kV1), Identity(4, kV1), Identity(5, kV1)});
  ASSERT_GT(body.size(), 1000u);
  Response r = Post(kC1, body);
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(Str(Body(r), "http_status"), "413");
  EXPECT_NE(Str(Body(r), "description").find("1000"), std::string::npos);
  EXPECT_EQ(StoredVersions(), 0u);
  // At the limit exactly it is accepted.
  std::string small = Envelope({Identity(1, kV1)});
  small.append(1000 - small.size(), ' ');
  EXPECT_EQ(Post(kC1, small).status, 202);
}

TEST_F(WriteTest, ContentTypes) {
  const std::string body = Envelope({Identity(1, kV1)});
  for (std::string ok : {
           "application/taxii+json;version=2.1",
           "application/taxii+json; version=2.1",
           "Application/TAXII+JSON;Version=\"2.1\"",
           "application/taxii+json",
           "application/taxii+json;version=2.1;charset=utf-8",
           "application/taxii+json ; charset=UTF-8 ; version=2.1",
       }) {
    EXPECT_EQ(Post(kC1, body, ok).status, 202) << ok;
  }
  for (std::string bad : {
           "",
           "application/json",
           "application/stix+json;version=2.1",
           "application/taxii+json;version=2.0",
           "application/taxii+json;version=21",
           "application/taxii+json;charset=iso-8859-1",
           "application/taxii+json;profile=x",
           "text/plain",
           "application/taxii+jsonx;version=2.1",
       }) {
    Response r = Post(kC1, body, bad);
    EXPECT_EQ(r.status, 415) << bad;
    EXPECT_EQ(Str(Body(r), "http_status"), "415");
    EXPECT_NE(Str(Body(r), "description").find(std::string(kTaxiiMediaType)), std::string::npos);
  }
}

TEST_F(WriteTest, AccessIsCheckedFirst) {
  const std::string body = Envelope({Identity(1, kV1)});
  const std::string none = "tdm_not-a-token";
  // Unknown collection, and one the member may not see: the same 404.
  Response unknown = Post(kUnknown, body);
  EXPECT_EQ(unknown.status, 404);
  Response unseen = Post(kC2, body, std::string(kTaxiiMediaType), &reader_token_);
  EXPECT_EQ(unseen.status, 404);
  EXPECT_EQ(Str(Body(unseen), "title"), Str(Body(unknown), "title"));
  // Read-only: 403, before the media type or the body are looked at.
  EXPECT_EQ(Post(kC1, body, std::string(kTaxiiMediaType), &reader_token_).status, 403);
  EXPECT_EQ(Post(kC1, "junk", "text/plain", &reader_token_).status, 403);
  EXPECT_EQ(Send("DELETE", ObjectPath(kC1, IdentityId(1)), "", &reader_token_).status, 403);
  // No valid token: 401.
  EXPECT_EQ(Post(kC1, body, std::string(kTaxiiMediaType), &none).status, 401);
  EXPECT_EQ(Send("DELETE", ObjectPath(kUnknown, IdentityId(1))).status, 404);
  EXPECT_EQ(StoredVersions(), 0u);
  EXPECT_EQ(writes_, 0);
}

TEST_F(WriteTest, StatusSurvivesRestartAndIsOnlyTheMembersOwn) {
  Response r = Post(kC1, Envelope({Identity(1, kV1), R"({"type":"identity"})"}));
  ASSERT_EQ(r.status, 202);
  const std::string id = Str(Body(r), "id");
  Open();  // a new Store connection and a new Server: no memory of the POST
  Response again = Send("GET", "/taxii2/api/status/" + id + "/");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.body, r.body);
  EXPECT_EQ(again.Header("content-type"), std::string(kTaxiiMediaType));

  // Another member asking for it is told it does not exist.
  Response hidden = Send("GET", "/taxii2/api/status/" + id + "/", "", &reader_token_);
  EXPECT_EQ(hidden.status, 404);
  Response unknown = Send("GET", "/taxii2/api/status/" + std::string(kUnknown) + "/");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(hidden.body.find(r.body), std::string::npos);
  EXPECT_EQ(Send("GET", "/taxii2/api/status/not-a-uuid/").status, 404);
  // Status is GET only.
  EXPECT_EQ(Send("DELETE", "/taxii2/api/status/" + id + "/").status, 405);
}

TEST_F(WriteTest, StatusListsMatchCountsAndStayBounded) {
  // Lists always hold one entry per object (taxii2client rejects a status whose lists and
  // counts disagree); only the first 1,000 failures carry a message, and a failure's id and
  // version (anything the client sent) are cut short.
  std::vector<std::string> objects;
  for (int i = 0; i < 1500; ++i) objects.push_back(R"({"type":"identity"})");
  objects.push_back(R"({"type":"identity","id":")" + std::string(5000, 'x') + R"(","modified":")" +
                    std::string(5000, '9') + R"("})");
  for (int i = 0; i < 5; ++i) objects.push_back(Identity(i, kV1));
  Response r = Post(kC1, Envelope(objects));
  ASSERT_EQ(r.status, 202);
  json::Value status = Body(r);
  EXPECT_EQ(Int(status, "total_count"), 1506);
  EXPECT_EQ(Int(status, "failure_count"), 1501);
  const auto& failures = List(status, "failures");
  ASSERT_EQ(failures.size(), 1501u);
  EXPECT_EQ(Int(status, "success_count"), 5);
  EXPECT_EQ(List(status, "successes").size(), 5u);
  EXPECT_NE(Str(failures[999], "message"), "<missing>");
  EXPECT_EQ(Str(failures[1000], "message"), "<missing>");
  EXPECT_LE(Str(failures[1500], "id").size(), 300u + 3);
  EXPECT_LE(Str(failures[1500], "version").size(), 64u + 3);
  EXPECT_EQ(Str(failures[1500], "id").substr(0, 10), "xxxxxxxxxx");
  EXPECT_EQ(InCollection(kC1).size(), 5u);
}

TEST_F(WriteTest, MoreThanTheObjectLimitIs413AndStoresNothing) {
  std::vector<std::string> objects = {Identity(1, kV1)};
  for (int i = 0; i < 100000; ++i) objects.push_back("{}");
  Response r = Post(kC1, Envelope(objects));
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 300);
  EXPECT_NE(Str(Body(r), "description").find("100000"), std::string::npos);
  EXPECT_EQ(StoredVersions(), 0u);
  objects.pop_back();  // exactly at the limit: accepted
  Response ok = Post(kC1, Envelope(objects));
  ASSERT_EQ(ok.status, 202);
  EXPECT_EQ(Int(Body(ok), "total_count"), 100000);
  EXPECT_EQ(StoredVersions(), 1u);
}

TEST_F(WriteTest, StoreFailureStoresNothing) {
  // A trigger makes the store fail on the third object of the envelope (a disk error stand-in).
  {
    store::Db db;
    ASSERT_TRUE(db.Open(node::Node::DatabasePath(dir_), false).ok());
    ASSERT_TRUE(db.Exec("CREATE TRIGGER fail BEFORE INSERT ON objects WHEN NEW.id = '" +
                        IdentityId(3) + "' BEGIN SELECT RAISE(ABORT, 'injected failure'); END;")
                    .ok());
  }
  Response r =
      Post(kC1, Envelope({Identity(1, kV1), Identity(2, kV1), Identity(3, kV1), Identity(4, kV1)}));
  EXPECT_EQ(r.status, 500) << r.body;
  EXPECT_NE(Str(Body(r), "description").find("injected failure"), std::string::npos) << r.body;
  EXPECT_EQ(StoredVersions(), 0u);
  EXPECT_TRUE(InCollection(kC1).empty());
  EXPECT_EQ(writes_, 0);
  // The store is usable afterwards (the transaction was rolled back).
  EXPECT_EQ(Post(kC1, Envelope({Identity(1, kV1)})).status, 202);
  EXPECT_EQ(StoredVersions(), 1u);
}

TEST_F(WriteTest, DeleteRemovesVersionsFromTheCollectionAndIsAudited) {
  ASSERT_EQ(Post(kC1, Envelope({Identity(1, kV1), Identity(1, kV2), Identity(2, kV1)})).status,
            202);
  ASSERT_EQ(Post(kC2, Envelope({Identity(1, kV1)})).status, 202);
  const std::string path = ObjectPath(kC1, IdentityId(1));
  const int writes_before = writes_;

  // One version (match[version] with a timestamp).
  Response one = Send("DELETE", path, "match[version]=" + std::string(kV1));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_TRUE(one.body.empty());
  EXPECT_EQ(InCollection(kC1),
            (std::vector<std::string>{IdentityId(1) + "@" + kV2, IdentityId(2) + "@" + kV1}));
  // Filters that select nothing: 404, nothing changes.
  EXPECT_EQ(Send("DELETE", path, "match[version]=" + std::string(kV1)).status, 404);
  EXPECT_EQ(Send("DELETE", path, "match[spec_version]=2.0").status, 404);
  // Bad parameters: 400.
  EXPECT_EQ(Send("DELETE", path, "match[version]=yesterday").status, 400);
  EXPECT_EQ(Send("DELETE", path, "match[spec_version]=two").status, 400);
  EXPECT_EQ(Send("DELETE", path, "limit=1").status, 400);
  EXPECT_EQ(Send("DELETE", path, "match[type]=identity").status, 400);

  // Without match[version]: every remaining version. Then GET → 404 and DELETE → 404.
  ASSERT_EQ(Send("DELETE", path).status, 200);
  EXPECT_EQ(InCollection(kC1), (std::vector<std::string>{IdentityId(2) + "@" + kV1}));
  EXPECT_EQ(Send("GET", path).status, 404);
  EXPECT_EQ(Send("DELETE", path).status, 404);
  EXPECT_EQ(writes_, writes_before + 2);
  // Only the collection lost them: the store keeps both versions and the other collection.
  auto versions = node_->store().Versions(IdentityId(1));
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(versions->size(), 2u);
  EXPECT_EQ(InCollection(kC2), (std::vector<std::string>{IdentityId(1) + "@" + kV1}));
  EXPECT_EQ(Send("GET", ObjectPath(kC2, IdentityId(1))).status, 200);

  // Both deletions are in the audit log, in order, with the versions removed.
  std::vector<audit::Entry> deletes;
  for (const audit::Entry& e : AuditEntries()) {
    if (e.kind == audit::EntryKind::kDelete) deletes.push_back(e);
  }
  ASSERT_EQ(deletes.size(), 2u);
  EXPECT_EQ(deletes[0].source, "collection:" + std::string(kC1));
  EXPECT_EQ(deletes[0].actor, "taxii:writer");
  EXPECT_EQ(deletes[0].objects, (std::vector<audit::ObjectRef>{{IdentityId(1), kV1}}));
  EXPECT_EQ(deletes[1].objects, (std::vector<audit::ObjectRef>{{IdentityId(1), kV2}}));
  auto pending = node_->store().UnauditedDeletions();
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty());

  // POSTing the object again brings it back into the collection (no new version stored).
  const uint64_t stored = StoredVersions();
  ASSERT_EQ(Post(kC1, Envelope({Identity(1, kV2)})).status, 202);
  EXPECT_EQ(Send("GET", path).status, 200);
  EXPECT_EQ(StoredVersions(), stored);
}

TEST_F(WriteTest, DeletionRecordedLaterWhenTheAuditStepWasMissed) {
  // A deletion committed without after_write (a crash before the audit append) is recorded by
  // the node's next RecordPendingImports.
  ASSERT_EQ(Post(kC1, Envelope({Identity(1, kV1)})).status, 202);
  auto removed = node_->store().RemoveFromCollection(kC1, IdentityId(1),
                                                     store::VersionSelection::All(), {}, "cli");
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  ASSERT_EQ(removed->size(), 1u);
  auto pending = node_->store().UnauditedDeletions();
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ(pending->at(0).actor, "cli");
  ASSERT_TRUE(node_->RecordPendingImports().ok());
  int found = 0;
  for (const audit::Entry& e : AuditEntries()) {
    found += e.kind == audit::EntryKind::kDelete && e.actor == "cli";
  }
  EXPECT_EQ(found, 1);
  EXPECT_TRUE(node_->store().UnauditedDeletions()->empty());
}

// Data-driven cases (tests/data/taxii_write/*.json; the README there says what each field
// means): one per status code and behaviour of POST, DELETE and GET status.
const json::Value* AtPointer(const json::Value& root, std::string_view pointer) {
  const json::Value* v = &root;
  size_t pos = 0;
  while (pos < pointer.size()) {
    if (pointer[pos] != '/') return nullptr;
    size_t end = pointer.find('/', pos + 1);
    if (end == std::string_view::npos) end = pointer.size();
    std::string token(pointer.substr(pos + 1, end - pos - 1));
    for (size_t i; (i = token.find("~1")) != std::string::npos;) token.replace(i, 2, "/");
    for (size_t i; (i = token.find("~0")) != std::string::npos;) token.replace(i, 2, "~");
    if (v->is_object()) {
      v = v->Find(token);
    } else if (v->is_array() && !token.empty() &&
               token.find_first_not_of("0123456789") == std::string::npos &&
               std::stoull(token) < v->items().size()) {
      v = &v->items()[std::stoull(token)];
    } else {
      return nullptr;
    }
    if (v == nullptr) return nullptr;
    pos = end;
  }
  return v;
}

TEST_F(WriteTest, GoldenCases) {
  const std::filesystem::path dir = std::filesystem::path(TADAMUN_TEST_DATA_DIR) / "taxii_write";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 10u);
  for (const std::filesystem::path& file : files) {
    SCOPED_TRACE(file.filename().string());
    std::ifstream in(file);
    auto parsed = json::Parse(std::string(std::istreambuf_iterator<char>(in), {}));
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    const json::Value& c = *parsed;
    ServerOptions options;
    if (const json::Value* m = c.Find("max_content_length")) {
      options.max_content_length = static_cast<uint64_t>(m->AsInt64().value_or(0));
    }
    Fresh(std::move(options));
    std::string status_id;
    auto subst = [&](std::string s) {
      for (auto [key, value] :
           {std::pair<std::string, std::string>{"{{c1}}", kC1}, {"{{status}}", status_id}}) {
        for (size_t i; (i = s.find(key)) != std::string::npos;) s.replace(i, key.size(), value);
      }
      return s;
    };
    if (const json::Value* setup = c.Find("setup")) {
      for (const json::Value& envelope : setup->items()) {
        Response r = Post(kC1, envelope.str());
        ASSERT_EQ(r.status, 202) << r.body;
        status_id = Str(Body(r), "id");
      }
    }
    const json::Value& q = *c.Find("request");
    Request request;
    request.method = Str(q, "method");
    request.path = subst(Str(q, "path"));
    if (q.Find("query")) {
      auto query = ParseQueryString(Str(q, "query"));
      ASSERT_TRUE(query.ok());
      request.query = *query;
    }
    request.AddHeader("Accept", std::string(kTaxiiMediaType));
    const std::string auth = q.Find("auth") ? Str(q, "auth") : "writer";
    if (auth != "none") {
      request.AddHeader("Authorization", "Bearer " + (auth == "reader" ? reader_token_ : token_));
    }
    if (request.method == "POST") {
      request.AddHeader("Content-Type", q.Find("content_type") ? Str(q, "content_type")
                                                               : std::string(kTaxiiMediaType));
    }
    if (q.Find("body")) request.body = Str(q, "body");
    Response r = server_->Handle(std::move(request));

    const json::Value& want = *c.Find("expect");
    EXPECT_EQ(r.status, Int(want, "status")) << r.body.substr(0, 500);
    if (want.Find("content_type")) {
      EXPECT_EQ(r.Header("content-type"), Str(want, "content_type"));
    }
    if (want.Find("empty_body")) {
      EXPECT_TRUE(r.body.empty()) << r.body;
    }
    json::Value body;
    if (want.Find("equals") || want.Find("contains")) body = Body(r);
    if (const json::Value* equals = want.Find("equals")) {
      for (const json::Member& m : equals->members()) {
        const json::Value* got = AtPointer(body, m.key);
        json::Value expected = m.value;
        if (expected.is_string()) expected = json::Value::String(subst(expected.str()));
        ASSERT_NE(got, nullptr) << m.key << " missing in " << r.body.substr(0, 500);
        EXPECT_TRUE(json::Equal(*got, expected))
            << m.key << ": " << json::ToJson(*got) << " != " << json::ToJson(expected);
      }
    }
    if (const json::Value* contains = want.Find("contains")) {
      for (const json::Member& m : contains->members()) {
        const json::Value* got = AtPointer(body, m.key);
        ASSERT_TRUE(got != nullptr && got->is_string()) << m.key << " in " << r.body;
        EXPECT_NE(got->str().find(m.value.str()), std::string::npos)
            << m.key << ": '" << got->str() << "' lacks '" << m.value.str() << "'";
      }
    }
    if (const json::Value* stored = want.Find("stored_in_c1")) {
      std::vector<std::string> expected;
      for (const json::Value& v : stored->items()) expected.push_back(v.str());
      EXPECT_EQ(InCollection(kC1), expected);
    }
  }
}

}  // namespace
}  // namespace tadamun::taxii
