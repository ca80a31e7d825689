#include "console_client/diff_text.h"

#include "console_client/json_text.h"

namespace pier::console_client {

namespace {

std::string count_text(const nlohmann::json& counts, const char* name) {
  std::string value = field_text(counts, name);
  return (value.empty() ? "0" : value) + " " + name;
}

// A unified diff, each line coloured by its first character, ending in "\n".
std::string paint_unified_diff(const std::string& diff, const TextStyle& style) {
  std::string out;
  std::size_t start = 0;
  while (start < diff.size()) {
    std::size_t end = diff.find('\n', start);
    std::string line = diff.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? diff.size() : end + 1;
    if (line.starts_with("+++") || line.starts_with("---"))
      out += style.paint(line, Color::kBold);
    else if (line.starts_with("@@"))
      out += style.paint(line, Color::kCyan);
    else if (line.starts_with("+"))
      out += style.paint(line, Color::kGreen);
    else if (line.starts_with("-"))
      out += style.paint(line, Color::kRed);
    else
      out += line;
    out += "\n";
  }
  return out;
}

Color color_of_change(const std::string& change) {
  if (change == "added") return Color::kGreen;
  if (change == "removed") return Color::kRed;
  return Color::kYellow;
}

}  // namespace

std::string format_diff(const nlohmann::json& diff, const TextStyle& style) {
  std::string out;
  const nlohmann::json& counts = field_value(diff, "counts");
  out += "objects: " + count_text(counts, "added") + ", " + count_text(counts, "changed") + ", " +
         count_text(counts, "removed") + ", " + count_text(counts, "unchanged") + "\n";

  const nlohmann::json& values = field_value(diff, "values");
  std::string paths;
  for (const auto& path : field_value(values, "changed_paths"))
    if (path.is_string()) paths += (paths.empty() ? "" : ", ") + path.get<std::string>();
  out += "values: " + (paths.empty() ? std::string("unchanged") : paths) + "\n";
  if (std::string values_diff = field_text(values, "diff"); !values_diff.empty())
    out += paint_unified_diff(values_diff, style);

  for (const auto& object : field_value(diff, "objects")) {
    std::string change = field_text(object, "change");
    if (change == "unchanged") continue;
    std::string display = field_text(object, "display");
    if (display.empty()) {
      const nlohmann::json& key = field_value(object, "object");
      std::string namespace_name = field_text(key, "namespace");
      display = field_text(key, "kind") + " " + (namespace_name.empty() ? "" : namespace_name + "/") +
                field_text(key, "name");
    }
    out += "\n" + style.paint(change + ": " + display, color_of_change(change)) + "\n";
    if (std::string note = field_text(object, "note"); !note.empty()) out += "  (" + note + ")\n";
    if (std::string object_diff = field_text(object, "diff"); !object_diff.empty())
      out += paint_unified_diff(object_diff, style);
  }
  return out;
}

}  // namespace pier::console_client
