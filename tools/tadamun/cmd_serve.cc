// tadamun serve: the node's TAXII 2.1 server until SIGTERM or SIGINT.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <thread>

#include "command.h"
#include "node/server.h"

namespace tadamun::cli {
namespace {

int RunServe(const Invocation& inv) {
  if (!inv.positionals.empty()) return UsageError(inv, "takes no arguments");
  if (inv.Has("tls-cert") != inv.Has("tls-key")) {
    return UsageError(inv, "--tls-cert and --tls-key go together");
  }
  // The node's config.json first (listen, tls_cert_file, tls_key_file), then the flags.
  node::ServeOptions options;
  {
    auto node = OpenNode(inv);
    if (!node) return 1;
    options = node::ServeOptionsFromConfig(node->config(), node->dir());
  }
  if (auto listen = inv.Value("listen")) {
    Status s = node::ParseListenAddress(*listen, &options.listen_address, &options.port);
    if (!s.ok()) return UsageError(inv, "--listen " + s.message());
  }
  if (auto cert = inv.Value("tls-cert")) options.tls_cert_file = *cert;
  if (auto key = inv.Value("tls-key")) options.tls_key_file = *key;
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return Fail("config.json sets only one of tls_cert_file and tls_key_file");
  }
  options.allow_insecure_remote = inv.Has("allow-insecure-remote");
  options.access_log = inv.Has("access-log");
  options.public_discovery = inv.Has("public-discovery");
  if (auto threads = inv.Value("threads")) {
    if (threads->empty() || threads->size() > 4 ||
        threads->find_first_not_of("0123456789") != std::string::npos || std::stoi(*threads) < 1) {
      return UsageError(inv, "--threads must be a number from 1 to 1024");
    }
    options.worker_threads = std::stoi(*threads);
  }

  // SIGTERM and SIGINT are taken by one thread with sigwait; every other thread (the workers
  // created below inherit the mask) keeps them blocked, so a signal never interrupts a request.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto server = node::NodeServer::Create(inv.node_dir, options);
  if (!server.ok()) return Fail(server.status());
  std::printf("serving TAXII 2.1 at %s (Ctrl-C or SIGTERM to stop)\n",
              (*server)->DiscoveryUrl().c_str());
  std::fflush(stdout);

  node::NodeServer* srv = server->get();
  std::thread waiter([srv, signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig == SIGTERM || sig == SIGINT) {
      std::fprintf(stderr, "tadamun serve: %s, finishing requests in flight\n",
                   sig == SIGTERM ? "SIGTERM" : "SIGINT");
    }
    srv->Stop();
  });
  Status served = srv->Serve();
  // Serve returned without a signal (an error): wake the waiter.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  server->reset();
  if (!served.ok()) return Fail(served);
  std::fprintf(stderr, "tadamun serve: stopped\n");
  return 0;
}

const Registration kServe({
    .name = "serve",
    .summary = "serve the node over TAXII 2.1 (HTTP/1.1, TLS when configured)",
    .help = "Serves TAXII 2.1 under /taxii2/ (discovery) and /taxii2/api/ (the API root) until\n"
            "SIGTERM or SIGINT, then stops accepting, lets the requests in flight finish and\n"
            "exits 0. Prints the discovery URL once listening (port 0: a free port).\n"
            "\n"
            "Plain HTTP is only served on a loopback address (127.0.0.1, ::1, localhost); on any\n"
            "other address give --tls-cert and --tls-key (PEM), or force plain HTTP with\n"
            "--allow-insecure-remote.\n"
            "\n"
            "The node's config.json may set \"listen\", \"tls_cert_file\" and \"tls_key_file\"\n"
            "(paths relative to the node folder); the flags override them.",
    .flags = {{"listen", "ADDR:PORT",
               "address and port (default: config.json's listen, else 127.0.0.1:8443)"},
              {"tls-cert", "FILE", "PEM certificate (chain): serve HTTPS only"},
              {"tls-key", "FILE", "PEM private key of the certificate"},
              {"allow-insecure-remote", "", "allow plain HTTP on a non-loopback address"},
              {"threads", "N", "worker threads, connections served at once (default 8)"},
              {"public-discovery", "", "serve TAXII discovery (/taxii2/) without a token"},
              {"access-log", "", "one line per request on stderr (no query, no headers)"}},
    .run = RunServe,
});

}  // namespace
}  // namespace tadamun::cli
