// Interop with the OASIS TAXII 2.1 reference client, taxii2client 2.x, without running it (it is
// not packaged in Debian 12): golden files under tests/data/taxii2client/ replay the exact HTTP
// requests its v21 API sends, against taxii::Server::Handle of a real node, and this runner
// applies to each response the checks taxii2client makes before it hands data to its caller.
//
// Read for this (github.com/oasis-open/cti-taxii-client, BSD-3-Clause):
//   taxii2client/v21/__init__.py  commit 039823df3fdd2655563cbcf75ac1638f07b2c1a3
//     - every endpoint URL ends with '/' (_TAXIIEndpoint appends one); collections are
//       url + "collections/" + id + "/", objects_url = url + "objects/", get_object adds
//       id + "/", object_versions id + "/versions/", manifest url + "manifest/", status
//       api_root + "status/" + id + "/" (add_objects: urljoin(collection, "../../status/" + id));
//     - as_pages: first call limit=per_request; if `more` and fewer objects than asked, it warns
//       and lowers per_request; then calls again with limit and next=envelope.get("next", "")
//       while envelope.get("more", False). It never reads X-TAXII-Date-Added-First/Last;
//     - _validate_api_root (title, versions, max_content_length), _validate_collection (id,
//       title, can_read, can_write not None, id in the URL), _validate_status (required counts,
//       list lengths when non-empty, success + pending + failure == total), Server: `default`
//       must be one of api_roots;
//     - add_objects posts json.dumps(envelope, ensure_ascii=False) with Accept and Content-Type
//       both application/taxii+json;version=2.1 and expects a status resource back.
//   taxii2client/common.py  commit 0a509720819cb488794bf2aea48c33a2786a48bd
//     - _HTTPConnection.get: Accept defaults to MEDIA_TYPE_TAXII_V21; raise_for_status (any 4xx
//       or 5xx is an exception); valid_content_type: every ';'-token of Accept (spaces removed)
//       is in the Content-Type and its first token is application/taxii+json; User-Agent
//       "taxii2-client/2.3.0"; post/delete go through session.post/delete (requests' own
//       User-Agent) and only raise_for_status + JSON;
//     - _filter_kwargs_to_query_params: added_after as is, version -> match[version], other
//       kwargs -> match[<kwarg>] joined with ','; falsy values (limit=0, next="") are dropped;
//       Basic auth via requests.auth.HTTPBasicAuth(user, password).
//   taxii2client/__init__.py (2.3.0): DEFAULT_USER_AGENT, MEDIA_TYPE_TAXII_V21.
//
// A golden file: {"scenario", "steps": [step...]}; a step is either
//   {"call", "request": {"method", "target" (path?query as sent, %-encoded), "headers",
//    "body"?}, "expect": {"status", "parse": discovery|api_root|collections|collection|
//    envelope|versions|status|error|none, and per parse: "default", "collections",
//    "can_read", "can_write", "count", "more", "complete", "success_count", "failure_count",
//    "www_authenticate", "save": {"var": "/member"}}}
// or {"call", "as_pages": {"path", "per_request", "filters": [[name, value]...]},
//    "expect": {"total", "requests", "warned"}}.
// Placeholders {{basic}}, {{bad_basic}}, {{c1}}, {{c2}}, {{length}} and saved variables are
// replaced before a request is sent.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "base/encoding.h"
#include "json/json.h"
#include "node/node.h"
#include "taxii/resources.h"

namespace tadamun {
namespace {

constexpr char kC1[] = "7f3c2a10-5b6d-4e8f-9a0b-1c2d3e4f5a6b";
constexpr char kC2[] = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

// "0000000i-gggg-4ggg-8ggg-gggggggggggg" for digit g.
std::string Uuid(int i, int group) {
  char head[16];
  std::snprintf(head, sizeof head, "%08d", i);
  const char g = static_cast<char>('0' + group);
  return std::string(head) + "-" + std::string(4, g) + "-4" + std::string(3, g) + "-8" +
         std::string(3, g) + "-" + std::string(12, g);
}

std::string Objects() {
  std::string out = "[";
  for (int i = 0; i < 23; ++i) {
    out += (i ? "," : "") +
           std::string(R"({"type":"indicator","spec_version":"2.1","id":"indicator--)") +
           Uuid(i, 3) +
           R"(","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z",)"
           R"("pattern":"[ipv4-addr:value = '192.0.2.)" +
           std::to_string(i) + R"(']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"})";
  }
  for (int i = 0; i < 5; ++i) {
    out += std::string(R"(,{"type":"malware","spec_version":"2.1","id":"malware--)") + Uuid(i, 5) +
           R"(","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z",)"
           R"("name":"m)" +
           std::to_string(i) + R"(","is_family":false})";
  }
  return out + "]";
}

