#include "taxii/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "json/json.h"
#include "taxii/http_test_client.h"
#include "taxii/resources.h"

namespace tadamun::taxii {
namespace {

using testing::Get;
using testing::RawHttp;
using testing::RawResponse;

// Every answer the adapter makes by itself must be a TAXII error resource with this status.
void ExpectErrorResource(const RawResponse& r, int status) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.Header("content-type"), kTaxiiMediaType);
  auto v = json::Parse(r.body);
  ASSERT_TRUE(v.ok()) << r.body;
  const json::Value* s = v->Find("http_status");
  ASSERT_NE(s, nullptr) << r.body;
  EXPECT_EQ(s->str(), std::to_string(status));
  EXPECT_NE(v->Find("title"), nullptr);
}

// The test handler echoes what it was given as JSON, or misbehaves on request.
class HttpServerTest : public ::testing::Test {
 protected:
  void Start(HttpServerOptions options = {}) {
    options.port = 0;
    auto server = HttpServer::Create(options, [this]() -> StatusOr<HttpHandler> {
      const int index = factory_calls_++;
      return HttpHandler([this, index](Request r) { return Echo(index, std::move(r)); });
    });
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
    thread_ = std::thread([this] { serve_status_ = server_->Serve(); });
  }
  void TearDown() override {
    if (server_) {
      server_->Stop();
      thread_.join();
      EXPECT_TRUE(serve_status_.ok()) << serve_status_.ToString();
    }
  }

  Response Echo(int index, Request r) {
    ++calls_;
    {
      std::lock_guard<std::mutex> lock(mu_);
      threads_by_handler_[index].insert(std::this_thread::get_id());
    }
    if (r.path == "/throw") throw std::runtime_error("boom");
    if (r.path == "/slow") std::this_thread::sleep_for(std::chrono::milliseconds(800));
    json::Value v = json::Value::Object();
    v.Set("method", json::Value::String(r.method));
    v.Set("path", json::Value::String(r.path));
    json::Value q = json::Value::Array();
    for (const auto& [k, val] : r.query) q.Append(json::Value::String(k + "=" + val));
    v.Set("query", std::move(q));
    v.Set("auth", json::Value::String(r.Header("authorization").value_or("")));
    v.Set("body_bytes", json::Value::Int(static_cast<int64_t>(r.body.size())));
    Response resp;
    resp.status = r.path == "/missing" ? 404 : 200;
    resp.headers.emplace("Content-Type", std::string(kTaxiiMediaType));
    resp.headers.emplace("X-Test", "yes");
    resp.body = json::ToJson(v);
    return resp;
  }

  RawResponse Do(const std::string& request) {
    RawHttp c(server_->port());
    EXPECT_TRUE(c.ok());
    return c.Exchange(request);
  }
  json::Value Body(const RawResponse& r) {
    auto v = json::Parse(r.body);
    EXPECT_TRUE(v.ok()) << r.body;
    return v.ok() ? *v : json::Value();
  }

  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  Status serve_status_;
  std::atomic<int> factory_calls_{0};
  std::atomic<int> calls_{0};
  std::mutex mu_;
  std::map<int, std::set<std::thread::id>> threads_by_handler_;
};

TEST(DecodeRequestPathTest, Cases) {
  struct Case {
    const char* raw;
    const char* decoded;  // nullptr: refused
  };
  const Case cases[] = {
      {"/", "/"},
      {"/taxii2/", "/taxii2/"},
      {"/a/b%20c/", "/a/b c/"},
      {"/a+b", "/a+b"},  // '+' is a space only in queries
      {"/%41%62/", "/Ab/"},
      {"/%e2%9c%93", "/\xe2\x9c\x93"},
      {"//x", "//x"},
      {"/a/.b/..c/", "/a/.b/..c/"},
      {"", nullptr},
      {"taxii2/", nullptr},
      {"/../etc/passwd", nullptr},
      {"/taxii2/../x", nullptr},
      {"/taxii2/./x", nullptr},
      {"/taxii2/..", nullptr},
      {"/%2e%2e/x", nullptr},
      {"/%2E%2e/x", nullptr},
      {"/.%2e/x", nullptr},
      {"/%2e/x", nullptr},
      {"/a%2fb", nullptr},
      {"/a%2Fb", nullptr},
      {"/a%5cb", nullptr},
      {"/a\\b", nullptr},
      {"/a%00b", nullptr},
      {"/a%0d%0ab", nullptr},
      {"/a%7f", nullptr},
      {"/a%", nullptr},
      {"/a%2", nullptr},
      {"/a%zz", nullptr},
      {"/a%2/b", nullptr},
  };
  for (const Case& c : cases) {
    auto r = DecodeRequestPath(c.raw);
    if (c.decoded) {
      ASSERT_TRUE(r.ok()) << c.raw << ": " << r.status().ToString();
      EXPECT_EQ(*r, c.decoded) << c.raw;
    } else {
      EXPECT_FALSE(r.ok()) << c.raw << " decoded to " << *r;
      if (!r.ok()) {
        EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
      }
    }
  }
}

