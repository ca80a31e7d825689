// Standard, padded base64 as Go's JSON encoding of []byte writes and reads it
// (kubeconfig *-data fields, KUBERNETES_EXEC_INFO's certificate-authority-data).
//
//   auto pem = base64_decode(field_text);  // nullopt: not valid base64
//   std::string text = base64_encode(pem_bytes);
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pier::kube {

// Alphabet A-Z a-z 0-9 + /, `=` padding required; `\r` and `\n` anywhere are
// skipped, as Go does.
std::optional<std::string> base64_decode(std::string_view text);

std::string base64_encode(std::string_view bytes);

}  // namespace pier::kube
