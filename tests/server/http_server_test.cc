#include "server/http_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include <nlohmann/json.hpp>

#include "http_client.h"
#include "server_fixture.h"

namespace pier::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;
using testing::ClientRequest;
using testing::RawConnection;

class HttpServerTest : public testing::ServerTest {};

nlohmann::json parse(const std::string& body) { return nlohmann::json::parse(body, nullptr, false); }

// Metrics and access lines are written once the response has been sent, so
// just after the client has it they may be a moment away.
bool eventually_contains(const std::function<std::string()>& read, const std::string& needle) {
  for (int i = 0; i < 200; ++i) {
    if (read().find(needle) != std::string::npos) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

TEST_F(HttpServerTest, RoutesWithDecodedParametersAndQuery) {
  router_.get("/api/v1/releases/{cluster}/{namespace}/{name}/revisions/{revision}",
              [](const Request& request) {
                return Response::json(200, {{"cluster", request.param("cluster")},
                                            {"namespace", request.param("namespace")},
                                            {"name", request.param("name")},
                                            {"revision", request.param("revision")},
                                            {"route", request.route},
                                            {"limit", request.query_value("limit").value_or("")},
                                            {"q", request.query_value("q").value_or("")}});
              },
              Access::anyone());
  start();
  auto response = testing::get(url("/api/v1/releases/dc%201/shop/web/revisions/7?limit=5&q=a+b%26c"));
  ASSERT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.header("content-type"), "application/json");
  auto body = parse(response.body);
  EXPECT_EQ(body["cluster"], "dc 1");
  EXPECT_EQ(body["namespace"], "shop");
  EXPECT_EQ(body["name"], "web");
  EXPECT_EQ(body["revision"], "7");
  EXPECT_EQ(body["route"], "/api/v1/releases/{cluster}/{namespace}/{name}/revisions/{revision}");
  EXPECT_EQ(body["limit"], "5");
  EXPECT_EQ(body["q"], "a b&c");
}

TEST_F(HttpServerTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  router_.get("/api/v1/releases", [](const Request&) { return Response::json(200, nlohmann::json::array()); },
              Access::anyone());
  router_.post("/api/v1/releases", [](const Request&) { return Response::json(201, {}); }, Access::anyone());
  start();

  auto missing = testing::get(url("/api/v1/nothing"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(parse(missing.body)["error"], "no route for GET /api/v1/nothing");

  ClientRequest put;
  put.method = "PUT";
  put.url = url("/api/v1/releases");
  put.body = "{}";
  auto wrong = testing::send(put);
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.header("allow"), "GET, HEAD, POST");
  EXPECT_THAT(parse(wrong.body)["error"].get<std::string>(), HasSubstr("PUT not allowed"));
}

TEST_F(HttpServerTest, HeadIsServedByTheGetRouteWithoutABody) {
  router_.get("/thing", [](const Request&) { return Response::text(200, "twelve bytes"); }, Access::anyone());
  start();
  ClientRequest head;
  head.method = "HEAD";
  head.url = url("/thing");
  auto response = testing::send(head);
  EXPECT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.header("content-length"), "12");
  EXPECT_EQ(response.body, "");
}

TEST_F(HttpServerTest, ErrorsHaveTheWebUiShapeAndMalformedJsonSays400WithPosition) {
  router_.post("/api/v1/deploy",
               [](const Request& request) {
                 auto body = request.json_body();
                 if (!body) return Response::error(body.error(), 400);
                 Error invalid = Error::invalid("values do not match the schema");
                 invalid.details = {{"/jetty/replicas", "must be >= 1"}, {"/jetty/image", "is required"}};
                 return Response::error(invalid);
               },
               Access::anyone());
  start();

  ClientRequest bad;
  bad.method = "POST";
  bad.url = url("/api/v1/deploy");
  bad.headers = {"Content-Type: application/json"};
  bad.body = R"({"a": tru})";
  auto malformed = testing::send(bad);
  EXPECT_EQ(malformed.status, 400);
  EXPECT_THAT(parse(malformed.body)["error"].get<std::string>(), HasSubstr("body: line 1 column 10: invalid literal"));

  bad.body = R"({"jetty": {}})";
  auto invalid = testing::send(bad);
  EXPECT_EQ(invalid.status, 422);
  EXPECT_EQ(parse(invalid.body), nlohmann::json::parse(R"({"error": "values do not match the schema", "details": [
      {"location": "/jetty/replicas", "message": "must be >= 1"},
      {"location": "/jetty/image", "message": "is required"}]})"));
}

