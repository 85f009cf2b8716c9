#include "node/server.h"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>

#include "base/clock.h"
#include "node/import.h"
#include "taxii/access.h"
#include "taxii/resources.h"

namespace tadamun::node {

struct NodeServer::Worker {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<taxii::Server> taxii;
};

bool IsLoopbackAddress(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  std::string h = host;
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (::inet_pton(AF_INET6, h.c_str(), &v6) == 1) {
    static const unsigned char kLoop[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (std::memcmp(v6.s6_addr, kLoop, 16) == 0) return true;
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return std::memcmp(v6.s6_addr, kMapped, 12) == 0 && v6.s6_addr[12] == 127;
  }
  return false;
}

Status ParseListenAddress(std::string_view text, std::string* host, int* port) {
  const Status bad = Status::InvalidArgument(
      "'" + std::string(text.substr(0, 100)) +
      "' is not ADDR:PORT (e.g. 127.0.0.1:8443, [::1]:8443, 0.0.0.0:443; port 0 to 65535)");
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return bad;
  std::string h(text.substr(0, colon));
  std::string_view p = text.substr(colon + 1);
  if (h.front() == '[') {
    if (h.size() < 3 || h.back() != ']') return bad;
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != std::string::npos) {
    return bad;  // an IPv6 address needs brackets
  }
  for (char c : h) {
    if (c <= ' ' || c > '~' || c == '/' || c == '[' || c == ']') return bad;
  }
  if (p.size() > 5 || p.find_first_not_of("0123456789") != std::string_view::npos) return bad;
  const int n = std::stoi(std::string(p));
  if (n > 65535) return bad;
  *host = h;
  *port = n;
  return Status::Ok();
}

ServeOptions ServeOptionsFromConfig(const NodeConfig& config, const std::string& node_dir) {
  ServeOptions options;
  (void)ParseListenAddress(config.listen, &options.listen_address, &options.port);
  auto resolve = [&](const std::string& path) {
    return path.empty() || path.front() == '/' ? path : node_dir + "/" + path;
  };
  options.tls_cert_file = resolve(config.tls_cert_file);
  options.tls_key_file = resolve(config.tls_key_file);
  return options;
}

namespace {

bool IsWildcard(const std::string& host) {
  return host == "0.0.0.0" || host == "::" || host == "[::]" || host.empty();
}

}  // namespace

NodeServer::~NodeServer() {
  http_.reset();  // joins the workers before their stores go: no write comes after this
  if (audit_thread_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(audit_mu_);
      audit_stopping_ = true;
    }
    audit_cv_.notify_all();
    audit_thread_.join();  // records what is still pending first
  }
}

StatusOr<std::unique_ptr<NodeServer>> NodeServer::Create(const std::string& dir,
                                                         const ServeOptions& options) {
  const bool tls = !options.tls_cert_file.empty() || !options.tls_key_file.empty();
  if (!tls && !options.allow_insecure_remote && !IsLoopbackAddress(options.listen_address)) {
    return Status::FailedPrecondition(
        "refusing to serve plain HTTP on " + options.listen_address +
        ", which is not a loopback address: configure a TLS certificate and key (--tls-cert, "
        "--tls-key), listen on 127.0.0.1, or force it with --allow-insecure-remote");
  }
  std::unique_ptr<NodeServer> self(new NodeServer());
  self->dir_ = dir;
  self->options_ = options;
  TADAMUN_ASSIGN_OR_RETURN(self->audit_node_, Node::Open(dir));
  // Imports/deletions committed but not yet in the audit log (a crash in between).
  TADAMUN_RETURN_IF_ERROR(self->audit_node_->RecordPendingImports().WithPrefix(
      "recording pending imports in the audit log"));

  TADAMUN_ASSIGN_OR_RETURN(self->audit_, AuditEndpoints::Open(dir, Clock::System()));

  const NodeConfig& config = self->audit_node_->config();
  taxii::ServerOptions taxii_options;
  taxii_options.title = "Tadamun node " + config.name;
  taxii_options.api_root_title = config.name;
  taxii_options.max_content_length = options.max_content_length;
  taxii_options.public_discovery = options.public_discovery;
  taxii_options.validation = NodeValidation();
  NodeServer* raw = self.get();
  taxii_options.after_write = [raw] { raw->AfterWrite(); };

  taxii::HttpServerOptions http;
  http.host = options.listen_address;
  if (http.host.size() >= 2 && http.host.front() == '[' && http.host.back() == ']') {
    http.host = http.host.substr(1, http.host.size() - 2);
  }
  http.port = options.port;
  http.tls_cert_file = options.tls_cert_file;
  http.tls_key_file = options.tls_key_file;
  http.worker_threads = options.worker_threads;
  http.max_body_bytes = options.max_content_length;
  http.read_timeout_seconds = options.read_timeout_seconds;
  http.write_timeout_seconds = options.write_timeout_seconds;
  http.keep_alive_timeout_seconds = options.keep_alive_timeout_seconds;
  http.keep_alive_max_requests = options.keep_alive_max_requests;
  http.access_log = options.access_log;

  // The discovery URLs need the port, known only after binding: the workers' taxii::Servers
  // are created by the factory (before binding), and their public_url is set right after.
  auto factory = [raw, &taxii_options]() -> StatusOr<taxii::HttpHandler> {
    auto worker = std::make_unique<Worker>();
    TADAMUN_ASSIGN_OR_RETURN(worker->store, store::Store::Open(Node::DatabasePath(raw->dir_), {}));
    worker->taxii = std::make_unique<taxii::Server>(*worker->store, taxii_options);
    Worker* w = worker.get();
    raw->workers_.push_back(std::move(worker));
    return taxii::HttpHandler(
        [raw, w](taxii::Request request) { return raw->Route(*w, std::move(request)); });
  };
  TADAMUN_ASSIGN_OR_RETURN(self->http_, taxii::HttpServer::Create(http, factory));

  std::string public_url = options.public_url;
  if (public_url.empty() && !IsWildcard(options.listen_address)) public_url = self->BaseUrl();
  if (!public_url.empty()) {
    taxii_options.public_url = public_url;
    for (auto& w : self->workers_) {
      w->taxii = std::make_unique<taxii::Server>(*w->store, taxii_options);
    }
  }
  self->audit_thread_ = std::thread([raw] { raw->RecordAudit(); });
  return self;
}

std::string NodeServer::BaseUrl() const {
  std::string host = options_.listen_address;
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  if (host == "::" || host == "[::]") host = "::1";
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  return std::string(http_->tls() ? "https://" : "http://") + host + ":" +
         std::to_string(http_->port());
}

Status NodeServer::Serve() { return http_->Serve(); }

void NodeServer::Stop() { http_->Stop(); }

taxii::Response NodeServer::HandleForTest(size_t worker, taxii::Request request) {
  return Route(*workers_.at(worker), std::move(request));
}

taxii::Response NodeServer::Route(Worker& worker, taxii::Request request) {
  const std::string& path = request.path;
  if (path == "/taxii2" || path.rfind("/taxii2/", 0) == 0) {
    return worker.taxii->Handle(std::move(request));
  }
  // The audit log, to members only (the witness endpoint too: partners hold member tokens).
  if (audit_->Owns(path)) {
    if (auto denied = taxii::Authenticate(*worker.store, &request)) return std::move(*denied);
    return audit_->Handle(request);
  }
  return taxii::ErrorResponse(
      404, "Not found",
      "no resource at '" + path.substr(0, 200) + "' (TAXII 2.1 is served under /taxii2/)");
}

void NodeServer::AfterWrite() {
  {
    std::lock_guard<std::mutex> lock(audit_mu_);
    audit_pending_ = true;
  }
  audit_cv_.notify_all();
}

void NodeServer::RecordAudit() {
  std::unique_lock<std::mutex> lock(audit_mu_);
  while (true) {
    audit_cv_.wait(lock, [&] { return audit_pending_ || audit_stopping_; });
    if (!audit_pending_) return;  // stopping, nothing left
    audit_pending_ = false;
    audit_busy_ = true;
    lock.unlock();
    // Records every import and deletion committed so far, however many requests made them.
    Status s = audit_node_->RecordPendingImports();
    if (!s.ok()) {
      // The change is committed; the next write (or the next start) records it.
      std::fprintf(stderr, "tadamun serve: audit log not updated yet: %s\n", s.ToString().c_str());
    }
    lock.lock();
    audit_busy_ = false;
    audit_cv_.notify_all();
  }
}

void NodeServer::FlushAudit() {
  std::unique_lock<std::mutex> lock(audit_mu_);
  audit_cv_.wait(lock, [&] { return !audit_pending_ && !audit_busy_; });
}

}  // namespace tadamun::node
