// Percent-encoding for the places a URL carries user text: path segments
// (namespace, object and release names) and query values (selectors,
// continue tokens, cursors), for the Kubernetes client and the console's.
//
//   std::string path = "/api/v1/namespaces/" + encode_path_segment(ns);
//   path += encode_query({{"labelSelector", "app in (web,api)"}, {"limit", "500"}});
//   // -> "?labelSelector=app%20in%20%28web%2Capi%29&limit=500"
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pier {

// Escapes everything but RFC 3986 unreserved characters.
std::string percent_encode(std::string_view text);

// Keeps RFC 3986 unreserved characters and ':' and '@' (legal in a segment,
// and common in RBAC names such as "system:controller:x"); encodes the rest,
// '/' included, so a name can never add a path segment.
std::string encode_path_segment(std::string_view segment);

// Keeps unreserved characters only; a space becomes %20 (unambiguous, where
// '+' is read as a space by some servers and literally by others).
std::string encode_query_value(std::string_view value);

// "?k1=v1&k2=v2" in the given order, pairs with an empty value left out;
// "" when nothing remains.
std::string encode_query(const std::vector<std::pair<std::string, std::string>>& parameters);

}  // namespace pier
