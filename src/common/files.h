// Reading and writing whole files without leaving anything half-written.
//
//   auto text = pier::read_file("catalog/jetty/schema.json");
//   auto ok = pier::write_file_atomic("out/deploy.yaml", yaml);  // temp file + rename
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/error.h"

namespace pier {

Result<std::string> read_file(const std::filesystem::path& path);

// Writes to a temporary file beside `path`, flushes it to disk, then renames it
// over `path`, so a reader sees the old content or the new one, never a part.
Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view content);

}  // namespace pier