TEST_F(HttpServerTest, PassesDecodedRequestAndWritesResponse) {
  Start({.worker_threads = 3});
  EXPECT_EQ(factory_calls_, 3);
  RawResponse r =
      Do(Get("/a/b%20c/?match%5Btype%5D=indicator&x=1+2", "Authorization: Bearer secret\r\n"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), kTaxiiMediaType);
  EXPECT_EQ(r.Header("x-test"), "yes");
  json::Value v = Body(r);
  EXPECT_EQ(v.Find("method")->str(), "GET");
  EXPECT_EQ(v.Find("path")->str(), "/a/b c/");
  ASSERT_EQ(v.Find("query")->items().size(), 2u);
  EXPECT_EQ(v.Find("query")->items()[0].str(), "match[type]=indicator");
  EXPECT_EQ(v.Find("query")->items()[1].str(), "x=1 2");
  EXPECT_EQ(v.Find("auth")->str(), "Bearer secret");
}

TEST_F(HttpServerTest, HandlerErrorsAreKeptAsTheyAre) {
  Start();
  RawResponse r = Do(Get("/missing"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Body(r).Find("path")->str(), "/missing");  // the handler's body, not replaced
}

TEST_F(HttpServerTest, TraversalAndBadEscapesAreRefusedBeforeTheHandler) {
  Start();
  for (const char* target :
       {"/taxii2/../../etc/passwd", "/taxii2/%2e%2e/%2e%2e/etc/passwd", "/a/%2e%2E/b",
        "/taxii2%2f..%2fetc", "/a%00b", "/a%5c..%5cb", "/a%zz", "/%", "/?a=%zz", "/?%=1"}) {
    SCOPED_TRACE(target);
    ExpectErrorResource(Do(Get(target)), 400);
  }
  EXPECT_EQ(calls_, 0);
  EXPECT_EQ(Do(Get("/ok")).status, 200);  // still serving
}

TEST_F(HttpServerTest, MalformedRequestsGetTaxiiErrors) {
  Start();
  ExpectErrorResource(Do("GARBAGE\r\n\r\n"), 400);
  ExpectErrorResource(Do("GET /x HTTP/1.1\r\nHost: x\r\nRange: bytes=zz\r\n\r\n"), 416);
  ExpectErrorResource(Do(Get("/" + std::string(9000, 'a'))), 414);
  std::string many;
  for (int i = 0; i < 150; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  ExpectErrorResource(Do(Get("/x", many)), 431);
  ExpectErrorResource(Do(Get("/x", "X-Long: " + std::string(9000, 'v') + "\r\n")), 400);
  ExpectErrorResource(Do(Get("/throw")), 500);
  EXPECT_EQ(Do(Get("/ok")).status, 200);
}

TEST_F(HttpServerTest, BodyLimitGives413) {
  Start({.max_body_bytes = 1000});
  auto post = [](const std::string& body) {
    return "POST /p HTTP/1.1\r\nHost: x\r\nContent-Type: application/taxii+json;version=2.1\r\n"
           "Content-Length: " +
           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  };
  RawResponse ok = Do(post(std::string(1000, 'a')));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Body(ok).Find("body_bytes")->AsInt64(), 1000);
  ExpectErrorResource(Do(post(std::string(1001, 'a'))), 413);
  // Announced as huge, never sent: refused from the header alone.
  {
    RawHttp c(server_->port());
    ExpectErrorResource(c.Exchange("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999"
                                   "\r\nConnection: close\r\n\r\n"),
                        413);
  }
  // "Expect: 100-continue" (curl's way for large bodies): over the limit → 413 at once, no
  // 100 Continue; within it → 100 Continue, then the body, then the answer.
  {
    RawHttp c(server_->port());
    RawResponse r = c.Exchange(
        "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n"
        "Connection: close\r\n\r\n");
    ExpectErrorResource(r, 413);
  }
  {
    RawHttp c(server_->port());
    RawResponse cont = c.Exchange(
        "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nExpect: 100-continue\r\n"
        "Connection: close\r\n\r\n");
    EXPECT_EQ(cont.status, 100);
    RawResponse r = c.Exchange("0123456789");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Body(r).Find("body_bytes")->AsInt64(), 10);
  }
  // Ambiguous framing is refused before any body is read.
  for (const char* head : {"Content-Length: 5\r\nContent-Length: 6\r\n",
                           "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                           "Content-Length: 5x\r\n", "Content-Length: -1\r\n"}) {
    SCOPED_TRACE(head);
    ExpectErrorResource(
        Do(std::string("POST /p HTTP/1.1\r\nHost: x\r\n") + head + "Connection: close\r\n\r\n"),
        400);
  }
  ExpectErrorResource(Do("POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n"
                         "Connection: close\r\n\r\n"),
                      501);
  // Chunked bodies are counted as they arrive.
  std::string chunked =
      "POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
      "Connection: close\r\n\r\n";
  for (int i = 0; i < 3; ++i) chunked += "1f4\r\n" + std::string(500, 'b') + "\r\n";
  chunked += "0\r\n\r\n";
  ExpectErrorResource(Do(chunked), 413);
  EXPECT_EQ(Do(Get("/ok")).status, 200);
}

TEST_F(HttpServerTest, DeleteWithoutBodyIsAnsweredAtOnce) {
  Start({.read_timeout_seconds = 30});
  auto start = std::chrono::steady_clock::now();
  RawResponse r = Do("DELETE /x/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Body(r).Find("method")->str(), "DELETE");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Start({.worker_threads = 1});
  RawHttp c(server_->port());
  for (int i = 0; i < 5; ++i) {
    RawResponse r = c.Exchange(Get("/k" + std::to_string(i), "", /*keep_alive=*/true));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(Body(r).Find("path")->str(), "/k" + std::to_string(i));
  }
}

TEST_F(HttpServerTest, EachHandlerRunsOnOneThread) {
  Start({.worker_threads = 4});
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([this] {
      for (int i = 0; i < 20; ++i) EXPECT_EQ(Do(Get("/c")).status, 200);
    });
  }
  for (auto& t : clients) t.join();
  std::lock_guard<std::mutex> lock(mu_);
  std::set<std::thread::id> all;
  for (const auto& [index, ids] : threads_by_handler_) {
    EXPECT_EQ(ids.size(), 1u) << "handler " << index << " ran on several threads";
    all.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(all.size(), threads_by_handler_.size());  // and no two handlers share a thread
}

TEST_F(HttpServerTest, StopLetsTheRequestInFlightFinish) {
  Start();
  RawHttp c(server_->port());
  ASSERT_TRUE(c.Send(Get("/slow")));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::thread stopper([this] { server_->Stop(); });
  RawResponse r = c.Read();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Body(r).Find("path")->str(), "/slow");
  stopper.join();
  thread_.join();
  EXPECT_TRUE(serve_status_.ok());
  // No longer accepting.
  RawHttp after(server_->port());
  EXPECT_FALSE(after.ok() && after.Exchange(Get("/x")).status != 0);
  server_.reset();
}

TEST(HttpServerCreateTest, StopBeforeServeReturnsAtOnce) {
  auto server = HttpServer::Create({.port = 0, .worker_threads = 1}, [] {
    return StatusOr<HttpHandler>(HttpHandler([](Request) { return Response{}; }));
  });
  ASSERT_TRUE(server.ok());
  (*server)->Stop();
  EXPECT_TRUE((*server)->Serve().ok());
}

TEST(HttpServerCreateTest, ErrorsAreReported) {
  auto handler = [] {
    return StatusOr<HttpHandler>(HttpHandler([](Request) { return Response{}; }));
  };
  auto failing = []() -> StatusOr<HttpHandler> { return Status::Unavailable("no store"); };
  EXPECT_EQ(HttpServer::Create({.port = 0}, failing).status().code(), StatusCode::kUnavailable);
  auto only_cert = HttpServer::Create({.port = 0, .tls_cert_file = "/nonexistent"}, handler);
  EXPECT_EQ(only_cert.status().code(), StatusCode::kInvalidArgument);
  auto missing = HttpServer::Create(
      {.port = 0, .tls_cert_file = "/nonexistent.pem", .tls_key_file = "/nonexistent.key"},
      handler);
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("/nonexistent.pem"), std::string::npos);
  auto first = HttpServer::Create({.port = 0}, handler);
  ASSERT_TRUE(first.ok());
  auto second = HttpServer::Create({.port = (*first)->port()}, handler);
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable) << "port reused";
}

}  // namespace
}  // namespace tadamun::taxii
