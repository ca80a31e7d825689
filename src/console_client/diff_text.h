// A Diff of the console API (a dry run's answer, `pier diff`) as text for a
// terminal:
//
//   objects: 1 added, 1 changed, 0 removed, 4 unchanged
//   values: /jetty/replicas
//   --- revision 3
//   +++ revision 4
//   @@ -3 +3 @@
//   -  replicas: 2
//   +  replicas: 4
//
//   changed: Deployment shop/web
//   --- ...
//
// Unchanged objects are only counted. Diff lines are coloured (+ green,
// - red, @@ cyan) when colour is on.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "console_client/text_style.h"

namespace pier::console_client {

std::string format_diff(const nlohmann::json& diff, const TextStyle& style);

}  // namespace pier::console_client
