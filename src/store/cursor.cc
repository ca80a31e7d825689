#include "store/cursor.h"

#include <charconv>

#include <nlohmann/json.hpp>

#include "store/base64.h"

namespace pier::store {

namespace {

constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 1000;

Error bad_cursor() { return Error::invalid("page cursor: not a cursor this server gave out"); }

}  // namespace

std::string encode_release_cursor(const ReleaseKey& key) {
  // Key parts are valid UTF-8 only when the caller's were; a replacement
  // character keeps dump() from throwing, and such a key cannot exist anyway.
  nlohmann::json parts = {key.cluster, key.namespace_name, key.name};
  return base64url_encode(parts.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Result<ReleaseKey> decode_release_cursor(std::string_view cursor) {
  auto text = base64url_decode(cursor);
  if (!text) return fail(bad_cursor());
  auto parts = nlohmann::json::parse(*text, nullptr, false);
  if (!parts.is_array() || parts.size() != 3) return fail(bad_cursor());
  for (const auto& part : parts)
    if (!part.is_string()) return fail(bad_cursor());
  return ReleaseKey{parts[0].get<std::string>(), parts[1].get<std::string>(), parts[2].get<std::string>()};
}

std::string encode_id_cursor(std::int64_t id) { return std::to_string(id); }

Result<std::int64_t> decode_id_cursor(std::string_view cursor) {
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), id);
  if (ec != std::errc() || end != cursor.data() + cursor.size() || id <= 0) return fail(bad_cursor());
  return id;
}

Result<int> page_limit(const PageRequest& page) {
  if (page.limit == 0) return kDefaultLimit;
  if (page.limit < 0 || page.limit > kMaxLimit)
    return fail(Error::invalid("page limit " + std::to_string(page.limit) + ": expected 1 to " + std::to_string(kMaxLimit)));
  return page.limit;
}

}  // namespace pier::store
