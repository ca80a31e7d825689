#include "console_client/release_table.h"

#include "console_client/json_text.h"
#include "console_client/time_text.h"

namespace pier::console_client {

namespace {

// Tables stay one line per row: line breaks become spaces and long text is cut.
std::string one_line(std::string text, std::size_t max_length = 80) {
  for (char& c : text)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (text.size() > max_length) text = text.substr(0, max_length - 3) + "...";
  return text;
}

std::string release_status(const nlohmann::json& release) {
  std::string status = field_text(release, "status");
  const nlohmann::json& running = field_value(release, "active_operation");
  if (running.is_object()) {
    std::string kind = field_text(running, "kind");
    status += " (" + (kind.empty() ? std::string("operation") : kind) + " running)";
  }
  return status;
}

}  // namespace

TableRows release_rows(const std::vector<nlohmann::json>& releases) {
  TableRows rows = {{"CLUSTER", "NAMESPACE", "NAME", "REVISION", "APP", "VERSION", "STATUS", "UPDATED"}};
  for (const auto& release : releases) {
    std::string updated = field_text(release, "finished_at");
    if (updated.empty()) updated = field_text(release, "created_at");
    rows.push_back({field_text(release, "cluster"), field_text(release, "namespace"), field_text(release, "name"),
                    field_text(release, "revision"), field_text(release, "app"), field_text(release, "app_version"),
                    release_status(release), local_date_time(updated)});
  }
  return rows;
}

TableRows revision_rows(const nlohmann::json& revisions) {
  TableRows rows = {{"REVISION", "STATUS", "APP", "VERSION", "USER", "CREATED", "MESSAGE/DETAIL"}};
  if (!revisions.is_array()) return rows;
  for (const auto& revision : revisions) {
    std::string message = field_text(revision, "message");
    std::string detail = field_text(revision, "status_detail");
    std::string text = message.empty() ? detail : (detail.empty() ? message : message + "; " + detail);
    rows.push_back({field_text(revision, "revision"), field_text(revision, "status"), field_text(revision, "app"),
                    field_text(revision, "app_version"), field_text(revision, "user"),
                    local_date_time(field_text(revision, "created_at")), one_line(text)});
  }
  return rows;
}

}  // namespace pier::console_client