// taxii2client's _HTTPConnection.valid_content_type for version 2.1.
bool ValidContentType(std::string content_type, std::string accept) {
  auto tokens = [](std::string s) {
    std::string no_spaces;
    for (char c : s) {
      if (c != ' ') no_spaces += c;
    }
    std::vector<std::string> out;
    std::stringstream ss(no_spaces);
    std::string t;
    while (std::getline(ss, t, ';')) out.push_back(t);
    return out;
  };
  std::vector<std::string> a = tokens(accept), c = tokens(content_type);
  for (const std::string& t : a) {
    if (std::find(c.begin(), c.end(), t) == c.end()) return false;
  }
  return !c.empty() && c[0] == "application/taxii+json";
}

class Taxii2ClientInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/taxii2client_interop";
    std::filesystem::remove_all(dir_);
    ASSERT_TRUE(node::Node::Init(dir_, {}).ok());
    node_ = std::move(*node::Node::Open(dir_));
    store::Store& s = node_->store();
    ASSERT_TRUE(s.CreateCollection({kC1, "Partners", "shared with partners", ""}).ok());
    ASSERT_TRUE(s.CreateCollection({kC2, "Internal", "", ""}).ok());
    auto token = s.AddMember("partner");
    ASSERT_TRUE(token.ok()) << token.status().ToString();
    ASSERT_TRUE(s.SetRights("partner", kC1, {true, true}).ok());
    std::string text = Objects();
    node::ImportOptions o;
    o.collection = kC1;
    auto r = node_->Import(&text, o);
    ASSERT_TRUE(r.ok() && r->committed);
    vars_["basic"] = "Basic " + Base64Encode("partner:" + *token);
    vars_["bad_basic"] = "Basic " + Base64Encode("partner:wrong-password");
    vars_["c1"] = kC1;
    vars_["c2"] = kC2;
    taxii::ServerOptions options;
    options.default_page_size = 20;
    options.max_page_size = 20;
    options.validation = node::NodeValidation();
    server_ = std::make_unique<taxii::Server>(node_->store(), options);
  }
  void TearDown() override {
    server_.reset();
    node_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string Fill(std::string s) const {
    for (const auto& [name, value] : vars_) {
      const std::string key = "{{" + name + "}}";
      for (size_t at = s.find(key); at != std::string::npos; at = s.find(key, at + value.size())) {
        s.replace(at, key.size(), value);
      }
    }
    return s;
  }

  // What the node's HTTP adapter hands to Handle for this request line, headers and body.
  taxii::Response Send(const std::string& method, const std::string& target,
                       const std::vector<std::pair<std::string, std::string>>& headers,
                       const std::string& body) {
    taxii::Request r;
    r.method = method;
    size_t q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) {
      auto query = taxii::ParseQueryString(std::string_view(target).substr(q + 1));
      EXPECT_TRUE(query.ok()) << target;
      if (query.ok()) r.query = *query;
    }
    for (const auto& [name, value] : headers) r.AddHeader(name, value);
    r.body = body;
    return server_->Handle(std::move(r));
  }

  std::vector<std::pair<std::string, std::string>> GetHeaders() {
    return {{"User-Agent", "taxii2-client/2.3.0"},
            {"Accept-Encoding", "gzip, deflate"},
            {"Accept", "application/taxii+json;version=2.1"},
            {"Connection", "keep-alive"},
            {"Authorization", vars_["basic"]}};
  }

  void RunRequestStep(const json::Value& step, const std::string& where);
  void RunAsPages(const json::Value& step, const std::string& where);

  std::string dir_;
  std::unique_ptr<node::Node> node_;
  std::unique_ptr<taxii::Server> server_;
  std::map<std::string, std::string> vars_;
};

const json::Value& Member(const json::Value& v, std::string_view key) {
  static const json::Value kNull;
  const json::Value* m = v.Find(key);
  return m ? *m : kNull;
}