TEST_F(HttpServerTest, AHandlerExceptionIs500WithoutItsText) {
  router_.get("/boom", [](const Request&) -> Response { throw std::runtime_error("pq: password=hunter2 at 10.0.0.3"); },
              Access::anyone());
  start();
  auto response = testing::get(url("/boom"));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(parse(response.body), nlohmann::json::parse(R"({"error": "internal error"})"));
  EXPECT_THAT(response.body, Not(HasSubstr("hunter2")));
  EXPECT_THAT(log_text(), HasSubstr("handler threw"));  // the operator still learns why
}

TEST_F(HttpServerTest, BodyOverTheLimitIs413) {
  router_.post("/upload", [](const Request& request) { return Response::json(200, {{"size", request.body.size()}}); },
               Access::anyone());
  ServerOptions options = test_options();
  options.max_body_bytes = 1024;
  start(options);

  ClientRequest small;
  small.method = "POST";
  small.url = url("/upload");
  small.body = std::string(1024, 'x');
  EXPECT_EQ(testing::send(small).status, 200);

  ClientRequest large = small;
  large.body = std::string(4096, 'x');
  auto refused = testing::send(large);
  EXPECT_EQ(refused.status, 413) << refused.error;
  EXPECT_THAT(parse(refused.body)["error"].get<std::string>(), HasSubstr("larger than 1024 bytes"));

  // Announced with Expect: 100-continue, the body is refused before it is sent.
  large.headers = {"Expect: 100-continue"};
  EXPECT_EQ(testing::send(large).status, 413);

  // Chunked: no length to check up front; refused when the limit is crossed.
  RawConnection raw(port_);
  raw.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" + std::string(2048, 'y') +
           "\r\n0\r\n\r\n");
  EXPECT_THAT(raw.read_until_closed(3s), HasSubstr("HTTP/1.1 413"));
}

TEST_F(HttpServerTest, OversizedHeadersAre431AndGarbageIs400) {
  router_.get("/", [](const Request&) { return Response::text(200, "ok"); }, Access::anyone());
  ServerOptions options = test_options();
  options.max_header_bytes = 1024;
  start(options);
  auto big = testing::get(url("/"), {"X-Big: " + std::string(4000, 'a')});
  EXPECT_EQ(big.status, 431);

  RawConnection raw(port_);
  raw.send("NOT HTTP AT ALL\r\n\r\n");
  EXPECT_THAT(raw.read_until_closed(3s), HasSubstr("HTTP/1.1 400"));
}

TEST_F(HttpServerTest, SlowClientIsCutOffAfterTheHeaderTimeout) {
  router_.get("/", [](const Request&) { return Response::text(200, "ok"); }, Access::anyone());
  ServerOptions options = test_options();
  options.header_timeout = 300ms;
  start(options);

  RawConnection slow(port_);
  ASSERT_TRUE(slow.connected());
  auto began = std::chrono::steady_clock::now();
  slow.send("GET / HTTP/1.1\r\nHost: x\r\n");  // and never the blank line
  // It keeps trickling, one header every 100 ms: the timeout counts from the first byte.
  for (int i = 0; i < 20 && !slow.closed_within(100ms); ++i) slow.send("X-Slow: " + std::to_string(i) + "\r\n");
  auto took = std::chrono::steady_clock::now() - began;
  EXPECT_TRUE(slow.closed_within(1s));
  EXPECT_LT(took, 1500ms);
  EXPECT_GE(took, 250ms);

  // Others are served meanwhile and after.
  EXPECT_EQ(testing::get(url("/")).status, 200);
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionsCloseAfterTheIdleTimeout) {
  router_.get("/", [](const Request&) { return Response::text(200, "ok"); }, Access::anyone());
  ServerOptions options = test_options();
  options.idle_timeout = 200ms;
  start(options);
  RawConnection raw(port_);
  raw.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_THAT(raw.read_until("ok", 2s), HasSubstr("HTTP/1.1 200"));
  EXPECT_TRUE(raw.closed_within(2s));
}

