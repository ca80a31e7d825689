// /whoami, /tokens and /audit: who may do what, and what everyone did.
#include <charconv>

#include "console/api_json.h"
#include "console/routes.h"

namespace pier::console {

using nlohmann::json;
using server::Access;
using server::Request;
using server::Response;
using server::Role;

namespace {

Result<store::User> user_from_body(const json& body) {
  std::vector<ErrorDetail> problems;
  store::User user;
  if (!body.contains("user") || !body["user"].is_string() || body["user"].get<std::string>().empty())
    problems.push_back({"/user", "required: the user name the token acts as"});
  else
    user.name = body["user"].get<std::string>();
  std::optional<store::Role> role;
  if (body.contains("role") && body["role"].is_string()) role = store::parse_role(body["role"].get<std::string>());
  if (!role) problems.push_back({"/role", "required: viewer, deployer or admin"});
  else user.role = *role;
  if (auto scopes = body.find("scopes"); scopes != body.end() && !scopes->is_null()) {
    if (!scopes->is_array()) {
      problems.push_back({"/scopes", "expected a list of \"cluster\" or \"cluster/namespace\" patterns"});
    } else {
      for (size_t i = 0; i < scopes->size(); ++i) {
        if ((*scopes)[i].is_string()) user.scopes.push_back((*scopes)[i].get<std::string>());
        else problems.push_back({"/scopes/" + std::to_string(i), "expected a string"});
      }
    }
  }
  if (problems.empty()) {
    if (auto valid = store::validate(user); !valid) problems.push_back({"/scopes", valid.error().message});
  }
  if (!problems.empty()) {
    Error error = Error::invalid("the token request is not valid");
    error.details = std::move(problems);
    return fail(std::move(error));
  }
  return user;
}

}  // namespace

void add_admin_routes(server::Router& router, ConsoleServices& services) {
  const Access admin = Access::at_least(Role::kAdmin);

  // Who the token is: the web UI shows the buttons the role allows.
  router.get(api("/whoami"), [](const Request& request) {
    const auto& principal = *request.principal;
    return Response::json(200, {{"user", principal.user},
                                {"role", std::string(server::role_name(principal.role))},
                                {"scopes", principal.scopes}});
  }, Access::at_least(Role::kViewer));

  router.get(api("/tokens"), [&services](const Request& request) {
    auto user = request.query_value("user");
    auto tokens = services.store.list_tokens(user ? std::optional<std::string>(*user) : std::nullopt);
    if (!tokens) return Response::error(tokens.error());
    json out = json::array();
    for (const auto& token : *tokens) {
      auto owner = services.store.get_user(token.user);
      out.push_back(token_json(token, owner ? std::optional<store::User>(*owner) : std::nullopt));
    }
    return Response::json(200, out);
  }, admin);

  // Creates the user on first use; an existing user's role and scopes become
  // what the request says (all of the user's tokens act with them).
  router.post(api("/tokens"), [&services](const Request& request) {
    auto body = request.json_body();
    if (!body) return Response::error(body.error(), 400);
    if (!body->is_object()) return Response::error(400, "body: expected a JSON object");
    auto wanted = user_from_body(*body);
    if (!wanted) return Response::error(wanted.error());
    auto existing = services.store.get_user(wanted->name);
    Result<store::User> user = existing ? services.store.update_user(*wanted)
                                        : (existing.error().code == ErrorCode::kNotFound
                                               ? services.store.create_user(*wanted)
                                               : Result<store::User>(fail(existing.error())));
    if (!user) return Response::error(user.error());
    auto token = services.store.create_token(user->name, body->value("description", ""));
    if (!token) return Response::error(token.error());
    services.store.append_audit({.user = user_of(request), .action = "token.create", .target = user->name,
                                 .details = {{"token", std::to_string(token->info.id)},
                                             {"role", std::string(store::to_string(user->role))},
                                             {"scopes", user->scopes}}});
    json out = token_json(token->info, *user);
    out["token"] = token->plaintext;  // the only time it is shown
    return Response::json(201, out);
  }, admin);

  router.remove(api("/tokens/{id}"), [&services](const Request& request) {
    std::string_view text = request.param("id");
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size())
      return Response::error(Error::not_found("no token " + std::string(text)));
    if (auto revoked = services.store.revoke_token(id); !revoked) return Response::error(revoked.error());
    services.store.append_audit({.user = user_of(request), .action = "token.revoke", .target = std::string(text)});
    return Response::no_content();
  }, admin);

  router.get(api("/audit"), [&services](const Request& request) {
    store::AuditFilter filter{.user = std::string(request.query_value("user").value_or("")),
                              .action = std::string(request.query_value("action").value_or("")),
                              .target = std::string(request.query_value("target").value_or(""))};
    auto limit = query_integer(request, "limit", 100, 1, 1000);
    if (!limit) return Response::error(limit.error());
    auto page = services.store.list_audit(
        filter, {.limit = static_cast<int>(*limit), .after = std::string(request.query_value("after").value_or(""))});
    if (!page) return Response::error(page.error());
    json items = json::array();
    for (const auto& entry : page->items) items.push_back(audit_json(entry));
    return Response::json(200, {{"items", std::move(items)}, {"next", page->next.empty() ? json(nullptr) : json(page->next)}});
  }, admin);
}

}  // namespace pier::console
