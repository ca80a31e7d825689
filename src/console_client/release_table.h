// Table rows for `pier releases` and `pier history` (header row first; the
// CLI aligns them). Cells come from the API's JSON without trusting its
// types: a missing field is an empty cell.
//
//   CLUSTER   NAMESPACE   NAME   REVISION   APP     VERSION   STATUS                     UPDATED
//   prod-bj   shop        web    4          jetty   1.4.0     pending (upgrade running)  2026-11-29 15:05:01
//
//   REVISION   STATUS     APP     VERSION   USER    CREATED               MESSAGE/DETAIL
//   4          failed     jetty   1.4.0     alice   2026-11-29 15:05:01   bump replicas; rollout timed out
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pier::console_client {

using TableRows = std::vector<std::vector<std::string>>;

// Release list items: a Revision's fields plus "deployed_revision" and "active_operation".
TableRows release_rows(const std::vector<nlohmann::json>& releases);

// A release's revisions, as the API lists them (newest first).
TableRows revision_rows(const nlohmann::json& revisions);

}  // namespace pier::console_client
