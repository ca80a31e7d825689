#include "console/console.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <random>

#include "common/files.h"
#include "common/host_name.h"
#include "console/app_catalog.h"
#include "console/event_streams.h"
#include "console/operation_runner.h"
#include "console/release_service.h"
#include "console/routes.h"
#include "console/target_registry.h"
#include "server/http_server.h"
#include "server/static_files.h"
#include "store/secret_box.h"
#include "store/store.h"

namespace pier::console {

std::string make_holder_name() {
  std::string host = host_name();
  if (host.empty()) host = "unknown";
  std::random_device random;
  char nonce[9];
  std::snprintf(nonce, sizeof nonce, "%08x", random());
  return host + "/" + std::to_string(::getpid()) + "/" + nonce;
}

struct Console::Parts {
  ConsoleOptions options;
  std::unique_ptr<store::Store> store;
  std::optional<store::SecretBox> box;
  std::optional<AppCatalog> apps;
  std::optional<ClustersFile> clusters_file;
  std::unique_ptr<TargetRegistry> targets;
  std::filesystem::path admin_token_file;
  std::unique_ptr<server::Router> router;
  std::unique_ptr<server::HttpServer> server;
  std::unique_ptr<OperationRunner> runner;
  std::unique_ptr<ReleaseService> releases;
  std::unique_ptr<EventStreams> streams;
  std::unique_ptr<ConsoleServices> services;
  std::optional<server::Logger> logger;
  bool stopped = false;
};

namespace {

// The first start of an empty database makes the admin and writes its token
// beside the database, readable by the console's user only.
Result<void> bootstrap_admin(store::Store& store, const std::filesystem::path& token_file) {
  auto users = store.list_users();
  if (!users) return fail(users.error());
  if (!users->empty()) return {};
  auto admin = store.create_user({.name = "admin", .role = store::Role::kAdmin, .scopes = {}});
  if (!admin) {
    if (admin.error().code == ErrorCode::kConflict) return {};  // another replica did it first
    return fail(admin.error());
  }
  auto token = store.create_token("admin", "created at first start");
  if (!token) return fail(token.error());
  mode_t old_mask = ::umask(077);
  auto written = write_file_atomic(token_file, token->plaintext + "\n");
  ::umask(old_mask);
  if (!written) return fail(written.error());
  store.append_audit({.user = "pier", .action = "token.create", .target = "admin",
                      .details = {{"token", std::to_string(token->info.id)}, {"why", "first start"}}});
  return {};
}

}  // namespace

Console::Console(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Console::~Console() { stop(); }

Result<std::unique_ptr<Console>> Console::open(ConsoleOptions options) {
  auto parts = std::make_unique<Parts>();
  Parts& p = *parts;
  if (options.data_dir.empty()) return fail(Error::invalid("--data-dir is required"));
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) return fail(Error::io(options.data_dir.string() + ": cannot create the data directory: " + ec.message()));

  std::string database = options.database.empty() ? (options.data_dir / "pier.db").string() : options.database;
  auto store = store::open_store(database);
  if (!store) return fail(store.error());
  p.store = std::move(*store);

  auto key_file = options.secret_key_file.empty() ? options.data_dir / "secret.key" : options.secret_key_file;
  auto box = store::SecretBox::from_key_file(key_file);
  if (!box) return fail(box.error());
  p.box = std::move(*box);

  auto apps = AppCatalog::load(options.catalog_dir);
  if (!apps) return fail(apps.error());
  p.apps = std::move(*apps);

  if (options.clusters_file) {
    auto file = load_clusters_file(*options.clusters_file);
    if (!file) return fail(file.error());
    p.clusters_file = std::move(*file);
  }
  auto targets = TargetRegistry::load({.kubeconfig = options.kubeconfig,
                                       .use_kubeconfig = options.use_kubeconfig,
                                       .clusters_file = p.clusters_file ? &*p.clusters_file : nullptr,
                                       .extra_gitops = options.gitops,
                                       .rollout = options.rollout});
  if (!targets) return fail(targets.error());
  p.targets = std::move(*targets);

  p.admin_token_file = options.data_dir / "admin.token";
  if (auto admin = bootstrap_admin(*p.store, p.admin_token_file); !admin) return fail(admin.error());
  // Operations of a console that died: interrupted once their lease has lapsed.
  if (auto reaped = p.store->reap_expired(); !reaped) return fail(reaped.error());

  p.router = std::make_unique<server::Router>();
  p.server = std::make_unique<server::HttpServer>(options.server, *p.router);
  p.logger = p.server->logger().for_component("console");
  p.runner = std::make_unique<OperationRunner>(*p.store, RunnerOptions{.lease_ttl = options.lease_ttl, .logger = &*p.logger});
  auto& finished = p.server->metrics().counter("pier_console_operations_total",
                                               "Deploy and rollback operations by kind and final status.",
                                               {"kind", "status"});
  p.releases = std::make_unique<ReleaseService>(
      *p.store, *p.apps, *p.targets, *p.box, *p.runner,
      ReleaseServiceOptions{.holder = make_holder_name(),
                            .lease_ttl = options.lease_ttl,
                            .logger = &*p.logger,
                            .on_finished = [&finished](std::string_view kind, std::string_view status) {
                              finished.with({kind, status}).inc();
                            }});
  p.streams = std::make_unique<EventStreams>(*p.store);
  p.services = std::make_unique<ConsoleServices>(
      ConsoleServices{*p.store, *p.apps, *p.targets, *p.releases, *p.box, *p.streams});

  store::Store& store_ref = *p.store;
  p.router->set_authenticator([&store_ref](std::string_view token) -> Result<server::Principal> {
    auto principal = store_ref.authenticate(token);
    if (!principal) return fail(principal.error());
    auto role = principal->role == store::Role::kAdmin      ? server::Role::kAdmin
                : principal->role == store::Role::kDeployer ? server::Role::kDeployer
                                                             : server::Role::kViewer;
    return server::Principal{.user = principal->user, .role = role, .scopes = principal->scopes};
  });
  add_catalog_routes(*p.router, *p.services);
  add_release_routes(*p.router, *p.services);
  add_operation_routes(*p.router, *p.services);
  add_admin_routes(*p.router, *p.services);
  if (!options.web_dir.empty()) {
    auto ui = server::StaticFiles::open({.root = options.web_dir});
    if (!ui) return fail(ui.error());
    p.router->fallback(ui->handler(), server::Access::anyone(), "static");
  }
  p.server->health().add_check("database", [&store_ref]() -> Result<void> {
    auto probe = store_ref.get_operation(store::OperationId{0});
    if (probe || probe.error().code == ErrorCode::kNotFound) return {};
    return fail(probe.error());
  });
  p.options = std::move(options);
  return std::unique_ptr<Console>(new Console(std::move(parts)));
}

Result<std::uint16_t> Console::start() { return parts_->server->start(); }

void Console::stop() {
  Parts& p = *parts_;
  if (p.stopped || !p.server) return;
  p.stopped = true;
  p.server->health().set_shutting_down();
  // Deploys first: their events still reach the streams while the server runs.
  p.runner->shutdown(p.options.shutdown_grace);
  p.server->stop(std::chrono::seconds(5));
  p.streams->shutdown();
}

std::uint16_t Console::port() const { return parts_->server->port(); }

const std::filesystem::path& Console::admin_token_file() const { return parts_->admin_token_file; }

std::vector<std::string> Console::describe() const {
  std::vector<std::string> lines;
  std::string apps;
  for (const auto& app : parts_->apps->apps()) apps += (apps.empty() ? "" : ", ") + app->name + " " + app->version;
  lines.push_back("apps: " + (apps.empty() ? std::string("(none)") : apps));
  for (const auto& t : parts_->targets->targets())
    lines.push_back("target " + t.name + " (" + std::string(to_string(t.kind)) +
                    (t.datacenter.empty() ? "" : ", data center " + t.datacenter) + "): " + t.server);
  if (parts_->targets->targets().empty()) lines.push_back("targets: none (give --gitops NAME=DIR or a kubeconfig)");
  return lines;
}

}  // namespace pier::console
