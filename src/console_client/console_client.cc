#include "console_client/console_client.h"

#include "console_client/api_error.h"
#include "console_client/curl_http.h"

namespace pier::console_client {

Result<ConsoleClient> ConsoleClient::open(ClientOptions options) {
  auto http = CurlHttp::create(options);
  if (!http) return fail(http.error());
  options.server_url = (*http)->server();  // without a trailing slash
  return ConsoleClient(std::move(options), std::move(*http));
}

ConsoleClient::ConsoleClient(ClientOptions options, std::unique_ptr<CurlHttp> http)
    : options_(std::move(options)), http_(std::move(http)) {}

ConsoleClient::~ConsoleClient() = default;
ConsoleClient::ConsoleClient(ConsoleClient&&) noexcept = default;
ConsoleClient& ConsoleClient::operator=(ConsoleClient&&) noexcept = default;

Result<nlohmann::json> ConsoleClient::get(std::string_view path_and_query) {
  return call("GET", path_and_query, nullptr);
}

Result<nlohmann::json> ConsoleClient::post(std::string_view path, const nlohmann::json& body) {
  return call("POST", path, &body);
}

Result<nlohmann::json> ConsoleClient::call(std::string method, std::string_view path, const nlohmann::json* body) {
  HttpCall request;
  request.method = std::move(method);
  request.path = path;
  request.headers.push_back("Accept: application/json");
  // Invalid UTF-8 in a values file becomes U+FFFD instead of an exception.
  if (body) request.body = body->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto reply = http_->exchange(request);
  if (!reply) return fail(redacted(reply.error()));
  if (reply->status < 200 || reply->status >= 300) return fail(answer_error(reply->status, reply->body));
  if (reply->body.empty()) return nlohmann::json();
  nlohmann::json parsed = nlohmann::json::parse(reply->body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded())
    return fail(Error::internal(request.method + " " + std::string(path) + ": the answer of " + options_.server_url +
                                " is not JSON (is --server the console?)"));
  return parsed;
}

Error ConsoleClient::answer_error(int status, std::string_view body) const {
  Error error = error_from_answer(status, body);
  if (status == 401 && options_.token.empty())
    error.message += " (no token was given: use --token-file FILE or the environment variable PIER_TOKEN)";
  return redacted(std::move(error));
}

Error ConsoleClient::redacted(Error error) const {
  redact(error, options_.token);
  return error;
}

}  // namespace pier::console_client
