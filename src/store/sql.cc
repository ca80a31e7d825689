#include "store/sql.h"

#include <charconv>

namespace pier::store::sql {

const std::string& Row::text(size_t column) const {
  static const std::string kEmpty;
  const auto& cell = cells_.at(column);
  return cell ? *cell : kEmpty;
}

std::int64_t Row::integer(size_t column) const { return optional_integer(column).value_or(0); }

std::optional<std::int64_t> Row::optional_integer(size_t column) const {
  const auto& cell = cells_.at(column);
  if (!cell) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(cell->data(), cell->data() + cell->size(), value);
  if (ec != std::errc() || end != cell->data() + cell->size()) return 0;
  return value;
}

}  // namespace pier::store::sql
