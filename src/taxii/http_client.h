// Transport: how a TAXII client sends one taxii::Request to a server and gets the
// taxii::Response back, and its two implementations:
//   - HttpTransport, the one place that uses the HTTP library (cpp-httplib) as a client: HTTP or
//     HTTPS to one origin (scheme, host, port), certificate verification on by default (system
//     CAs, or a CA file), connect/read timeouts, a cap on the response size, one kept-alive
//     connection reused across requests;
//   - InProcessTransport, which calls a taxii::Server's Handle directly (no sockets), so client
//     logic is tested against the real resources.
// Requests carry paths relative to the origin ("/taxii2/api/collections/") and decoded query
// parameters; the transport encodes them. The caller sets the Authorization header; transports
// never log headers or bodies.
//
// Thread-safety: a Transport is used from one thread at a time (one connection).
//
//   TADAMUN_ASSIGN_OR_RETURN(Url url, ParseUrl("https://cert.example:8443/taxii2/api/"));
//   TADAMUN_ASSIGN_OR_RETURN(auto transport, HttpTransport::Create(url, {}));
//   Request r{.path = url.path};
//   r.AddHeader("Accept", std::string(kTaxiiMediaType));
//   TADAMUN_ASSIGN_OR_RETURN(Response resp, transport->Send(r));
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "taxii/request.h"

namespace tadamun::taxii {

// An http(s) URL split into its parts. `path` always starts with '/' and keeps a trailing '/';
// a URL without a path has path "/". Query strings and fragments are refused (a TAXII base URL
// has none).
struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // name, IPv4, or IPv6 without brackets
  int port = 0;        // explicit, else 80/443
  std::string path;    // e.g. "/taxii2/api/"

  std::string Origin() const;    // "https://host:8443" (port omitted when the default)
  std::string ToString() const;  // Origin() + path
};

// InvalidArgument naming the URL and what is wrong (scheme, empty host, bad port, userinfo,
// query or fragment, control characters).
StatusOr<Url> ParseUrl(std::string_view text);

// "a%20b" encoding of a query name or value: RFC 3986 unreserved characters are kept, every
// other byte is %XX (so "match[type]" becomes "match%5Btype%5D", as Python's requests sends).
std::string EncodeQueryComponent(std::string_view s);
// "?a=1&b=2" for a non-empty query (encoded), "" otherwise.
std::string EncodeQuery(const std::multimap<std::string, std::string>& query);

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends `request` (path relative to the transport's origin) and returns the response,
  // whatever its HTTP status. Unavailable when the server cannot be reached or the connection
  // fails (message: URL and cause); ResourceExhausted when the response is larger than allowed.
  virtual StatusOr<Response> Send(const Request& request) = 0;
  // The origin requests go to ("https://host:8443"), for messages.
  virtual std::string Origin() const = 0;
};

struct HttpTransportOptions {
  // PEM file of the CAs to trust for HTTPS; empty: the system's CAs.
  std::string ca_file;
  // Verify the server's certificate and host name (HTTPS). Turning it off is for tests only.
  bool verify_certificate = true;
  int connect_timeout_seconds = 10;
  int read_timeout_seconds = 120;  // per read on the socket, not for the whole response
  int write_timeout_seconds = 120;
  // Largest response body accepted; a larger one fails with ResourceExhausted.
  uint64_t max_response_bytes = uint64_t{256} << 20;
  std::string user_agent = "tadamun-taxii-client/0.1";
};

class HttpTransport final : public Transport {
 public:
  // InvalidArgument for a URL that is not http(s) or a CA file that cannot be read.
  static StatusOr<std::unique_ptr<HttpTransport>> Create(const Url& url,
                                                         const HttpTransportOptions& options);
  ~HttpTransport() override;
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  StatusOr<Response> Send(const Request& request) override;
  std::string Origin() const override { return origin_; }

 private:
  struct Impl;
  HttpTransport() = default;
  std::unique_ptr<Impl> impl_;
  std::string origin_;
  HttpTransportOptions options_;
};

// Calls `handler` (e.g. a taxii::Server's Handle bound in a lambda) for every request. The
// handler must outlive the transport. `max_response_bytes` is enforced as by HttpTransport.
class InProcessTransport final : public Transport {
 public:
  using Handler = std::function<Response(Request)>;
  explicit InProcessTransport(Handler handler, std::string origin = "http://in-process",
                              uint64_t max_response_bytes = uint64_t{256} << 20)
      : handler_(std::move(handler)),
        origin_(std::move(origin)),
        max_response_bytes_(max_response_bytes) {}
  StatusOr<Response> Send(const Request& request) override;
  std::string Origin() const override { return origin_; }

 private:
  Handler handler_;
  std::string origin_;
  uint64_t max_response_bytes_;
};

}  // namespace tadamun::taxii
