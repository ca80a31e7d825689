#include "cli/cluster_flags.h"

#include <cctype>
#include <cstdlib>

namespace pier::cli {

void ClusterFlags::add_to(CLI::App& app, bool with_namespace) {
  app.add_option("--kubeconfig", kubeconfig, "kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)");
  app.add_option("--context", context, "kubeconfig context (default: its current-context)");
  if (with_namespace) app.add_option("-n,--namespace", namespace_name, "namespace (default: the context's)");
}

kube::ConnectOptions ClusterFlags::connect_options() const {
  kube::ConnectOptions options;
  if (!kubeconfig.empty()) options.kubeconfig = kubeconfig;
  if (!context.empty()) options.context = context;
  return options;
}

Result<ClusterSession> open_cluster(const ClusterFlags& flags) {
  auto connection = kube::connect(flags.connect_options());
  if (!connection) return fail(connection.error());
  ClusterSession session;
  session.connection = std::move(*connection);
  session.client = std::make_unique<kube::Client>(session.connection.transport, session.connection.config.context_name);
  session.namespace_name = flags.namespace_name.empty() ? session.connection.config.namespace_name : flags.namespace_name;
  if (session.namespace_name.empty()) session.namespace_name = "default";
  return session;
}

Result<std::chrono::milliseconds> parse_duration(const std::string& text) {
  auto bad = [&] {
    return fail(Error::invalid("\"" + text + "\" is not a duration: expected e.g. 30s, 5m, 1h30m or a number of seconds"));
  };
  if (text.empty()) return bad();
  char* end = nullptr;
  double plain = std::strtod(text.c_str(), &end);
  if (end && *end == '\0') {
    if (plain < 0) return bad();
    return std::chrono::milliseconds(static_cast<int64_t>(plain * 1000));
  }
  double total_ms = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (start == i) return bad();
    double number = std::strtod(text.substr(start, i - start).c_str(), nullptr);
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string unit = text.substr(unit_start, i - unit_start);
    if (unit == "ms") total_ms += number;
    else if (unit == "s") total_ms += number * 1000;
    else if (unit == "m") total_ms += number * 60'000;
    else if (unit == "h") total_ms += number * 3'600'000;
    else return bad();
  }
  return std::chrono::milliseconds(static_cast<int64_t>(total_ms));
}

}  // namespace pier::cli
