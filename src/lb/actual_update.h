// What an applied operation does to the Actual, as the dataplane would now
// report it: lets the controller keep its view current between full reads
// (20,000 services are not dumped after every endpoint change), and lets a
// dataplane without a readable state (keepalived's file) keep a mirror.
//
//   for (const auto& op : applied) lb::apply_operation(actual, op, now);
#pragma once

#include <chrono>

#include "lb/reconcile_diff.h"

namespace pier::lb {

// Adds, updates or removes the service or real server; a real server set to
// weight 0 gets `now` as its drain start (kept when it was already
// draining). Applying to a missing service or real server adds it (an
// update) or does nothing (a removal), so the result is what was asked for.
// Services it adds are owned.
void apply_operation(Actual& actual, const Operation& operation, std::chrono::steady_clock::time_point now);

// Virtual services with their real servers, as a dataplane that renders a
// whole configuration (keepalived) wants them; owned services only.
std::vector<VirtualService> owned_virtual_services(const Actual& actual);

}  // namespace pier::lb
