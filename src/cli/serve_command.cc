// pier serve: the deployment console (src/console), until SIGTERM or SIGINT.
#include <fstream>
#include <iostream>

#include "cli/catalog_location.h"
#include "cli/cluster_flags.h"
#include "cli/commands.h"
#include "console/console.h"
#include "server/signals.h"

namespace pier::cli {

namespace {

struct ServeFlags {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir;
  std::string database;
  std::string catalog;
  std::string kubeconfig;
  bool no_kubeconfig = false;
  std::string clusters_file;
  std::vector<std::string> gitops;
  std::string web_dir;
  std::string tls_cert;
  std::string tls_key;
  std::string lease = "15s";
  std::string grace = "20s";
  int workers = 8;
  bool print_admin_token = false;
};

std::filesystem::path default_data_dir() {
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state) return std::filesystem::path(state) / "pier";
  if (const char* home = std::getenv("HOME"); home && *home) return std::filesystem::path(home) / ".local/state/pier";
  return ".pier";
}

int run_serve(const ServeFlags& flags) {
  console::ConsoleOptions options;
  options.data_dir = flags.data_dir.empty() ? default_data_dir() : std::filesystem::path(flags.data_dir);
  options.database = flags.database;
  options.catalog_dir = flags.catalog.empty() ? default_catalog_dir() : std::filesystem::path(flags.catalog);
  if (!flags.kubeconfig.empty()) options.kubeconfig = flags.kubeconfig;
  options.use_kubeconfig = !flags.no_kubeconfig;
  if (!flags.clusters_file.empty()) options.clusters_file = flags.clusters_file;
  for (const auto& g : flags.gitops) {
    auto entry = console::parse_gitops_flag(g);
    if (!entry) return report_error(entry.error());
    options.gitops.push_back(std::move(*entry));
  }
  options.web_dir = flags.web_dir;
  options.server.listen = flags.listen;
  options.server.worker_threads = flags.workers;
  if (flags.tls_cert.empty() != flags.tls_key.empty())
    return report_error(Error::invalid("--tls-cert and --tls-key go together"));
  if (!flags.tls_cert.empty()) options.server.tls = server::TlsFiles{flags.tls_cert, flags.tls_key};
  auto lease = parse_duration(flags.lease);
  if (!lease) return report_error(lease.error());
  options.lease_ttl = *lease;
  auto grace = parse_duration(flags.grace);
  if (!grace) return report_error(grace.error());
  options.shutdown_grace = *grace;
  bool tls = options.server.tls.has_value();

  // Signals are caught before anything starts, so that a SIGTERM during
  // start-up still stops the console cleanly.
  server::TerminationSignals signals;
  auto console = console::Console::open(std::move(options));
  if (!console) return report_error(console.error());
  auto port = (*console)->start();
  if (!port) return report_error(port.error());

  std::string host = flags.listen.substr(0, flags.listen.rfind(':'));
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  if (host == "[::]") host = "[::1]";
  std::cout << "pier console: " << (tls ? "https://" : "http://") << host << ":" << *port << "/\n";
  for (const auto& line : (*console)->describe()) std::cout << "  " << line << "\n";
  const auto& token_file = (*console)->admin_token_file();
  if (flags.print_admin_token && std::filesystem::exists(token_file)) {
    std::ifstream in(token_file);
    std::string token;
    std::getline(in, token);
    std::cout << "  admin token: " << token << "  (from " << token_file.string() << ")\n";
  } else if (std::filesystem::exists(token_file)) {
    std::cout << "  admin token: in " << token_file.string() << "\n";
  }
  std::cout.flush();

  signals.wait();
  (*console)->stop();
  return 0;
}

}  // namespace

Action setup_serve(CLI::App& app) {
  auto flags = std::make_shared<ServeFlags>();
  app.add_option("--listen", flags->listen, "address to serve on (HOST:PORT; port 0 = any free one)")->capture_default_str();
  app.add_option("--data-dir", flags->data_dir, "where the SQLite database, the secret key and the admin token live "
                                                "(default $XDG_STATE_HOME/pier or ~/.local/state/pier)");
  app.add_option("--database", flags->database, "postgres://... to share releases between replicas (default: SQLite in --data-dir)");
  app.add_option("--catalog", flags->catalog, "the app catalog directory (default: $PIER_CATALOG, ./catalog, or the installed one)");
  app.add_option("--kubeconfig", flags->kubeconfig, "kubeconfig whose contexts are the clusters (default: KUBECONFIG, ~/.kube/config)");
  app.add_flag("--no-kubeconfig", flags->no_kubeconfig, "offer no cluster, only gitops targets");
  app.add_option("--clusters", flags->clusters_file, "YAML file grouping contexts by data center and adding gitops targets");
  app.add_option("--gitops", flags->gitops, "a gitops target NAME=DIR (repeatable): releases are written as files there");
  app.add_option("--web", flags->web_dir, "the web UI's built files to serve");
  app.add_option("--tls-cert", flags->tls_cert, "serve HTTPS with this PEM certificate chain");
  app.add_option("--tls-key", flags->tls_key, "the certificate's PEM key");
  app.add_option("--operation-lease", flags->lease, "how long a deploy's lease lasts without a heartbeat")->capture_default_str();
  app.add_option("--shutdown-grace", flags->grace, "how long running deploys may finish on SIGTERM")->capture_default_str();
  app.add_option("--workers", flags->workers, "threads running requests")->capture_default_str()->check(CLI::Range(1, 256));
  app.add_flag("--print-admin-token", flags->print_admin_token, "print the first admin token at start (make run does)");
  return [flags] { return run_serve(*flags); };
}

}  // namespace pier::cli
