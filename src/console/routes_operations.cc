// /operations/{id} and its live events (Server-Sent Events).
#include <charconv>

#include "console/api_json.h"
#include "console/routes.h"
#include "server/sse.h"

namespace pier::console {

using nlohmann::json;
using server::Access;
using server::Request;
using server::Response;
using server::Role;

namespace {

std::optional<store::OperationId> operation_id(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1) return std::nullopt;
  return store::OperationId{value};
}

// The operation, or the answer to give: 404 for an unknown one and for one
// outside the caller's scopes.
std::expected<store::Operation, Response> visible_operation(ConsoleServices& services, const Request& request) {
  std::string_view text = request.param("operation");
  auto id = operation_id(text);
  if (!id) return std::unexpected(Response::error(Error::not_found("no operation " + std::string(text))));
  auto operation = services.store.get_operation(*id);
  if (!operation) return std::unexpected(Response::error(operation.error()));
  if (!in_scope(request, operation->key.cluster, operation->key.namespace_name))
    return std::unexpected(out_of_scope("operation " + std::string(text)));
  return *operation;
}

}  // namespace

void add_operation_routes(server::Router& router, ConsoleServices& services) {
  const Access viewer = Access::at_least(Role::kViewer);

  router.get(api("/operations/{operation}"), [&services](const Request& request) {
    auto operation = visible_operation(services, request);
    if (!operation) return operation.error();
    json out = operation_json(*operation);
    json events = json::array();
    std::int64_t seq = 0;
    for (;;) {
      auto page = services.store.events(operation->id, seq);
      if (!page) return Response::error(page.error());
      if (page->empty()) break;
      for (const auto& event : *page) events.push_back(event_json(event));
      seq = page->back().seq;
    }
    out["events"] = std::move(events);
    return Response::json(200, out);
  }, viewer);

  router.stream(api("/operations/{operation}/events"),
                [&services](const Request& request, std::shared_ptr<server::SseStream> stream) -> std::optional<Response> {
                  auto operation = visible_operation(services, request);
                  if (!operation) return operation.error();
                  std::int64_t after = 0;
                  std::string_view last = request.last_event_id();
                  if (!last.empty()) {
                    auto [end, ec] = std::from_chars(last.data(), last.data() + last.size(), after);
                    if (ec != std::errc() || end != last.data() + last.size() || after < 0) after = 0;
                  }
                  services.streams.follow(operation->id, after, std::move(stream));
                  return std::nullopt;
                },
                viewer);
}

}  // namespace pier::console
