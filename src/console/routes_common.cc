#include <charconv>

#include "console/access_scope.h"
#include "console/routes.h"

namespace pier::console {

bool in_scope(const server::Request& request, std::string_view cluster, std::string_view namespace_name) {
  if (!request.principal) return false;
  return scope_allows(request.principal->scopes, cluster, namespace_name);
}

server::Response out_of_scope(std::string_view what) {
  return server::Response::error(404, std::string(what) + " not found");
}

std::string user_of(const server::Request& request) { return request.principal ? request.principal->user : ""; }

Result<long long> query_integer(const server::Request& request, std::string_view name, long long fallback,
                                long long min, long long max) {
  auto text = request.query_value(name);
  if (!text) return fallback;
  long long value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    Error error = Error::invalid("query parameter " + std::string(name) + " is not valid");
    error.details.push_back({"?" + std::string(name),
                             "expected an integer from " + std::to_string(min) + " to " + std::to_string(max)});
    return fail(std::move(error));
  }
  return value;
}

std::string api(std::string_view path) { return std::string(kApiPrefix) + std::string(path); }

}  // namespace pier::console
