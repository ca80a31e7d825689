// Page cursors for keyset pagination: the key of the last item of a page,
// encoded so that clients treat it as an opaque string.
//
//   std::string next = encode_release_cursor(last.key);   // "WyJwcm9kIiwic2hvcCIsIndlYiJd"
//   Result<ReleaseKey> after = decode_release_cursor(next);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"
#include "store/model.h"

namespace pier::store {

std::string encode_release_cursor(const ReleaseKey& key);
// kInvalidInput for anything encode_release_cursor did not make.
Result<ReleaseKey> decode_release_cursor(std::string_view cursor);

// Cursors over rows numbered by an id (the audit log).
std::string encode_id_cursor(std::int64_t id);
Result<std::int64_t> decode_id_cursor(std::string_view cursor);

// The page size asked for, checked: 0 means 50; 1..1000, else kInvalidInput.
Result<int> page_limit(const PageRequest& page);

}  // namespace pier::store