TEST_F(HttpServerTest, KeepAliveReusesOneConnectionAndPipelinedRequestsAreAnsweredInOrder) {
  router_.get("/n/{n}", [](const Request& request) { return Response::text(200, std::string(request.param("n"))); },
              Access::anyone());
  start();
  testing::KeepAliveClient client;
  long connects = 0;
  for (int i = 0; i < 5; ++i) {
    auto response = client.get(url("/n/" + std::to_string(i)));
    ASSERT_EQ(response.status, 200) << response.error;
    EXPECT_EQ(response.body, std::to_string(i));
    connects += response.connects;
  }
  EXPECT_EQ(connects, 1);

  RawConnection raw(port_);
  raw.send("GET /n/a HTTP/1.1\r\nHost: x\r\n\r\nGET /n/b HTTP/1.1\r\nHost: x\r\n\r\nGET /n/c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string all = raw.read_until_closed(3s);
  auto a = all.find("\r\n\r\na");
  auto b = all.find("\r\n\r\nb");
  auto c = all.find("\r\n\r\nc");
  ASSERT_NE(a, std::string::npos) << all;
  ASSERT_NE(b, std::string::npos) << all;
  ASSERT_NE(c, std::string::npos) << all;
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
}

TEST_F(HttpServerTest, HandlersRunOnWorkersSoASlowOneDoesNotBlockOthers) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  router_.get("/slow", [released](const Request&) {
    released.wait_for(5s);
    return Response::text(200, "slow");
  }, Access::anyone());
  router_.get("/fast", [](const Request&) { return Response::text(200, "fast"); }, Access::anyone());
  ServerOptions options = test_options();
  options.io_threads = 1;
  start(options);
  auto slow = std::async(std::launch::async, [&] { return testing::get(url("/slow")); });
  std::this_thread::sleep_for(50ms);
  auto began = std::chrono::steady_clock::now();
  EXPECT_EQ(testing::get(url("/fast")).body, "fast");
  EXPECT_LT(std::chrono::steady_clock::now() - began, 1s);
  release.set_value();
  EXPECT_EQ(slow.get().body, "slow");
}

TEST_F(HttpServerTest, GracefulStopFinishesInFlightRequestsAndRefusesNewConnections) {
  std::atomic<bool> entered{false};
  router_.get("/slow", [&](const Request&) {
    entered = true;
    std::this_thread::sleep_for(400ms);
    return Response::text(200, "finished");
  }, Access::anyone());
  start();
  auto in_flight = std::async(std::launch::async, [&] { return testing::get(url("/slow")); });
  for (int i = 0; i < 200 && !entered; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(entered);

  auto began = std::chrono::steady_clock::now();
  auto stopping = std::async(std::launch::async, [&] { server_->stop(5s); });
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(testing::can_connect(port_));  // the listening socket is closed
  auto response = in_flight.get();
  EXPECT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.body, "finished");
  EXPECT_EQ(response.header("connection"), "close");
  stopping.get();
  EXPECT_LT(std::chrono::steady_clock::now() - began, 3s);
  EXPECT_FALSE(server_->running());
}

TEST_F(HttpServerTest, AfterAStopWithNoConnectionTheListeningPortRefuses) {
  router_.get("/", [](const Request&) { return Response::text(200, "ok"); }, Access::anyone());
  for (int round = 0; round < 20; ++round) {  // the close used to race the I/O threads' end
    ServerOptions options = test_options();
    options.builtin_routes = false;  // one router, several servers
    start(options);
    server_->stop(0ms);
    EXPECT_FALSE(testing::can_connect(port_)) << "round " << round;
    server_.reset();
  }
}

TEST_F(HttpServerTest, StopClosesIdleConnectionsAtOnce) {
  router_.get("/", [](const Request&) { return Response::text(200, "ok"); }, Access::anyone());
  start();
  RawConnection idle(port_);
  idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  idle.read_until("ok", 2s);
  auto began = std::chrono::steady_clock::now();
  server_->stop(5s);
  EXPECT_LT(std::chrono::steady_clock::now() - began, 1s);
  EXPECT_TRUE(idle.closed_within(1s));
}

TEST_F(HttpServerTest, StopDeadlineCutsOffAHandlerThatWillNotFinishAndSignalsIt) {
  std::atomic<bool> entered{false};
  std::atomic<bool> saw_stop{false};
  router_.get("/stuck", [&](const Request& request) {
    entered = true;
    for (int i = 0; i < 300 && !request.stop.stop_requested(); ++i) std::this_thread::sleep_for(10ms);
    saw_stop = request.stop.stop_requested();
    return Response::text(200, "late");
  }, Access::anyone());
  start();
  auto stuck = std::async(std::launch::async, [&] { return testing::get(url("/stuck")); });
  for (int i = 0; i < 200 && !entered; ++i) std::this_thread::sleep_for(5ms);
  auto began = std::chrono::steady_clock::now();
  server_->stop(200ms);
  EXPECT_LT(std::chrono::steady_clock::now() - began, 1500ms);
  EXPECT_EQ(stuck.get().status, 0);  // the connection was closed
  server_.reset();                   // waits for the handler
  EXPECT_TRUE(saw_stop);
}

TEST_F(HttpServerTest, AddressInUseIsAConflict) {
  start();
  Router other_router;
  ServerOptions options = test_options();
  options.listen = "127.0.0.1:" + std::to_string(port_);
  HttpServer other(options, other_router);
  auto port = other.start();
  ASSERT_FALSE(port);
  EXPECT_EQ(port.error().code, ErrorCode::kConflict);
  EXPECT_EQ(port.error().message, "listen 127.0.0.1:" + std::to_string(port_) + ": address already in use");
}

