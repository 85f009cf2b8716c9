// What authentication and authorisation cost a TAXII request, next to what the request costs,
// in the same run (a node with 1,000 members and a collection of 1,000 objects):
//   BM_Sha256Token          SHA-256 of one token (the baseline: the hashing every lookup needs)
//   BM_AuthenticateBearer   taxii::Authenticate with a Bearer token (hash + one index lookup)
//   BM_AuthenticateBasic    the same with HTTP Basic (base64 decode, name check)
//   BM_AuthenticateUnknown  a token no member holds (what a guesser costs the node)
//   BM_GetCollection        Server::Handle of GET collection (auth + rights + collection JSON)
//   BM_GetObjectsPage       Server::Handle of GET objects, one page of 1,000 (auth included)
// The GET-pages target (≥ 500 pages/s on 2 cores) leaves 4 ms per page per core; the share of
// authentication is BM_AuthenticateBearer / BM_GetObjectsPage.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "base/encoding.h"
#include "crypto/digest.h"
#include "node/import.h"
#include "node/node.h"
#include "taxii/access.h"
#include "taxii/resources.h"

namespace tadamun::taxii {
namespace {

constexpr char kCollection[] = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
constexpr int kMembers = 1000;
constexpr int kObjects = 1000;

struct Fixture {
  std::string dir;
  std::unique_ptr<node::Node> node;
  std::unique_ptr<Server> server;
  std::string token;  // member "m500", may read kCollection

  Fixture() {
    dir = std::filesystem::temp_directory_path().string() + "/taxii_access_benchmark";
    std::filesystem::remove_all(dir);
    if (!node::Node::Init(dir, {}).ok()) std::abort();
    auto n = node::Node::Open(dir);
    if (!n.ok()) std::abort();
    node = std::move(*n);
    store::Store& s = node->store();
    if (!s.CreateCollection({kCollection, "Bench", "", ""}).ok()) std::abort();
    for (int i = 0; i < kMembers; ++i) {
      auto t = s.AddMember("m" + std::to_string(i));
      if (!t.ok()) std::abort();
      if (i == 500) token = *t;
    }
    if (!s.SetRights("m500", kCollection, {true, false}).ok()) std::abort();
    std::string bundle = R"({"type":"bundle","id":"bundle--6f1a3b5e-1c5d-4b8e-9d2a-4f6b7c8d9e0f","objects":[)";
    for (int i = 0; i < kObjects; ++i) {
      char id[64];
      std::snprintf(id, sizeof id, "identity--%08d-1111-4111-8111-111111111111", i);
      bundle += std::string(i ? "," : "") + R"({"type":"identity","spec_version":"2.1","id":")" +
                id + R"(","created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z",)"
                R"("name":"organisation )" + std::to_string(i) +
                R"(","identity_class":"organization","sectors":["government-national"]})";
    }
    bundle += "]}";
    node::ImportOptions options;
    options.collection = kCollection;
    auto r = node::ImportDocument(&s, &bundle, options);
    if (!r.ok() || !r->committed) std::abort();
    server = std::make_unique<Server>(s, ServerOptions{});
  }
  ~Fixture() {
    server.reset();
    node.reset();
    std::filesystem::remove_all(dir);
  }
};

Fixture& F() {
  static Fixture* f = new Fixture();  // shared by every benchmark, built once
  return *f;
}

Request WithAuth(std::string authorization, std::string path = "") {
  Request r;
  r.path = std::move(path);
  r.AddHeader("Authorization", std::move(authorization));
  r.AddHeader("Accept", std::string(kTaxiiMediaType));
  return r;
}

void BM_Sha256Token(benchmark::State& state) {
  const std::string token = F().token;
  for (auto _ : state) benchmark::DoNotOptimize(crypto::Sha256(token));
}
BENCHMARK(BM_Sha256Token);

void Authenticates(benchmark::State& state, const Request& request, bool expect_ok) {
  for (auto _ : state) {
    Request r = request;
    auto denied = Authenticate(F().node->store(), &r);
    if (denied.has_value() == expect_ok) state.SkipWithError("unexpected authentication result");
    benchmark::DoNotOptimize(r.member);
  }
}

void BM_AuthenticateBearer(benchmark::State& state) {
  Authenticates(state, WithAuth("Bearer " + F().token), true);
}
BENCHMARK(BM_AuthenticateBearer);

void BM_AuthenticateBasic(benchmark::State& state) {
  Authenticates(state, WithAuth("Basic " + Base64Encode("m500:" + F().token)), true);
}
BENCHMARK(BM_AuthenticateBasic);

void BM_AuthenticateUnknown(benchmark::State& state) {
  std::string wrong = F().token;
  wrong[8] = wrong[8] == 'x' ? 'y' : 'x';
  Authenticates(state, WithAuth("Bearer " + wrong), false);
}
BENCHMARK(BM_AuthenticateUnknown);

void Handles(benchmark::State& state, const std::string& path, const std::string& query) {
  Request request = WithAuth("Bearer " + F().token, path);
  if (!query.empty()) request.query = *ParseQueryString(query);
  size_t bytes = 0;
  for (auto _ : state) {
    Response resp = F().server->Handle(request);
    if (resp.status != 200) state.SkipWithError(resp.body.c_str());
    bytes = resp.body.size();
  }
  state.counters["body_bytes"] = static_cast<double>(bytes);
}

void BM_GetCollection(benchmark::State& state) {
  Handles(state, std::string("/taxii2/api/collections/") + kCollection + "/", "");
}
BENCHMARK(BM_GetCollection);

void BM_GetObjectsPage(benchmark::State& state) {
  Handles(state, std::string("/taxii2/api/collections/") + kCollection + "/objects/",
          "limit=1000");
}
BENCHMARK(BM_GetObjectsPage)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tadamun::taxii

BENCHMARK_MAIN();
