#include "kube/kubeconfig.h"

#include <cstdlib>
#include <set>
#include <system_error>

#include "common/files.h"
#include "kube/base64.h"
#include "yamljson/yaml_to_json.h"

namespace pier::kube {

namespace {

using nlohmann::json;

constexpr std::string_view kExecExtensionName = "client.authentication.k8s.io/exec";

// Reads typed fields of one file's JSON, turning every mismatch into
// "file: path: message". Values are never quoted in messages: they may be secrets.
class FieldReader {
 public:
  FieldReader(std::string file, std::filesystem::path base_dir) : file_(std::move(file)), base_dir_(std::move(base_dir)) {}

  Error error(const std::string& path, const std::string& message) const {
    return Error::invalid(file_ + ": " + path + ": " + message);
  }

  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

  // Missing or null: "". Anything but a string: an error.
  Result<std::string> string(const json& object, std::string_view key, const std::string& path) const {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::string();
    if (!it->is_string()) return fail(error(join(path, key), "expected a string, found " + type_name(*it)));
    return it->get<std::string>();
  }

  Result<bool> boolean(const json& object, std::string_view key, const std::string& path) const {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return false;
    if (!it->is_boolean()) return fail(error(join(path, key), "expected true or false, found " + type_name(*it)));
    return it->get<bool>();
  }

  // Missing or null: an empty array.
  Result<const json*> array(const json& object, std::string_view key, const std::string& path) const {
    static const json kEmpty = json::array();
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return &kEmpty;
    if (!it->is_array()) return fail(error(join(path, key), "expected a list, found " + type_name(*it)));
    return &*it;
  }

  // Missing or null: an empty object.
  Result<const json*> object(const json& parent, std::string_view key, const std::string& path) const {
    static const json kEmpty = json::object();
    auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) return &kEmpty;
    if (!it->is_object()) return fail(error(join(path, key), "expected a mapping, found " + type_name(*it)));
    return &*it;
  }

  Result<std::string> base64_field(const json& object, std::string_view key, const std::string& path) const {
    auto text = string(object, key, path);
    if (!text) return fail(text.error());
    auto bytes = base64_decode(*text);
    if (!bytes) return fail(error(join(path, key), "not valid base64"));
    return std::move(*bytes);
  }

  // A path relative to the kubeconfig file's directory, made absolute.
  Result<std::string> path_field(const json& object, std::string_view key, const std::string& path) const {
    auto text = string(object, key, path);
    if (!text) return fail(text.error());
    return resolve(*text);
  }

  std::string resolve(const std::string& path) const {
    if (path.empty()) return path;
    std::filesystem::path p(path);
    if (p.is_absolute()) return path;
    return (base_dir_ / p).lexically_normal().string();
  }

  static std::string type_name(const json& value) {
    switch (value.type()) {
      case json::value_t::object: return "a mapping";
      case json::value_t::array: return "a list";
      case json::value_t::string: return "a string";
      case json::value_t::boolean: return "a boolean";
      case json::value_t::null: return "null";
      default: return "a number";
    }
  }

