#include "kube/connect.h"

#include "common/files.h"
#include "kube/curl_transport.h"

namespace pier::kube {

namespace {

std::string context_prefix(const ClusterConfig& config) {
  return "context " + config.context_name + (config.source.empty() ? "" : " (" + config.source + ")") + ": ";
}

// PEM bytes inline or from the named file.
Result<std::string> read_pem(const PemSource& source, const ClusterConfig& config, const std::string& field) {
  if (!source.data.empty() || source.file.empty()) return source.data;
  auto text = read_file(source.file);
  if (!text) return fail(Error::make(text.error().code, context_prefix(config) + field + ": " + text.error().message));
  return std::move(*text);
}

}  // namespace

Result<std::shared_ptr<CredentialSource>> make_credential_source(const ClusterConfig& config, const std::string& ca_pem,
                                                                 const TransportOptions& options) {
  if (!config.token_file.empty())
    return std::shared_ptr<CredentialSource>(
        std::make_shared<TokenFileSource>(config.token_file, config.token, *options.clock));
  if (!config.token.empty()) return std::shared_ptr<CredentialSource>(std::make_shared<StaticTokenSource>(config.token));
  if (config.exec) {
    ExecPluginOptions exec_options = options.exec;
    exec_options.cluster_info = exec_cluster_info(config, ca_pem);
    return std::shared_ptr<CredentialSource>(
        std::make_shared<ExecCredentialSource>(*config.exec, std::move(exec_options), *options.clock));
  }
  if (!config.auth_provider.empty())
    return fail(Error::invalid(context_prefix(config) + "user " + config.user_name + " uses auth-provider \"" +
                               config.auth_provider +
                               "\", which kubectl has dropped and pier does not support; use an exec credential "
                               "plugin instead (for OIDC: kubelogin)"));
  return std::shared_ptr<CredentialSource>();
}

Result<std::shared_ptr<Transport>> connect(const ClusterConfig& config, const TransportOptions& options) {
  auto ca = read_pem(config.certificate_authority, config, "certificate-authority");
  if (!ca) return fail(ca.error());
  auto cert = read_pem(config.client_certificate, config, "client-certificate");
  if (!cert) return fail(cert.error());
  auto key = read_pem(config.client_key, config, "client-key");
  if (!key) return fail(key.error());
  auto credentials = make_credential_source(config, *ca, options);
  if (!credentials) return fail(credentials.error());

  CurlTransportConfig transport;
  transport.context_name = config.context_name;
  transport.server = config.server;
  transport.ca_pem = std::move(*ca);
  transport.insecure_skip_tls_verify = config.insecure_skip_tls_verify;
  transport.tls_server_name = config.tls_server_name;
  transport.proxy_url = config.proxy_url;
  transport.disable_compression = config.disable_compression;
  transport.client_certificate_pem = std::move(*cert);
  transport.client_key_pem = std::move(*key);
  transport.credentials = std::move(*credentials);
  transport.connect_timeout = options.connect_timeout;
  transport.retry = options.retry;
  transport.user_agent = options.user_agent;
  transport.warn = options.warn;
  auto created = CurlTransport::create(std::move(transport));
  if (!created) return fail(created.error());
  return std::shared_ptr<Transport>(std::move(*created));
}

Result<ClusterConfig> choose_cluster(const ConnectOptions& options) {
  const auto files = kubeconfig_files(options.kubeconfig, options.environment);
  const bool context_chosen = options.context && !options.context->empty();
  if (files.empty()) {
    if (!context_chosen && options.in_cluster.available()) return in_cluster_config(options.in_cluster);
    std::string where = options.environment.kubeconfig && !options.environment.kubeconfig->empty()
                            ? "none of the files in KUBECONFIG (" + *options.environment.kubeconfig + ") exists"
                            : "~/.kube/config does not exist and KUBECONFIG is not set";
    return fail(Error::invalid("no kubeconfig: " + where +
                               (context_chosen ? "" : ", and this is not a pod with a service account") +
                               "; pass --kubeconfig"));
  }
  auto kubeconfig = load_kubeconfig(files);
  if (!kubeconfig) return fail(kubeconfig.error());
  const bool defines_nothing = kubeconfig->contexts.empty() && kubeconfig->clusters.empty();
  if (defines_nothing && !context_chosen && !options.kubeconfig && options.in_cluster.available())
    return in_cluster_config(options.in_cluster);
  return resolve_context(*kubeconfig, options.context.value_or(""));
}

Result<Connection> connect(const ConnectOptions& options) {
  auto config = choose_cluster(options);
  if (!config) return fail(config.error());
  auto transport = connect(*config, options.transport);
  if (!transport) return fail(transport.error());
  return Connection{std::move(*config), std::move(*transport)};
}

}  // namespace pier::kube
