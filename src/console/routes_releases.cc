// /clusters and /releases/...: listing, one release, its history, one
// revision, the diff of two, deploy and rollback.
#include <charconv>

#include "console/access_scope.h"
#include "console/api_json.h"
#include "console/routes.h"

namespace pier::console {

using nlohmann::json;
using server::Access;
using server::Request;
using server::Response;
using server::Role;

namespace {

store::ReleaseKey release_key(const Request& request) {
  return {std::string(request.param("cluster")), std::string(request.param("namespace")),
          std::string(request.param("name"))};
}

std::string release_path(const store::ReleaseKey& key) { return "release " + key.to_string(); }

Response started_response(const Started& started) {
  return Response::json(202, {{"operation", operation_json(started.operation)}, {"revision", revision_json(started.revision)}});
}

// A deploy or a rollback: scope, body, then a dry run's diff (200) or the
// started operation (202).
template <class Parse, class DryRun, class Start>
Response change_release(const Request& request, Parse parse, DryRun dry_run, Start start) {
  auto key = release_key(request);
  if (!in_scope(request, key.cluster, key.namespace_name))
    return Response::error(403, "your token may not deploy to " + key.cluster + "/" + key.namespace_name);
  auto body = request.json_body();
  if (!body) return Response::error(body.error(), 400);
  auto input = parse(key, *body);
  if (!input) return Response::error(input.error());
  if (input->settings.dry_run) {
    auto diff = dry_run(*input);
    if (!diff) return Response::error(diff.error());
    return Response::json(200, *diff);
  }
  auto started = start(*input);
  if (!started) return Response::error(started.error());
  return started_response(*started);
}

}  // namespace

void add_release_routes(server::Router& router, ConsoleServices& services) {
  const Access viewer = Access::at_least(Role::kViewer);
  const Access deployer = Access::at_least(Role::kDeployer);

  router.get(api("/clusters"), [&services](const Request& request) {
    json all = services.targets.probe_all(std::chrono::seconds(3));
    json out = json::array();
    for (auto& entry : all)
      if (scope_allows_cluster(request.principal->scopes, entry["name"].get<std::string>())) out.push_back(std::move(entry));
    return Response::json(200, out);
  }, viewer);

  router.get(api("/releases"), [&services](const Request& request) {
    store::ReleaseFilter filter{.cluster = std::string(request.query_value("cluster").value_or("")),
                                .namespace_name = std::string(request.query_value("namespace").value_or("")),
                                .app = std::string(request.query_value("app").value_or("")),
                                .status = std::nullopt,
                                .search = std::string(request.query_value("q").value_or(""))};
    if (auto status = request.query_value("status")) {
      filter.status = store::parse_revision_status(*status);
      if (!filter.status)
        return Response::error(422, "query parameter status is not valid",
                               {{"?status", "expected pending, deployed, failed, superseded or interrupted"}});
    }
    auto limit = query_integer(request, "limit", 50, 1, 500);
    if (!limit) return Response::error(limit.error());
    auto page = services.store.list_releases(
        filter, {.limit = static_cast<int>(*limit), .after = std::string(request.query_value("after").value_or(""))});
    if (!page) return Response::error(page.error());
    // A scoped token sees its releases only; a page may then hold fewer than `limit`.
    json items = json::array();
    for (const auto& summary : page->items)
      if (in_scope(request, summary.latest.key.cluster, summary.latest.key.namespace_name))
        items.push_back(release_summary_json(summary));
    return Response::json(200, {{"items", std::move(items)}, {"next", page->next.empty() ? json(nullptr) : json(page->next)}});
  }, viewer);

  router.get(api("/releases/{cluster}/{namespace}/{name}"), [&services](const Request& request) {
    auto key = release_key(request);
    if (!in_scope(request, key.cluster, key.namespace_name)) return out_of_scope(release_path(key));
    auto summary = services.store.get_release(key);
    if (!summary) return Response::error(summary.error());
    return Response::json(200, release_summary_json(*summary));
  }, viewer);

  router.get(api("/releases/{cluster}/{namespace}/{name}/revisions"), [&services](const Request& request) {
    auto key = release_key(request);
    if (!in_scope(request, key.cluster, key.namespace_name)) return out_of_scope(release_path(key));
    auto history = services.store.history(key);
    if (!history) return Response::error(history.error());
    if (history->empty()) return Response::error(Error::not_found("no " + release_path(key)));
    json out = json::array();
    for (const auto& revision : *history) out.push_back(revision_json(revision));
    return Response::json(200, out);
  }, viewer);

  router.get(api("/releases/{cluster}/{namespace}/{name}/revisions/{revision}"), [&services](const Request& request) {
    auto key = release_key(request);
    if (!in_scope(request, key.cluster, key.namespace_name)) return out_of_scope(release_path(key));
    int revision = 0;
    std::string_view text = request.param("revision");
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), revision);
    if (ec != std::errc() || end != text.data() + text.size() || revision < 1)
      return Response::error(Error::not_found("no revision " + std::string(text) + " of " + release_path(key)));
    auto detail = services.releases.revision_detail(key, revision);
    if (!detail) return Response::error(detail.error());
    return Response::json(200, *detail);
  }, viewer);

  router.get(api("/releases/{cluster}/{namespace}/{name}/diff"), [&services](const Request& request) {
    auto key = release_key(request);
    if (!in_scope(request, key.cluster, key.namespace_name)) return out_of_scope(release_path(key));
    if (!request.query_value("from") || !request.query_value("to"))
      return Response::error(422, "from and to are required", {{"?from", "a revision number"}, {"?to", "a revision number"}});
    auto from = query_integer(request, "from", 0, 1, 1'000'000'000);
    if (!from) return Response::error(from.error());
    auto to = query_integer(request, "to", 0, 1, 1'000'000'000);
    if (!to) return Response::error(to.error());
    auto diff = services.releases.diff(key, static_cast<int>(*from), static_cast<int>(*to));
    if (!diff) return Response::error(diff.error());
    return Response::json(200, *diff);
  }, viewer);

  router.post(api("/releases/{cluster}/{namespace}/{name}/deploy"), [&services](const Request& request) {
    return change_release(request, parse_deploy_input,
                          [&](const DeployInput& input) { return services.releases.dry_run(input); },
                          [&](const DeployInput& input) { return services.releases.deploy(input, user_of(request)); });
  }, deployer);

  router.post(api("/releases/{cluster}/{namespace}/{name}/rollback"), [&services](const Request& request) {
    return change_release(request, parse_rollback_input,
                          [&](const RollbackInput& input) { return services.releases.dry_run_rollback(input); },
                          [&](const RollbackInput& input) { return services.releases.rollback(input, user_of(request)); });
  }, deployer);
}

}  // namespace pier::console
