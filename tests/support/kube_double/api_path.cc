#include "api_path.h"

#include <vector>

namespace pier::testing::kube_double {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<std::string> split_segments(std::string_view path) {
  std::vector<std::string> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) segments.push_back(percent_decode(path.substr(start, slash - start), false));
    start = slash + 1;
  }
  return segments;
}

// Everything after /api/v1 or /apis/<group>/<version>.
void parse_resource_segments(const std::vector<std::string>& rest, ApiPath& api) {
  if (rest.empty()) {
    api.kind = ApiPath::Kind::kResourceList;
    return;
  }
  api.kind = ApiPath::Kind::kResource;
  size_t i = 0;
  // /namespaces/<ns>/<resource>...: a namespaced request. /namespaces/<ns>
  // and /namespaces/<ns>/status|finalize address the Namespace itself.
  if (rest.size() >= 3 && rest[0] == "namespaces" && rest[2] != "status" && rest[2] != "finalize") {
    api.namespace_name = rest[1];
    i = 2;
  }
  api.resource = rest[i];
  if (i + 1 < rest.size()) api.name = rest[i + 1];
  if (i + 2 < rest.size()) api.subresource = rest[i + 2];
  if (i + 3 < rest.size()) api.kind = ApiPath::Kind::kUnknown;
}

}  // namespace

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int high = hex_value(text[i + 1]);
      int low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

Query Query::parse(std::string_view query_string) {
  Query query;
  size_t start = 0;
  while (start < query_string.size()) {
    size_t amp = query_string.find('&', start);
    if (amp == std::string_view::npos) amp = query_string.size();
    std::string_view pair = query_string.substr(start, amp - start);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string key = percent_decode(pair.substr(0, eq), true);
      std::string value = eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1), true);
      query.params_.emplace(std::move(key), std::move(value));
    }
    start = amp + 1;
  }
  return query;
}

std::optional<std::string> Query::get(const std::string& key) const {
  auto it = params_.find(key);
  if (it == params_.end()) return std::nullopt;
  return it->second;
}

std::string Query::get_or(const std::string& key, std::string fallback) const {
  auto it = params_.find(key);
  return it == params_.end() ? std::move(fallback) : it->second;
}

bool Query::flag(const std::string& key) const {
  auto it = params_.find(key);
  if (it == params_.end()) return false;
  return it->second == "true" || it->second == "1" || it->second.empty();
}

Target parse_target(std::string_view target) {
  Target result;
  size_t question = target.find('?');
  std::string_view raw_path = target.substr(0, question);
  if (question != std::string_view::npos) result.query = Query::parse(target.substr(question + 1));
  result.path = percent_decode(raw_path, false);

  std::vector<std::string> segments = split_segments(raw_path);
  ApiPath& api = result.api;
  if (segments.size() == 1 && segments[0] == "version") {
    api.kind = ApiPath::Kind::kVersion;
  } else if (segments.size() == 1 && (segments[0] == "healthz" || segments[0] == "readyz" || segments[0] == "livez")) {
    api.kind = ApiPath::Kind::kHealth;
  } else if (!segments.empty() && segments[0] == "api") {
    if (segments.size() == 1) {
      api.kind = ApiPath::Kind::kCoreVersions;
    } else {
      api.version = segments[1];
      parse_resource_segments({segments.begin() + 2, segments.end()}, api);
    }
  } else if (!segments.empty() && segments[0] == "apis") {
    if (segments.size() == 1) {
      api.kind = ApiPath::Kind::kGroupList;
    } else if (segments.size() == 2) {
      api.kind = ApiPath::Kind::kGroup;
      api.group = segments[1];
    } else {
      api.group = segments[1];
      api.version = segments[2];
      parse_resource_segments({segments.begin() + 3, segments.end()}, api);
    }
  }
  return result;
}

}  // namespace pier::testing::kube_double
