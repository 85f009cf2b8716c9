// GET objects over HTTP: pages of 1,000 indicators per second from a node's server, measured
// with wrk (a second process) on loopback, against the issue's target (500 pages/s on 2 cores)
// and against the same pages built in-process by taxii::Server::Handle (no HTTP) in the same
// run.
//
// Steps: a fresh node with >= N indicators (default 100,000) in one collection and a member
// with read rights; the page cursors of the whole collection (limit=1000) walked in-process;
// the node's HTTP server (NodeServer, the code `tadamun serve` runs) on 127.0.0.1; wrk cycling
// over those page URLs with the member's Authorization header (a Lua script); then the
// in-process baseline over the same pages, one thread.
//
// Usage: taxii_get_benchmark [--indicators N] [--seconds S] [--workers W] [--connections C]
//                            [--wrk-threads T] [--dir DIR] [--no-http]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "bundle_generator.h"
#include "json/json.h"
#include "node/node.h"
#include "node/server.h"
#include "taxii/resources.h"

namespace {

using namespace tadamun;
using SteadyClock = std::chrono::steady_clock;

constexpr char kCollection[] = "5d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a";
constexpr double kTargetPagesPerSecond = 500;

double Seconds(SteadyClock::time_point a, SteadyClock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double CpuSeconds(int who) {
  struct rusage u;
  ::getrusage(who, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int Fail(const std::string& what) {
  std::fprintf(stderr, "taxii_get_benchmark: %s\n", what.c_str());
  return 1;
}

// A bundle of `indicators` indicator objects (the generator's indicators, its other objects
// skipped).
std::string IndicatorBundle(uint64_t indicators) {
  bench::BundleGenerator gen({.seed = 11});
  std::string out =
      R"({"type":"bundle","id":"bundle--0b5d1c3e-2f4a-4b6c-8d9e-0f1a2b3c4d5e","objects":[)";
  std::string obj;
  uint64_t added = 0;
  for (uint64_t n = 0; added < indicators; ++n) {
    obj.clear();
    gen.AppendObject(n, &obj);
    if (obj.find("\"type\":\"indicator\"") == std::string::npos) continue;
    if (added++) out += ',';
    out += obj;
  }
  out += "]}";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t indicators = 100000;
  int seconds = 10, workers = 4, connections = 4, wrk_threads = 2;
  std::string dir = "/tmp/taxii_get_benchmark";
  bool http = true;  // --no-http: only the in-process figures (for profiling)
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--indicators") {
      indicators = std::strtoull(next().c_str(), nullptr, 10);
    } else if (a == "--seconds") {
      seconds = std::atoi(next().c_str());
    } else if (a == "--workers") {
      workers = std::atoi(next().c_str());
    } else if (a == "--connections") {
      connections = std::atoi(next().c_str());
    } else if (a == "--wrk-threads") {
      wrk_threads = std::atoi(next().c_str());
    } else if (a == "--dir") {
      dir = next();
    } else if (a == "--no-http") {
      http = false;
    } else {
      std::fprintf(stderr,
                   "usage: taxii_get_benchmark [--indicators N] [--seconds S] [--workers W] "
                   "[--connections C] [--wrk-threads T] [--dir DIR]\n");
      return 2;
    }
  }
  if (indicators == 0 || seconds <= 0 || workers <= 0 || connections <= 0) return Fail("bad flags");

  // 1. The node.
  std::filesystem::remove_all(dir);
  if (Status s = node::Node::Init(dir, {.name = "bench"}); !s.ok()) return Fail(s.ToString());
  std::string token;
  {
    auto node = node::Node::Open(dir);
    if (!node.ok()) return Fail(node.status().ToString());
    store::Store& store = (*node)->store();
    if (Status s = store.CreateCollection({kCollection, "Indicators", "", ""}); !s.ok()) {
      return Fail(s.ToString());
    }
    std::string text = IndicatorBundle(indicators);
    node::ImportOptions options;
    options.collection = kCollection;
    auto t0 = SteadyClock::now();
    auto report = (*node)->Import(&text, options);
    if (!report.ok() || !report->committed) return Fail("import failed");
    std::printf("node: %llu indicators imported into one collection in %.1f s\n",
                static_cast<unsigned long long>(report->added), Seconds(t0, SteadyClock::now()));
    auto member = (*node)->AddMember("bench");
    if (!member.ok()) return Fail(member.status().ToString());
    token = *member;
    if (Status s = (*node)->SetRights("bench", kCollection, {.can_read = true}); !s.ok()) {
      return Fail(s.ToString());
    }
  }

  // 2. The pages: walk the collection in-process to get every page's cursor.
  const std::string objects = std::string("/taxii2/api/collections/") + kCollection + "/objects/";
  std::vector<std::string> targets;  // path?query of each page
  {
    auto store = store::Store::Open(node::Node::DatabasePath(dir), {});
    if (!store.ok()) return Fail(store.status().ToString());
    taxii::Server server(**store, {});
    std::string next;
    while (true) {
      std::string query = "limit=1000" + (next.empty() ? "" : "&next=" + next);
      taxii::Request r;
      r.path = objects;
      r.query = *taxii::ParseQueryString(query);
      r.AddHeader("Authorization", "Bearer " + token);
      taxii::Response resp = server.Handle(std::move(r));
      if (resp.status != 200) return Fail("page walk: HTTP " + std::to_string(resp.status));
      auto v = json::Parse(resp.body);
      if (!v.ok()) return Fail("page walk: bad JSON");
      const size_t n = v->Find("objects")->items().size();
      if (n == 1000) targets.push_back(objects + "?" + query);  // full pages only
      if (!v->Find("more")->bool_value()) break;
      next = v->Find("next")->str();
    }
  }
  std::printf("pages: %zu full pages of 1,000 indicators\n", targets.size());
  if (targets.empty()) return Fail("no full page");

  // 3. The server and wrk.
  std::string output;
  double server_cpu = 0, wrk_cpu = 0;
  if (http) {
    node::ServeOptions serve;
    serve.port = 0;
    serve.worker_threads = workers;
    serve.keep_alive_max_requests = 1000000;
    auto server = node::NodeServer::Create(dir, serve);
    if (!server.ok()) return Fail(server.status().ToString());
    std::thread serving([&] { (void)(*server)->Serve(); });
    const std::string script = dir + "/pages.lua";
    {
      std::ofstream lua(script);
      lua << "local paths = {\n";
      for (const std::string& t : targets) lua << "  \"" << t << "\",\n";
      lua << "}\nlocal i = 0\n"
             "wrk.headers[\"Authorization\"] = \"Bearer "
          << token
          << "\"\n"
             "wrk.headers[\"Accept\"] = \"application/taxii+json;version=2.1\"\n"
             "request = function()\n  i = i % #paths + 1\n"
             "  return wrk.format(\"GET\", paths[i])\nend\n";
    }
    const std::string url = (*server)->BaseUrl();
    const std::string cmd = "wrk --latency -t" + std::to_string(wrk_threads) + " -c" +
                            std::to_string(connections) + " -d" + std::to_string(seconds) +
                            "s -s " + script + " " + url + " 2>&1";
    std::printf("running: %s\n", cmd.c_str());
    std::fflush(stdout);
    const double server_cpu0 = CpuSeconds(RUSAGE_SELF);
    const double wrk_cpu0 = CpuSeconds(RUSAGE_CHILDREN);
    if (std::FILE* p = ::popen(cmd.c_str(), "r")) {
      char buf[4096];
      size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) output.append(buf, n);
      ::pclose(p);
    }
    server_cpu = CpuSeconds(RUSAGE_SELF) - server_cpu0;  // the server's threads (and main's
    wrk_cpu = CpuSeconds(RUSAGE_CHILDREN) - wrk_cpu0;    // idle wait in fread)
    (*server)->Stop();
    serving.join();
    server->reset();
    std::printf("%s", output.c_str());
  }
  double http_pages = 0;
  if (size_t at = output.find("Requests/sec:"); at != std::string::npos) {
    http_pages = std::atof(output.c_str() + at + 13);
  }
  const bool errors = output.find("Non-2xx") != std::string::npos ||
                      output.find("Socket errors") != std::string::npos;

  // 4. The baseline: the same pages built in-process by taxii::Server::Handle, one thread.
  double inproc_pages = 0;
  {
    auto store = store::Store::Open(node::Node::DatabasePath(dir), {});
    if (!store.ok()) return Fail(store.status().ToString());
    taxii::Server handler(**store, {});
    uint64_t pages = 0, bytes = 0;
    auto t0 = SteadyClock::now();
    while (Seconds(t0, SteadyClock::now()) < (http ? std::min(seconds, 5) : seconds)) {
      const std::string& t = targets[pages % targets.size()];
      taxii::Request r;
      r.path = objects;
      r.query = *taxii::ParseQueryString(t.substr(t.find('?') + 1));
      r.AddHeader("Authorization", "Bearer " + token);
      taxii::Response resp = handler.Handle(std::move(r));
      if (resp.status != 200) return Fail("in-process page: HTTP " + std::to_string(resp.status));
      bytes += resp.body.size();
      ++pages;
    }
    const double s = Seconds(t0, SteadyClock::now());
    inproc_pages = static_cast<double>(pages) / s;
    std::printf(
        "\nin-process taxii::Server::Handle, 1 thread: %.0f pages/s (%.1f MB/s of "
        "envelopes, %.0f KB per page)\n",
        inproc_pages, static_cast<double>(bytes) / s / 1e6,
        static_cast<double>(bytes) / static_cast<double>(pages) / 1e3);
  }

  // 5. The store's share: the same pages' rows scanned (store::Store::Scan), nothing built.
  double scan_pages = 0;
  {
    auto store = store::Store::Open(node::Node::DatabasePath(dir), {});
    if (!store.ok()) return Fail(store.status().ToString());
    taxii::ServerOptions options;
    uint64_t pages = 0, bytes = 0;
    auto t0 = SteadyClock::now();
    while (Seconds(t0, SteadyClock::now()) < (http ? std::min(seconds, 5) : seconds)) {
      const std::string& t = targets[pages % targets.size()];
      auto query = taxii::ParseQueryString(t.substr(t.find('?') + 1));
      auto filters = taxii::ParseFilters(*query, taxii::Endpoint::kObjects, options,
                                         std::string(kCollection) + "/");
      if (!filters.ok()) return Fail(filters.status().ToString());
      filters->query.collection = kCollection;
      filters->query.limit = 1001;
      Status st = (*store)->Scan(filters->query, [&](const store::Row& row) {
        bytes += row.json.size();
        return Status::Ok();
      });
      if (!st.ok()) return Fail(st.ToString());
      ++pages;
    }
    scan_pages = static_cast<double>(pages) / Seconds(t0, SteadyClock::now());
    std::printf("store Scan of the same pages' rows only, 1 thread: %.0f pages/s\n", scan_pages);
  }

  std::printf(
      "\nGET objects, pages of 1,000 indicators over HTTP (wrk -t%d -c%d, %d server "
      "workers, %u cores): %.0f pages/s%s\n",
      wrk_threads, connections, workers, std::thread::hardware_concurrency(), http_pages,
      errors ? "  (wrk reported errors or non-2xx answers!)" : "");
  std::printf("  target %.0f pages/s on 2 cores: %s (%.0f%%)\n", kTargetPagesPerSecond,
              http_pages >= kTargetPagesPerSecond ? "met" : "NOT met",
              100.0 * http_pages / kTargetPagesPerSecond);
  std::printf(
      "  in-process baseline (same pages, no HTTP, 1 thread): %.0f pages/s; HTTP "
      "reaches %.0f%% of it\n",
      inproc_pages, 100.0 * http_pages / std::max(1.0, inproc_pages));
  std::printf("  store Scan alone (same rows, 1 thread): %.0f pages/s\n", scan_pages);
  if (size_t at = output.find(" requests in "); at != std::string::npos && server_cpu > 0) {
    const double requests = std::atof(output.c_str() + output.rfind('\n', at) + 1);
    if (requests > 0) {
      // Independent of other load on the machine: what 2 idle cores would do, server and wrk
      // sharing them as in the run.
      const double per_page = (server_cpu + wrk_cpu) / requests;
      std::printf(
          "  CPU per page: server %.2f ms, wrk %.2f ms -> %.0f pages/s on 2 idle cores "
          "(%.0f pages per server CPU-second)\n",
          1e3 * server_cpu / requests, 1e3 * wrk_cpu / requests, 2.0 / per_page,
          requests / server_cpu);
    }
  }
  std::filesystem::remove_all(dir);
  return errors ? 1 : 0;
}