 private:
  std::string file_;
  std::filesystem::path base_dir_;
};

// Each entry of a named list (clusters, users, contexts) is {name, <body_key>: {...}}.
template <class Entry, class ParseBody>
Result<void> parse_named_list(const FieldReader& reader, const json& top, std::string_view list_key,
                              std::string_view body_key, const std::string& file, std::vector<Entry>& out,
                              ParseBody parse_body) {
  auto list = reader.array(top, list_key, "");
  if (!list) return fail(list.error());
  std::set<std::string> seen;
  for (size_t i = 0; i < (*list)->size(); ++i) {
    const json& item = (**list)[i];
    const std::string path = std::string(list_key) + "[" + std::to_string(i) + "]";
    if (!item.is_object()) return fail(reader.error(path, "expected a mapping, found " + FieldReader::type_name(item)));
    auto name = reader.string(item, "name", path);
    if (!name) return fail(name.error());
    if (name->empty()) return fail(reader.error(path + ".name", "missing"));
    if (!seen.insert(*name).second)
      return fail(reader.error(path + ".name", "\"" + *name + "\" is defined twice in this file"));
    auto body = reader.object(item, body_key, path);
    if (!body) return fail(body.error());
    Entry entry;
    entry.name = *name;
    entry.origin = {file, path};
    auto parsed = parse_body(**body, path + "." + std::string(body_key), entry);
    if (!parsed) return fail(parsed.error());
    out.push_back(std::move(entry));
  }
  return {};
}

Result<void> parse_cluster(const FieldReader& r, const json& body, const std::string& path, KubeconfigCluster& c) {
  auto server = r.string(body, "server", path);
  if (!server) return fail(server.error());
  auto ca_file = r.path_field(body, "certificate-authority", path);
  if (!ca_file) return fail(ca_file.error());
  auto ca_data = r.base64_field(body, "certificate-authority-data", path);
  if (!ca_data) return fail(ca_data.error());
  auto insecure = r.boolean(body, "insecure-skip-tls-verify", path);
  if (!insecure) return fail(insecure.error());
  auto server_name = r.string(body, "tls-server-name", path);
  if (!server_name) return fail(server_name.error());
  auto proxy = r.string(body, "proxy-url", path);
  if (!proxy) return fail(proxy.error());
  auto no_compression = r.boolean(body, "disable-compression", path);
  if (!no_compression) return fail(no_compression.error());
  auto extensions = r.array(body, "extensions", path);
  if (!extensions) return fail(extensions.error());
  for (const json& extension : **extensions) {
    if (extension.is_object() && extension.value("name", json()) == kExecExtensionName)
      c.exec_config = extension.value("extension", json());
  }
  c.server = std::move(*server);
  c.certificate_authority = {std::move(*ca_data), std::move(*ca_file)};
  c.insecure_skip_tls_verify = *insecure;
  c.tls_server_name = std::move(*server_name);
  c.proxy_url = std::move(*proxy);
  c.disable_compression = *no_compression;
  return {};
}

Result<ExecInteractiveMode> parse_interactive_mode(const FieldReader& r, const std::string& text,
                                                   const std::string& path) {
  // kubectl requires the field for v1; pier takes the v1beta1 default for
  // both, which accepts every kubeconfig kubectl accepts.
  if (text.empty() || text == "IfAvailable") return ExecInteractiveMode::kIfAvailable;
  if (text == "Never") return ExecInteractiveMode::kNever;
  if (text == "Always") return ExecInteractiveMode::kAlways;
  return fail(r.error(path, "\"" + text + "\" is not one of Never, IfAvailable, Always"));
}

Result<ExecConfig> parse_exec(const FieldReader& r, const json& exec, const std::string& path) {
  ExecConfig config;
  auto api_version = r.string(exec, "apiVersion", path);
  if (!api_version) return fail(api_version.error());
  auto command = r.string(exec, "command", path);
  if (!command) return fail(command.error());
  auto install_hint = r.string(exec, "installHint", path);
  if (!install_hint) return fail(install_hint.error());
  auto cluster_info = r.boolean(exec, "provideClusterInfo", path);
  if (!cluster_info) return fail(cluster_info.error());
  auto mode_text = r.string(exec, "interactiveMode", path);
  if (!mode_text) return fail(mode_text.error());
  auto mode = parse_interactive_mode(r, *mode_text, path + ".interactiveMode");
  if (!mode) return fail(mode.error());
  auto args = r.array(exec, "args", path);
  if (!args) return fail(args.error());
  for (size_t i = 0; i < (*args)->size(); ++i) {
    const json& arg = (**args)[i];
    if (!arg.is_string())
      return fail(r.error(path + ".args[" + std::to_string(i) + "]", "expected a string, found " + FieldReader::type_name(arg)));
    config.args.push_back(arg.get<std::string>());
  }
  auto env = r.array(exec, "env", path);
  if (!env) return fail(env.error());
  for (size_t i = 0; i < (*env)->size(); ++i) {
    const json& entry = (**env)[i];
    const std::string entry_path = path + ".env[" + std::to_string(i) + "]";
    if (!entry.is_object()) return fail(r.error(entry_path, "expected a mapping with name and value"));
    auto name = r.string(entry, "name", entry_path);
    if (!name) return fail(name.error());
    if (name->empty()) return fail(r.error(entry_path + ".name", "missing"));
    auto value = r.string(entry, "value", entry_path);
    if (!value) return fail(value.error());
    config.env.emplace_back(std::move(*name), std::move(*value));
  }
  config.api_version = std::move(*api_version);
  // kubectl resolves the command against the kubeconfig's directory only
  // when it is a path; a bare name is looked up in PATH.
  config.command = command->find('/') != std::string::npos ? r.resolve(*command) : std::move(*command);
  config.install_hint = std::move(*install_hint);
  config.provide_cluster_info = *cluster_info;
  config.interactive_mode = *mode;
  return config;
}

Result<void> parse_user(const FieldReader& r, const json& body, const std::string& path, KubeconfigUser& u) {
  auto cert_file = r.path_field(body, "client-certificate", path);
  if (!cert_file) return fail(cert_file.error());
  auto cert_data = r.base64_field(body, "client-certificate-data", path);
  if (!cert_data) return fail(cert_data.error());
  auto key_file = r.path_field(body, "client-key", path);
  if (!key_file) return fail(key_file.error());
  auto key_data = r.base64_field(body, "client-key-data", path);
  if (!key_data) return fail(key_data.error());
  auto token = r.string(body, "token", path);
  if (!token) return fail(token.error());
  auto token_file = r.path_field(body, "tokenFile", path);
  if (!token_file) return fail(token_file.error());
  auto exec = r.object(body, "exec", path);
  if (!exec) return fail(exec.error());
  if (body.contains("exec") && !body["exec"].is_null()) {
    auto parsed = parse_exec(r, **exec, path + ".exec");
    if (!parsed) return fail(parsed.error());
    u.exec = std::move(*parsed);
  }
  auto provider = r.object(body, "auth-provider", path);
  if (!provider) return fail(provider.error());
  auto provider_name = r.string(**provider, "name", path + ".auth-provider");
  if (!provider_name) return fail(provider_name.error());
  if (provider_name->empty() && !(*provider)->empty()) *provider_name = "(unnamed)";
  u.client_certificate = {std::move(*cert_data), std::move(*cert_file)};
  u.client_key = {std::move(*key_data), std::move(*key_file)};
  u.token = std::move(*token);
  u.token_file = std::move(*token_file);
  u.auth_provider = std::move(*provider_name);
  return {};
}

Result<void> parse_context(const FieldReader& r, const json& body, const std::string& path, KubeconfigContext& c) {
  auto cluster = r.string(body, "cluster", path);
  if (!cluster) return fail(cluster.error());
  auto user = r.string(body, "user", path);
  if (!user) return fail(user.error());
  auto ns = r.string(body, "namespace", path);
  if (!ns) return fail(ns.error());
  c.cluster = std::move(*cluster);
  c.user = std::move(*user);
  c.namespace_name = std::move(*ns);
  return {};
}

template <class Entry>
const Entry* find_by_name(const std::vector<Entry>& entries, std::string_view name) {
  for (const auto& e : entries)
    if (e.name == name) return &e;
  return nullptr;
}

template <class Entry>
void merge_named(std::vector<Entry>& merged, std::vector<Entry>& next) {
  for (auto& entry : next)
    if (!find_by_name(merged, entry.name)) merged.push_back(std::move(entry));
}

std::string files_text(const Kubeconfig& kubeconfig) {
  if (kubeconfig.files.empty()) return "kubeconfig";
  std::string text;
  for (const auto& f : kubeconfig.files) text += (text.empty() ? "" : ", ") + f;
  return text;
}

std::string context_names(const Kubeconfig& kubeconfig) {
  if (kubeconfig.contexts.empty()) return "no context is defined";
  std::string text = "contexts: ";
  for (size_t i = 0; i < kubeconfig.contexts.size(); ++i) text += (i ? ", " : "") + kubeconfig.contexts[i].name;
  return text;
}

Error at(const KubeconfigOrigin& origin, const std::string& field, const std::string& message) {
  return Error::invalid(origin.file + ": " + origin.field + field + ": " + message);
}

// kubectl takes a server without a scheme as https (http only when no TLS
// setting exists; pier always assumes https there: it is what a real API
// server speaks).
Result<std::string> normalise_server(const KubeconfigCluster& cluster) {
  std::string server = cluster.server;
  if (server.empty()) return fail(at(cluster.origin, ".cluster.server", "missing"));
  if (server.find("://") == std::string::npos) server = "https://" + server;
  if (!server.starts_with("https://") && !server.starts_with("http://"))
    return fail(at(cluster.origin, ".cluster.server", "\"" + cluster.server + "\" is not an http(s) URL"));
  while (server.ends_with('/')) server.pop_back();
  return server;
}

Result<PemSource> one_of(const PemSource& source, const KubeconfigOrigin& origin, const std::string& body,
                         const std::string& file_field) {
  if (!source.data.empty() && !source.file.empty())
    return fail(at(origin, body, file_field + " and " + file_field +
                                     "-data are both set; keep one (kubectl refuses this too)"));
  return source;
}

}  // namespace

