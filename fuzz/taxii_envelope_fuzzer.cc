// Fuzz target: POST objects (taxii/write.cc) on arbitrary bodies, through Server::Handle with
// an authenticated member on a real node (a temporary folder made once per process). Checks
// that the handler never crashes, answers only 202 (a status resource) or a 400/413/422 error
// resource, always with valid JSON; that a status's counts add up and its lists hold one entry
// per object; and that the stored status reads back byte for byte.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "json/json.h"
#include "node/import.h"
#include "node/node.h"
#include "taxii/resources.h"

namespace {

using namespace tadamun;

constexpr char kCollection[] = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";

struct Fixture {
  std::string dir;
  std::unique_ptr<node::Node> node;
  std::unique_ptr<taxii::Server> server;
  std::string token;

  Fixture() {
    char tmpl[] = "/tmp/taxii_envelope_fuzzer.XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) std::abort();
    dir = std::string(tmpl) + "/node";
    if (!node::Node::Init(dir, {}).ok()) std::abort();
    auto opened = node::Node::Open(dir);
    if (!opened.ok()) std::abort();
    node = std::move(*opened);
    if (!node->store().CreateCollection({kCollection, "fuzz", "", ""}).ok()) std::abort();
    auto t = node->store().AddMember("fuzzer");
    if (!t.ok()) std::abort();
    token = *t;
    if (!node->store().SetRights("fuzzer", kCollection, {true, true}).ok()) std::abort();
    taxii::ServerOptions options;
    options.max_content_length = 1 << 16;
    options.validation = node::NodeValidation();
    server = std::make_unique<taxii::Server>(node->store(), std::move(options));
  }
  ~Fixture() {
    server.reset();
    node.reset();
    std::error_code ignored;
    std::filesystem::remove_all(std::filesystem::path(dir).parent_path(), ignored);
  }
};

int64_t Count(const json::Value& v, std::string_view key) {
  const json::Value* f = v.Find(key);
  if (f == nullptr || !f->AsInt64()) std::abort();
  return *f->AsInt64();
}

size_t ListSize(const json::Value& v, std::string_view key) {
  const json::Value* f = v.Find(key);
  if (f == nullptr || !f->is_array()) std::abort();
  return f->items().size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture* fixture = new Fixture();  // one node per process; folder removed at exit
  static const bool registered = [] {
    std::atexit([] { delete fixture; });
    return true;
  }();
  (void)registered;

  taxii::Request post;
  post.method = "POST";
  post.path = std::string("/taxii2/api/collections/") + kCollection + "/objects/";
  post.AddHeader("Accept", std::string(taxii::kTaxiiMediaType));
  post.AddHeader("Content-Type", std::string(taxii::kTaxiiMediaType));
  post.AddHeader("Authorization", "Bearer " + fixture->token);
  post.body.assign(reinterpret_cast<const char*>(data), size);
  taxii::Response r = fixture->server->Handle(std::move(post));

  auto body = json::Parse(r.body);
  if (!body.ok() || !body->is_object()) std::abort();  // every answer is a JSON resource
  if (r.status == 400 || r.status == 413 || r.status == 422) {
    const json::Value* s = body->Find("http_status");
    if (s == nullptr || !s->is_string() || s->str() != std::to_string(r.status)) std::abort();
    return 0;
  }
  if (r.status != 202) std::abort();
  const int64_t total = Count(*body, "total_count");
  const int64_t successes = Count(*body, "success_count");
  const int64_t failures = Count(*body, "failure_count");
  if (successes < 0 || failures < 0 || total != successes + failures) std::abort();
  if (Count(*body, "pending_count") != 0) std::abort();
  // One entry per object (taxii2client checks the lists against the counts).
  if (ListSize(*body, "successes") != static_cast<size_t>(successes)) std::abort();
  if (ListSize(*body, "failures") != static_cast<size_t>(failures)) std::abort();

  const json::Value* id = body->Find("id");
  if (id == nullptr || !id->is_string()) std::abort();
  taxii::Request get;
  get.path = "/taxii2/api/status/" + id->str() + "/";
  get.AddHeader("Authorization", "Bearer " + fixture->token);
  taxii::Response status = fixture->server->Handle(std::move(get));
  if (status.status != 200 || status.body != r.body) std::abort();
  return 0;
}
