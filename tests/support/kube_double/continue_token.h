// The `continue` token of paginated lists: opaque to clients, and shaped
// like kube-apiserver's (base64url of {"v":"meta.k8s.io/v1","rv":N,"start":KEY}):
// the revision the first page was read at, so that every page shows the same
// snapshot, and the key the next page starts from.
//
//   std::string token = encode_continue_token(page.resource_version, page.next_key);
//   auto position = decode_continue_token(token);  // nullopt when malformed
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pier::testing::kube_double {

struct ContinuePosition {
  int64_t resource_version = 0;
  std::string start_key;
};

std::string encode_continue_token(int64_t resource_version, std::string_view start_key);
std::optional<ContinuePosition> decode_continue_token(std::string_view token);

}  // namespace pier::testing::kube_double