const KubeconfigCluster* Kubeconfig::find_cluster(std::string_view name) const { return find_by_name(clusters, name); }
const KubeconfigUser* Kubeconfig::find_user(std::string_view name) const { return find_by_name(users, name); }
const KubeconfigContext* Kubeconfig::find_context(std::string_view name) const { return find_by_name(contexts, name); }

KubeconfigEnvironment KubeconfigEnvironment::from_process() {
  KubeconfigEnvironment environment;
  if (const char* value = std::getenv("KUBECONFIG")) environment.kubeconfig = value;
  if (const char* value = std::getenv("HOME")) environment.home = value;
  return environment;
}

std::vector<std::filesystem::path> kubeconfig_files(const std::optional<std::string>& explicit_path,
                                                    const KubeconfigEnvironment& environment) {
  if (explicit_path && !explicit_path->empty()) return {std::filesystem::path(*explicit_path)};
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  if (environment.kubeconfig && !environment.kubeconfig->empty()) {
    std::set<std::string> seen;
    std::string_view list = *environment.kubeconfig;
    while (true) {
      size_t colon = list.find(':');
      std::string entry(list.substr(0, colon));
      // Empty entries, repeats and files that do not exist are skipped, as kubectl does.
      if (!entry.empty() && seen.insert(entry).second && std::filesystem::exists(entry, ec)) files.emplace_back(entry);
      if (colon == std::string_view::npos) break;
      list.remove_prefix(colon + 1);
    }
    return files;
  }
  if (environment.home && !environment.home->empty()) {
    std::filesystem::path default_file = std::filesystem::path(*environment.home) / ".kube" / "config";
    if (std::filesystem::exists(default_file, ec)) files.push_back(default_file);
  }
  return files;
}

