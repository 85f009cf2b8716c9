// POST ingest through the TAXII server, in process (issue 5 figure: >= 20,000 objects/s).
//
// Generates N objects (bundle_generator.h: typical indicators plus relationships), cuts them
// into envelopes of 1,000, and POSTs each through taxii::Server::Handle as an authenticated
// member, with the node's validation (pattern check included) and the node's after_write hook
// (the import recorded in the audit log), exactly as `tadamun serve` runs it minus the socket.
// In the same run, the baselines: the node's own import path (node::Node::Import, what
// `tadamun import` runs) on the same objects, once as the same 1,000-object documents and once
// as one document holding them all. Each run uses a fresh node folder.
//
// Usage: taxii_post_benchmark [--objects N] [--batch B] [--dir DIR]
//        (default 100,000 objects, batches of 1,000, /tmp)
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "bundle_generator.h"
#include "json/json.h"
#include "node/import.h"
#include "node/node.h"
#include "taxii/resources.h"

namespace {

using namespace tadamun;
using SteadyClock = std::chrono::steady_clock;

constexpr char kCollection[] = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
constexpr double kTarget = 20000;  // objects/s

double Seconds(SteadyClock::time_point a, SteadyClock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// CPU seconds of this process (user + system): the work itself, whatever else runs on the
// machine; wall-clock figures also include waiting for fsync and for other processes.
double CpuSeconds() {
  struct rusage u;
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

void Report(const char* what, uint64_t objects, double wall, double cpu) {
  std::printf("%-58s %6.2f s wall %9.0f objects/s | %6.2f s CPU %9.0f objects/s\n", what, wall,
              static_cast<double>(objects) / wall, cpu, static_cast<double>(objects) / cpu);
}

[[noreturn]] void Die(const std::string& what, const Status& s) {
  std::fprintf(stderr, "taxii_post_benchmark: %s: %s\n", what.c_str(), s.ToString().c_str());
  std::exit(1);
}

std::unique_ptr<node::Node> FreshNode(const std::string& dir) {
  std::filesystem::remove_all(dir);
  if (Status s = node::Node::Init(dir, {}); !s.ok()) Die("init " + dir, s);
  auto node = node::Node::Open(dir);
  if (!node.ok()) Die("open " + dir, node.status());
  if (Status s = (*node)->store().CreateCollection({kCollection, "bench", "", ""}); !s.ok()) {
    Die("collection", s);
  }
  return std::move(*node);
}

// The objects as documents of `batch` objects: `prefix` + objects joined by ",\n" + "]}".
std::vector<std::string> Documents(uint64_t objects, uint64_t batch, const std::string& prefix) {
  bench::BundleGenerator gen({.seed = 7});
  std::vector<std::string> docs;
  for (uint64_t i = 0; i < objects; ++i) {
    if (i % batch == 0) docs.push_back(prefix);
    std::string& d = docs.back();
    if (i % batch != 0) d += ",\n";
    gen.AppendObject(i, &d);
    if (i % batch == batch - 1 || i == objects - 1) d += "]}";
  }
  return docs;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t objects = 100000, batch = 1000;
  std::string base = "/tmp";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--objects"))
      objects = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--batch"))
      batch = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--dir"))
      base = argv[i + 1];
  }
  if (objects == 0 || batch == 0) return 2;
  const std::string dir = base + "/taxii_post_benchmark." + std::to_string(::getpid());

  // 1. POST through the TAXII server, with the node's audit hook (as `tadamun serve` runs) and
  // without it (to show what the audit log's durable appends cost).
  std::vector<std::string> envelopes = Documents(objects, batch, "{\"objects\":[\n");
  uint64_t bytes = 0;
  for (const std::string& e : envelopes) bytes += e.size();
  std::printf("%llu objects (%.1f MB) in envelopes/documents of %llu\n",
              static_cast<unsigned long long>(objects), static_cast<double>(bytes) / 1e6,
              static_cast<unsigned long long>(batch));
  double post_seconds = 0, post_cpu = 0;
  for (bool audit : {true, false}) {
    auto node = FreshNode(dir + (audit ? "/post" : "/post-no-audit"));
    auto token = node->store().AddMember("bench");
    if (!token.ok()) Die("member", token.status());
    if (Status s = node->store().SetRights("bench", kCollection, {true, true}); !s.ok()) {
      Die("rights", s);
    }
    taxii::ServerOptions options;
    options.validation = node::NodeValidation();
    options.max_content_length = uint64_t{64} << 20;
    double hook_seconds = 0, hook_first = 0, hook_last = 0;  // time inside the audit hook
    if (audit) {
      options.after_write = [&node, &hook_seconds, &hook_first, &hook_last] {
        auto a = SteadyClock::now();
        if (Status s = node->RecordPendingImports(); !s.ok()) Die("audit", s);
        hook_last = Seconds(a, SteadyClock::now());
        if (hook_first == 0) hook_first = hook_last;
        hook_seconds += hook_last;
      };
    }
    taxii::Server server(node->store(), std::move(options));
    const size_t tenth = std::max<size_t>(1, envelopes.size() / 10);
    double first_tenth = 0, last_tenth = 0;
    const double c0 = CpuSeconds();
    auto t0 = SteadyClock::now();
    for (size_t i = 0; i < envelopes.size(); ++i) {
      auto a = SteadyClock::now();
      taxii::Request r;
      r.method = "POST";
      r.path = std::string("/taxii2/api/collections/") + kCollection + "/objects/";
      r.AddHeader("Accept", std::string(taxii::kTaxiiMediaType));
      r.AddHeader("Content-Type", std::string(taxii::kTaxiiMediaType));
      r.AddHeader("Authorization", "Bearer " + *token);
      r.body = envelopes[i];  // the HTTP server moves the body it read in the same way
      taxii::Response resp = server.Handle(std::move(r));
      auto b = SteadyClock::now();
      if (resp.status != 202) {
        std::fprintf(stderr, "POST %zu: HTTP %d %s\n", i, resp.status, resp.body.c_str());
        return 1;
      }
      auto status = json::Parse(resp.body);
      const json::Value* failures = status.ok() ? status->Find("failure_count") : nullptr;
      if (failures == nullptr || failures->AsInt64() != 0) {
        std::fprintf(stderr, "POST %zu: failures in %s\n", i, resp.body.substr(0, 600).c_str());
        return 1;
      }
      if (i < tenth) first_tenth += Seconds(a, b);
      if (i >= envelopes.size() - tenth) last_tenth += Seconds(a, b);
    }
    const double wall = Seconds(t0, SteadyClock::now());
    const double cpu = CpuSeconds() - c0;
    auto stats = node->store().GetStats();
    if (!stats.ok() || stats->versions != objects) {
      std::fprintf(stderr, "stored %llu versions, expected %llu\n",
                   static_cast<unsigned long long>(stats.ok() ? stats->versions : 0),
                   static_cast<unsigned long long>(objects));
      return 1;
    }
    if (audit) {
      post_seconds = wall;
      post_cpu = cpu;
    }
    Report(audit ? "taxii POST objects (Server::Handle, validation, audit hook)"
                 : "taxii POST objects without the audit hook",
           objects, wall, cpu);
    if (audit) {
      std::printf(
          "  of which in the audit hook (Node::RecordPendingImports): %.2f s wall; %.1f ms "
          "for the first POST, %.1f ms for the last\n",
          hook_seconds, hook_first * 1e3, hook_last * 1e3);
    }
    const double per_tenth = static_cast<double>(tenth * batch);
    std::printf(
        "  wall rate over the first 10%% of envelopes: %.0f objects/s, last 10%%: %.0f "
        "objects/s\n",
        per_tenth / first_tenth, per_tenth / last_tenth);
  }
  envelopes.clear();

  // 2. Baseline: the node's import (tadamun import), same objects, same batches.
  {
    std::vector<std::string> bundles =
        Documents(objects, batch,
                  "{\"type\":\"bundle\",\"id\":\"bundle--6f1a3b5e-1c5d-4b8e-9d2a-4f6b7c8d9e0f\","
                  "\"objects\":[\n");
    auto node = FreshNode(dir + "/import");
    node::ImportOptions io;
    io.collection = kCollection;
    const double c0 = CpuSeconds();
    auto t0 = SteadyClock::now();
    for (std::string& b : bundles) {
      auto report = node->Import(&b, io);
      if (!report.ok() || !report->committed) {
        std::fprintf(stderr, "import failed\n");
        return 1;
      }
    }
    Report("baseline: node import (tadamun import), same documents", objects,
           Seconds(t0, SteadyClock::now()), CpuSeconds() - c0);
  }
  {
    std::vector<std::string> one =
        Documents(objects, objects,
                  "{\"type\":\"bundle\",\"id\":\"bundle--6f1a3b5e-1c5d-4b8e-9d2a-4f6b7c8d9e0f\","
                  "\"objects\":[\n");
    auto node = FreshNode(dir + "/import-one");
    node::ImportOptions io;
    io.collection = kCollection;
    const double c0 = CpuSeconds();
    auto t0 = SteadyClock::now();
    auto report = node->Import(&one[0], io);
    if (!report.ok() || !report->committed) {
      std::fprintf(stderr, "import failed\n");
      return 1;
    }
    Report("baseline: node import, all objects in one document", objects,
           Seconds(t0, SteadyClock::now()), CpuSeconds() - c0);
  }
  std::printf("target (issue 5): POST ingest >= %.0f objects/s: wall %s, CPU %s\n", kTarget,
              static_cast<double>(objects) / post_seconds >= kTarget ? "met" : "NOT met",
              static_cast<double>(objects) / post_cpu >= kTarget ? "met" : "NOT met");
  std::filesystem::remove_all(dir);
  return 0;
}
