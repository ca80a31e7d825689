// The API's timestamps ("2026-11-29T14:05:01.123Z", RFC 3339) shown in the
// local time zone, as people read them in a terminal.
//
//   local_time_of_day("2026-11-29T14:05:01.123Z");  // "15:05:01" in Europe/Paris
//   local_date_time("2026-11-29T14:05:01.123Z");    // "2026-11-29 15:05:01"
//
// Text that is not such a timestamp is shown as it is; "" stays "".
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace pier::console_client {

// "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)"; nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> parse_api_time(std::string_view text);

std::string local_time_of_day(std::string_view api_time);
std::string local_date_time(std::string_view api_time);

}  // namespace pier::console_client
