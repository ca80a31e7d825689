#include "console_client/api_paths.h"

#include "common/url_encoding.h"

namespace pier::console_client {

namespace {

// A segment that is all dots would be read as "this folder" or "the parent
// folder" by whoever normalises the path: encode its dots.
std::string path_segment(std::string_view text) {
  if (text == "." || text == "..") return text == "." ? "%2E" : "%2E%2E";
  return percent_encode(text);
}

}  // namespace

std::string release_path(const ReleaseRef& release, std::string_view action) {
  std::string path = "/api/v1/releases/" + path_segment(release.cluster) + "/" + path_segment(release.namespace_name) +
                     "/" + path_segment(release.name);
  if (!action.empty()) {
    path += '/';
    path += action;
  }
  return path;
}

std::string operation_events_path(std::string_view operation_id) {
  return "/api/v1/operations/" + path_segment(operation_id) + "/events";
}

}  // namespace pier::console_client
