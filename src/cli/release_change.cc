#include "cli/release_change.h"

#include <iostream>

#include "cli/commands.h"
#include "console_client/diff_text.h"
#include "console_client/event_lines.h"
#include "console_client/json_text.h"

namespace pier::cli {

namespace cc = console_client;

int run_release_change(const ConsoleFlags& console, const ReleaseChange& change) {
  auto client = open_console(console);
  if (!client) return report_error(client.error());
  const cc::TextStyle style = terminal_style();

  auto answer = client->post(cc::release_path(change.release, change.action), change.body);
  if (!answer) return report_error(answer.error());

  if (change.dry_run) {
    std::cout << "dry run of " << change.action << " " << change.release.display() << " (nothing was changed):\n"
              << cc::format_diff(*answer, style);
    return 0;
  }

  const nlohmann::json& operation = cc::field_value(*answer, "operation");
  const std::string operation_id = cc::field_text(operation, "id");
  if (operation_id.empty())
    return report_error(
        Error::internal(change.action + " " + change.release.display() + ": the console's answer names no operation"));
  std::string revision = cc::field_text(cc::field_value(*answer, "revision"), "revision");
  if (revision.empty()) revision = "?";
  std::cout << "revision " << revision << " of " << change.release.display() << ": operation " << operation_id
            << std::endl;
  if (change.detach) {
    std::cout << "not following it: the operation goes on in the console" << std::endl;
    return 0;
  }

  auto final_operation = client->follow_events(operation_id, "", [&](const cc::OperationEvent& event) {
    std::cout << cc::format_event_line(event.data, style) << std::flush;
  });
  if (!final_operation) return report_error(final_operation.error());
  std::cout << cc::format_operation_result(*final_operation, style) << std::flush;
  return cc::operation_succeeded(*final_operation) ? 0 : 1;
}

}  // namespace pier::cli
