// What an HTTP error answer of the console API means as a pier::Error.
//
//   if (reply.status >= 300) return fail(error_from_answer(reply.status, reply.body));
//   // 409 {"error": "release prod/shop/web is being upgraded by bob (operation 41)"}
//   //  -> kConflict "release prod/shop/web is being upgraded by bob (operation 41)"
//
// The message is the body's "error" as the server wrote it (it already names
// the release, user or field); 400/422 copy each {"location","message"} of
// "details". Statuses: 400/422 kInvalidInput; 401/403 kDenied; 404
// kNotFound; 409 kConflict; 429, 502, 503, 504 kUnavailable and worth
// retrying; anything else kInternal. A body that is not the API's shape (a
// proxy's HTML page) is summarised as "HTTP 502 Bad Gateway" plus its first
// line of text.
#pragma once

#include <string_view>

#include "common/error.h"

namespace pier::console_client {

Error error_from_answer(int status, std::string_view body);

// Replaces every occurrence of `secret` in the error's message and details
// with "(token)": the last guard that keeps a token out of what is printed,
// whatever a server or library echoed back.
void redact(Error& error, std::string_view secret);

}  // namespace pier::console_client
