#include "kube/watch_decoder.h"

#include "kube/status_error.h"

namespace pier::kube {
namespace {

// Far above any object the API server stores (etcd's request limit is about
// 1.5 MiB); a stream that goes this long without a newline is not a watch.
constexpr std::size_t kMaxLineBytes = 64 << 20;

std::optional<WatchEvent::Type> event_type(std::string_view name) {
  if (name == "ADDED") return WatchEvent::Type::kAdded;
  if (name == "MODIFIED") return WatchEvent::Type::kModified;
  if (name == "DELETED") return WatchEvent::Type::kDeleted;
  if (name == "BOOKMARK") return WatchEvent::Type::kBookmark;
  return std::nullopt;
}

}  // namespace

WatchDecoder::WatchDecoder(std::string context_label, std::string what)
    : context_label_(std::move(context_label)), what_(std::move(what)) {}

WatchDecoder::Output WatchDecoder::feed(std::string_view chunk) {
  Output out;
  if (failed_) return out;
  buffer_.append(chunk);
  // Search only the new bytes: feeding byte by byte stays linear.
  for (std::size_t newline = buffer_.find('\n', scanned_); newline != std::string::npos;
       newline = buffer_.find('\n', line_start_)) {
    std::string_view line(buffer_.data() + line_start_, newline - line_start_);
    line_start_ = newline + 1;
    decode_line(line, out);
    if (failed_) break;
  }
  scanned_ = buffer_.size();
  if (!failed_ && pending_bytes() > kMaxLineBytes) {
    failed_ = true;
    out.error = Error::make(ErrorCode::kIo,
                            context_label_ + ": " + what_ + ": a line of over " +
                                std::to_string(kMaxLineBytes >> 20) + " MiB without an end: not a watch stream",
                            Retry::kYes);
  }
  if (failed_) {
    buffer_.clear();
    line_start_ = scanned_ = 0;
  } else if (line_start_ > 0) {
    // Drop the consumed lines once per chunk, not once per line.
    buffer_.erase(0, line_start_);
    scanned_ -= line_start_;
    line_start_ = 0;
  }
  return out;
}

void WatchDecoder::decode_line(std::string_view line, Output& out) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  if (line.find_first_not_of(" \t") == std::string_view::npos) return;

  auto broken = [&](std::string why) {
    failed_ = true;
    out.error = Error::make(ErrorCode::kIo, context_label_ + ": " + what_ + ": " + why, Retry::kYes);
  };

  nlohmann::json frame = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!frame.is_object()) return broken("the stream carries a line that is not a JSON object");
  auto type_it = frame.find("type");
  auto object_it = frame.find("object");
  if (type_it == frame.end() || !type_it->is_string() || object_it == frame.end() || !object_it->is_object())
    return broken("a watch event without a string \"type\" and an object \"object\"");
  const std::string type = type_it->get<std::string>();

  if (type == "ERROR") {
    // The server ends the watch with a Status: 410 when the resourceVersion
    // we started from has been compacted away, others for its own failures.
    failed_ = true;
    Attempt attempt{.what = what_, .verb = "watch"};
    out.error = error_from_status(0, &*object_it, {}, context_label_, attempt);
    if (out.error->code == ErrorCode::kInternal) {  // a Status without a usable code
      out.error->code = ErrorCode::kUnavailable;
      out.error->retry = Retry::kYes;
    }
    return;
  }
  auto parsed_type = event_type(type);
  if (!parsed_type) return broken("unknown watch event type \"" + type + "\"");
  out.events.push_back(WatchEvent{*parsed_type, std::move(*object_it)});
}

}  // namespace pier::kube
