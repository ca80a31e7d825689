#include "kube/in_cluster.h"

#include <cstdlib>
#include <system_error>

#include "common/files.h"

namespace pier::kube {

namespace {

std::string trim(std::string text) {
  auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!text.empty() && is_space(text.back())) text.pop_back();
  size_t start = 0;
  while (start < text.size() && is_space(text[start])) ++start;
  return text.substr(start);
}

}  // namespace

InClusterSource InClusterSource::from_process() {
  InClusterSource source;
  if (const char* host = std::getenv("KUBERNETES_SERVICE_HOST")) source.service_host = host;
  if (const char* port = std::getenv("KUBERNETES_SERVICE_PORT")) source.service_port = port;
  return source;
}

bool InClusterSource::available() const {
  std::error_code ec;
  return !service_host.empty() && !service_port.empty() && std::filesystem::exists(account_dir / "token", ec);
}

Result<ClusterConfig> in_cluster_config(const InClusterSource& source) {
  if (source.service_host.empty() || source.service_port.empty())
    return fail(Error::invalid(
        "in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set (not running in a pod?)"));
  const std::filesystem::path token = source.account_dir / "token";
  const std::filesystem::path ca = source.account_dir / "ca.crt";
  std::error_code ec;
  if (!std::filesystem::exists(token, ec))
    return fail(Error::not_found("in-cluster: " + token.string() + ": missing (is a service account token mounted?)"));
  if (!std::filesystem::exists(ca, ec))
    return fail(Error::not_found("in-cluster: " + ca.string() + ": missing"));

  ClusterConfig config;
  config.context_name = "in-cluster";
  config.source = "in-cluster";
  // An IPv6 service address needs brackets in a URL.
  const bool ipv6 = source.service_host.find(':') != std::string::npos;
  config.server = "https://" + (ipv6 ? "[" + source.service_host + "]" : source.service_host) + ":" +
                  source.service_port;
  config.certificate_authority.file = ca.string();
  config.token_file = token.string();
  if (auto ns = read_file(source.account_dir / "namespace")) {
    std::string name = trim(*ns);
    if (!name.empty()) config.namespace_name = name;
  }
  return config;
}

}  // namespace pier::kube
