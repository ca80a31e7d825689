#include "release/line_diff.h"

#include <algorithm>

namespace pier::release {

namespace {

// Myers' greedy forward search over the part between the common prefix and
// suffix; the furthest-reaching x of every diagonal k is kept per round d so
// that the path can be walked back.
std::vector<LineEdit> myers(std::span<const std::string_view> a, std::span<const std::string_view> b, size_t a_offset,
                            size_t b_offset) {
  const long n = static_cast<long>(a.size());
  const long m = static_cast<long>(b.size());
  const long max = n + m;
  std::vector<long> v(static_cast<size_t>(2 * max + 3), 0);
  const long offset = max + 1;
  auto at = [&](long k) -> long& { return v[static_cast<size_t>(k + offset)]; };
  // rounds[d][k + d] = furthest x on diagonal k after round d.
  std::vector<std::vector<long>> rounds;
  long rounds_done = -1;
  for (long d = 0; d <= max; ++d) {
    bool reached = false;
    for (long k = -d; k <= d; k += 2) {
      long x = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? at(k + 1) : at(k - 1) + 1;
      long y = x - k;
      while (x < n && y < m && a[static_cast<size_t>(x)] == b[static_cast<size_t>(y)]) ++x, ++y;
      at(k) = x;
      if (x >= n && y >= m) reached = true;
    }
    rounds.emplace_back(v.begin() + (offset - d), v.begin() + (offset + d + 1));
    if (reached) {
      rounds_done = d;
      break;
    }
  }

  std::vector<LineEdit> reversed;
  long x = n, y = m;
  for (long d = rounds_done; d > 0; --d) {
    const std::vector<long>& prev = rounds[static_cast<size_t>(d - 1)];
    auto prev_x_of = [&](long k) { return prev[static_cast<size_t>(k + d - 1)]; };
    long k = x - y;
    bool down = k == -d || (k != d && prev_x_of(k - 1) < prev_x_of(k + 1));
    long prev_k = down ? k + 1 : k - 1;
    long prev_x = prev_x_of(prev_k);
    long prev_y = prev_x - prev_k;
    long mid_x = down ? prev_x : prev_x + 1;
    long mid_y = down ? prev_y + 1 : prev_y;
    for (; x > mid_x && y > mid_y; --x, --y)
      reversed.push_back({LineEditOp::kKeep, a_offset + static_cast<size_t>(x - 1), b_offset + static_cast<size_t>(y - 1)});
    if (down) reversed.push_back({LineEditOp::kInsert, a_offset + static_cast<size_t>(prev_x), b_offset + static_cast<size_t>(prev_y)});
    else reversed.push_back({LineEditOp::kRemove, a_offset + static_cast<size_t>(prev_x), b_offset + static_cast<size_t>(prev_y)});
    x = prev_x;
    y = prev_y;
  }
  for (; x > 0 && y > 0; --x, --y)
    reversed.push_back({LineEditOp::kKeep, a_offset + static_cast<size_t>(x - 1), b_offset + static_cast<size_t>(y - 1)});
  std::reverse(reversed.begin(), reversed.end());
  return reversed;
}

std::string range_text(size_t start, size_t count) {
  // `diff -u` numbers from 1; an empty range names the line before it.
  std::string text = std::to_string(count == 0 ? start : start + 1);
  if (count != 1) text += "," + std::to_string(count);
  return text;
}

}  // namespace

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) {
      lines.push_back(text.substr(pos));
      break;
    }
    lines.push_back(text.substr(pos, eol - pos));
    pos = eol + 1;
  }
  return lines;
}

std::vector<LineEdit> diff_lines(std::span<const std::string_view> before, std::span<const std::string_view> after) {
  // Most YAML changes touch a few lines: cutting the common ends first keeps
  // the search (and its memory, quadratic in the differences) small.
  size_t prefix = 0;
  while (prefix < before.size() && prefix < after.size() && before[prefix] == after[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < before.size() - prefix && suffix < after.size() - prefix &&
         before[before.size() - 1 - suffix] == after[after.size() - 1 - suffix])
    ++suffix;

  std::vector<LineEdit> edits;
  edits.reserve(std::max(before.size(), after.size()));
  for (size_t i = 0; i < prefix; ++i) edits.push_back({LineEditOp::kKeep, i, i});
  auto middle = myers(before.subspan(prefix, before.size() - prefix - suffix),
                      after.subspan(prefix, after.size() - prefix - suffix), prefix, prefix);
  edits.insert(edits.end(), middle.begin(), middle.end());
  for (size_t i = suffix; i > 0; --i)
    edits.push_back({LineEditOp::kKeep, before.size() - i, after.size() - i});
  return edits;
}

std::string unified_diff(std::string_view before, std::string_view after, const UnifiedDiffOptions& options) {
  std::vector<std::string_view> a = split_lines(before);
  std::vector<std::string_view> b = split_lines(after);
  std::vector<LineEdit> edits = diff_lines(a, b);

  std::string out;
  size_t i = 0;
  while (i < edits.size()) {
    // The next change, then the hunk around it: it grows while the next
    // change is close enough for the two contexts to touch.
    size_t change = i;
    while (change < edits.size() && edits[change].op == LineEditOp::kKeep) ++change;
    if (change == edits.size()) break;
    size_t start = change >= options.context ? change - options.context : 0;
    start = std::max(start, i);
    size_t end = change;
    for (;;) {
      while (end < edits.size() && edits[end].op != LineEditOp::kKeep) ++end;
      size_t next_change = end;
      while (next_change < edits.size() && edits[next_change].op == LineEditOp::kKeep) ++next_change;
      if (next_change < edits.size() && next_change - end <= 2 * options.context) {
        end = next_change;
        continue;
      }
      end = std::min(edits.size(), end + options.context);
      break;
    }

    if (out.empty()) out = "--- " + options.before_label + "\n+++ " + options.after_label + "\n";
    size_t before_start = 0, before_count = 0, after_start = 0, after_count = 0;
    bool first_before = true, first_after = true;
    for (size_t e = start; e < end; ++e) {
      if (edits[e].op != LineEditOp::kInsert) {
        if (first_before) before_start = edits[e].before, first_before = false;
        ++before_count;
      }
      if (edits[e].op != LineEditOp::kRemove) {
        if (first_after) after_start = edits[e].after, first_after = false;
        ++after_count;
      }
    }
    // An empty side starts where the hunk's first edit says it would be.
    if (first_before) before_start = edits[start].before;
    if (first_after) after_start = edits[start].after;
    out += "@@ -" + range_text(before_start, before_count) + " +" + range_text(after_start, after_count) + " @@\n";
    for (size_t e = start; e < end; ++e) {
      switch (edits[e].op) {
        case LineEditOp::kKeep: out += " "; out += a[edits[e].before]; break;
        case LineEditOp::kRemove: out += "-"; out += a[edits[e].before]; break;
        case LineEditOp::kInsert: out += "+"; out += b[edits[e].after]; break;
      }
      out += "\n";
    }
    i = end;
  }
  return out;
}

}  // namespace pier::release
