// Method + path routing with parameters, the access rule of each route, and
// the authenticator that checks it.
//
//   Router router;
//   router.get("/api/v1/releases/{cluster}/{namespace}/{name}", show_release, Access::at_least(Role::kViewer));
//   router.post("/api/v1/releases", deploy, Access::at_least(Role::kDeployer));
//   router.stream("/api/v1/operations/{id}/events", follow_events, Access::at_least(Role::kViewer));
//   router.fallback(static_files.handler(), Access::anyone());   // the web UI
//
// Patterns: literal segments, `{name}` for one whole non-empty segment, and a
// last `{name...}` for the rest of the path. Literal segments win over
// parameters (`/releases/search` before `/releases/{cluster}`). Segments are
// percent-decoded before matching, one by one. A path that matches no route
// goes to the fallback (404 without one); a path that matches with another
// method gets 405 and the Allow list. HEAD is served by the GET route.
//
// Routes are added before the server starts; matching is then read-only and
// safe from any thread. A malformed pattern or a duplicate route is a
// programming error and stops the process with a message.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/auth.h"
#include "server/request.h"
#include "server/response.h"

namespace pier::server {

class SseStream;

// Runs on a worker thread: it may block on the database or a cluster.
using Handler = std::function<Response(const Request&)>;
// Runs on a worker thread. Either answers at once (a Response: 404 for an
// unknown operation, say) or returns nullopt and keeps the stream, sending to
// it from any thread until it closes. See sse.h.
using StreamHandler = std::function<std::optional<Response>(const Request&, std::shared_ptr<SseStream>)>;

struct Route {
  std::string method;
  std::string pattern;  // also the `route` label of metrics and logs
  Access access;
  Handler handler;               // exactly one of the two is set
  StreamHandler stream_handler;
  std::vector<std::string> param_names;  // in path order
};

struct RouteMatch {
  const Route* route = nullptr;  // the route to run, or null
  QueryParams params;            // its path parameters, decoded
  std::string allowed;           // when only the method was wrong: "GET, HEAD, POST"
};

class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  Router& get(std::string_view pattern, Handler handler, Access access);
  Router& post(std::string_view pattern, Handler handler, Access access);
  Router& put(std::string_view pattern, Handler handler, Access access);
  Router& patch(std::string_view pattern, Handler handler, Access access);
  Router& remove(std::string_view pattern, Handler handler, Access access);  // DELETE
  Router& add(std::string_view method, std::string_view pattern, Handler handler, Access access);
  // A GET route answered with Server-Sent Events.
  Router& stream(std::string_view pattern, StreamHandler handler, Access access);
  // For paths no route matches (any method); `label` names it in metrics.
  Router& fallback(Handler handler, Access access, std::string label = "fallback");

  void set_authenticator(Authenticator authenticator) { authenticator_ = std::move(authenticator); }
  const Authenticator& authenticator() const { return authenticator_; }

  // The route for a method and decoded path segments (see split_path); the
  // fallback when no route matches the path.
  RouteMatch match(std::string_view method, const std::vector<std::string>& segments) const;

 // The matching tree (defined in router.cc).
  struct Node;

 private:
  Router& add_route(Route route);

  std::unique_ptr<Node> root_;
  std::vector<std::unique_ptr<Route>> routes_;
  std::unique_ptr<Route> fallback_;
  Authenticator authenticator_;
};

}  // namespace pier::server
