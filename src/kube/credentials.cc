#include "kube/credentials.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "common/files.h"
#include "kube/base64.h"
#include "kube/subprocess.h"

namespace pier::kube {

namespace {

using nlohmann::json;

std::string trim_space(std::string text) {
  auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!text.empty() && is_space(text.back())) text.pop_back();
  size_t start = 0;
  while (start < text.size() && is_space(text[start])) ++start;
  return text.substr(start);
}

// A value a plugin returned, shortened for a message. Only for fields that
// are not secret (apiVersion, kind).
std::string quoted_excerpt(const json& value) {
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  if (text.size() > 60) text = text.substr(0, 60) + "...";
  return "\"" + text + "\"";
}

std::optional<int> digits(std::string_view text, size_t pos, size_t count) {
  if (pos + count > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text) {
  // 2024-05-01T12:00:00[.123456789](Z|+02:00)
  auto year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
  auto hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':')
    return std::nullopt;
  std::chrono::year_month_day date{std::chrono::year(*year), std::chrono::month(static_cast<unsigned>(*month)),
                                   std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok() || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  size_t pos = 19;
  std::chrono::nanoseconds fraction{0};
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int64_t scale = 100'000'000;
    size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      fraction += std::chrono::nanoseconds((text[pos] - '0') * scale);
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  std::chrono::minutes offset{0};
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    auto off_hours = digits(text, pos + 1, 2), off_minutes = digits(text, pos + 4, 2);
    if (!off_hours || !off_minutes || pos + 3 >= text.size() || text[pos + 3] != ':') return std::nullopt;
    offset = std::chrono::hours(*off_hours) + std::chrono::minutes(*off_minutes);
    if (text[pos] == '-') offset = -offset;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  auto local = std::chrono::sys_days(date) + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
               std::chrono::seconds(*second);
  return std::chrono::time_point_cast<std::chrono::system_clock::duration>(local - offset + fraction);
}

// --- TokenFileSource ---------------------------------------------------------

TokenFileSource::TokenFileSource(std::filesystem::path file, std::string fallback_token, const Clock& clock,
                                 std::chrono::milliseconds check_interval)
    : file_(std::move(file)), fallback_token_(std::move(fallback_token)), clock_(clock), check_interval_(check_interval) {}

Result<void> TokenFileSource::refresh_locked() {
  last_check_ = clock_.now();
  struct stat info {};
  if (::stat(file_.c_str(), &info) != 0)
    return fail(Error::make(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                            file_.string() + ": cannot read the token: " + std::strerror(errno)));
  FileIdentity identity{info.st_dev, info.st_ino, info.st_size,
                        static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec};
  if (identity_ && *identity_ == identity) return {};
  auto text = read_file(file_);
  if (!text) return fail(Error::make(text.error().code, file_.string() + ": cannot read the token"));
  token_ = trim_space(std::move(*text));
  identity_ = identity;
  return {};
}

Result<Credential> TokenFileSource::credential() {
  std::lock_guard lock(mutex_);
  if (!last_check_ || clock_.now() - *last_check_ >= check_interval_) {
    auto refreshed = refresh_locked();
    // Keep the last good token (or the kubeconfig's token) through a failed
    // read: the kubelet swaps the file with a rename, so a failure is brief.
    if (!refreshed && !identity_ && fallback_token_.empty()) return fail(refreshed.error());
  }
  const std::string& token = identity_ && !token_.empty() ? token_ : fallback_token_;
  if (token.empty()) return fail(Error::make(ErrorCode::kDenied, file_.string() + ": the token file is empty"));
  return Credential{token, {}, {}};
}

bool TokenFileSource::refresh_after_unauthorized(const Credential& refused) {
  std::lock_guard lock(mutex_);
  (void)refresh_locked();
  const std::string& token = identity_ && !token_.empty() ? token_ : fallback_token_;
  return !token.empty() && token != refused.bearer_token;
}

// --- ExecCredentialSource ----------------------------------------------------

ExecCredentialSource::ExecCredentialSource(ExecConfig config, ExecPluginOptions options, const Clock& clock)
    : config_(std::move(config)), options_(std::move(options)), clock_(clock) {}

Result<Credential> ExecCredentialSource::credential() {
  std::lock_guard lock(mutex_);
  if (cached_ && (!expires_ || clock_.wall_now() < *expires_)) return *cached_;
  cached_.reset();
  auto fresh = run_plugin();
  if (!fresh) return fail(fresh.error());
  cached_ = *fresh;
  return *fresh;
}

bool ExecCredentialSource::refresh_after_unauthorized(const Credential& refused) {
  std::lock_guard lock(mutex_);
  // Another thread may already have replaced the refused credential; then
  // the new one is worth a try and the plugin need not run again.
  if (cached_ && *cached_ == refused) cached_.reset();
  return true;
}

Error ExecCredentialSource::plugin_error(ErrorCode code, const std::string& what, Retry retry) const {
  std::string message = describe() + ": " + what;
  if (!config_.install_hint.empty()) message += "\n" + trim_space(config_.install_hint);
  return Error::make(code, std::move(message), retry);
}

Result<Credential> ExecCredentialSource::run_plugin() {
  const bool terminal = options_.stdin_is_terminal.value_or(::isatty(0) == 1);
  if (config_.interactive_mode == ExecInteractiveMode::kAlways && !terminal)
    return fail(plugin_error(ErrorCode::kDenied,
                             "needs a terminal (interactiveMode: Always) but standard input is not one"));
  const bool interactive = terminal && config_.interactive_mode != ExecInteractiveMode::kNever;

  json info = {{"apiVersion", config_.api_version},
               {"kind", "ExecCredential"},
               {"spec", {{"interactive", interactive}}}};
  if (config_.provide_cluster_info && !options_.cluster_info.is_null()) info["spec"]["cluster"] = options_.cluster_info;

  ProcessSpec spec;
  spec.argv.push_back(config_.command);
  spec.argv.insert(spec.argv.end(), config_.args.begin(), config_.args.end());
  spec.extra_env = config_.env;
  spec.extra_env.emplace_back("KUBERNETES_EXEC_INFO", info.dump());
  spec.inherit_stdin = interactive;
  spec.timeout = options_.timeout;

  auto done = run_process(spec);
  if (!done) {
    const Error& e = done.error();
    if (e.code == ErrorCode::kNotFound) return fail(plugin_error(ErrorCode::kNotFound, "cannot run: not found or not executable"));
    // The subprocess message starts with the command, which describe() names already.
    std::string why = e.message.substr(std::min(e.message.size(), config_.command.size() + 2));
    return fail(plugin_error(e.code, why, e.retry));
  }
  if (done->killed_by) return fail(plugin_error(ErrorCode::kDenied, "killed by signal " + std::to_string(*done->killed_by)));
  if (done->exit_code != 0)
    return fail(plugin_error(ErrorCode::kDenied, "exited with status " + std::to_string(done->exit_code)));

  // The output holds the token: report what is wrong with it, never its text.
  json answer = json::parse(done->standard_output, nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded() || !answer.is_object())
    return fail(plugin_error(ErrorCode::kDenied, "its output is not an ExecCredential JSON object"));
  const json api_version = answer.value("apiVersion", json());
  if (api_version != config_.api_version)
    return fail(plugin_error(ErrorCode::kDenied, "answered with apiVersion " + quoted_excerpt(api_version) +
                                                     " but the kubeconfig asks for \"" + config_.api_version + "\""));
  const json kind = answer.value("kind", json());
  if (kind != "ExecCredential")
    return fail(plugin_error(ErrorCode::kDenied, "answered with kind " + quoted_excerpt(kind) + ", not ExecCredential"));
  auto status = answer.find("status");
  if (status == answer.end() || !status->is_object())
    return fail(plugin_error(ErrorCode::kDenied, "its ExecCredential has no status"));

  auto string_field = [&](const char* name) -> std::optional<std::string> {
    auto it = status->find(name);
    if (it == status->end() || it->is_null()) return std::string();
    if (!it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  auto token = string_field("token");
  auto cert = string_field("clientCertificateData");
  auto key = string_field("clientKeyData");
  auto expiry_text = string_field("expirationTimestamp");
  if (!token || !cert || !key || !expiry_text)
    return fail(plugin_error(ErrorCode::kDenied, "its ExecCredential status has a field that is not a string"));
  if (cert->empty() != key->empty())
    return fail(plugin_error(ErrorCode::kDenied,
                             "its ExecCredential has only one of status.clientCertificateData and status.clientKeyData"));
  if (token->empty() && cert->empty())
    return fail(plugin_error(ErrorCode::kDenied,
                             "its ExecCredential has neither status.token nor status.clientCertificateData"));
  expires_.reset();
  if (!expiry_text->empty()) {
    auto expiry = parse_rfc3339(*expiry_text);
    if (!expiry)
      return fail(plugin_error(ErrorCode::kDenied, "status.expirationTimestamp " + quoted_excerpt(*expiry_text) +
                                                       " is not an RFC 3339 time"));
    expires_ = *expiry;
  }
  return Credential{std::move(*token), std::move(*cert), std::move(*key)};
}

json exec_cluster_info(const ClusterConfig& config, const std::string& ca_pem) {
  json cluster = {{"server", config.server}};
  if (!config.tls_server_name.empty()) cluster["tls-server-name"] = config.tls_server_name;
  if (config.insecure_skip_tls_verify) cluster["insecure-skip-tls-verify"] = true;
  if (!ca_pem.empty()) cluster["certificate-authority-data"] = base64_encode(ca_pem);
  if (!config.proxy_url.empty()) cluster["proxy-url"] = config.proxy_url;
  if (config.disable_compression) cluster["disable-compression"] = true;
  if (!config.exec_cluster_config.is_null()) cluster["config"] = config.exec_cluster_config;
  return cluster;
}

}  // namespace pier::kube
