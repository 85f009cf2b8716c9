// The cpp-httplib adapter: the only serving code that includes httplib.h.
#include "taxii/http_server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/socket.h>

#include <httplib.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "taxii/resources.h"

namespace tadamun::taxii {

struct HttpServer::Impl {
  std::unique_ptr<httplib::Server> server;
};

namespace {

using Clock = std::chrono::steady_clock;

// The handler of the worker thread running the current job (set once per worker thread).
thread_local HttpHandler* t_handler = nullptr;
// When the current request's head was read (for the access log).
thread_local Clock::time_point t_start;

// The library's task queue replaced by a fixed pool whose every thread owns one handler.
class WorkerPool final : public httplib::TaskQueue {
 public:
  explicit WorkerPool(std::vector<HttpHandler>* handlers) {
    for (HttpHandler& h : *handlers) {
      threads_.emplace_back([this, handler = &h] {
        t_handler = handler;
        Run();
      });
    }
  }
  ~WorkerPool() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      jobs_.push_back(std::move(fn));
    }
    cv_.notify_one();
  }

  // Runs the jobs already queued, then joins the workers.
  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      shutdown_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  void Run() {
    while (true) {
      std::function<void()> job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return shutdown_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool shutdown_ = false;
  std::vector<std::thread> threads_;
};

const char* TitleFor(int status) {
  switch (status) {
    case 400:
      return "Bad request";
    case 404:
      return "Not found";
    case 405:
      return "Method not allowed";
    case 408:
      return "Request timeout";
    case 413:
      return "Request body too large";
    case 414:
      return "Request line too long";
    case 416:
      return "Range not satisfiable";
    case 431:
      return "Request header fields too large";
    case 500:
      return "Internal error";
    default:
      return status >= 500 ? "Server error" : "Request refused";
  }
}

std::string DescriptionFor(int status, const HttpServerOptions& options) {
  switch (status) {
    case 400:
      return "the request is not well-formed HTTP/1.1 (request line or header fields)";
    case 404:
      return "no resource at this path";
    case 413:
      return "the request body is larger than max_content_length (" +
             std::to_string(options.max_body_bytes) + " bytes)";
    case 414:
      return "the request line is longer than 8192 bytes";
    case 416:
      return "Range requests are not supported";
    case 431:
      return "more than " + std::to_string(options.max_headers) +
             " header fields, or a header line longer than 8192 bytes";
    case 500:
      return "the server failed while handling the request";
    default:
      return "";
  }
}

void SetBody(httplib::Response& res, std::string body, const std::string& content_type) {
  res.body = std::move(body);  // set_content would copy a large page
  res.headers.erase("Content-Type");
  if (!content_type.empty()) res.set_header("Content-Type", content_type);
}

void SetError(httplib::Response& res, int status, std::string_view title,
              std::string_view description) {
  Response r = ErrorResponse(status, title, description);
  res.status = status;
  SetBody(res, std::move(r.body), std::string(kTaxiiMediaType));
}

bool IsInternalHeader(const std::string& name) {
  // Set by the library on every request (connection addresses), not sent by the client.
  for (const char* n : {"REMOTE_ADDR", "REMOTE_PORT", "LOCAL_ADDR", "LOCAL_PORT"}) {
    if (name == n) return true;
  }
  return false;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Builds the taxii::Request from the library's, calls this worker's handler and writes the
// answer back.
void Dispatch(const httplib::Request& hreq, httplib::Response& hres, std::string body,
              const HttpServerOptions& options) {
  Request req;
  req.method = hreq.method;
  std::string_view target = hreq.target;
  const size_t question = target.find('?');
  auto path = DecodeRequestPath(target.substr(0, question));
  if (!path.ok()) return SetError(hres, 400, "Bad request path", path.status().message());
  req.path = std::move(*path);
  if (question != std::string_view::npos) {
    auto query = ParseQueryString(target.substr(question + 1));
    if (!query.ok()) return SetError(hres, 400, "Bad query string", query.status().message());
    req.query = std::move(*query);
  }
  size_t fields = 0;
  for (const auto& [name, value] : hreq.headers) {
    if (IsInternalHeader(name)) continue;
    if (++fields > options.max_headers) {
      return SetError(hres, 431, TitleFor(431), DescriptionFor(431, options));
    }
    req.AddHeader(name, value);
  }
  req.body = std::move(body);
  if (t_handler == nullptr) return SetError(hres, 500, TitleFor(500), "no handler on this thread");
  Response resp;
  try {
    resp = (*t_handler)(std::move(req));
  } catch (const std::exception&) {
    return SetError(hres, 500, TitleFor(500), DescriptionFor(500, options));
  }
  hres.status = resp.status;
  std::string content_type;
  for (auto& [name, value] : resp.headers) {
    if (strcasecmp(name.c_str(), "Content-Type") == 0) {
      content_type = value;
    } else {
      hres.set_header(name, value);
    }
  }
  SetBody(hres, std::move(resp.body), content_type);
}

bool ExpectsBody(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

std::string Printable(std::string_view s, size_t max) {
  std::string out(s.substr(0, max));
  for (char& c : out) {
    if (c < ' ' || c > '~') c = '?';
  }
  return out;
}

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

}  // namespace

StatusOr<std::string> DecodeRequestPath(std::string_view raw) {
  if (raw.empty() || raw[0] != '/') {
    return Status::InvalidArgument("request path '" + Printable(raw, 200) +
                                   "' must start with '/'");
  }
  std::string out;
  out.reserve(raw.size());
  size_t pos = 0;  // at a '/'
  while (pos < raw.size()) {
    out += '/';
    const size_t start = pos + 1;
    size_t end = raw.find('/', start);
    if (end == std::string_view::npos) end = raw.size();
    const size_t seg_begin = out.size();
    for (size_t i = start; i < end; ++i) {
      char c = raw[i];
      const size_t at = i;
      if (c == '%') {
        int hi = i + 2 < end ? HexDigit(raw[i + 1]) : -1;
        int lo = i + 2 < end ? HexDigit(raw[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
          return Status::InvalidArgument("request path: bad %-escape at byte " +
                                         std::to_string(at) + " (expected '%' and two hex digits)");
        }
        c = static_cast<char>(hi * 16 + lo);
        i += 2;
      }
      const auto u = static_cast<unsigned char>(c);
      if (c == '/' || c == '\\') {
        return Status::InvalidArgument("request path: an encoded '/' or a '\\' at byte " +
                                       std::to_string(at) + " (segments may not contain them)");
      }
      if (u < 0x20 || u == 0x7f) {
        return Status::InvalidArgument("request path: control byte (NUL, CR, LF, …) at byte " +
                                       std::to_string(at));
      }
      out += c;
    }
    std::string_view seg = std::string_view(out).substr(seg_begin);
    if (seg == "." || seg == "..") {
      return Status::InvalidArgument("request path: a '" + std::string(seg) + "' segment at byte " +
                                     std::to_string(start) +
                                     " (relative segments are not allowed)");
    }
    pos = end;
  }
  return out;
}

HttpServer::~HttpServer() { Stop(); }

StatusOr<std::unique_ptr<HttpServer>> HttpServer::Create(const HttpServerOptions& options,
                                                         const HttpHandlerFactory& factory) {
  if (options.worker_threads < 1 || options.worker_threads > 1024) {
    return Status::InvalidArgument("worker_threads must be 1 to 1024, not " +
                                   std::to_string(options.worker_threads));
  }
  if (options.port < 0 || options.port > 65535) {
    return Status::InvalidArgument("port must be 0 to 65535, not " + std::to_string(options.port));
  }
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return Status::InvalidArgument(
        "TLS needs both a certificate file and a private key file (only one was given)");
  }
  std::unique_ptr<HttpServer> self(new HttpServer());
  self->options_ = options;
  self->impl_ = std::make_unique<Impl>();
  for (int i = 0; i < options.worker_threads; ++i) {
    TADAMUN_ASSIGN_OR_RETURN(HttpHandler handler, factory());
    self->handlers_.push_back(std::move(handler));
  }

  if (!options.tls_cert_file.empty()) {
    for (const std::string& f : {options.tls_cert_file, options.tls_key_file}) {
      std::FILE* file = std::fopen(f.c_str(), "rb");
      if (file == nullptr) {
        return Status::InvalidArgument("cannot read TLS file " + f + ": " + std::strerror(errno));
      }
      std::fclose(file);
    }
    std::string error;
    auto server = std::make_unique<httplib::SSLServer>([&](SSL_CTX& ctx) {
      SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
      if (SSL_CTX_use_certificate_chain_file(&ctx, options.tls_cert_file.c_str()) != 1) {
        error = options.tls_cert_file + " is not a PEM certificate (chain): " + OpenSslError();
        return false;
      }
      if (SSL_CTX_use_PrivateKey_file(&ctx, options.tls_key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
        error = options.tls_key_file + " is not a PEM private key: " + OpenSslError();
        return false;
      }
      if (SSL_CTX_check_private_key(&ctx) != 1) {
        error = options.tls_key_file + " is not the private key of the certificate in " +
                options.tls_cert_file;
        return false;
      }
      return true;
    });
    if (!server->is_valid()) {
      return Status::InvalidArgument(error.empty() ? "TLS setup failed: " + OpenSslError() : error);
    }
    self->impl_->server = std::move(server);
  } else {
    self->impl_->server = std::make_unique<httplib::Server>();
  }

  httplib::Server& srv = *self->impl_->server;
  HttpServer* raw = self.get();
  const HttpServerOptions* opts = &raw->options_;
  srv.new_task_queue = [raw] { return new WorkerPool(&raw->handlers_); };
  // SO_REUSEADDR only: the library's default also sets SO_REUSEPORT, which would let a second
  // server bind the same port and silently take half of the connections.
  // The socket is remembered to raise its listen backlog after binding (below).
  srv.set_socket_options([raw](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    raw->listen_fd_ = sock;
  });
  srv.set_tcp_nodelay(true);
  srv.set_keep_alive_max_count(static_cast<size_t>(std::max(1, options.keep_alive_max_requests)));
  srv.set_keep_alive_timeout(options.keep_alive_timeout_seconds);
  srv.set_read_timeout(options.read_timeout_seconds, 0);
  srv.set_write_timeout(options.write_timeout_seconds, 0);
  srv.set_payload_max_length(static_cast<size_t>(options.max_body_bytes));

  // Requests without a body are answered here, before the library would try to read one (a
  // DELETE without Content-Length would otherwise wait for the peer to close).
  // How a request frames its body, checked before any of it is read: a Content-Length larger
  // than the limit is refused at once (413, before the client sends the body when it asked
  // "Expect: 100-continue"); ambiguous framing — a Content-Length that is not a number, two of
  // them, one together with Transfer-Encoding — is 400 and a transfer coding other than
  // chunked 501 (RFC 9112 §6), so no two parsers can read one request differently.
  auto framing_error = [opts](const httplib::Request& req) -> std::optional<Response> {
    const size_t lengths = req.get_header_value_count("Content-Length");
    const bool chunked = req.has_header("Transfer-Encoding");
    if (lengths > 1 || (lengths == 1 && chunked)) {
      return ErrorResponse(400, "Bad request framing",
                           "a request may have one Content-Length or Transfer-Encoding: chunked, "
                           "not several");
    }
    if (chunked && strcasecmp(req.get_header_value("Transfer-Encoding").c_str(), "chunked") != 0) {
      return ErrorResponse(501, "Transfer coding not implemented",
                           "only Transfer-Encoding: chunked is supported");
    }
    if (lengths == 1) {
      const std::string length = req.get_header_value("Content-Length");
      if (length.empty() || length.size() > 19 ||
          length.find_first_not_of("0123456789") != std::string::npos) {
        return ErrorResponse(400, "Bad request framing",
                             "Content-Length is not a decimal number of bytes");
      }
      if (std::stoull(length) > opts->max_body_bytes) {
        return ErrorResponse(413, TitleFor(413), DescriptionFor(413, *opts));
      }
    }
    return std::nullopt;
  };
  srv.set_expect_100_continue_handler(
      [framing_error](const httplib::Request& req, httplib::Response& res) {
        auto error = framing_error(req);
        if (!error) return 100;
        res.status = error->status;
        SetBody(res, std::move(error->body), std::string(kTaxiiMediaType));
        res.set_header("Connection", "close");
        return error->status;
      });
  srv.set_pre_routing_handler(
      [opts, framing_error](const httplib::Request& req, httplib::Response& res) {
        t_start = Clock::now();
        if (auto error = framing_error(req)) {
          res.status = error->status;
          SetBody(res, std::move(error->body), std::string(kTaxiiMediaType));
          res.set_header("Connection", "close");
          return httplib::Server::HandlerResponse::Handled;
        }
        if (ExpectsBody(req.method) &&
            (req.has_header("Content-Length") || req.has_header("Transfer-Encoding"))) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        Dispatch(req, res, std::string(), *opts);
        return httplib::Server::HandlerResponse::Handled;
      });
  httplib::Server::HandlerWithContentReader with_body =
      [opts](const httplib::Request& req, httplib::Response& res,
             const httplib::ContentReader& reader) {
        std::string body;
        bool too_large = false;
        bool ok = reader([&](const char* data, size_t n) {
          if (body.size() + n > opts->max_body_bytes) {
            too_large = true;
            return false;
          }
          body.append(data, n);
          return true;
        });
        if (too_large || res.status == 413) {
          SetError(res, 413, TitleFor(413), DescriptionFor(413, *opts));
          res.set_header("Connection", "close");
          return;
        }
        if (!ok) {
          SetError(res, 400, "Bad request body",
                   "the request body could not be read (truncated, bad chunked encoding or "
                   "bad Content-Encoding)");
          res.set_header("Connection", "close");
          return;
        }
        Dispatch(req, res, std::move(body), *opts);
      };
  srv.Post(".*", with_body);
  srv.Put(".*", with_body);
  srv.Patch(".*", with_body);
  srv.Delete(".*", with_body);

  // Whatever the library answers by itself (bad request line, 414, 413, no route) becomes a
  // TAXII error resource; responses that already have a body are the handler's own.
  srv.set_error_handler(
      httplib::Server::HandlerWithResponse([opts](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        SetError(res, res.status, TitleFor(res.status), DescriptionFor(res.status, *opts));
        return httplib::Server::HandlerResponse::Handled;
      }));
  srv.set_exception_handler(
      [opts](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        SetError(res, 500, TitleFor(500), DescriptionFor(500, *opts));
      });
  if (options.access_log) {
    srv.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      // Method and path only: never the query (it may carry a cursor) nor any header.
      const std::string_view target = req.target;
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t_start).count();
      std::fprintf(stderr, "%s %s %d %zu %.1fms\n", Printable(req.method, 16).c_str(),
                   Printable(target.substr(0, target.find('?')), 200).c_str(), res.status,
                   res.body.size(), ms);
    });
  }

  errno = 0;
  if (options.port == 0) {
    self->port_ = srv.bind_to_any_port(options.host);
  } else {
    self->port_ = srv.bind_to_port(options.host, options.port) ? options.port : -1;
  }
  if (self->port_ > 0 && self->listen_fd_ >= 0) {
    // The library listens with a backlog of 5: a burst of connections (200 clients, or
    // reconnects after keep-alive closes) overflows it, and Linux then drops the handshakes'
    // final ACKs, stalling those clients for up to a minute. Calling listen() again on the
    // listening socket raises the backlog (capped by net.core.somaxconn).
    ::listen(self->listen_fd_, options.listen_backlog);
  }
  if (self->port_ <= 0) {
    const int err = errno;
    return Status::Unavailable("cannot listen on " + options.host + ":" +
                               std::to_string(options.port) +
                               (err ? std::string(": ") + std::strerror(err) : std::string()) +
                               " (address in use, not an address of this machine, or a bad "
                               "host name?)");
  }
  return self;
}

Status HttpServer::Serve() {
  ::signal(SIGPIPE, SIG_IGN);
  serving_ = true;
  if (stop_requested_) {
    finished_ = true;
    return Status::Ok();
  }
  const bool ok = impl_->server->listen_after_bind();
  finished_ = true;
  if (!ok && !stop_requested_) {
    return Status::Internal("the listening socket failed: " + std::string(std::strerror(errno)));
  }
  return Status::Ok();
}

void HttpServer::Stop() {
  stop_requested_ = true;
  if (!serving_ || !impl_) return;
  while (!finished_ && !impl_->server->is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  impl_->server->stop();
}

}  // namespace tadamun::taxii