Result<Kubeconfig> parse_kubeconfig(std::string_view text, const std::filesystem::path& file) {
  const std::string file_name = file.string();
  auto document = yamljson::parse_yaml(text, file_name);
  if (!document) return fail(document.error());
  Kubeconfig config;
  config.files.push_back(file_name);
  if (document->is_null()) return config;  // an empty file is an empty kubeconfig
  if (!document->is_object())
    return fail(Error::invalid(file_name + ": expected a kubeconfig (a mapping with clusters, users, contexts), found " +
                               FieldReader::type_name(*document)));
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(file, ec);
  FieldReader reader(file_name, (ec ? file : absolute).parent_path());

  auto clusters = parse_named_list(reader, *document, "clusters", "cluster", file_name, config.clusters, [&](auto&&... a) {
    return parse_cluster(reader, a...);
  });
  if (!clusters) return fail(clusters.error());
  auto users = parse_named_list(reader, *document, "users", "user", file_name, config.users,
                                [&](auto&&... a) { return parse_user(reader, a...); });
  if (!users) return fail(users.error());
  auto contexts = parse_named_list(reader, *document, "contexts", "context", file_name, config.contexts,
                                   [&](auto&&... a) { return parse_context(reader, a...); });
  if (!contexts) return fail(contexts.error());
  auto current = reader.string(*document, "current-context", "");
  if (!current) return fail(current.error());
  config.current_context = std::move(*current);
  if (!config.current_context.empty()) config.current_context_file = file_name;
  return config;
}

void merge_kubeconfig(Kubeconfig& merged, Kubeconfig next) {
  for (auto& f : next.files) merged.files.push_back(std::move(f));
  merge_named(merged.clusters, next.clusters);
  merge_named(merged.users, next.users);
  merge_named(merged.contexts, next.contexts);
  if (merged.current_context.empty() && !next.current_context.empty()) {
    merged.current_context = std::move(next.current_context);
    merged.current_context_file = std::move(next.current_context_file);
  }
}

Result<Kubeconfig> load_kubeconfig(const std::vector<std::filesystem::path>& files) {
  Kubeconfig merged;
  for (const auto& file : files) {
    auto text = read_file(file);
    if (!text) return fail(text.error());
    auto parsed = parse_kubeconfig(*text, file);
    if (!parsed) return fail(parsed.error());
    merge_kubeconfig(merged, std::move(*parsed));
  }
  return merged;
}

