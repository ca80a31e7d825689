// Plain aligned columns, as kubectl prints them.
#pragma once

#include <string>
#include <vector>

namespace pier::cli {

// The first row is the header; columns are three spaces apart.
std::string format_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace pier::cli
