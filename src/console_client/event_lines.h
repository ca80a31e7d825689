// An operation's progress as lines for a terminal, as `pier deploy` and
// `pier rollback` print it while following the events:
//
//     15:05:02  validated
//     15:05:02  rendered 6 objects
//     15:05:03  applied 3/6: Deployment shop/web
//     15:05:09  pod web-7d9f-x2k: container jetty: CrashLoopBackOff: ...
//     15:05:40  failed: rollout of Deployment shop/web did not finish
//                 /jetty/replicas: must be >= 1
//   operation 42 failed: rollout of Deployment shop/web did not finish
//
// Times in the local zone; problems in red or yellow and success in green
// when colour is on.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "console_client/text_style.h"

namespace pier::console_client {

// One event (its JSON data: time, type, message, details...), ending in "\n".
std::string format_event_line(const nlohmann::json& event, const TextStyle& style);

// The last line, from the final Operation: "operation 42 succeeded" or
// "operation 42 failed: <its message>", ending in "\n".
std::string format_operation_result(const nlohmann::json& operation, const TextStyle& style);

// True when the final Operation's status is "succeeded".
bool operation_succeeded(const nlohmann::json& operation);

}  // namespace pier::console_client
