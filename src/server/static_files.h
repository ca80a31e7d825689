// Serves a directory: the built web UI.
//
//   auto ui = StaticFiles::open({.root = "web/dist"});
//   if (!ui) return fail(ui.error());
//   router.fallback(ui->handler(), Access::anyone(), "static");
//
// - Content-Type by extension; `X-Content-Type-Options: nosniff`.
// - A path without a file extension that names no file gets index.html, so
//   that the single-page app's own routes (/releases/shop/web) load it;
//   never for paths under the API prefixes (`/api/` answers 404 JSON).
// - Refused: `.` and `..` segments (also percent-encoded), encoded slashes
//   and backslashes, NUL bytes (400); hidden files and anything whose real
//   path (symlinks resolved) is outside the root (404).
// - ETag (size and modification time) with If-None-Match -> 304, and
//   Last-Modified; `Cache-Control: public, max-age=31536000, immutable` for
//   content-hashed names under /assets/ (`index-4f3a2b1c.js`), `no-cache`
//   (always revalidate) for everything else, index.html included.
#pragma once

#include <filesystem>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "server/request.h"
#include "server/response.h"
#include "server/router.h"

namespace pier::server {

struct StaticFilesOptions {
  std::filesystem::path root;
  std::vector<std::string> api_prefixes = {"/api/"};
  std::string index = "index.html";
  bool spa_fallback = true;
  std::string immutable_prefix = "/assets/";
};

class StaticFiles {
 public:
  // kNotFound when the root is not a directory.
  static Result<StaticFiles> open(StaticFilesOptions options);

  Response serve(const Request& request) const;
  // A handler for Router::fallback; it shares this object's state.
  Handler handler() const;

  struct State;

 private:
  explicit StaticFiles(std::shared_ptr<const State> state) : state_(std::move(state)) {}
  std::shared_ptr<const State> state_;
};

// "text/html; charset=utf-8" for "index.html"; application/octet-stream when unknown.
std::string_view content_type_for(std::string_view file_name);

// True for names a bundler made unique by content: "index-4f3a2b1c.js".
bool is_content_hashed_name(std::string_view file_name);

// "Sun, 29 Nov 2026 12:00:00 GMT"
std::string format_http_date(std::chrono::system_clock::time_point time);

// Whether an If-None-Match value ("*", or a list of possibly weak tags) matches `etag`.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace pier::server
