#include "api_server_double.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "authenticator.h"
#include "custom_resources.h"
#include "fault_injection.h"
#include "https_server.h"
#include "object_store.h"
#include "object_strategy.h"
#include "resource_catalog.h"
#include "rest_operations.h"
#include "router.h"
#include "watch_hub.h"

namespace pier::testing {

using namespace kube_double;

namespace {

std::string make_temporary_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "pier-kube-double-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("kube double: cannot create a temporary directory");
  return pattern;
}

std::string text_at(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// The namespaces every cluster starts with.
const char* const kInitialNamespaces[] = {"default", "kube-system", "kube-public", "kube-node-lease"};

}  // namespace

ApiServerDouble::ApiServerDouble(DoubleOptions options) : options_(std::move(options)) {
  if (options_.dir.empty()) {
    options_.dir = make_temporary_dir();
    owns_dir_ = true;
  } else {
    std::filesystem::create_directories(options_.dir);
  }
  pki_ = std::make_unique<TestPki>("pier-kube-double-ca");
  catalog_ = std::make_unique<ResourceCatalog>();
  store_ = std::make_unique<ObjectStore>(options_.compaction_window);
  hub_ = std::make_unique<WatchHub>(options_.watch_queue_limit);
  store_->set_listener(hub_.get());
  rest_ = std::make_unique<RestOperations>(*store_, *hub_, *catalog_,
                                           RestSettings{options_.default_watch_timeout_seconds});
  auth_ = std::make_unique<Authenticator>(
      AuthSettings{options_.token, options_.no_rights_token, options_.require_authentication});
  faults_ = std::make_unique<FaultInjector>();

  {
    StoreLock lock = store_->lock();
    std::string now = rfc3339_now();
    for (const char* name : kInitialNamespaces) {
      nlohmann::json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
      (void)prepare_for_create(ns, *catalog_->namespace_type(), now);
      rest_->commit(lock, *catalog_->namespace_type(), std::move(ns));
    }
  }

  KeyPair server_key = pki_->server("localhost");
  server_ = std::make_unique<HttpsServer>(ServerTls{pki_->ca_pem(), server_key.certificate_pem, server_key.key_pem},
                                          options_.port);
  router_ = std::make_unique<Router>(*rest_, *catalog_, *auth_, *faults_, "127.0.0.1:" + std::to_string(port()));
  server_->start(SessionServices{*router_, *rest_, *faults_, options_.bookmark_interval});
  write_files();
}

ApiServerDouble::~ApiServerDouble() {
  server_->stop();
  server_.reset();  // sessions (and their watches) go before what they use
  if (owns_dir_) {
    std::error_code ignored;
    std::filesystem::remove_all(options_.dir, ignored);
  }
}

uint16_t ApiServerDouble::port() const { return server_->port(); }
std::string ApiServerDouble::url() const { return "https://127.0.0.1:" + std::to_string(port()); }
const std::string& ApiServerDouble::ca_pem() const { return pki_->ca_pem(); }
std::string ApiServerDouble::ca_file() const { return (std::filesystem::path(options_.dir) / "ca.crt").string(); }
std::string ApiServerDouble::kubeconfig_path() const {
  return (std::filesystem::path(options_.dir) / "kubeconfig").string();
}

void ApiServerDouble::write_files() {
  write_test_file(options_.dir, "ca.crt", pki_->ca_pem());
  auto quoted = [](const std::string& text) { return nlohmann::json(text).dump(); };
  std::string kubeconfig =
      "apiVersion: v1\n"
      "kind: Config\n"
      "clusters:\n"
      "- name: double\n"
      "  cluster:\n"
      "    server: " + quoted(url()) + "\n"
      "    certificate-authority: " + quoted(ca_file()) + "\n"
      "contexts:\n"
      "- name: double\n"
      "  context:\n"
      "    cluster: double\n"
      "    user: double\n"
      "    namespace: default\n"
      "current-context: double\n"
      "users:\n"
      "- name: double\n"
      "  user:\n"
      "    token: " + quoted(options_.token) + "\n";
  write_test_file(options_.dir, "kubeconfig", kubeconfig);
}

std::shared_ptr<const ResourceType> ApiServerDouble::type_of(std::string_view api_version,
                                                             std::string_view kind) const {
  TypePtr type = catalog_->find_kind(api_version, kind);
  if (!type)
    throw std::invalid_argument("kube double: " + std::string(api_version) + " " + std::string(kind) +
                                " is not served");
  return type;
}

nlohmann::json ApiServerDouble::put(const nlohmann::json& input) {
  std::string api_version = text_at(input, "apiVersion");
  std::string kind = text_at(input, "kind");
  if (api_version.empty() || kind.empty() || !input.contains("metadata"))
    throw std::invalid_argument("kube double: put() needs apiVersion, kind and metadata");
  TypePtr type = type_of(api_version, kind);
  nlohmann::json object = input;
  std::string name = text_at(object["metadata"], "name");
  std::string namespace_name = type->namespaced ? text_at(object["metadata"], "namespace") : "";
  if (name.empty()) throw std::invalid_argument("kube double: put() needs metadata.name");
  if (type->namespaced && namespace_name.empty())
    throw std::invalid_argument("kube double: put() of a namespaced kind needs metadata.namespace");

  std::string now = rfc3339_now();
  StoreLock lock = store_->lock();
  if (type->namespaced && !store_->get(lock, *catalog_->namespace_type(), "", namespace_name)) {
    nlohmann::json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", namespace_name}}}};
    (void)prepare_for_create(ns, *catalog_->namespace_type(), now);
    rest_->commit(lock, *catalog_->namespace_type(), std::move(ns));
  }
  // The registry's rules, except that the given status is kept.
  std::optional<nlohmann::json> status;
  if (object.contains("status")) status = object["status"];
  ObjectPtr live = store_->get(lock, *type, namespace_name, name);
  ApiResult<void> prepared;
  if (live) {
    prepared = prepare_for_update(object, live->to_json(type->api_version(), type->kind), *type, WriteScope::kMain);
  } else {
    prepared = prepare_for_create(object, *type, now);
  }
  if (!prepared) throw std::invalid_argument("kube double: put(): " + prepared.error().message);
  if (status) object["status"] = *status;
  return rest_->commit(lock, *type, std::move(object))->to_json(type->api_version(), type->kind);
}

std::optional<nlohmann::json> ApiServerDouble::get(std::string_view api_version, std::string_view kind,
                                                   std::string_view namespace_name, std::string_view name) const {
  TypePtr type = type_of(api_version, kind);
  StoreLock lock = store_->lock();
  ObjectPtr object = store_->get(lock, *type, namespace_name, name);
  if (!object) return std::nullopt;
  return object->to_json(type->api_version(), type->kind);
}

std::vector<nlohmann::json> ApiServerDouble::list(std::string_view api_version, std::string_view kind,
                                                  std::string_view namespace_name) const {
  TypePtr type = type_of(api_version, kind);
  StoreLock lock = store_->lock();
  std::vector<nlohmann::json> out;
  for (const auto& object : store_->all(lock, *type, namespace_name))
    out.push_back(object->to_json(type->api_version(), type->kind));
  return out;
}

bool ApiServerDouble::remove(std::string_view api_version, std::string_view kind, std::string_view namespace_name,
                             std::string_view name) {
  TypePtr type = type_of(api_version, kind);
  StoreLock lock = store_->lock();
  return rest_->erase(lock, *type, namespace_name, name) != nullptr;
}

nlohmann::json ApiServerDouble::set_status(std::string_view api_version, std::string_view kind,
                                           std::string_view namespace_name, std::string_view name,
                                           const nlohmann::json& status) {
  TypePtr type = type_of(api_version, kind);
  StoreLock lock = store_->lock();
  ObjectPtr live = store_->get(lock, *type, namespace_name, name);
  if (!live)
    throw std::invalid_argument("kube double: set_status(): " + type->group_resource() + " " +
                                std::string(namespace_name) + "/" + std::string(name) + " does not exist");
  nlohmann::json object = live->to_json(type->api_version(), type->kind);
  object["status"] = status;
  return rest_->commit(lock, *type, std::move(object))->to_json(type->api_version(), type->kind);
}

int64_t ApiServerDouble::resource_version() const {
  StoreLock lock = store_->lock();
  return store_->resource_version(lock);
}

void ApiServerDouble::compact() {
  StoreLock lock = store_->lock();
  store_->compact(lock);
}

void ApiServerDouble::fail_next(int count, int http_status, std::optional<int> retry_after_seconds) {
  faults_->fail_next(count, http_status, retry_after_seconds);
}

void ApiServerDouble::cut_watches(bool mid_event) { hub_->cut_all(mid_event); }

void ApiServerDouble::set_latency(std::chrono::milliseconds latency) { faults_->set_latency(latency); }

size_t ApiServerDouble::request_count() const { return faults_->request_count(); }
std::vector<std::string> ApiServerDouble::request_log() const { return faults_->request_log(); }
void ApiServerDouble::clear_request_log() { faults_->clear_request_log(); }
size_t ApiServerDouble::open_watch_count() const { return hub_->open_count(); }

}  // namespace pier::testing
