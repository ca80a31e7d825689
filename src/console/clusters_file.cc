#include "console/clusters_file.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "console/access_scope.h"
#include "yamljson/json_parse.h"

namespace pier::console {

using nlohmann::json;

std::string ClustersFile::datacenter_of(std::string_view context) const {
  for (const auto& dc : datacenters)
    for (const auto& pattern : dc.context_patterns)
      if (glob_match(pattern, context)) return dc.name;
  return "";
}

namespace {

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  Error error(const std::string& where, const std::string& what) const {
    return Error::invalid(file_ + ": " + where + ": " + what);
  }

  Result<void> only_keys(const json& object, const std::string& where, std::initializer_list<std::string_view> keys) const {
    for (const auto& [key, value] : object.items()) {
      bool known = false;
      for (auto k : keys) known = known || key == k;
      if (!known) {
        std::string expected;
        for (auto k : keys) expected += (expected.empty() ? "" : ", ") + std::string(k);
        return fail(error(where.empty() ? key : where + "." + key, "unknown field (expected one of: " + expected + ")"));
      }
    }
    return {};
  }

  Result<std::string> name(const json& object, const std::string& where, const char* key, bool required) const {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
      if (required) return fail(error(where + "." + key, "required"));
      return std::string();
    }
    if (!it->is_string() || it->get<std::string>().empty())
      return fail(error(where + "." + key, "expected a non-empty string"));
    std::string text = it->get<std::string>();
    for (unsigned char c : text)
      if (c < 0x20 || c == '/' || c == ' ')
        return fail(error(where + "." + key, "must not contain '/', blanks or control characters"));
    return text;
  }

 private:
  std::string file_;
};

}  // namespace

Result<ClustersFile> parse_clusters_file(std::string_view text, const std::filesystem::path& file) {
  auto document = yamljson::parse_json_or_yaml(text, file.string());
  if (!document) return fail(document.error());
  Reader reader(file.string());
  ClustersFile result;
  if (document->is_null()) return result;
  if (!document->is_object()) return fail(reader.error("(top)", "expected a mapping"));
  if (auto ok = reader.only_keys(*document, "", {"datacenters", "gitops", "only_listed_contexts"}); !ok)
    return fail(ok.error());

  std::vector<std::string> names;
  auto add_name = [&](const std::string& name, const std::string& where) -> Result<void> {
    for (const auto& n : names)
      if (n == name) return fail(reader.error(where, "\"" + name + "\" is used twice"));
    names.push_back(name);
    return {};
  };

  if (auto dcs = document->find("datacenters"); dcs != document->end() && !dcs->is_null()) {
    if (!dcs->is_array()) return fail(reader.error("datacenters", "expected a list"));
    for (size_t i = 0; i < dcs->size(); ++i) {
      std::string where = "datacenters[" + std::to_string(i) + "]";
      const json& entry = (*dcs)[i];
      if (!entry.is_object()) return fail(reader.error(where, "expected a mapping with name and contexts"));
      if (auto ok = reader.only_keys(entry, where, {"name", "contexts"}); !ok) return fail(ok.error());
      auto name = reader.name(entry, where, "name", true);
      if (!name) return fail(name.error());
      DatacenterEntry dc{.name = *name};
      if (auto contexts = entry.find("contexts"); contexts != entry.end() && !contexts->is_null()) {
        if (!contexts->is_array()) return fail(reader.error(where + ".contexts", "expected a list of context names"));
        for (size_t j = 0; j < contexts->size(); ++j) {
          const json& c = (*contexts)[j];
          if (!c.is_string() || c.get<std::string>().empty())
            return fail(reader.error(where + ".contexts[" + std::to_string(j) + "]", "expected a context name"));
          dc.context_patterns.push_back(c.get<std::string>());
        }
      }
      for (const auto& existing : result.datacenters)
        if (existing.name == dc.name) return fail(reader.error(where + ".name", "\"" + dc.name + "\" is used twice"));
      result.datacenters.push_back(std::move(dc));
    }
  }

  if (auto targets = document->find("gitops"); targets != document->end() && !targets->is_null()) {
    if (!targets->is_array()) return fail(reader.error("gitops", "expected a list"));
    for (size_t i = 0; i < targets->size(); ++i) {
      std::string where = "gitops[" + std::to_string(i) + "]";
      const json& entry = (*targets)[i];
      if (!entry.is_object()) return fail(reader.error(where, "expected a mapping with name and dir"));
      if (auto ok = reader.only_keys(entry, where, {"name", "dir", "datacenter"}); !ok) return fail(ok.error());
      auto name = reader.name(entry, where, "name", true);
      if (!name) return fail(name.error());
      if (auto ok = add_name(*name, where + ".name"); !ok) return fail(ok.error());
      auto dir = entry.find("dir");
      if (dir == entry.end() || !dir->is_string() || dir->get<std::string>().empty())
        return fail(reader.error(where + ".dir", "expected a directory path"));
      std::filesystem::path path = dir->get<std::string>();
      if (path.is_relative()) path = std::filesystem::absolute(file).parent_path() / path;
      auto datacenter = reader.name(entry, where, "datacenter", false);
      if (!datacenter) return fail(datacenter.error());
      result.gitops.push_back({.name = *name, .dir = path.lexically_normal(), .datacenter = *datacenter});
    }
  }

  if (auto only = document->find("only_listed_contexts"); only != document->end() && !only->is_null()) {
    if (!only->is_boolean()) return fail(reader.error("only_listed_contexts", "expected true or false"));
    result.only_listed_contexts = only->get<bool>();
  }
  return result;
}

Result<ClustersFile> load_clusters_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(Error::not_found(file.string() + ": cannot read the clusters file"));
  std::stringstream text;
  text << in.rdbuf();
  return parse_clusters_file(text.str(), file);
}

Result<GitopsEntry> parse_gitops_flag(std::string_view flag) {
  size_t eq = flag.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == flag.size())
    return fail(Error::invalid("--gitops " + std::string(flag) + ": expected NAME=DIR"));
  std::string name(flag.substr(0, eq));
  for (unsigned char c : name)
    if (c < 0x20 || c == '/' || c == ' ')
      return fail(Error::invalid("--gitops " + std::string(flag) + ": the name must not contain '/' or blanks"));
  std::filesystem::path dir = std::filesystem::absolute(std::string(flag.substr(eq + 1))).lexically_normal();
  return GitopsEntry{.name = std::move(name), .dir = std::move(dir), .datacenter = ""};
}

}  // namespace pier::console
