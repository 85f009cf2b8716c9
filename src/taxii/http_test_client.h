// RawHttp: a deliberately small HTTP/1.1 client over POSIX sockets (and OpenSSL for TLS) for
// the server tests — it sends exactly the bytes it is given, so tests can send malformed
// requests, stop mid-body, or hold a connection open. Test-only; header-only.
//
// Thread-safety: one RawHttp per thread.
//
//   RawHttp c(port);
//   RawResponse r = c.Exchange("GET /taxii2/ HTTP/1.1\r\nHost: x\r\n\r\n");
//   EXPECT_EQ(r.status, 200);
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>

namespace tadamun::taxii::testing {

struct RawResponse {
  int status = 0;                                   // 0: no (complete) response
  std::multimap<std::string, std::string> headers;  // lowercased names
  std::string body;
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

class RawHttp {
 public:
  // Connects to 127.0.0.1:port (TLS handshake without certificate verification when `tls`).
  // `receive_buffer` > 0 sets SO_RCVBUF before connecting (a small one makes the server's
  // writes block while the test does not read).
  explicit RawHttp(int port, bool tls = false, int timeout_ms = 30000, int receive_buffer = 0)
      : timeout_ms_(timeout_ms) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (receive_buffer > 0) {
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
      return;
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (tls) {
      ctx_ = SSL_CTX_new(TLS_client_method());
      ssl_ = SSL_new(ctx_);
      SSL_set_fd(ssl_, fd_);
      if (SSL_connect(ssl_) != 1) Close();
    }
  }
  ~RawHttp() { Close(); }
  RawHttp(const RawHttp&) = delete;
  RawHttp& operator=(const RawHttp&) = delete;

  bool ok() const { return fd_ >= 0; }
  void Close() {
    if (ssl_) SSL_free(ssl_);
    if (ctx_) SSL_CTX_free(ctx_);
    ssl_ = nullptr;
    ctx_ = nullptr;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // Closes with a TCP reset (SO_LINGER 0), as a killed client's kernel would.
  void Reset() {
    if (fd_ < 0) return;
    linger l{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    Close();
  }

  bool Send(const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size() && fd_ >= 0) {
      ssize_t n = ssl_ ? SSL_write(ssl_, bytes.data() + done, static_cast<int>(bytes.size() - done))
                       : ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return done == bytes.size();
  }

  // Reads one response (Content-Length or chunked body, or up to EOF).
  RawResponse Read() {
    RawResponse r;
    size_t head_end;
    while ((head_end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return r;
    }
    std::string head = buf_.substr(0, head_end);
    buf_.erase(0, head_end + 4);
    size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    if (status_line.size() < 12) return r;
    int status = std::atoi(status_line.c_str() + 9);
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t e = head.find("\r\n", pos);
      if (e == std::string::npos) e = head.size();
      std::string line = head.substr(pos, e - pos);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        size_t v = line.find_first_not_of(' ', colon + 1);
        r.headers.emplace(name, v == std::string::npos ? "" : line.substr(v));
      }
      pos = e + 2;
    }
    std::string length = r.Header("content-length");
    if (status / 100 == 1 || status == 204 || status == 304) {
      // No body (RFC 9112 §6.3).
    } else if (!length.empty()) {
      size_t n = std::stoull(length);
      while (buf_.size() < n) {
        if (!Fill()) return r;
      }
      r.body = buf_.substr(0, n);
      buf_.erase(0, n);
    } else if (r.Header("transfer-encoding") == "chunked") {
      while (true) {
        size_t e;
        while ((e = buf_.find("\r\n")) == std::string::npos) {
          if (!Fill()) return r;
        }
        size_t n = std::stoull(buf_.substr(0, e), nullptr, 16);
        while (buf_.size() < e + 2 + n + 2) {
          if (!Fill()) return r;
        }
        r.body += buf_.substr(e + 2, n);
        buf_.erase(0, e + 2 + n + 2);
        if (n == 0) break;
      }
    } else {
      while (Fill()) {
      }
      r.body = std::move(buf_);
      buf_.clear();
    }
    r.status = status;
    return r;
  }

  RawResponse Exchange(const std::string& request) {
    if (!Send(request)) return {};
    return Read();
  }

 private:
  bool Fill() {
    if (fd_ < 0) return false;
    if (!ssl_ || SSL_pending(ssl_) == 0) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, timeout_ms_) <= 0) return false;
    }
    char tmp[65536];
    ssize_t n = ssl_ ? SSL_read(ssl_, tmp, sizeof tmp) : ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  int timeout_ms_;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string buf_;
};

// A GET request with the TAXII Accept header and Connection: close unless `keep_alive`.
inline std::string Get(const std::string& target, const std::string& extra_headers = "",
                       bool keep_alive = false) {
  return "GET " + target +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: " + "application/taxii+json;version=2.1\r\n" +
         extra_headers + (keep_alive ? "" : "Connection: close\r\n") + "\r\n";
}

// Writes a fresh self-signed P-256 certificate for CN=127.0.0.1 (valid one day) and its key as
// PEM files. False on any OpenSSL failure.
inline bool WriteSelfSignedCertificate(const std::string& cert_path, const std::string& key_path) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  bool ok = key != nullptr && x != nullptr;
  if (ok) {
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, key);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    ok = X509_sign(x, key, EVP_sha256()) > 0;
  }
  if (ok) {
    std::FILE* c = std::fopen(cert_path.c_str(), "wb");
    std::FILE* k = std::fopen(key_path.c_str(), "wb");
    ok = c && k && PEM_write_X509(c, x) == 1 &&
         PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    if (c) std::fclose(c);
    if (k) std::fclose(k);
  }
  X509_free(x);
  EVP_PKEY_free(key);
  return ok;
}

}  // namespace tadamun::taxii::testing
