// A line diff (Myers' O(ND) algorithm: the shortest edit script) and its
// unified-diff text, as `diff -u` prints it, for showing what a deploy
// changes in an object's YAML.
//
//   std::string text = unified_diff(live_yaml, new_yaml, {.before_label = "live", .after_label = "after apply"});
//   // --- live
//   // +++ after apply
//   // @@ -12,7 +12,7 @@
//   //    ...
//   // -  replicas: 2
//   // +  replicas: 3
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pier::release {

enum class LineEditOp { kKeep, kRemove, kInsert };

struct LineEdit {
  LineEditOp op;
  size_t before = 0;  // index in `before` (kKeep, kRemove)
  size_t after = 0;   // index in `after` (kKeep, kInsert)
  friend bool operator==(const LineEdit&, const LineEdit&) = default;
};

// A shortest edit script turning `before` into `after`, every line of both
// covered once, in order. Where several are shortest, removals come before
// insertions.
std::vector<LineEdit> diff_lines(std::span<const std::string_view> before, std::span<const std::string_view> after);

// The lines of `text` without their newlines; a final newline does not start
// an empty last line.
std::vector<std::string_view> split_lines(std::string_view text);

struct UnifiedDiffOptions {
  std::string before_label = "before";
  std::string after_label = "after";
  size_t context = 3;  // unchanged lines shown around each change
};

// "" when the texts have the same lines; otherwise the `---`/`+++` header
// and one `@@ -l,n +l,n @@` hunk per group of nearby changes.
std::string unified_diff(std::string_view before, std::string_view after, const UnifiedDiffOptions& options = {});

}  // namespace pier::release
