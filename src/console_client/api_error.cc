#include "console_client/api_error.h"

#include <nlohmann/json.hpp>

namespace pier::console_client {

namespace {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

ErrorCode code_for(int status) {
  switch (status) {
    case 400:
    case 422:
      return ErrorCode::kInvalidInput;
    case 401:
    case 403:
      return ErrorCode::kDenied;
    case 404:
      return ErrorCode::kNotFound;
    case 409:
      return ErrorCode::kConflict;
    case 429:
    case 502:
    case 503:
    case 504:
      return ErrorCode::kUnavailable;
    default:
      return ErrorCode::kInternal;
  }
}

// A non-API body (an HTML error page of a proxy, plain text): its first
// non-empty line, cut short, tags stripped, so the message stays one line.
std::string first_text_line(std::string_view body) {
  std::string text;
  bool in_tag = false;
  for (char c : body) {
    if (c == '<')
      in_tag = true;
    else if (c == '>')
      in_tag = false;
    else if (!in_tag)
      text += c;
  }
  std::size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return {};
  std::size_t end = text.find_first_of("\r\n", start);
  std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
  constexpr std::size_t kMaxShown = 200;
  if (line.size() > kMaxShown) line = line.substr(0, kMaxShown) + "...";
  return line;
}

std::string string_field(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void replace_all(std::string& text, std::string_view secret) {
  for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), "(token)");
    at += 7;
  }
}

}  // namespace

Error error_from_answer(int status, std::string_view body) {
  Error error;
  error.code = code_for(status);
  if (error.code == ErrorCode::kUnavailable) error.retry = Retry::kYes;

  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object()) {
    error.message = string_field(parsed, "error");
    auto details = parsed.find("details");
    if (details != parsed.end() && details->is_array()) {
      for (const auto& detail : *details) {
        if (!detail.is_object()) continue;
        error.details.push_back({string_field(detail, "location"), string_field(detail, "message")});
      }
    }
  }
  if (error.message.empty()) {
    std::string phrase(reason_phrase(status));
    error.message = "HTTP " + std::to_string(status) + (phrase.empty() ? "" : " " + phrase);
    if (!parsed.is_object()) {
      std::string line = first_text_line(body);
      // A proxy's page often says no more than the status line did.
      if (!line.empty() && (phrase.empty() || line.find(phrase) == std::string::npos)) error.message += ": " + line;
    }
  }
  return error;
}

void redact(Error& error, std::string_view secret) {
  if (secret.empty()) return;
  replace_all(error.message, secret);
  for (auto& detail : error.details) {
    replace_all(detail.location, secret);
    replace_all(detail.message, secret);
  }
}

}  // namespace pier::console_client
