#include "kube/status_error.h"

#include <algorithm>
#include <cctype>

#include "kube/client.h"

namespace pier::kube {
namespace {

std::string string_at(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return {};
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const nlohmann::json* object_at(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  return it != object.end() && it->is_object() ? &*it : nullptr;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Request Entity Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

std::string status_line(int status) {
  std::string line = "HTTP " + std::to_string(status);
  if (auto phrase = reason_phrase(status); !phrase.empty()) {
    line += ' ';
    line += phrase;
  }
  return line;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string collapse_whitespace(std::string_view text) {
  std::string out;
  bool pending_space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

// A body that is not a Status: a proxy's HTML page, "404 page not found",
// nothing at all. Short enough for one line of a message.
std::string summarise_body(std::string_view body) {
  constexpr std::size_t kMaxLength = 200;
  std::string lowered = lower(body);
  std::string text;
  if (auto open = lowered.find("<title>"); open != std::string::npos) {
    auto start = open + 7;
    auto close = lowered.find("</title>", start);
    text = collapse_whitespace(body.substr(start, close == std::string::npos ? std::string_view::npos : close - start));
  }
  if (text.empty()) text = collapse_whitespace(body);
  if (text.empty()) return "(empty body)";
  if (text.size() > kMaxLength) text = text.substr(0, kMaxLength) + "...";
  return text;
}

ErrorCode code_for(int status) {
  if (status == 400 || status == 422 || status == 405 || status == 413) return ErrorCode::kInvalidInput;
  if (status == 401 || status == 403) return ErrorCode::kDenied;
  if (status == 404) return ErrorCode::kNotFound;
  if (status == 409 || status == 410) return ErrorCode::kConflict;
  if (status == 429 || status >= 500) return ErrorCode::kUnavailable;
  if (status >= 400) return ErrorCode::kInvalidInput;
  return ErrorCode::kInternal;  // 1xx/3xx where an answer was due: not what a Kubernetes server sends
}

Retry retry_for(int status) {
  if (status == 410) return Retry::kResync;
  if (status == 429 || status >= 500) return Retry::kYes;
  return Retry::kNo;
}

// "deployments.apps", "pods": the way kubectl names a resource.
std::string qualified_resource(std::string_view resource, std::string_view group) {
  std::string out(resource);
  if (!group.empty()) {
    out += '.';
    out += group;
  }
  return out;
}

std::string denied_hint(int status, const Attempt& attempt, const nlohmann::json* details) {
  if (status == 401)
    return "the server refused the credentials: the token is expired or invalid, or the client certificate is not "
           "signed by the cluster's CA; refresh the kubeconfig";
  std::string resource = attempt.resource;
  std::string group = attempt.group;
  if (resource.empty() && details) {
    resource = string_at(*details, "kind");  // a Forbidden Status names the resource here
    group = string_at(*details, "group");
  }
  std::string verb = attempt.verb.empty() ? std::string("access") : attempt.verb;
  if (resource.empty()) return "RBAC does not allow this user to " + verb + " it";
  std::string target = qualified_resource(resource, group);
  std::string hint = "RBAC must allow verb \"" + verb + "\" on \"" + target;
  if (!attempt.subresource.empty()) hint += "/" + attempt.subresource;
  hint += "\"";
  hint += attempt.namespace_name.empty() ? std::string() : " in namespace " + attempt.namespace_name;
  hint += "; check with: kubectl auth can-i " + verb + " " + target;
  if (!attempt.subresource.empty()) hint += " --subresource=" + attempt.subresource;
  if (!attempt.namespace_name.empty()) hint += " -n " + attempt.namespace_name;
  return hint;
}

}  // namespace

std::string context_label(std::string_view context_name) { return "context " + std::string(context_name); }

std::string rbac_verb_for(std::string_view what) {
  std::string_view word = what.substr(0, what.find(' '));
  if (word == "apply") return "patch";
  if (word == "replace") return "update";
  if (word == "remove") return "delete";
  return std::string(word);
}

Error error_from_status(int http_status, const nlohmann::json* status, std::string_view raw_body,
                        std::string_view context_label, const Attempt& attempt) {
  int code = http_status;
  if (code == 0 && status && status->contains("code") && (*status)["code"].is_number_integer())
    code = (*status)["code"].get<int>();

  std::string server_message;
  const nlohmann::json* details = nullptr;
  if (status) {
    server_message = string_at(*status, "message");
    if (server_message.empty()) server_message = string_at(*status, "reason");
    if (server_message.empty()) server_message = status_line(code);
    details = object_at(*status, "details");
  } else {
    server_message = status_line(code) + ", not a Kubernetes Status (a proxy in between?): " + summarise_body(raw_body);
  }

  Error error = Error::make(code_for(code), std::string(context_label) + ": " + attempt.what + ": " + server_message,
                            retry_for(code));

  bool field_manager_conflict = false;
  if (details && details->contains("causes") && (*details)["causes"].is_array()) {
    for (const auto& cause : (*details)["causes"]) {
      std::string message = string_at(cause, "message");
      if (message.empty()) message = string_at(cause, "reason");
      if (string_at(cause, "reason") == "FieldManagerConflict") field_manager_conflict = true;
      error.details.push_back({string_at(cause, "field"), std::move(message)});
    }
  }

  if (code == 409 && field_manager_conflict)
    error.message +=
        " (other field managers own these fields: re-run with --force-conflicts to take them over, or leave them "
        "out of the manifest)";
  if (code == 401 || code == 403) error.message += " (" + denied_hint(code, attempt, details) + ")";
  return error;
}

Error with_context(Error error, std::string_view context_label, std::string_view what) {
  const std::string own_prefix = std::string(context_label) + ": ";
  if (error.message.starts_with(own_prefix)) {
    // Ours already (discovery): the attempt goes after the cluster.
    error.message.insert(own_prefix.size(), std::string(what) + ": ");
  } else if (error.message.find(context_label) != std::string::npos) {
    error.message.insert(0, std::string(what) + ": ");  // the transport named the cluster (and its URL)
  } else {
    error.message.insert(0, own_prefix + std::string(what) + ": ");
  }
  return error;
}

Error error_from_response(const HttpResponse& response, std::string_view context_name, std::string_view what) {
  Attempt attempt;
  attempt.what = std::string(what);
  attempt.verb = rbac_verb_for(what);
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  const bool is_status = body.is_object() && string_at(body, "kind") == "Status";
  return error_from_status(response.status, is_status ? &body : nullptr, response.body, context_label(context_name),
                           attempt);
}

}  // namespace pier::kube