Result<ClusterConfig> resolve_context(const Kubeconfig& kubeconfig, std::string_view context_name) {
  const bool chosen = !context_name.empty();
  const std::string name = chosen ? std::string(context_name) : kubeconfig.current_context;
  if (name.empty())
    return fail(Error::invalid(files_text(kubeconfig) +
                               ": no context chosen: current-context is not set; pass --context (" +
                               context_names(kubeconfig) + ")"));
  const KubeconfigContext* context = kubeconfig.find_context(name);
  if (!context) {
    std::string where = chosen ? files_text(kubeconfig) : kubeconfig.current_context_file + ": current-context";
    return fail(Error::not_found(where + ": context \"" + name + "\" not found (" + context_names(kubeconfig) + ")"));
  }
  if (context->cluster.empty()) return fail(at(context->origin, ".context.cluster", "missing"));
  const KubeconfigCluster* cluster = kubeconfig.find_cluster(context->cluster);
  if (!cluster)
    return fail(at(context->origin, ".context.cluster", "cluster \"" + context->cluster + "\" not found"));
  const KubeconfigUser* user = nullptr;
  if (!context->user.empty()) {
    user = kubeconfig.find_user(context->user);
    if (!user) return fail(at(context->origin, ".context.user", "user \"" + context->user + "\" not found"));
  }

  ClusterConfig config;
  config.context_name = context->name;
  config.cluster_name = cluster->name;
  config.user_name = context->user;
  config.source = context->origin.file;
  if (!context->namespace_name.empty()) config.namespace_name = context->namespace_name;

  auto server = normalise_server(*cluster);
  if (!server) return fail(server.error());
  config.server = std::move(*server);
  auto ca = one_of(cluster->certificate_authority, cluster->origin, ".cluster", "certificate-authority");
  if (!ca) return fail(ca.error());
  if (cluster->insecure_skip_tls_verify && !ca->empty())
    return fail(at(cluster->origin, ".cluster",
                   "insecure-skip-tls-verify and a certificate-authority are both set; keep one "
                   "(kubectl refuses this too)"));
  config.certificate_authority = std::move(*ca);
  config.insecure_skip_tls_verify = cluster->insecure_skip_tls_verify;
  config.tls_server_name = cluster->tls_server_name;
  config.proxy_url = cluster->proxy_url;
  config.disable_compression = cluster->disable_compression;
  config.exec_cluster_config = cluster->exec_config;

  if (user) {
    auto cert = one_of(user->client_certificate, user->origin, ".user", "client-certificate");
    if (!cert) return fail(cert.error());
    auto key = one_of(user->client_key, user->origin, ".user", "client-key");
    if (!key) return fail(key.error());
    if (!cert->empty() && key->empty())
      return fail(at(user->origin, ".user", "client-certificate is set but neither client-key nor client-key-data"));
    if (cert->empty() && !key->empty())
      return fail(at(user->origin, ".user", "client-key is set but neither client-certificate nor client-certificate-data"));
    config.client_certificate = std::move(*cert);
    config.client_key = std::move(*key);
    config.token = user->token;
    config.token_file = user->token_file;
    config.auth_provider = user->auth_provider;
    if (user->exec) {
      const ExecConfig& exec = *user->exec;
      if (exec.command.empty()) return fail(at(user->origin, ".user.exec.command", "missing"));
      if (exec.api_version.empty()) return fail(at(user->origin, ".user.exec.apiVersion", "missing"));
      if (exec.api_version != "client.authentication.k8s.io/v1" &&
          exec.api_version != "client.authentication.k8s.io/v1beta1")
        return fail(at(user->origin, ".user.exec.apiVersion",
                       "\"" + exec.api_version +
                           "\" is not supported (client.authentication.k8s.io/v1 or /v1beta1)"));
      config.exec = exec;
    }
  }
  return config;
}

std::vector<ContextSummary> list_contexts(const Kubeconfig& kubeconfig) {
  std::vector<ContextSummary> out;
  for (const auto& context : kubeconfig.contexts) {
    ContextSummary summary;
    summary.name = context.name;
    summary.cluster = context.cluster;
    summary.user = context.user;
    summary.namespace_name = context.namespace_name.empty() ? "default" : context.namespace_name;
    if (const auto* cluster = kubeconfig.find_cluster(context.cluster)) summary.server = cluster->server;
    summary.current = context.name == kubeconfig.current_context;
    out.push_back(std::move(summary));
  }
  return out;
}

}  // namespace pier::kube
