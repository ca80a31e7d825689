#include "lb/cluster_feedback.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace pier::lb {
namespace {

std::string rfc3339(std::chrono::system_clock::time_point t) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// Object names: lower case, digits, '-' and '.', at most 253.
std::string event_name(const EventNote& note, std::chrono::system_clock::time_point now) {
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  char suffix[24];
  std::snprintf(suffix, sizeof suffix, ".%llx", static_cast<unsigned long long>(nanos));
  std::string base = note.name.substr(0, 200);
  for (char& c : base)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) c = '-';
  return base + suffix;
}

}  // namespace

Result<void> KubeFeedback::write_ingress(const std::string& service, const nlohmann::json& ingress) {
  kube::ObjectPtr current = inputs_.service(service);
  if (!current) return {};  // deleted meanwhile: nothing to report on
  const nlohmann::json* shown = nullptr;
  if (auto status = current->find("status"); status != current->end())
    if (auto lb = status->find("loadBalancer"); lb != status->end())
      if (auto in = lb->find("ingress"); in != lb->end()) shown = &*in;
  bool empty_wanted = ingress.is_null() || (ingress.is_array() && ingress.empty());
  if (shown ? *shown == ingress : empty_wanted) return {};
  nlohmann::json updated = *current;
  updated["status"]["loadBalancer"]["ingress"] = ingress;
  auto written = client_.replace_status(updated);
  if (!written) return fail(written.error());
  return {};
}

Result<void> KubeFeedback::record(const EventNote& note) {
  auto now = clock_.wall_now();
  std::string api_version = "v1";
  std::string uid;
  if (note.kind == "Service") {
    if (auto svc = inputs_.service(note.namespace_name + "/" + note.name))
      uid = svc->value("/metadata/uid"_json_pointer, std::string());
  } else if (note.kind == "ConfigMap") {
    if (auto cm = inputs_.configmap()) uid = cm->value("/metadata/uid"_json_pointer, std::string());
  }
  nlohmann::json involved = {{"apiVersion", api_version}, {"kind", note.kind}, {"namespace", note.namespace_name},
                             {"name", note.name}};
  if (!uid.empty()) involved["uid"] = uid;
  std::string when = rfc3339(now);
  nlohmann::json event = {
      {"apiVersion", "v1"},
      {"kind", "Event"},
      {"metadata", {{"name", event_name(note, now)}, {"namespace", note.namespace_name}}},
      {"involvedObject", involved},
      {"type", note.type},
      {"reason", note.reason},
      // The API server refuses messages over 1 KiB.
      {"message", note.message.substr(0, 1000)},
      {"source", {{"component", "pier-lb"}, {"host", options_.node}}},
      {"reportingComponent", "pier.io/lb"},
      {"reportingInstance", options_.node},
      {"firstTimestamp", when},
      {"lastTimestamp", when},
      {"count", 1},
  };
  auto created = client_.create(event);
  if (!created) return fail(created.error());
  return {};
}

}  // namespace pier::lb