void Taxii2ClientInteropTest::RunRequestStep(const json::Value& step, const std::string& where) {
  const json::Value& req = Member(step, "request");
  const json::Value& expect = Member(step, "expect");
  const std::string method = Member(req, "method").str();
  const std::string target = Fill(Member(req, "target").str());
  const std::string body = Member(req, "body").is_string() ? Member(req, "body").str() : "";
  vars_["length"] = std::to_string(body.size());
  std::vector<std::pair<std::string, std::string>> headers;
  std::string accept;
  for (const json::Member& h : Member(req, "headers").members()) {
    headers.emplace_back(h.key, Fill(h.value.str()));
    if (h.key == "Accept") accept = headers.back().second;
  }
  taxii::Response resp = Send(method, target, headers, body);
  const int status = static_cast<int>(*Member(expect, "status").AsInt64());
  ASSERT_EQ(resp.status, status) << where << "\n" << resp.body;
  const std::string parse = Member(expect, "parse").str();
  if (parse == "none") return;
  // _HTTPConnection.get checks the media type of every successful GET.
  const std::string content_type = resp.Header("Content-Type").value_or("");
  if (method == "GET" && status < 400) {
    EXPECT_TRUE(ValidContentType(content_type, accept))
        << where << ": Content-Type '" << content_type << "' for Accept '" << accept << "'";
  }
  auto parsed = json::Parse(resp.body);  // _to_json
  ASSERT_TRUE(parsed.ok()) << where << ": " << resp.body;
  const json::Value& v = *parsed;
  ASSERT_TRUE(v.is_object()) << where;
  auto truthy_string = [&](std::string_view key) {
    const json::Value& m = Member(v, key);
    EXPECT_TRUE(m.is_string() && !m.str().empty()) << where << ": '" << key << "' " << resp.body;
  };
  auto present_bool = [&](const json::Value& obj, std::string_view key) {
    EXPECT_TRUE(Member(obj, key).is_bool()) << where << ": '" << key << "'";
  };
  if (parse == "error") {
    // Not taxii2client's (it raises on the status); the TAXII error resource the spec asks for.
    truthy_string("title");
    EXPECT_EQ(Member(v, "http_status").str(), std::to_string(status)) << where;
    EXPECT_TRUE(ValidContentType(content_type, "application/taxii+json;version=2.1")) << where;
    if (Member(expect, "www_authenticate").is_bool()) {
      EXPECT_TRUE(resp.Header("WWW-Authenticate").has_value()) << where;
    }
  } else if (parse == "discovery") {
    truthy_string("title");
    const std::string def = Member(v, "default").str();
    bool listed = false;
    for (const json::Value& root : Member(v, "api_roots").items()) listed |= root.str() == def;
    EXPECT_TRUE(listed) << where
                        << ": default is not one of api_roots (taxii2client's "
                           "Server.default would be None)";
    EXPECT_EQ(def, Member(expect, "default").str()) << where;
  } else if (parse == "api_root") {
    truthy_string("title");
    EXPECT_FALSE(Member(v, "versions").items().empty()) << where;
    EXPECT_TRUE(Member(v, "max_content_length").is_number()) << where;
  } else if (parse == "collections" || parse == "collection") {
    std::vector<const json::Value*> items;
    if (parse == "collection") {
      items.push_back(&v);
    } else {
      for (const json::Value& c : Member(v, "collections").items()) items.push_back(&c);
      EXPECT_EQ(static_cast<int64_t>(items.size()), *Member(expect, "collections").AsInt64())
          << where;
    }
    for (const json::Value* c : items) {
      const json::Value& id = Member(*c, "id");
      ASSERT_TRUE(id.is_string() && !id.str().empty()) << where;
      EXPECT_TRUE(Member(*c, "title").is_string() && !Member(*c, "title").str().empty()) << where;
      present_bool(*c, "can_read");
      present_bool(*c, "can_write");
      const std::string url = parse == "collection" ? target : target + id.str() + "/";
      EXPECT_NE(url.find(id.str()), std::string::npos) << where << ": id not in the URL";
      if (parse == "collection") {
        EXPECT_EQ(Member(*c, "can_read").bool_value(), Member(expect, "can_read").bool_value());
        EXPECT_EQ(Member(*c, "can_write").bool_value(), Member(expect, "can_write").bool_value());
      }
    }
  } else if (parse == "envelope" || parse == "versions") {
    const char* list = parse == "envelope" ? "objects" : "versions";
    EXPECT_EQ(static_cast<int64_t>(Member(v, list).items().size()),
              *Member(expect, "count").AsInt64())
        << where;
    if (Member(expect, "more").is_bool()) {
      const bool more = Member(v, "more").is_bool() && Member(v, "more").bool_value();
      EXPECT_EQ(more, Member(expect, "more").bool_value()) << where;
      if (more) {
        EXPECT_TRUE(Member(v, "next").is_string()) << where;
      }
    }
  } else if (parse == "status") {
    truthy_string("id");
    truthy_string("status");
    for (const char* count : {"total_count", "success_count", "failure_count", "pending_count"}) {
      ASSERT_TRUE(Member(v, count).is_number()) << where << ": " << count;
    }
    auto n = [&](std::string_view key) { return *Member(v, key).AsInt64(); };
    EXPECT_EQ(n("success_count") + n("pending_count") + n("failure_count"), n("total_count"))
        << where;
    for (auto [list, count] :
         {std::pair{"successes", "success_count"}, std::pair{"failures", "failure_count"},
          std::pair{"pendings", "pending_count"}}) {
      const auto& items = Member(v, list).items();
      if (!items.empty()) {
        EXPECT_EQ(static_cast<int64_t>(items.size()), n(count)) << where;
      }
    }
    if (Member(expect, "success_count").is_number()) {
      EXPECT_EQ(n("success_count"), *Member(expect, "success_count").AsInt64()) << where;
      EXPECT_EQ(n("failure_count"), *Member(expect, "failure_count").AsInt64()) << where;
    }
    if (Member(expect, "complete").is_bool()) {
      EXPECT_EQ(Member(v, "status").str(), "complete") << where;
    }
  } else {
    FAIL() << where << ": unknown parse '" << parse << "'";
  }
  for (const json::Member& save : Member(expect, "save").members()) {
    vars_[save.key] = Member(v, save.value.str().substr(1)).str();
  }
}

