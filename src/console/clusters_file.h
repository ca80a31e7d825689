// The console's clusters file: which data center each kubeconfig context is
// in, and the gitops targets (directories of manifests) besides them.
//
//   # pier serve --clusters clusters.yaml
//   datacenters:
//     - name: beijing
//       contexts: [prod-bj, "staging-bj-*"]   # names or `*` patterns
//     - name: shanghai
//       contexts: [prod-sh]
//   gitops:
//     - name: argo-prod            # the target's name, used like a cluster name
//       dir: /srv/gitops           # relative paths are relative to this file
//       datacenter: beijing
//   only_listed_contexts: false    # true: contexts no data center lists are not offered
//
// Errors name the file and the field ("clusters.yaml: gitops[1].dir: expected
// a string"); unknown fields are refused, so that a typo is not silently ignored.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace pier::console {

struct DatacenterEntry {
  std::string name;
  std::vector<std::string> context_patterns;
};

struct GitopsEntry {
  std::string name;
  std::filesystem::path dir;  // absolute once loaded
  std::string datacenter;
};

struct ClustersFile {
  std::vector<DatacenterEntry> datacenters;
  std::vector<GitopsEntry> gitops;
  bool only_listed_contexts = false;

  // The data center whose patterns match the context first ("" when none does).
  std::string datacenter_of(std::string_view context) const;
};

// `text` is YAML or JSON; `file` names it in errors and anchors relative dirs.
Result<ClustersFile> parse_clusters_file(std::string_view text, const std::filesystem::path& file);
Result<ClustersFile> load_clusters_file(const std::filesystem::path& file);

// "NAME=DIR" as given to `pier serve --gitops`.
Result<GitopsEntry> parse_gitops_flag(std::string_view flag);

}  // namespace pier::console
