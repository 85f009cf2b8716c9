// The HTTP client adapter: the only file that uses cpp-httplib as a client.
#include "taxii/http_client.h"

#include <httplib.h>
#include <openssl/x509.h>

#include <cctype>
#include <cstdio>
#include <exception>

namespace tadamun::taxii {
namespace {

int DefaultPort(std::string_view scheme) { return scheme == "https" ? 443 : 80; }

bool HasControl(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return true;
  }
  return false;
}

// A URL or path for messages: printable, bounded, and without user:password@ if one was given.
std::string Shown(std::string_view text) {
  std::string out(text.substr(0, 200));
  size_t scheme = out.find("://");
  size_t at = out.find('@');
  if (scheme != std::string::npos && at != std::string::npos && out.find('/', scheme + 3) > at) {
    out.replace(scheme + 3, at - scheme - 3, "...");
  }
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < ' ' || c == 0x7f) c = '?';
  }
  return out;
}

}  // namespace

std::string Url::Origin() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::string out = scheme + "://" + h;
  if (port != DefaultPort(scheme)) out += ":" + std::to_string(port);
  return out;
}

std::string Url::ToString() const { return Origin() + path; }

StatusOr<Url> ParseUrl(std::string_view text) {
  auto bad = [&](const std::string& what) {
    return Status::InvalidArgument("URL '" + Shown(text) + "': " + what +
                                   " (expected http[s]://HOST[:PORT]/PATH/)");
  };
  if (text.size() > 2048) return bad("longer than 2048 bytes");
  if (HasControl(text)) return bad("contains spaces or control characters");
  Url url;
  size_t colon = text.find("://");
  if (colon == std::string_view::npos) return bad("no scheme");
  url.scheme = std::string(text.substr(0, colon));
  for (char& c : url.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (url.scheme != "http" && url.scheme != "https") return bad("scheme must be http or https");
  std::string_view rest = text.substr(colon + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return bad("a query string or fragment is not allowed");
  }
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  url.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (authority.find('@') != std::string_view::npos) {
    return bad("user names and passwords do not belong in the URL (use --token-file)");
  }
  std::string_view port_text;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("unclosed '[' in the host");
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return bad("unexpected text after the IPv6 address");
      port_text = after.substr(1);
      if (port_text.empty()) return bad("empty port");
    }
    for (char c : url.host) {
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') {
        return bad("bad IPv6 address");
      }
    }
  } else {
    size_t pc = authority.rfind(':');
    url.host = std::string(authority.substr(0, pc));
    if (pc != std::string_view::npos) {
      port_text = authority.substr(pc + 1);
      if (port_text.empty()) return bad("empty port");
    }
    for (char c : url.host) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') {
        return bad("bad character in the host name");
      }
    }
  }
  if (url.host.empty()) return bad("no host");
  url.port = DefaultPort(url.scheme);
  if (!port_text.empty()) {
    int port = 0;
    for (char c : port_text) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || port > 65535) return bad("bad port");
      port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) return bad("port must be 1-65535");
    url.port = port;
  }
  return url;
}

