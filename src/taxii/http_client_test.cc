#include "taxii/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <thread>

namespace tadamun::taxii {
namespace {

TEST(ParseUrlTest, GoodUrls) {
  struct Case {
    const char* text;
    const char* scheme;
    const char* host;
    int port;
    const char* path;
    const char* round_trip;
  } cases[] = {
      {"https://cert.example/taxii2/api/", "https", "cert.example", 443, "/taxii2/api/",
       "https://cert.example/taxii2/api/"},
      {"http://127.0.0.1:8080/taxii2/", "http", "127.0.0.1", 8080, "/taxii2/",
       "http://127.0.0.1:8080/taxii2/"},
      {"HTTPS://node-a.example:8443", "https", "node-a.example", 8443, "/",
       "https://node-a.example:8443/"},
      {"http://[::1]:9000/taxii2/api/", "http", "::1", 9000, "/taxii2/api/",
       "http://[::1]:9000/taxii2/api/"},
      {"http://localhost:80/x", "http", "localhost", 80, "/x", "http://localhost/x"},
  };
  for (const Case& c : cases) {
    auto url = ParseUrl(c.text);
    ASSERT_TRUE(url.ok()) << c.text << ": " << url.status().ToString();
    EXPECT_EQ(url->scheme, c.scheme) << c.text;
    EXPECT_EQ(url->host, c.host) << c.text;
    EXPECT_EQ(url->port, c.port) << c.text;
    EXPECT_EQ(url->path, c.path) << c.text;
    EXPECT_EQ(url->ToString(), c.round_trip) << c.text;
  }
}

TEST(ParseUrlTest, BadUrlsSayWhatIsWrong) {
  struct Case {
    const char* text;
    const char* fragment;
  } cases[] = {
      {"cert.example/taxii2/", "no scheme"},
      {"ftp://cert.example/", "scheme must be http or https"},
      {"https:///taxii2/", "no host"},
      {"https://user:secret@cert.example/", "do not belong in the URL"},
      {"https://cert.example:0/", "port must be 1-65535"},
      {"https://cert.example:70000/", "port must be 1-65535"},
      {"https://cert.example:/", "empty port"},
      {"https://cert.example/taxii2/?a=1", "query string"},
      {"https://cert example/", "spaces or control characters"},
      {"https://[::1/", "unclosed"},
      {"https://cert.exa%mple/", "bad character"},
  };
  for (const Case& c : cases) {
    auto url = ParseUrl(c.text);
    ASSERT_FALSE(url.ok()) << c.text;
    EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(url.status().message().find(c.fragment), std::string::npos)
        << c.text << ": " << url.status().message();
  }
  // The password never appears in the message.
  auto url = ParseUrl("https://user:secret@cert.example/");
  EXPECT_EQ(url.status().message().find("secret"), std::string::npos);
}

TEST(EncodeQueryTest, EncodesLikePythonRequests) {
  std::multimap<std::string, std::string> q = {{"match[type]", "indicator,malware"},
                                               {"added_after", "2024-01-31T12:00:00.000Z"},
                                               {"next", "MTo1OmFi-_"}};
  // multimap order: added_after, match[type], next
  EXPECT_EQ(EncodeQuery(q),
            "?added_after=2024-01-31T12%3A00%3A00.000Z&match%5Btype%5D=indicator%2Cmalware"
            "&next=MTo1OmFi-_");
  EXPECT_EQ(EncodeQuery({}), "");
  // Round trip through the server's parser, with every byte value.
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  std::string encoded = EncodeQuery({{"k", all}});
  auto back = ParseQueryString(std::string_view(encoded).substr(1));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->begin()->second, all);
}

// A one-thread HTTP/1.1 server on loopback answering every request with `response`; counts
// connections and requests.
class CannedServer {
 public:
  // `close_after`: close the connection after each response without saying so (as a server
  // does when its keep-alive timeout expires).
  explicit CannedServer(std::string response, bool close_after = false)
      : response_(std::move(response)), close_after_(close_after) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    EXPECT_EQ(::listen(fd_, 8), 0);
    thread_ = std::thread([this] { Run(); });
  }
  ~CannedServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  int connections() const { return connections_; }
  int requests() const { return requests_; }
  std::string last_request() const { return last_request_; }

 private:
  void Run() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      ++connections_;
      std::string buffer;
      char chunk[4096];
      while (true) {
        size_t end = buffer.find("\r\n\r\n");
        if (end != std::string::npos) {
          size_t length = 0;
          size_t cl = buffer.find("Content-Length: ");
          if (cl != std::string::npos && cl < end) length = std::stoul(buffer.substr(cl + 16));
          if (buffer.size() >= end + 4 + length) {
            last_request_ = buffer.substr(0, end + 4 + length);
            buffer.erase(0, end + 4 + length);
            ++requests_;
            if (::write(c, response_.data(), response_.size()) < 0) break;
            if (close_after_) break;
            continue;
          }
        }
        ssize_t n = ::read(c, chunk, sizeof chunk);
        if (n <= 0) break;
        buffer.append(chunk, static_cast<size_t>(n));
      }
      ::close(c);
    }
  }

  std::string response_;
  bool close_after_ = false;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::string last_request_;
};

