// get, list and watch.
#include <charconv>

#include "continue_token.h"
#include "rest_operations.h"

namespace pier::testing::kube_double {

namespace {

std::optional<int64_t> parse_int(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

ApiResult<int64_t> parse_resource_version(const std::string& text) {
  auto value = parse_int(text);
  if (!value || *value < 0)
    return std::unexpected(ApiError::bad_request("resourceVersion: Invalid value: \"" + text +
                                                 "\": must be a non-negative integer"));
  return *value;
}

struct Selectors {
  LabelSelector labels;
  FieldSelector fields;
};

ApiResult<Selectors> parse_selectors(const ResourceRequest& request) {
  auto labels = LabelSelector::parse(request.query.get_or("labelSelector", ""));
  if (!labels) return std::unexpected(labels.error());
  auto fields = FieldSelector::parse(request.query.get_or("fieldSelector", ""), *request.type);
  if (!fields) return std::unexpected(fields.error());
  return Selectors{std::move(*labels), std::move(*fields)};
}

std::string list_body(const ResourceType& type, const std::vector<ObjectPtr>& items, int64_t resource_version,
                      const std::string& continue_token) {
  size_t size = 128;
  for (const auto& item : items) size += item->body.size() + 1;
  std::string body;
  body.reserve(size + (type.custom ? items.size() * 64 : 0));
  body += "{\"apiVersion\":\"" + type.api_version() + "\",\"items\":[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) body += ',';
    if (type.custom) {
      body += items[i]->list_item_text(type);  // custom resources keep apiVersion and kind
    } else {
      body.append(items[i]->body);  // no copy of a temporary for the common case
    }
  }
  body += "],\"kind\":\"" + type.list_kind() + "\",\"metadata\":{";
  if (!continue_token.empty()) body += "\"continue\":\"" + continue_token + "\",";
  body += "\"resourceVersion\":\"" + std::to_string(resource_version) + "\"}}";
  return body;
}

}  // namespace

HttpReply HttpReply::error(const ApiError& error) {
  HttpReply reply = json(error.code, error.to_json_text());
  if (error.retry_after_seconds) reply.headers.emplace_back("Retry-After", std::to_string(*error.retry_after_seconds));
  return reply;
}

RestOperations::RestOperations(ObjectStore& store, WatchHub& hub, ResourceCatalog& catalog, RestSettings settings)
    : store_(store), hub_(hub), catalog_(catalog), settings_(settings) {}

ApiResult<HttpReply> RestOperations::get(const ResourceRequest& request) {
  const ResourceType& type = *request.type;
  StoreLock lock = store_.lock();
  ObjectPtr object = store_.get(lock, type, request.namespace_name, request.name);
  if (!object) return std::unexpected(ApiError::not_found(type, request.name));
  return HttpReply::json(200, object->full_text(type.api_version(), type.kind));
}

ApiResult<HttpReply> RestOperations::list(const ResourceRequest& request) {
  const ResourceType& type = *request.type;
  auto selectors = parse_selectors(request);
  if (!selectors) return std::unexpected(selectors.error());

  ListQuery query;
  query.namespace_name = request.namespace_name;
  query.labels = &selectors->labels;
  query.fields = &selectors->fields;
  if (auto limit = request.query.get("limit"); limit && !limit->empty()) {
    auto value = parse_int(*limit);
    if (!value || *value < 0) return std::unexpected(ApiError::bad_request("limit must be a non-negative integer"));
    query.limit = *value;
  }
  std::string resource_version = request.query.get_or("resourceVersion", "");
  std::string match = request.query.get_or("resourceVersionMatch", "");
  std::string token = request.query.get_or("continue", "");
  if (!match.empty() && match != "Exact" && match != "NotOlderThan")
    return std::unexpected(ApiError::bad_request("resourceVersionMatch: Unsupported value: \"" + match +
                                                 "\": supported values: \"Exact\", \"NotOlderThan\""));
  if (!match.empty() && resource_version.empty())
    return std::unexpected(
        ApiError::bad_request("resourceVersionMatch is forbidden unless resourceVersion is provided"));
  if (!token.empty() && !resource_version.empty() && resource_version != "0")
    return std::unexpected(ApiError::bad_request("specifying resource version is not allowed when using continue"));
  if (match == "Exact" && resource_version == "0")
    return std::unexpected(ApiError::bad_request("resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));

  StoreLock lock = store_.lock();
  int64_t current = store_.resource_version(lock);
  if (!token.empty()) {
    auto position = decode_continue_token(token);
    if (!position) return std::unexpected(ApiError::bad_request("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"));
    if (position->resource_version < store_.compacted_revision(lock)) {
      ApiError error = ApiError::expired(
          "The provided continue parameter is too old to display a consistent list result. You can start a new "
          "list without the continue parameter, or use the continue token in this response to retrieve the "
          "remainder of the results. Continuing with the provided token results in an inconsistent list - objects "
          "that were created, modified, or deleted between the time the first chunk was returned and now may show "
          "up in the list.");
      // The remainder at the current revision, for clients that accept an inconsistent list.
      error.list_continue = encode_continue_token(current, position->start_key);
      return std::unexpected(error);
    }
    query.start_key = position->start_key;
    query.at_revision = position->resource_version;
  } else if (!resource_version.empty() && resource_version != "0") {
    auto requested = parse_resource_version(resource_version);
    if (!requested) return std::unexpected(requested.error());
    if (*requested > current) return std::unexpected(ApiError::too_large_resource_version(*requested, current));
    // Exact when asked, and (legacy) when a limit comes with a resourceVersion.
    bool exact = match == "Exact" || (match.empty() && query.limit > 0);
    if (exact) {
      if (*requested < store_.compacted_revision(lock))
        return std::unexpected(ApiError::expired("The resourceVersion for the provided list is too old."));
      query.at_revision = *requested;
    }
  }
  ListPage page = store_.list(lock, type, query);
  std::string next = page.next_key.empty() ? "" : encode_continue_token(page.resource_version, page.next_key);
  return HttpReply::json(200, list_body(type, page.items, page.resource_version, next));
}

ApiResult<WatchPlan> RestOperations::watch(const ResourceRequest& request) {
  const ResourceType& type = *request.type;
  auto selectors = parse_selectors(request);
  if (!selectors) return std::unexpected(selectors.error());
  WatchPlan plan;
  plan.bookmarks = request.query.flag("allowWatchBookmarks");
  plan.timeout = std::chrono::seconds(settings_.default_watch_timeout_seconds);
  if (auto timeout = request.query.get("timeoutSeconds"); timeout && !timeout->empty()) {
    auto seconds = parse_int(*timeout);
    if (!seconds || *seconds < 0) return std::unexpected(ApiError::bad_request("timeoutSeconds must be a non-negative integer"));
    if (*seconds > 0) plan.timeout = std::chrono::seconds(*seconds);
  }
  std::string resource_version = request.query.get_or("resourceVersion", "");
  bool from_now = resource_version.empty() || resource_version == "0";
  // Unset and "0" start with the current state as synthetic ADDED events;
  // sendInitialEvents overrides that either way.
  bool initial_state = request.query.has("sendInitialEvents") ? request.query.flag("sendInitialEvents") : from_now;
  bool initial_events_end = request.query.flag("sendInitialEvents");
  if (initial_events_end && !plan.bookmarks)
    return std::unexpected(ApiError::bad_request("sendInitialEvents is forbidden for watch unless allowWatchBookmarks=true"));

  WatchFilter filter;
  filter.type = request.type;
  filter.namespace_name = request.namespace_name;
  filter.labels = std::move(selectors->labels);
  filter.fields = std::move(selectors->fields);

  StoreLock lock = store_.lock();
  int64_t current = store_.resource_version(lock);
  std::vector<std::string> initial;
  bool expired = false;
  if (initial_state) {
    for (const auto& object : store_.all(lock, type, request.namespace_name))
      if (filter.matches(*object))
        initial.push_back(watch_event_line("ADDED", object->full_text(type.api_version(), type.kind)));
  }
  if (!from_now) {
    auto requested = parse_resource_version(resource_version);
    if (!requested) return std::unexpected(requested.error());
    if (*requested > current) return std::unexpected(ApiError::too_large_resource_version(*requested, current));
    if (!initial_state) {
      auto events = store_.events_since(lock, type.collection(), *requested);
      if (!events) {
        // kube-apiserver answers 200 and sends the 410 as an ERROR event.
        initial.push_back(watch_event_line("ERROR", events.error().to_json_text()));
        expired = true;
      } else {
        for (const auto& event : *events)
          if (auto line = render_watch_event(filter, event)) initial.push_back(std::move(*line));
      }
    }
  }
  plan.watch = hub_.subscribe(lock, std::move(filter), std::move(initial));
  if (expired) {
    plan.watch->end();
  } else if (initial_events_end) {
    hub_.bookmark(lock, *plan.watch, current, /*initial_events_end=*/true);
  }
  return plan;
}

void RestOperations::bookmark(WatchSubscription& watch) {
  StoreLock lock = store_.lock();
  hub_.bookmark(lock, watch, store_.resource_version(lock));
}

}  // namespace pier::testing::kube_double
