#include "console_client/event_lines.h"

#include <optional>

#include "console_client/json_text.h"
#include "console_client/time_text.h"

namespace pier::console_client {

namespace {

// The message on one line: a multi-line message (a template error with its
// context) keeps its lines, indented under the first.
std::string indented(const std::string& text, const std::string& indent) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out += indent;
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
  return out;
}

// Only what needs attention (and the good end) stands out; progress stays plain.
std::optional<Color> color_of(const std::string& type) {
  if (type == "failed") return Color::kRed;
  if (type == "pod_problem" || type == "interrupted" || type == "rollback") return Color::kYellow;
  if (type == "done") return Color::kGreen;
  return std::nullopt;
}

}  // namespace

std::string format_event_line(const nlohmann::json& event, const TextStyle& style) {
  const std::string type = field_text(event, "type");
  std::string message = field_text(event, "message");
  if (message.empty()) message = type.empty() ? "(event without a message)" : type;
  std::string time = local_time_of_day(field_text(event, "time"));
  const std::string indent(time.empty() ? 2 : 4 + time.size(), ' ');

  std::string line = "  ";
  if (!time.empty()) line += style.paint(time, Color::kDim) + "  ";
  std::optional<Color> color = color_of(type);
  line += color ? style.paint(indented(message, indent), *color) : indented(message, indent);
  line += "\n";
  for (const auto& detail : field_value(event, "details")) {
    std::string location = field_text(detail, "location");
    std::string text = field_text(detail, "message");
    line += indent + "  " + (location.empty() ? "" : location + ": ") + indented(text, indent + "  ") + "\n";
  }
  return line;
}

bool operation_succeeded(const nlohmann::json& operation) { return field_text(operation, "status") == "succeeded"; }

std::string format_operation_result(const nlohmann::json& operation, const TextStyle& style) {
  std::string status = field_text(operation, "status");
  if (status.empty()) status = "ended";
  std::string line = "operation " + field_text(operation, "id") + " " + status;
  std::string message = field_text(operation, "message");
  if (!operation_succeeded(operation) && !message.empty()) line += ": " + message;
  Color color = operation_succeeded(operation) ? Color::kGreen : (status == "failed" ? Color::kRed : Color::kYellow);
  return style.paint(line, color) + "\n";
}

}  // namespace pier::console_client
