#include "lb/keepalived_dataplane.h"

#include <chrono>

#include "lb/actual_update.h"

namespace pier::lb {

ApplyReport KeepalivedDataplane::apply(std::span<const Operation> operations) {
  ApplyReport report;
  Actual next = mirror_;
  auto now = std::chrono::steady_clock::now();
  for (const auto& op : operations) apply_operation(next, op, now);
  RenderedKeepalived rendered = render_keepalived_conf(settings_, owned_virtual_services(next));
  auto written = files_.apply(rendered.text);
  for (const auto& op : operations) {
    if (!written) {
      report.failed.push_back({op, written.error()});
      continue;
    }
    // What keepalived cannot express is left out of the file: its
    // operations failed for good (the same input gives the same refusal).
    // A reason names the service first, then the real server if only that
    // one was dropped.
    const std::string service = op.service.text() + ": ";
    const std::string server = service + "real server " + op.server.text() + " ";
    bool is_server_op = op.kind == OperationKind::kAddRealServer || op.kind == OperationKind::kUpdateRealServer;
    const Problem* refusal = nullptr;
    for (const auto& problem : rendered.problems) {
      if (!problem.reason.starts_with(service)) continue;
      bool about_a_server = problem.reason.starts_with(service + "real server ");
      if (!about_a_server || (is_server_op && problem.reason.starts_with(server))) refusal = &problem;
    }
    if (refusal && op.kind != OperationKind::kRemoveService && op.kind != OperationKind::kRemoveRealServer) {
      report.failed.push_back({op, Error::make(ErrorCode::kInvalidInput, refusal->reason)});
      continue;
    }
    ++report.applied;
  }
  if (written) mirror_ = std::move(next);
  return report;
}

}  // namespace pier::lb
