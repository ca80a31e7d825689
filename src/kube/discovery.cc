#include "kube/discovery.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "kube/status_error.h"

namespace pier::kube {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string string_at(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return {};
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> strings_at(const nlohmann::json& object, const char* name) {
  std::vector<std::string> out;
  if (!object.is_object()) return out;
  auto it = object.find(name);
  if (it == object.end() || !it->is_array()) return out;
  for (const auto& item : *it)
    if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

const nlohmann::json& array_at(const nlohmann::json& object, const char* name) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  if (!object.is_object()) return kEmpty;
  auto it = object.find(name);
  return it != object.end() && it->is_array() ? *it : kEmpty;
}

// One way to read what the user typed; empty group/version = any.
struct NameForm {
  std::string resource;
  std::string version;
  std::string group;
  bool group_given = false;
};

// The forms kubectl tries, in its order: "resource.version.group" (when
// there are two dots or more), then "resource.group", then "resource".
std::vector<NameForm> name_forms(const std::string& name) {
  std::vector<NameForm> forms;
  auto first_dot = name.find('.');
  if (first_dot == std::string::npos) {
    forms.push_back({name, "", "", false});
    return forms;
  }
  auto second_dot = name.find('.', first_dot + 1);
  if (second_dot != std::string::npos)
    forms.push_back({name.substr(0, first_dot), name.substr(first_dot + 1, second_dot - first_dot - 1),
                     name.substr(second_dot + 1), true});
  forms.push_back({name.substr(0, first_dot), "", name.substr(first_dot + 1), true});
  return forms;
}

bool names_resource(const ResourceInfo& info, const std::string& lowered) {
  if (lowered == info.resource || lowered == info.singular_name || lowered == lower(info.gvk.kind)) return true;
  return std::find(info.short_names.begin(), info.short_names.end(), lowered) != info.short_names.end();
}

}  // namespace

Discovery::Discovery(Transport& transport) : transport_(transport), context_label_(transport.describe()) {}

Discovery::Discovery(Transport& transport, std::string context_name)
    : transport_(transport), context_label_(context_label(context_name)) {}

void Discovery::invalidate() {
  std::lock_guard lock(mutex_);
  loaded_ = false;
}

Result<std::vector<ResourceInfo>> Discovery::resources() {
  std::lock_guard lock(mutex_);
  if (auto loaded = ensure_loaded_locked(); !loaded) return fail(loaded.error());
  return resources_;
}

Result<void> Discovery::ensure_loaded_locked() {
  if (loaded_) return {};
  return refresh_locked();
}

Result<nlohmann::json> Discovery::fetch_locked(const std::string& path) {
  HttpRequest request;
  request.path = path;
  const std::string what = "read discovery " + path;
  auto response = transport_.send(request);
  if (!response) return fail(with_context(response.error(), context_label_, what));
  nlohmann::json body = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (response->status < 200 || response->status > 299) {
    const bool is_status = body.is_object() && string_at(body, "kind") == "Status";
    Attempt attempt{.what = what, .verb = "get"};
    return fail(error_from_status(response->status, is_status ? &body : nullptr, response->body, context_label_,
                                  attempt));
  }
  if (!body.is_object())
    return fail(Error::make(ErrorCode::kUnavailable, context_label_ + ": " + what + ": the reply is not a JSON object",
                            Retry::kYes));
  return body;
}

void Discovery::add_resource_list_locked(const std::string& group, const std::string& version,
                                         const nlohmann::json& list, bool preferred, std::vector<ResourceInfo>& all,
                                         std::vector<ResourceInfo>& preferred_out) {
  const auto& entries = array_at(list, "resources");
  // Subresources ("deployments/status", "pods/log") are not kinds of their
  // own; the status one tells whether replace_status can work.
  std::set<std::string> with_status;
  for (const auto& entry : entries) {
    std::string name = string_at(entry, "name");
    auto slash = name.find('/');
    if (slash != std::string::npos && name.substr(slash + 1) == "status") with_status.insert(name.substr(0, slash));
  }
  for (const auto& entry : entries) {
    std::string name = string_at(entry, "name");
    if (name.empty() || name.find('/') != std::string::npos) continue;
    ResourceInfo info;
    info.gvk.group = group;
    info.gvk.version = version;
    info.gvk.kind = string_at(entry, "kind");
    info.resource = name;
    info.singular_name = string_at(entry, "singularName");
    auto namespaced = entry.find("namespaced");
    info.namespaced = namespaced != entry.end() && namespaced->is_boolean() && namespaced->get<bool>();
    info.verbs = strings_at(entry, "verbs");
    info.short_names = strings_at(entry, "shortNames");
    info.has_status = with_status.contains(name);
    if (info.gvk.kind.empty()) continue;
    all.push_back(info);
    if (preferred) preferred_out.push_back(std::move(info));
  }
}

Result<void> Discovery::refresh_locked() {
  std::vector<ResourceInfo> all;
  std::vector<ResourceInfo> preferred;
  std::vector<std::string> failed;

  // The core group: /api lists its versions, the first one preferred.
  auto core = fetch_locked("/api");
  if (!core) return fail(core.error());
  bool first = true;
  for (const std::string& version : strings_at(*core, "versions")) {
    auto list = fetch_locked("/api/" + version);
    if (!list) {
      failed.push_back(version + ": " + list.error().message);
    } else {
      add_resource_list_locked("", version, *list, first, all, preferred);
    }
    first = false;
  }

  auto groups = fetch_locked("/apis");
  if (!groups) return fail(groups.error());
  for (const auto& group : array_at(*groups, "groups")) {
    std::string name = string_at(group, "name");
    if (name.empty()) continue;
    std::string preferred_version;
    if (auto it = group.find("preferredVersion"); it != group.end())
      preferred_version = string_at(*it, "version");
    std::vector<std::string> versions;
    for (const auto& entry : array_at(group, "versions")) {
      std::string version = string_at(entry, "version");
      if (!version.empty()) versions.push_back(std::move(version));
    }
    if (preferred_version.empty() && !versions.empty()) preferred_version = versions.front();
    // The preferred version first, the others in the server's order.
    std::stable_partition(versions.begin(), versions.end(),
                          [&](const std::string& v) { return v == preferred_version; });
    for (const std::string& version : versions) {
      auto list = fetch_locked("/apis/" + name + "/" + version);
      if (!list) {
        failed.push_back(name + "/" + version + ": " + list.error().message);
        continue;
      }
      add_resource_list_locked(name, version, *list, version == preferred_version, all, preferred);
    }
  }

  resources_ = std::move(all);
  preferred_ = std::move(preferred);
  failed_group_versions_ = std::move(failed);
  loaded_ = true;
  return {};
}

Error Discovery::not_found_locked(std::string message) const {
  Error error = Error::not_found(context_label_ + ": " + message);
  for (const auto& failed : failed_group_versions_)
    error.details.push_back({"", "discovery failed for " + failed});
  return error;
}

Result<const ResourceInfo*> Discovery::find_refreshing_locked(const std::function<const ResourceInfo*()>& find) {
  bool refreshed = !loaded_;
  if (auto loaded = ensure_loaded_locked(); !loaded) return fail(loaded.error());
  const ResourceInfo* info = find();
  if (!info && !refreshed) {
    // Maybe installed since the cache was read (a CRD): read once more.
    if (auto again = refresh_locked(); !again) return fail(again.error());
    info = find();
  }
  return info;
}

Result<ResourceInfo> Discovery::resolve(const GroupVersionKind& gvk) {
  auto find = [&]() -> const ResourceInfo* {
    auto matches = [&](const ResourceInfo& info) {
      return info.gvk.group == gvk.group && info.gvk.kind == gvk.kind &&
             (gvk.version.empty() || info.gvk.version == gvk.version);
    };
    if (gvk.version.empty())
      for (const auto& info : preferred_)
        if (matches(info)) return &info;
    for (const auto& info : resources_)
      if (matches(info)) return &info;
    return nullptr;
  };

  std::lock_guard lock(mutex_);
  auto found = find_refreshing_locked(find);
  if (!found) return fail(found.error());
  if (*found) return **found;
  std::string served;
  for (const auto& r : resources_)
    if (r.gvk.group == gvk.group && r.gvk.kind == gvk.kind)
      served += (served.empty() ? "" : ", ") + r.gvk.api_version();
  std::string message = "the server does not serve " + gvk.api_version() + " " + gvk.kind;
  if (!served.empty()) message += " (it serves " + gvk.kind + " as " + served + ")";
  return fail(not_found_locked(std::move(message)));
}

Result<ResourceInfo> Discovery::resolve_name(std::string_view name) {
  const std::string lowered = lower(name);
  const auto forms = name_forms(lowered);
  auto find = [&]() -> const ResourceInfo* {
    for (const auto& form : forms)
      for (const auto& info : resources_) {
        if (form.group_given && info.gvk.group != form.group) continue;
        if (!form.version.empty() && info.gvk.version != form.version) continue;
        if (names_resource(info, form.resource)) return &info;
      }
    return nullptr;
  };

  std::lock_guard lock(mutex_);
  auto found = find_refreshing_locked(find);
  if (!found) return fail(found.error());
  if (*found) return **found;
  return fail(not_found_locked("the server doesn't have a resource type \"" + std::string(name) + "\""));
}

}  // namespace pier::kube
