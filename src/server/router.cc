#include "server/router.h"

#include <algorithm>
#include <map>

#include "server/programming_error.h"

namespace pier::server {

struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> param;    // a `{name}` segment
  std::vector<const Route*> here;  // routes whose pattern ends at this node, one per method
  std::vector<const Route*> rest;  // `{name...}` routes: the rest of the path from this node
};

namespace {

bool is_param_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool is_method(std::string_view method) {
  return !method.empty() && std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

struct PatternSegment {
  enum class Kind { kLiteral, kParam, kRest } kind;
  std::string text;  // the literal, or the parameter's name
};

std::vector<PatternSegment> parse_pattern(std::string_view pattern) {
  auto bad = [&](std::string_view why) {
    programming_error("router", "route pattern \"" + std::string(pattern) + "\": " + std::string(why));
  };
  if (pattern.empty() || pattern.front() != '/') bad("must start with '/'");
  std::vector<PatternSegment> segments;
  std::string_view rest = pattern.substr(1);
  if (rest.empty()) return segments;
  while (true) {
    std::size_t slash = rest.find('/');
    std::string_view text = rest.substr(0, slash);
    if (!segments.empty() && segments.back().kind == PatternSegment::Kind::kRest) bad("{name...} must be last");
    if (text.starts_with('{')) {
      if (!text.ends_with('}')) bad("unclosed parameter");
      std::string_view name = text.substr(1, text.size() - 2);
      bool is_rest = name.ends_with("...");
      if (is_rest) name.remove_suffix(3);
      if (!is_param_name(name)) bad("parameter names are letters, digits and '_'");
      for (const auto& s : segments)
        if (s.kind != PatternSegment::Kind::kLiteral && s.text == name) bad("parameter named twice");
      segments.push_back({is_rest ? PatternSegment::Kind::kRest : PatternSegment::Kind::kParam, std::string(name)});
    } else {
      if (text.find_first_of("{}%") != std::string_view::npos) bad("'{', '}' and '%' only in whole-segment parameters");
      segments.push_back({PatternSegment::Kind::kLiteral, std::string(text)});
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return segments;
}

// The search state of one match: the segments, what the parameters captured
// so far, and the methods of every route whose path matched.
struct Search {
  std::string_view method;
  const std::vector<std::string>& segments;
  std::vector<std::string_view> captured;
  std::vector<std::string> allowed;
  RouteMatch result;

  bool consider(const std::vector<const Route*>& routes, std::size_t rest_from) {
    const Route* chosen = nullptr;
    for (const Route* route : routes) {
      if (route->method == method) chosen = route;
      if (std::find(allowed.begin(), allowed.end(), route->method) == allowed.end()) allowed.push_back(route->method);
    }
    if (!chosen && method == "HEAD") {
      for (const Route* route : routes)
        if (route->method == "GET") chosen = route;
    }
    if (!chosen) return false;
    result.route = chosen;
    std::size_t n = chosen->param_names.size();
    bool has_rest = rest_from != std::string::npos;
    std::size_t plain = has_rest ? n - 1 : n;
    for (std::size_t i = 0; i < plain; ++i) result.params.emplace_back(chosen->param_names[i], std::string(captured[i]));
    if (has_rest) {
      std::string joined;
      for (std::size_t i = rest_from; i < segments.size(); ++i) {
        if (i > rest_from) joined += '/';
        joined += segments[i];
      }
      result.params.emplace_back(chosen->param_names.back(), std::move(joined));
    }
    return true;
  }

  bool walk(const Router::Node& node, std::size_t index);
};

}  // namespace

bool Search::walk(const Router::Node& node, std::size_t index) {
  if (index == segments.size()) {
    if (consider(node.here, std::string::npos)) return true;
  } else {
    const std::string& segment = segments[index];
    if (auto it = node.literals.find(segment); it != node.literals.end() && walk(*it->second, index + 1)) return true;
    if (node.param && !segment.empty()) {
      captured.push_back(segment);
      if (walk(*node.param, index + 1)) return true;
      captured.pop_back();
    }
  }
  return consider(node.rest, index);
}

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;

Router& Router::get(std::string_view pattern, Handler handler, Access access) {
  return add("GET", pattern, std::move(handler), access);
}
Router& Router::post(std::string_view pattern, Handler handler, Access access) {
  return add("POST", pattern, std::move(handler), access);
}
Router& Router::put(std::string_view pattern, Handler handler, Access access) {
  return add("PUT", pattern, std::move(handler), access);
}
Router& Router::patch(std::string_view pattern, Handler handler, Access access) {
  return add("PATCH", pattern, std::move(handler), access);
}
Router& Router::remove(std::string_view pattern, Handler handler, Access access) {
  return add("DELETE", pattern, std::move(handler), access);
}

Router& Router::add(std::string_view method, std::string_view pattern, Handler handler, Access access) {
  if (!handler) programming_error("router", "route " + std::string(pattern) + " has no handler");
  return add_route(Route{std::string(method), std::string(pattern), access, std::move(handler), {}, {}});
}

Router& Router::stream(std::string_view pattern, StreamHandler handler, Access access) {
  if (!handler) programming_error("router", "route " + std::string(pattern) + " has no handler");
  return add_route(Route{"GET", std::string(pattern), access, {}, std::move(handler), {}});
}

Router& Router::fallback(Handler handler, Access access, std::string label) {
  if (!handler) programming_error("router", "the fallback has no handler");
  fallback_ = std::make_unique<Route>(Route{"*", std::move(label), access, std::move(handler), {}, {}});
  return *this;
}

Router& Router::add_route(Route route) {
  if (!is_method(route.method)) programming_error("router", "method \"" + route.method + "\" is not an HTTP method");
  Node* node = root_.get();
  bool is_rest = false;
  for (const PatternSegment& segment : parse_pattern(route.pattern)) {
    switch (segment.kind) {
      case PatternSegment::Kind::kLiteral: {
        auto& child = node->literals[segment.text];
        if (!child) child = std::make_unique<Node>();
        node = child.get();
        break;
      }
      case PatternSegment::Kind::kParam:
        if (!node->param) node->param = std::make_unique<Node>();
        node = node->param.get();
        route.param_names.push_back(segment.text);
        break;
      case PatternSegment::Kind::kRest:
        route.param_names.push_back(segment.text);
        is_rest = true;
        break;
    }
  }
  std::vector<const Route*>& slot = is_rest ? node->rest : node->here;
  for (const Route* existing : slot)
    if (existing->method == route.method)
      programming_error("router", route.method + " " + route.pattern + " conflicts with " + existing->pattern);
  routes_.push_back(std::make_unique<Route>(std::move(route)));
  slot.push_back(routes_.back().get());
  return *this;
}

RouteMatch Router::match(std::string_view method, const std::vector<std::string>& segments) const {
  Search search{method, segments, {}, {}, {}};
  if (search.walk(*root_, 0)) return std::move(search.result);
  if (search.allowed.empty()) {
    RouteMatch none;
    none.route = fallback_.get();
    return none;
  }
  if (std::find(search.allowed.begin(), search.allowed.end(), "GET") != search.allowed.end() &&
      std::find(search.allowed.begin(), search.allowed.end(), "HEAD") == search.allowed.end())
    search.allowed.push_back("HEAD");
  std::sort(search.allowed.begin(), search.allowed.end());
  RouteMatch wrong_method;
  for (const auto& m : search.allowed) {
    if (!wrong_method.allowed.empty()) wrong_method.allowed += ", ";
    wrong_method.allowed += m;
  }
  return wrong_method;
}

}  // namespace pier::server
