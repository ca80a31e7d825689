#include "common/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace pier {

namespace {

std::string errno_text() { return std::strerror(errno); }

}  // namespace

Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const bool missing = !std::filesystem::exists(path);
    return fail(Error::make(missing ? ErrorCode::kNotFound : ErrorCode::kIo, path.string() + ": cannot read: " + errno_text()));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return fail(Error::io(path.string() + ": read failed: " + errno_text()));
  return std::move(buffer).str();
}

Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  std::filesystem::path temp = path;
  temp += ".tmp-XXXXXX";
  std::string name = temp.string();
  int fd = ::mkstemp(name.data());
  if (fd < 0) return fail(Error::io(path.string() + ": cannot create a temporary file: " + errno_text()));
  auto cleanup = [&](std::string why) {
    ::close(fd);
    ::unlink(name.c_str());
    return fail(Error::io(path.string() + ": " + why));
  };
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return cleanup("write failed: " + errno_text());
    }
    written += static_cast<size_t>(n);
  }
  if (::fchmod(fd, 0644) != 0) return cleanup("chmod failed: " + errno_text());
  if (::fsync(fd) != 0) return cleanup("fsync failed: " + errno_text());
  if (::close(fd) != 0) {
    ::unlink(name.c_str());
    return fail(Error::io(path.string() + ": close failed: " + errno_text()));
  }
  if (::rename(name.c_str(), path.c_str()) != 0) {
    std::string why = errno_text();
    ::unlink(name.c_str());
    return fail(Error::io(path.string() + ": rename failed: " + why));
  }
  return {};
}

}  // namespace pier
