// A scripted Transport for the client layer's tests: requests are answered
// from a table, watch streams are fed by the test chunk by chunk.
//
//   auto fake = std::make_shared<FakeTransport>();
//   fake->on("GET", "/api/v1/namespaces/web/services/jetty", 200, service_json);
//   auto stream = fake->add_watch_stream();     // served to the next watch
//   stream->send(R"({"type":"ADDED","object":{...}})" "\n");
//   stream->cut();                              // the connection drops
//   fake->wait_for_watches(2);                  // the client watched again
//   EXPECT_THAT(fake->watch_requests()[1].path, HasSubstr("resourceVersion=7"));
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "kube/transport.h"

namespace pier::kube::testing {

inline HttpResponse json_response(int status, const nlohmann::json& body) {
  HttpResponse response;
  response.status = status;
  response.body = body.dump();
  response.headers = {{"content-type", "application/json"}};
  return response;
}

// A Status body as kube-apiserver sends it.
inline nlohmann::json status_body(int code, std::string reason, std::string message,
                                  nlohmann::json details = nlohmann::json()) {
  nlohmann::json status = {{"kind", "Status"},   {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()},
                           {"status", "Failure"}, {"message", message}, {"reason", reason},
                           {"code", code}};
  if (!details.is_null()) status["details"] = details;
  return status;
}

// One watch stream, fed by the test while the client reads it.
class ScriptedStream {
 public:
  // Bytes of the body, delivered as one chunk.
  void send(std::string chunk) { push(Chunk{std::move(chunk)}); }
  // The connection drops: stream() fails as a transport would.
  void cut() { push(Cut{}); }
  // The server ends the watch cleanly (its timeout passed).
  void end() { push(End{}); }
  // The server refuses the watch: a non-2xx answer, e.g. 410.
  void refuse(int status, const nlohmann::json& body) { push(json_response(status, body)); }

 private:
  friend class FakeTransport;
  struct Chunk {
    std::string bytes;
  };
  struct Cut {};
  struct End {};
  using Action = std::variant<Chunk, Cut, End, HttpResponse>;

  void push(Action action) {
    std::lock_guard lock(mutex_);
    actions_.push_back(std::move(action));
    changed_.notify_all();
  }
  // The next action, or nothing when stop was requested first.
  std::optional<Action> next(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait(lock, stop, [this] { return !actions_.empty(); })) return std::nullopt;
    Action action = std::move(actions_.front());
    actions_.pop_front();
    return action;
  }

  std::mutex mutex_;
  std::condition_variable_any changed_;
  std::deque<Action> actions_;
};

class FakeTransport final : public Transport {
 public:
  // Answers `method path`. A path with a '?' must equal the request's path;
  // one without matches any query. Exact matches win. Several answers for
  // one rule are given in turn, the last one repeatedly.
  void on(std::string method, std::string path, HttpResponse response) {
    std::lock_guard lock(mutex_);
    rules_[{std::move(method), std::move(path)}].push_back(std::move(response));
  }
  void on(std::string method, std::string path, int status, const nlohmann::json& body) {
    on(std::move(method), std::move(path), json_response(status, body));
  }
  void on(std::string method, std::string path, Error error) {
    std::lock_guard lock(mutex_);
    errors_[{std::move(method), std::move(path)}] = std::move(error);
  }
  // Forgets the answers for a rule (to script it anew).
  void clear(const std::string& method, const std::string& path) {
    std::lock_guard lock(mutex_);
    rules_.erase({method, path});
    errors_.erase({method, path});
  }

  // The stream the next stream() call serves (in the order added).
  std::shared_ptr<ScriptedStream> add_watch_stream() {
    auto stream = std::make_shared<ScriptedStream>();
    std::lock_guard lock(mutex_);
    streams_.push_back(stream);
    changed_.notify_all();
    return stream;
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::vector<HttpRequest> requests_for(const std::string& method, const std::string& path_without_query) const {
    std::lock_guard lock(mutex_);
    std::vector<HttpRequest> out;
    for (const auto& r : requests_)
      if (r.method == method && r.path.substr(0, r.path.find('?')) == path_without_query) out.push_back(r);
    return out;
  }
  std::vector<HttpRequest> watch_requests() const {
    std::lock_guard lock(mutex_);
    return watch_requests_;
  }
  // Waits (up to `timeout` of real time) until stream() was called n times.
  bool wait_for_watches(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return watch_requests_.size() >= n; });
  }

  Result<HttpResponse> send(const HttpRequest& request) override {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    const std::string bare = request.path.substr(0, request.path.find('?'));
    for (const auto& key : {std::pair{request.method, request.path}, std::pair{request.method, bare}}) {
      if (auto error = errors_.find(key); error != errors_.end()) return std::unexpected(error->second);
      auto rule = rules_.find(key);
      if (rule == rules_.end() || rule->second.empty()) continue;
      HttpResponse response = rule->second.front();
      if (rule->second.size() > 1) rule->second.pop_front();
      return response;
    }
    return json_response(404, status_body(404, "NotFound", "the server could not find the requested resource"));
  }

  Result<HttpResponse> stream(const HttpRequest& request, const std::function<bool(std::string_view)>& on_data,
                              std::stop_token stop) override {
    std::shared_ptr<ScriptedStream> script;
    {
      std::unique_lock lock(mutex_);
      watch_requests_.push_back(request);
      changed_.notify_all();
      if (!changed_.wait(lock, stop, [this] { return !streams_.empty(); })) return HttpResponse{200, {}, {}};
      script = streams_.front();
      streams_.pop_front();
    }
    for (;;) {
      auto action = script->next(stop);
      if (!action) return HttpResponse{200, {}, {}};  // stopped
      if (auto* chunk = std::get_if<ScriptedStream::Chunk>(&*action)) {
        if (!on_data(chunk->bytes)) return HttpResponse{200, {}, {}};
      } else if (std::holds_alternative<ScriptedStream::Cut>(*action)) {
        return std::unexpected(Error::make(ErrorCode::kUnavailable,
                                           describe() + ": GET " + request.path + ": connection reset by peer",
                                           Retry::kYes));
      } else if (std::holds_alternative<ScriptedStream::End>(*action)) {
        return HttpResponse{200, {}, {}};
      } else {
        return std::get<HttpResponse>(*action);
      }
    }
  }

  std::string describe() const override { return "context test (https://fake:6443)"; }

 private:
  using Key = std::pair<std::string, std::string>;
  mutable std::mutex mutex_;
  mutable std::condition_variable_any changed_;
  std::map<Key, std::deque<HttpResponse>> rules_;
  std::map<Key, Error> errors_;
  std::deque<std::shared_ptr<ScriptedStream>> streams_;
  std::vector<HttpRequest> requests_;
  std::vector<HttpRequest> watch_requests_;
};

}  // namespace pier::kube::testing