void Taxii2ClientInteropTest::RunAsPages(const json::Value& step, const std::string& where) {
  const json::Value& spec = Member(step, "as_pages");
  const json::Value& expect = Member(step, "expect");
  const std::string path = Fill(Member(spec, "path").str());
  int64_t per_request = *Member(spec, "per_request").AsInt64();
  auto call = [&](const std::string& next) {
    // func(limit=per_request, next=..., **filters): kwargs in that order, falsy ones dropped.
    std::string query;
    auto add = [&](const std::string& name, const std::string& value) {
      query += (query.empty() ? "?" : "&") + name + "=" + value;
    };
    if (per_request != 0) add("limit", std::to_string(per_request));
    if (!next.empty()) add("next", next);  // next is base64url: nothing to escape
    for (const json::Value& f : Member(spec, "filters").items()) {
      std::string name = f.items()[0].str();
      std::string encoded;
      for (char c : name) encoded += c == '[' ? "%5B" : c == ']' ? "%5D" : std::string(1, c);
      add(encoded, f.items()[1].str());
    }
    return Send("GET", path + query, GetHeaders(), "");
  };
  int requests = 0;
  bool warned = false;
  int64_t total = 0;
  std::set<std::string> ids;
  std::string next;
  while (true) {
    taxii::Response resp = call(next);
    ++requests;
    ASSERT_EQ(resp.status, 200) << where << ": " << resp.body;
    ASSERT_TRUE(ValidContentType(resp.Header("Content-Type").value_or(""),
                                 "application/taxii+json;version=2.1"))
        << where;
    auto v = json::Parse(resp.body);
    ASSERT_TRUE(v.ok() && v->is_object()) << where;
    const auto& objects = Member(*v, "objects").items();
    total += static_cast<int64_t>(objects.size());
    for (const json::Value& o : objects) {
      ids.insert(Member(o, "id").str() + "@" + Member(o, "version").str() +
                 Member(o, "modified").str());
    }
    const bool more = Member(*v, "more").is_bool() && Member(*v, "more").bool_value();
    if (requests == 1 && more && static_cast<int64_t>(objects.size()) != per_request) {
      warned = true;  // "TAXII Server Response with different amount of objects!"
      per_request = static_cast<int64_t>(objects.size());
    }
    if (!more) break;
    // envelope.get("next", ""): an empty one would be dropped and the first page asked again.
    ASSERT_TRUE(Member(*v, "next").is_string() && !Member(*v, "next").str().empty())
        << where << ": more without next would make taxii2client loop forever";
    next = Member(*v, "next").str();
    ASSERT_LT(requests, 1000) << where;
  }
  EXPECT_EQ(total, *Member(expect, "total").AsInt64()) << where;
  EXPECT_EQ(static_cast<int64_t>(ids.size()), total) << where << ": an object came twice";
  EXPECT_EQ(requests, *Member(expect, "requests").AsInt64()) << where;
  EXPECT_EQ(warned, Member(expect, "warned").bool_value()) << where;
}

TEST_F(Taxii2ClientInteropTest, GoldenExchanges) {
  const std::string dir = std::string(TADAMUN_TEST_DATA_DIR) + "/taxii2client";
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 5u);
  int steps = 0;
  for (const std::string& file : files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    auto doc = json::Parse(text.str());
    ASSERT_TRUE(doc.ok()) << file << ": " << doc.status().ToString();
    int index = 0;
    for (const json::Value& step : Member(*doc, "steps").items()) {
      const std::string where = std::filesystem::path(file).filename().string() + " step " +
                                std::to_string(index++) + " (" + Member(step, "call").str() + ")";
      SCOPED_TRACE(where);
      if (step.Find("as_pages") != nullptr) {
        RunAsPages(step, where);
      } else {
        RunRequestStep(step, where);
      }
      ++steps;
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_GE(steps, 15);
}

}  // namespace
}  // namespace tadamun
