#include "store/store_url.h"

#include <cctype>

namespace pier::store {

namespace {

// RFC 3986: a letter, then letters, digits, '+', '-' or '.'.
bool is_scheme(std::string_view text) {
  if (text.empty() || !std::isalpha(static_cast<unsigned char>(text[0]))) return false;
  for (char c : text)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
  return true;
}

}  // namespace

Result<StoreTarget> parse_store_url(std::string_view url) {
  if (url.empty()) return fail(Error::invalid("database: empty location (expected a path, sqlite://PATH or postgres://...)"));
  if (url.starts_with("postgres://") || url.starts_with("postgresql://"))
    return StoreTarget{Backend::kPostgres, std::string(url)};

  std::string_view path = url;
  if (url.starts_with("sqlite://")) {
    path.remove_prefix(9);
  } else if (url.starts_with("sqlite:")) {
    path.remove_prefix(7);
  } else if (auto colon = url.find("://"); colon != std::string_view::npos && is_scheme(url.substr(0, colon))) {
    return fail(Error::invalid("database: unsupported scheme \"" + std::string(url.substr(0, colon)) +
                               "\" (expected a path, sqlite://PATH or postgres://...)"));
  }
  if (path.empty()) return fail(Error::invalid("database: sqlite URL without a path"));
  return StoreTarget{Backend::kSqlite, std::string(path)};
}

}  // namespace pier::store
