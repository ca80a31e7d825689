#include "continue_token.h"

#include <nlohmann/json.hpp>

namespace pier::testing::kube_double {

namespace {

const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url_encode(std::string_view data) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    uint32_t n = (uint8_t(data[i]) << 16) | (uint8_t(data[i + 1]) << 8) | uint8_t(data[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == data.size()) {
    uint32_t n = uint8_t(data[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
  } else if (i + 2 == data.size()) {
    uint32_t n = (uint8_t(data[i]) << 16) | (uint8_t(data[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    const char* found = std::char_traits<char>::find(kAlphabet, 64, c);
    if (!found) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(found - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

}  // namespace

std::string encode_continue_token(int64_t resource_version, std::string_view start_key) {
  nlohmann::json token = {{"v", "meta.k8s.io/v1"}, {"rv", resource_version}, {"start", std::string(start_key)}};
  return base64url_encode(token.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::optional<ContinuePosition> decode_continue_token(std::string_view token) {
  auto text = base64url_decode(token);
  if (!text) return std::nullopt;
  nlohmann::json parsed = nlohmann::json::parse(*text, nullptr, false);
  if (!parsed.is_object() || parsed.value("v", "") != "meta.k8s.io/v1") return std::nullopt;
  auto rv = parsed.find("rv");
  auto start = parsed.find("start");
  if (rv == parsed.end() || !rv->is_number_integer() || start == parsed.end() || !start->is_string())
    return std::nullopt;
  return ContinuePosition{rv->get<int64_t>(), start->get<std::string>()};
}

}  // namespace pier::testing::kube_double
