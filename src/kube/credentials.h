// Where the bearer token (and, from exec plugins, a client certificate) of
// each request comes from.
//
//   std::shared_ptr<CredentialSource> source = std::make_shared<TokenFileSource>(
//       "/var/run/secrets/kubernetes.io/serviceaccount/token", "", SystemClock::instance());
//   auto credential = source->credential();         // before every request
//   if (status == 401 && source->refresh_after_unauthorized(*credential)) retry once;
//
// Three sources:
//   StaticTokenSource     users[].user.token
//   TokenFileSource       users[].user.tokenFile, the in-cluster token: re-read
//                         when the file changes (checked at most every 5 s)
//   ExecCredentialSource  users[].user.exec: runs the plugin, caches its answer
//                         until status.expirationTimestamp, again after a 401
//
// All are safe to call from several threads. Secrets never appear in the
// messages of the errors they return.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <sys/types.h>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/error.h"
#include "kube/cluster_config.h"

namespace pier::kube {

struct Credential {
  std::string bearer_token;            // empty: no Authorization header
  std::string client_certificate_pem;  // from an exec plugin; empty: the kubeconfig's, if any
  std::string client_key_pem;

  bool operator==(const Credential&) const = default;
};

class CredentialSource {
 public:
  virtual ~CredentialSource() = default;

  // What to present with the next request. May read a file or run a plugin.
  virtual Result<Credential> credential() = 0;

  // The server answered 401 to `refused`. Forgets cached state so that the
  // next credential() looks again; true when the next one differs or may
  // differ, i.e. one more attempt is worth it.
  virtual bool refresh_after_unauthorized(const Credential& refused) = 0;

  // For messages: "token file /var/run/.../token", "exec plugin aws".
  virtual std::string describe() const = 0;
};

class StaticTokenSource final : public CredentialSource {
 public:
  explicit StaticTokenSource(std::string token) : token_(std::move(token)) {}
  Result<Credential> credential() override { return Credential{token_, {}, {}}; }
  bool refresh_after_unauthorized(const Credential&) override { return false; }
  std::string describe() const override { return "token"; }

 private:
  std::string token_;
};

// A token kept in a file that something else rewrites (the kubelet rotates
// projected service account tokens about every hour, well before they
// expire). The file is stat()ed at most every `check_interval` and re-read
// when its inode, size or modification time changed. client-go re-reads
// every minute; 5 s costs one stat() per 5 s and picks up a rotation before
// anyone notices. A 401 forces a check at once.
class TokenFileSource final : public CredentialSource {
 public:
  static constexpr std::chrono::milliseconds kDefaultCheckInterval{5'000};

  // `fallback_token` (users[].user.token) is used while the file cannot be
  // read; without one, an unreadable file is an error.
  TokenFileSource(std::filesystem::path file, std::string fallback_token, const Clock& clock,
                  std::chrono::milliseconds check_interval = kDefaultCheckInterval);

  Result<Credential> credential() override;
  bool refresh_after_unauthorized(const Credential& refused) override;
  std::string describe() const override { return "token file " + file_.string(); }

 private:
  struct FileIdentity {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    int64_t modified_ns = 0;
    bool operator==(const FileIdentity&) const = default;
  };

  // Re-reads the file if it changed. Called with mutex_ held.
  Result<void> refresh_locked();

  const std::filesystem::path file_;
  const std::string fallback_token_;
  const Clock& clock_;
  const std::chrono::milliseconds check_interval_;

  std::mutex mutex_;
  std::optional<FileIdentity> identity_;  // of the last successful read
  std::string token_;                     // the last successful read
  std::optional<std::chrono::steady_clock::time_point> last_check_;
};

struct ExecPluginOptions {
  // A plugin may open a browser for a login; a minute is what a person needs.
  std::chrono::milliseconds timeout{60'000};
  // Whether pier's stdin is a terminal (decides spec.interactive and whether
  // the plugin gets stdin); nullopt: ask isatty(0).
  std::optional<bool> stdin_is_terminal;
  // spec.cluster of KUBERNETES_EXEC_INFO, sent when the kubeconfig sets
  // provideClusterInfo (see exec_cluster_info()).
  nlohmann::json cluster_info;
};

// Runs a client.authentication.k8s.io credential plugin. The plugin gets
// pier's environment plus the kubeconfig's env entries and
// KUBERNETES_EXEC_INFO, and pier's standard error; its standard output must
// be an ExecCredential of the same apiVersion. One plugin run at a time;
// concurrent callers wait for it and share its answer.
class ExecCredentialSource final : public CredentialSource {
 public:
  ExecCredentialSource(ExecConfig config, ExecPluginOptions options, const Clock& clock);

  Result<Credential> credential() override;
  bool refresh_after_unauthorized(const Credential& refused) override;
  std::string describe() const override { return "exec plugin \"" + config_.command + "\""; }

 private:
  Result<Credential> run_plugin();
  Error plugin_error(ErrorCode code, const std::string& what, Retry retry = Retry::kNo) const;

  const ExecConfig config_;
  const ExecPluginOptions options_;
  const Clock& clock_;

  std::mutex mutex_;
  std::optional<Credential> cached_;
  std::optional<std::chrono::system_clock::time_point> expires_;  // nullopt: until a 401
};

// spec.cluster for an exec plugin, from the cluster's settings; `ca_pem` is
// the certificate authority's bytes (sent base64-encoded, as Go does).
nlohmann::json exec_cluster_info(const ClusterConfig& config, const std::string& ca_pem);

// RFC 3339 as Kubernetes writes it ("2024-05-01T12:00:00Z", fractions and
// offsets accepted). nullopt when malformed.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

}  // namespace pier::kube
