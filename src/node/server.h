// NodeServer: a node's HTTP(S) server — TAXII 2.1 under /taxii2/ and the audit log under
// /audit/ (node/audit_http.h: checkpoint, tiles, tlog-witness add-checkpoint; members only) —
// over the node's folder.
//
// Every worker thread has its own store connection and its own taxii::Server over it (a Store
// is one SQLite connection; several connections to one file are fine). POSTed objects are
// validated with node::NodeValidation(). After a committed POST or DELETE the change is in
// the store, marked as not yet audited; one background thread records the pending
// imports/deletions in the node's audit log, coalescing the writes that arrive while it
// appends (each append rewrites the partial entry bundle and signs a checkpoint, so one per
// request would bound POST ingest). A crash before the recording leaves the change pending in
// the store, recorded at the next start; a graceful stop records everything before it returns.
//
// Safety rules: plain HTTP is only served on a loopback address (127.0.0.0/8, ::1,
// "localhost") unless `allow_insecure_remote` is set; with a certificate and key, HTTPS only.
//
// Thread-safety: Serve() blocks; Stop() may be called from any other thread (not from a signal
// handler: see tools/tadamun/cmd_serve.cc for sigwait). Port(), BaseUrl() are const.
//
//   auto server = NodeServer::Create(dir, {.port = 0});
//   std::printf("%s\n", (*server)->DiscoveryUrl().c_str());
//   TADAMUN_RETURN_IF_ERROR((*server)->Serve());   // until Stop()
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/status.h"
#include "node/audit_http.h"
#include "node/node.h"
#include "taxii/http_server.h"
#include "taxii/request.h"

namespace tadamun::node {

struct ServeOptions {
  std::string listen_address = "127.0.0.1";  // IPv4/IPv6 literal or "localhost"
  int port = 8443;                           // 0: any free port (NodeServer::Port())
  // PEM certificate (chain) and private key; both set: HTTPS only.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Plain HTTP on a non-loopback address is refused (FailedPrecondition) unless this is set.
  bool allow_insecure_remote = false;
  int worker_threads = 8;  // connections served at once; each has a store connection
  uint64_t max_content_length = uint64_t{10} << 20;  // largest request body (413 above)
  int read_timeout_seconds = 10;
  int write_timeout_seconds = 10;
  int keep_alive_timeout_seconds = 5;
  int keep_alive_max_requests = 100;
  bool access_log = false;  // one line per request on stderr (no query, no headers)
  // Serve TAXII discovery (/taxii2/) without a token (taxii::ServerOptions::public_discovery).
  bool public_discovery = false;
  // Prefix of the URLs in TAXII discovery; "": scheme://listen_address:port, or relative URLs
  // when listening on a wildcard address (0.0.0.0, ::).
  std::string public_url;
};

// "127.0.0.1:8443", "[::1]:8443", "localhost:0" → host (IPv6 without brackets) and port.
// InvalidArgument when `text` is not ADDR:PORT with a port of 0 to 65535.
Status ParseListenAddress(std::string_view text, std::string* host, int* port);

// The serve settings of a node's config.json (listen, tls_cert_file, tls_key_file; relative
// TLS paths resolved against `node_dir`) over the ServeOptions defaults. `config.listen` must
// parse (ParseConfig checks it).
ServeOptions ServeOptionsFromConfig(const NodeConfig& config, const std::string& node_dir);

// Whether `host` names the loopback interface only: 127.0.0.0/8, ::1, ::ffff:127.x.y.z, or
// "localhost". Anything else (0.0.0.0, ::, other addresses, host names) is not.
bool IsLoopbackAddress(const std::string& host);

class NodeServer {
 public:
  ~NodeServer();
  NodeServer(const NodeServer&) = delete;
  NodeServer& operator=(const NodeServer&) = delete;

  // Opens the node at `dir` (NotFound when there is none), checks the loopback rule
  // (FailedPrecondition), opens one store connection per worker, records audit entries left
  // pending by an earlier crash, loads TLS material and binds the port (see HttpServer::Create).
  static StatusOr<std::unique_ptr<NodeServer>> Create(const std::string& dir,
                                                      const ServeOptions& options);

  // Serves until Stop(); requests in flight finish first. See HttpServer::Serve.
  Status Serve();
  void Stop();

  int Port() const { return http_->port(); }
  // "http://127.0.0.1:8443" or "https://…" (wildcard addresses shown as 127.0.0.1 / [::1]).
  std::string BaseUrl() const;
  std::string DiscoveryUrl() const { return BaseUrl() + "/taxii2/"; }

  // Waits until every committed write has been recorded in the audit log (tests, shutdown).
  void FlushAudit();

  // Answers one request as a worker would (routing below). Exposed for tests; `worker` < the
  // number of workers, and the caller must not use the same worker from two threads.
  taxii::Response HandleForTest(size_t worker, taxii::Request request);

 private:
  struct Worker;
  NodeServer() = default;
  taxii::Response Route(Worker& worker, taxii::Request request);
  void AfterWrite();

  std::string dir_;
  ServeOptions options_;
  void RecordAudit();  // the background recorder's loop
  std::mutex audit_mu_;  // guards the fields below
  std::condition_variable audit_cv_;
  bool audit_pending_ = false;  // a write committed since the recorder last started
  bool audit_busy_ = false;     // the recorder is appending
  bool audit_stopping_ = false;
  std::unique_ptr<Node> audit_node_;  // used by the recorder thread only (and by Create)
  std::thread audit_thread_;
  std::unique_ptr<AuditEndpoints> audit_;  // thread-safe; shared by the workers
  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<taxii::HttpServer> http_;  // declared last: stopped and destroyed first
};

}  // namespace tadamun::node