TEST_F(HttpServerTest, MalformedListenAddressIsInvalidInput) {
  ServerOptions options = test_options();
  options.listen = "somewhere:80";
  HttpServer server(options, router_);
  auto port = server.start();
  ASSERT_FALSE(port);
  EXPECT_EQ(port.error().code, ErrorCode::kInvalidInput);
}

TEST_F(HttpServerTest, ListensOnIpv6Loopback) {
  router_.get("/", [](const Request& request) { return Response::text(200, request.remote_address); }, Access::anyone());
  ServerOptions options = test_options();
  options.listen = "[::1]:0";
  server_ = std::make_unique<HttpServer>(options, router_);
  auto port = server_->start();
  if (!port) GTEST_SKIP() << "no IPv6 loopback here: " << port.error().message;
  auto response = testing::get("http://[::1]:" + std::to_string(*port) + "/");
  ASSERT_EQ(response.status, 200) << response.error;
  EXPECT_THAT(response.body, HasSubstr("[::1]:"));
}

TEST_F(HttpServerTest, ResponsesCarryARequestIdAndKeepASaneClientOne) {
  router_.get("/", [](const Request& request) { return Response::text(200, request.request_id); }, Access::anyone());
  start();
  auto ours = testing::get(url("/"));
  EXPECT_FALSE(ours.body.empty());
  EXPECT_EQ(ours.header("x-request-id"), ours.body);
  EXPECT_EQ(testing::get(url("/"), {"X-Request-Id: trace-42"}).body, "trace-42");
  EXPECT_NE(testing::get(url("/"), {"X-Request-Id: bad id with spaces"}).body, "bad id with spaces");
}

TEST_F(HttpServerTest, HeadersThatWouldSplitTheResponseAreDropped) {
  router_.get("/", [](const Request&) {
    Response response = Response::text(200, "ok");
    response.set_header("X-Evil", "a\r\nSet-Cookie: stolen=1");
    return response;
  }, Access::anyone());
  start();
  auto response = testing::get(url("/"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("set-cookie"), "");
  EXPECT_EQ(response.header("x-evil"), "");
}

TEST_F(HttpServerTest, ResponsesBeastCannotFrameBecome500AndNoContentHasNoBody) {
  router_.get("/odd", [](const Request&) { return Response::text(42, "what"); }, Access::anyone());
  router_.remove("/thing", [](const Request&) {
    Response response = Response::text(204, "ignored");
    return response;
  }, Access::anyone());
  start();
  auto odd = testing::get(url("/odd"));
  EXPECT_EQ(odd.status, 500);
  EXPECT_EQ(parse(odd.body)["error"], "internal error");
  ClientRequest remove;
  remove.method = "DELETE";
  remove.url = url("/thing");
  auto none = testing::send(remove);
  EXPECT_EQ(none.status, 204) << none.error;
  EXPECT_EQ(none.body, "");
  EXPECT_EQ(testing::get(url("/healthz")).status, 200);  // the server is fine
}

TEST_F(HttpServerTest, BuiltInHealthAndMetricsRoutes) {
  start();
  auto healthz = testing::get(url("/healthz"));
  EXPECT_EQ(healthz.status, 200);
  EXPECT_EQ(parse(healthz.body)["status"], "ok");
  EXPECT_EQ(testing::get(url("/readyz")).status, 200);
  auto metrics = testing::get(url("/metrics"));
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_THAT(metrics.body, HasSubstr("process_resident_memory_bytes "));
  EXPECT_TRUE(eventually_contains([&] { return testing::get(url("/metrics")).body; },
                                  "http_requests_total{method=\"GET\",route=\"/healthz\",code=\"200\"} 1"));
}

TEST_F(HttpServerTest, RequestMetricsUseTheRoutePatternNotThePath) {
  router_.get("/api/v1/releases/{name}", [](const Request&) { return Response::json(200, {}); }, Access::anyone());
  start();
  for (int i = 0; i < 3; ++i) testing::get(url("/api/v1/releases/r" + std::to_string(i)));
  testing::get(url("/no/such/path"));
  auto expose = [&] { return server_->metrics().expose(); };
  EXPECT_TRUE(eventually_contains(expose, "http_requests_total{method=\"GET\",route=\"unmatched\",code=\"404\"} 1"));
  EXPECT_TRUE(eventually_contains(
      expose, "http_requests_total{method=\"GET\",route=\"/api/v1/releases/{name}\",code=\"200\"} 3"));
  std::string text = expose();
  EXPECT_THAT(text, HasSubstr(
      "http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/releases/{name}\"} 3"));
  EXPECT_THAT(text, Not(HasSubstr("/api/v1/releases/r1")));
}

}  // namespace
}  // namespace pier::server