std::string CannedResponse(const std::string& body) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/taxii+json;version=2.1\r\n"
         "X-TAXII-Date-Added-First: 2024-01-01T00:00:00.000000Z\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST(HttpTransportTest, SendsQueryAndHeadersAndReusesTheConnection) {
  CannedServer server(CannedResponse("{\"more\":false}"));
  auto url = ParseUrl("http://127.0.0.1:" + std::to_string(server.port()) + "/taxii2/api/");
  ASSERT_TRUE(url.ok());
  auto t = HttpTransport::Create(*url, {});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  for (int i = 0; i < 3; ++i) {
    Request r{.path = "/taxii2/api/collections/c/objects/"};
    r.query.emplace("match[type]", "indicator");
    r.AddHeader("Accept", "application/taxii+json;version=2.1");
    r.AddHeader("Authorization", "Bearer tdm_x");
    auto resp = (*t)->Send(r);
    ASSERT_TRUE(resp.ok()) << resp.status().ToString();
    EXPECT_EQ(resp->status, 200);
    EXPECT_EQ(resp->body, "{\"more\":false}");
    EXPECT_EQ(resp->Header("x-taxii-date-added-first"), "2024-01-01T00:00:00.000000Z");
  }
  EXPECT_EQ(server.requests(), 3);
  EXPECT_EQ(server.connections(), 1);  // kept alive
  std::string req = server.last_request();
  for (char& c : req) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_NE(req.find("get /taxii2/api/collections/c/objects/?match%5btype%5d=indicator http/1.1"),
            std::string::npos)
      << req;
  EXPECT_NE(req.find("accept: application/taxii+json;version=2.1\r\n"), std::string::npos) << req;
  EXPECT_NE(req.find("authorization: bearer tdm_x\r\n"), std::string::npos) << req;
}

TEST(HttpTransportTest, ServerClosingAKeptAliveConnectionIsNotAnError) {
  CannedServer server(CannedResponse("{}"), /*close_after=*/true);
  auto url = ParseUrl("http://127.0.0.1:" + std::to_string(server.port()) + "/");
  auto t = HttpTransport::Create(*url, {});
  ASSERT_TRUE(t.ok());
  for (int i = 0; i < 3; ++i) {
    auto resp = (*t)->Send(Request{.path = "/"});
    ASSERT_TRUE(resp.ok()) << i << ": " << resp.status().ToString();
    EXPECT_EQ(resp->body, "{}");
  }
  EXPECT_EQ(server.requests(), 3);
  EXPECT_EQ(server.connections(), 3);
}

TEST(HttpTransportTest, ResponseOverTheLimitIsRefused) {
  CannedServer server(CannedResponse(std::string(10000, 'x')));
  auto url = ParseUrl("http://127.0.0.1:" + std::to_string(server.port()) + "/");
  auto t = HttpTransport::Create(*url, {.max_response_bytes = 4096});
  ASSERT_TRUE(t.ok());
  auto resp = (*t)->Send(Request{.path = "/"});
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(resp.status().message().find("larger than 4096 bytes"), std::string::npos)
      << resp.status().message();
}

TEST(HttpTransportTest, UnreachableServerIsUnavailableWithTheUrl) {
  int port = 0;
  {
    CannedServer server("");
    port = server.port();
  }  // closed: nothing listens there now
  auto url = ParseUrl("http://127.0.0.1:" + std::to_string(port) + "/taxii2/");
  auto t = HttpTransport::Create(*url, {.connect_timeout_seconds = 2});
  ASSERT_TRUE(t.ok());
  auto resp = (*t)->Send(Request{.path = "/taxii2/"});
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(
      resp.status().message().find("GET http://127.0.0.1:" + std::to_string(port) + "/taxii2/"),
      std::string::npos)
      << resp.status().message();
}

TEST(HttpTransportTest, HeaderWithLineBreakIsRefused) {
  auto url = ParseUrl("http://127.0.0.1:9/");
  auto t = HttpTransport::Create(*url, {});
  ASSERT_TRUE(t.ok());
  Request r{.path = "/"};
  r.AddHeader("Authorization", "Bearer x\r\nX-Evil: 1");
  auto resp = (*t)->Send(r);
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(resp.status().message().find("X-Evil"), std::string::npos);  // value not echoed
}

TEST(HttpTransportTest, MissingCaFileIsAnError) {
  auto url = ParseUrl("https://127.0.0.1:9/");
  auto t = HttpTransport::Create(*url, {.ca_file = "/nonexistent/ca.pem"});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("/nonexistent/ca.pem"), std::string::npos);
}

TEST(HttpTransportTest, TlsVerificationFailsAgainstAPlainServer) {
  // An HTTPS client talking to a plain-HTTP server fails the handshake: Unavailable, no crash.
  CannedServer server(CannedResponse("{}"));
  auto url = ParseUrl("https://127.0.0.1:" + std::to_string(server.port()) + "/");
  auto t = HttpTransport::Create(*url, {.connect_timeout_seconds = 2, .read_timeout_seconds = 2});
  ASSERT_TRUE(t.ok());
  auto resp = (*t)->Send(Request{.path = "/"});
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace tadamun::taxii
