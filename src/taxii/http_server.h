// HttpServer: HTTP/1.1 (and HTTPS when a certificate is configured) in front of a
// Request → Response handler. The only serving code that knows the HTTP library
// (cpp-httplib, wrapped in http_server.cc); callers see taxii::Request and taxii::Response.
//
// What the adapter does before a handler sees a request:
//   - the path is split on '/', each segment percent-decoded; a bad %-escape, an encoded '/'
//     or '\', a NUL or control byte, or a "." / ".." segment is answered 400 (so a handler
//     never sees a traversal attempt); the decoded path goes into Request::path;
//   - the query string is parsed with taxii::ParseQueryString (bad escapes, too many
//     parameters → 400);
//   - headers are copied with lowercased names (more than `max_headers` → 431);
//   - the body is read up to `max_body_bytes` (also after Content-Encoding decompression and
//     for chunked bodies); a larger one is answered 413.
// Every response the adapter itself generates (bad request line 400, 404, 413, 414, 431,
// 500 for an exception escaping a handler) is a TAXII error resource with Content-Type
// application/taxii+json;version=2.1, never the library's bare page. Authorization headers
// are never logged; the optional access log (stderr) prints method, path without query,
// status, body bytes and milliseconds.
//
// Threading: `worker_threads` threads serve connections (one connection at a time each,
// keep-alive). Create() calls the factory once per worker, in the caller's thread; each
// returned handler is then called only from its own worker thread, one request at a time, so
// it may hold a non-thread-safe resource (a store connection). Stop() may be called from any
// thread (not from a signal handler: use sigwait in a thread); it stops accepting, lets the
// requests in flight finish, and makes Serve() return.
//
//   auto server = HttpServer::Create({.port = 0}, [&]() -> StatusOr<HttpHandler> {
//     return HttpHandler([](Request r) { return Response{.status = 200, .body = "{}"}; });
//   });
//   std::thread t([&] { (void)(*server)->Serve(); });
//   ... (*server)->port() ...; (*server)->Stop(); t.join();
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "taxii/request.h"

namespace tadamun::taxii {

using HttpHandler = std::function<Response(Request)>;
using HttpHandlerFactory = std::function<StatusOr<HttpHandler>()>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // address to listen on ("0.0.0.0", "::", "::1", …)
  int port = 8443;                 // 0: any free port (see HttpServer::port())
  // PEM files; both set: HTTPS only (TLS 1.2 or later). Both empty: plain HTTP.
  std::string tls_cert_file;
  std::string tls_key_file;
  int worker_threads = 8;                        // connections served at the same time
  uint64_t max_body_bytes = uint64_t{10} << 20;  // larger request bodies → 413
  size_t max_headers = 100;                      // more request header fields → 431
  // (The library caps the request line at 8192 bytes → 414, and each header line at 8192
  // bytes → 400; those limits are compiled into libcpp-httplib.)
  int read_timeout_seconds = 10;       // a client silent this long mid-request is dropped
  int write_timeout_seconds = 10;      // a client not reading this long is dropped
  int keep_alive_timeout_seconds = 5;  // idle keep-alive connections are closed after this
  int keep_alive_max_requests = 100;   // requests per connection before it is closed
  bool access_log = false;             // one line per request on stderr
  int listen_backlog = 1024;           // connections waiting to be accepted (capped by somaxconn)
};

class HttpServer {
 public:
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Loads the TLS certificate and key (InvalidArgument naming the file when unusable), calls
  // `factory` worker_threads times (its first error is returned), and binds the listening
  // socket (Unavailable when the address cannot be bound). Does not accept yet.
  static StatusOr<std::unique_ptr<HttpServer>> Create(const HttpServerOptions& options,
                                                      const HttpHandlerFactory& factory);

  // Accepts and serves connections until Stop(); returns Ok after a Stop, Internal if the
  // listening socket failed. Ignores SIGPIPE for the process (a client that goes away must not
  // kill the server). Call once.
  Status Serve();

  // Stops accepting; requests in flight finish (idle keep-alive connections close within
  // keep_alive_timeout_seconds); Serve() then returns. Thread-safe, idempotent; a Stop before
  // Serve makes Serve return at once.
  void Stop();

  int port() const { return port_; }
  bool tls() const { return !options_.tls_cert_file.empty(); }

  struct Impl;  // the library's server and the worker pool (http_server.cc)

 private:
  HttpServer() = default;

  HttpServerOptions options_;
  int port_ = 0;
  int listen_fd_ = -1;                 // the listening socket (owned by the library's server)
  std::vector<HttpHandler> handlers_;  // one per worker thread
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> serving_{false};
  std::atomic<bool> finished_{false};
};

// Percent-decodes a raw request path segment by segment (see the header comment): the decoded
// path, or InvalidArgument saying what is wrong and at which byte. Exposed for tests and fuzzing.
StatusOr<std::string> DecodeRequestPath(std::string_view raw_path);

}  // namespace tadamun::taxii