std::string EncodeQueryComponent(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string EncodeQuery(const std::multimap<std::string, std::string>& query) {
  std::string out;
  for (const auto& [name, value] : query) {
    out += out.empty() ? '?' : '&';
    out += EncodeQueryComponent(name) + "=" + EncodeQueryComponent(value);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

struct HttpTransport::Impl {
  std::unique_ptr<httplib::Client> client;
};

HttpTransport::~HttpTransport() = default;

StatusOr<std::unique_ptr<HttpTransport>> HttpTransport::Create(
    const Url& url, const HttpTransportOptions& options) {
  if (url.scheme != "http" && url.scheme != "https") {
    return Status::InvalidArgument("unsupported scheme '" + url.scheme + "'");
  }
  if (!options.ca_file.empty()) {
    std::FILE* f = std::fopen(options.ca_file.c_str(), "rb");
    if (f == nullptr) {
      return Status::InvalidArgument("--ca " + options.ca_file + ": cannot be read");
    }
    std::fclose(f);
  }
  std::unique_ptr<HttpTransport> t(new HttpTransport());
  t->origin_ = url.Origin();
  t->options_ = options;
  t->impl_ = std::make_unique<Impl>();
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  try {
    t->impl_->client = std::make_unique<httplib::Client>(url.scheme + "://" + host + ":" +
                                                         std::to_string(url.port));
  } catch (const std::exception& e) {
    return Status::InvalidArgument("URL " + url.ToString() + ": " + e.what());
  }
  httplib::Client& c = *t->impl_->client;
  if (!c.is_valid()) return Status::InvalidArgument("URL " + url.ToString() + " is not usable");
  c.set_keep_alive(true);
  c.set_url_encode(false);  // paths and queries arrive encoded by us
  c.set_follow_location(false);
  c.set_tcp_nodelay(true);
  c.set_connection_timeout(options.connect_timeout_seconds, 0);
  c.set_read_timeout(options.read_timeout_seconds, 0);
  c.set_write_timeout(options.write_timeout_seconds, 0);
  if (url.scheme == "https") {
    c.enable_server_certificate_verification(options.verify_certificate);
    if (!options.ca_file.empty()) c.set_ca_cert_path(options.ca_file);
  }
  return t;
}

StatusOr<Response> HttpTransport::Send(const Request& request) {
  httplib::Request req;
  req.method = request.method;
  req.path = request.path + EncodeQuery(request.query);
  const std::string where = request.method + " " + origin_ + Shown(req.path);
  if (HasControl(request.path)) {
    return Status::InvalidArgument(where + ": the path has spaces or control characters");
  }
  for (const auto& [name, value] : request.headers) {
    if (value.find_first_of("\r\n") != std::string::npos) {
      return Status::InvalidArgument(where + ": header " + name + " has a line break");
    }
    req.headers.emplace(name, value);
  }
  if (!req.has_header("User-Agent")) req.headers.emplace("User-Agent", options_.user_agent);
  req.body = request.body;
  Response out;
  bool too_big = false;
  const uint64_t max = options_.max_response_bytes;
  req.response_handler = [&](const httplib::Response& r) {
    if (r.has_header("Content-Length")) {
      uint64_t length = std::strtoull(r.get_header_value("Content-Length").c_str(), nullptr, 10);
      if (length > max) {
        too_big = true;
        return false;
      }
      out.body.reserve(length);
    }
    return true;
  };
  req.content_receiver = [&](const char* data, size_t size, uint64_t, uint64_t) {
    if (out.body.size() + size > max) {
      too_big = true;
      return false;
    }
    out.body.append(data, size);
    return true;
  };
  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  bool ok = false;
  try {
    ok = impl_->client->send(req, res, error);
    // A kept-alive connection the server closed while idle fails the next request at once;
    // a GET (idempotent, nothing received yet) is sent once more on a new connection.
    if (!ok && request.method == "GET" && out.body.empty() && !too_big &&
        (error == httplib::Error::Read || error == httplib::Error::Write)) {
      impl_->client->stop();
      res = httplib::Response();
      error = httplib::Error::Success;
      ok = impl_->client->send(req, res, error);
    }
  } catch (const std::exception& e) {
    return Status::Unavailable(where + ": " + e.what());
  }
  if (too_big) {
    return Status::ResourceExhausted(where + ": the response is larger than " +
                                     std::to_string(max) + " bytes");
  }
  if (!ok) {
    std::string why = httplib::to_string(error);
    if (error == httplib::Error::SSLServerVerification) {
      long v = impl_->client->get_openssl_verify_result();
      why += std::string(" (") + X509_verify_cert_error_string(v) +
             "; use --ca FILE for a private CA)";
    }
    return Status::Unavailable(where + ": " + why);
  }
  out.status = res.status;
  for (const auto& [name, value] : res.headers) out.headers.emplace(name, value);
  return out;
}

StatusOr<Response> InProcessTransport::Send(const Request& request) {
  Request copy = request;
  // The query goes through the same encoding as on the wire and back, as a server decodes it.
  std::string encoded = EncodeQuery(request.query);
  TADAMUN_ASSIGN_OR_RETURN(
      copy.query, ParseQueryString(std::string_view(encoded).substr(encoded.empty() ? 0 : 1)));
  Response r = handler_(std::move(copy));
  if (r.body.size() > max_response_bytes_) {
    return Status::ResourceExhausted(request.method + " " + origin_ + request.path +
                                     ": the response is larger than " +
                                     std::to_string(max_response_bytes_) + " bytes");
  }
  return r;
}

}  // namespace tadamun::taxii
