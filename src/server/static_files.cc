#include "server/static_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <utility>

namespace pier::server {

struct StaticFiles::State {
  StaticFilesOptions options;
  std::filesystem::path root;  // canonical
  std::string root_prefix;     // canonical root with a trailing '/'
};

namespace {

// Files this large are not web UI assets; refusing them bounds memory per request.
constexpr off_t kMaxFileBytes = 64 << 20;

struct FileBody {
  std::string bytes;
  struct stat info {};
};

enum class Lookup { kFound, kMissing, kOutside };

std::string lowercase_extension(std::string_view name) {
  std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return "";
  std::string ext(name.substr(dot + 1));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

std::string etag_of(const struct stat& info) {
  char buffer[64];
  auto mtime_ns = static_cast<unsigned long long>(info.st_mtim.tv_sec) * 1000000000ULL +
                  static_cast<unsigned long long>(info.st_mtim.tv_nsec);
  std::snprintf(buffer, sizeof buffer, "\"%llx-%llx\"", static_cast<unsigned long long>(info.st_size), mtime_ns);
  return buffer;
}

// Reads a regular file without following a symlink at its last component (the
// path was resolved just before; this closes the window for a swap).
Result<FileBody> read_regular_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return fail(Error::not_found(path.string() + ": " + std::strerror(errno)));
  FileBody file;
  if (::fstat(fd, &file.info) != 0 || !S_ISREG(file.info.st_mode) || file.info.st_size > kMaxFileBytes) {
    ::close(fd);
    return fail(Error::not_found(path.string() + ": not a servable file"));
  }
  file.bytes.resize(static_cast<std::size_t>(file.info.st_size));
  std::size_t done = 0;
  while (done < file.bytes.size()) {
    ssize_t n = ::read(fd, file.bytes.data() + done, file.bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  file.bytes.resize(done);
  return file;
}

}  // namespace

Result<StaticFiles> StaticFiles::open(StaticFilesOptions options) {
  std::error_code ec;
  std::filesystem::path root = std::filesystem::canonical(options.root, ec);
  if (ec || !std::filesystem::is_directory(root, ec))
    return fail(Error::not_found("static files: " + options.root.string() + " is not a directory"));
  auto state = std::make_shared<State>();
  state->root_prefix = root.string();
  if (!state->root_prefix.ends_with('/')) state->root_prefix += '/';
  state->root = std::move(root);
  state->options = std::move(options);
  return StaticFiles(std::move(state));
}

Handler StaticFiles::handler() const {
  return [state = state_](const Request& request) { return StaticFiles(state).serve(request); };
}

Response StaticFiles::serve(const Request& request) const {
  const State& state = *state_;
  if (request.method != "GET" && request.method != "HEAD") {
    Response response = Response::error(405, "method " + request.method + " not allowed here");
    response.set_header("Allow", "GET, HEAD");
    return response;
  }
  for (const std::string& prefix : state.options.api_prefixes) {
    std::string_view bare = std::string_view(prefix).substr(0, prefix.size() - (prefix.ends_with('/') ? 1 : 0));
    if (request.path.starts_with(prefix) || request.path == bare)
      return Response::error(404, "no route for " + request.method + " " + request.path);
  }

  // Decoded segments: a "%2e%2e" arrives here as "..", a "%2F" as a '/' inside a segment.
  std::filesystem::path relative;
  for (std::size_t i = 0; i < request.segments.size(); ++i) {
    const std::string& segment = request.segments[i];
    bool last = i + 1 == request.segments.size();
    if (segment.empty() && last) break;  // a trailing slash: the directory's index
    if (segment.empty() || segment == "." || segment == ".." ||
        segment.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos)
      return Response::error(400, "invalid path");
    if (segment.front() == '.') return Response::error(404, "not found: " + request.path);
    relative /= segment;
  }

  auto resolve = [&](const std::filesystem::path& candidate, std::filesystem::path& out) {
    std::error_code ec;
    std::filesystem::path real = std::filesystem::canonical(candidate, ec);
    if (ec) return Lookup::kMissing;
    std::string text = real.string();
    if (text != state.root.string() && !text.starts_with(state.root_prefix)) return Lookup::kOutside;
    if (std::filesystem::is_directory(real, ec)) {
      std::filesystem::path index = std::filesystem::canonical(real / state.options.index, ec);
      if (ec) return Lookup::kMissing;
      if (!index.string().starts_with(state.root_prefix)) return Lookup::kOutside;
      real = std::move(index);
    }
    out = std::move(real);
    return Lookup::kFound;
  };

  std::filesystem::path file;
  bool is_index_fallback = false;
  Lookup lookup = resolve(state.root / relative, file);
  if (lookup == Lookup::kMissing && state.options.spa_fallback) {
    std::string_view last = request.segments.empty() ? std::string_view() : std::string_view(request.segments.back());
    if (last.find('.') == std::string_view::npos) {
      lookup = resolve(state.root / state.options.index, file);
      is_index_fallback = true;
    }
  }
  if (lookup != Lookup::kFound) return Response::error(404, "not found: " + request.path);

  Result<FileBody> body = read_regular_file(file);
  if (!body) return Response::error(404, "not found: " + request.path);

  Response response;
  response.status = 200;
  std::string etag = etag_of(body->info);
  std::string file_name = file.filename().string();
  bool immutable = !is_index_fallback && request.path.starts_with(state.options.immutable_prefix) &&
                   is_content_hashed_name(file_name);
  response.set_header("ETag", etag);
  response.set_header("Last-Modified",
                      format_http_date(std::chrono::system_clock::time_point(std::chrono::seconds(body->info.st_mtim.tv_sec))));
  response.set_header("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  response.set_header("X-Content-Type-Options", "nosniff");
  if (auto if_none_match = request.header("If-None-Match"); if_none_match && etag_matches(*if_none_match, etag)) {
    response.status = 304;
    return response;
  }
  response.set_header("Content-Type", std::string(content_type_for(file_name)));
  response.body = std::move(body->bytes);
  return response;
}

std::string_view content_type_for(std::string_view file_name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 24> kTypes = {{
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"webmanifest", "application/manifest+json"},
      {"txt", "text/plain; charset=utf-8"},
      {"xml", "application/xml"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"avif", "image/avif"},
      {"ico", "image/x-icon"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"ttf", "font/ttf"},
      {"otf", "font/otf"},
      {"wasm", "application/wasm"},
      {"pdf", "application/pdf"},
  }};
  std::string ext = lowercase_extension(file_name);
  for (const auto& [extension, type] : kTypes)
    if (extension == ext) return type;
  return "application/octet-stream";
}

bool is_content_hashed_name(std::string_view file_name) {
  std::size_t dot = file_name.rfind('.');
  std::string_view stem = file_name.substr(0, dot);
  // Vite and Rollup: "<name>-<hash>", with a hash of 8 or more [A-Za-z0-9_]; webpack: "<name>.<hash>".
  std::size_t cut = stem.find_last_of("-.");
  if (cut == std::string_view::npos) return false;
  std::string_view hash = stem.substr(cut + 1);
  if (hash.size() < 8) return false;
  for (char c : hash)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

std::string format_http_date(std::chrono::system_clock::time_point time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  // strftime's %a and %b follow the locale; HTTP wants the English names.
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[utc.tm_wday], utc.tm_mday,
                kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return buffer;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  while (!if_none_match.empty()) {
    std::size_t comma = if_none_match.find(',');
    std::string_view tag = if_none_match.substr(0, comma);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);  // If-None-Match compares weakly
    if (tag == etag) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace pier::server
