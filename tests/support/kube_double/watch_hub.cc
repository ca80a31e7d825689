#include "watch_hub.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace pier::testing::kube_double {

namespace {

const char* type_name(EventType type) {
  switch (type) {
    case EventType::kAdded: return "ADDED";
    case EventType::kModified: return "MODIFIED";
    case EventType::kDeleted: return "DELETED";
  }
  return "ERROR";
}

// The previous content of an object with the revision of the event that made
// it stop matching: what a selector watch gets as DELETED.
std::string previous_at(const StoredObject& previous, int64_t revision, const ResourceType& type) {
  nlohmann::json object = previous.to_json(type.api_version(), type.kind);
  object["metadata"]["resourceVersion"] = std::to_string(revision);
  return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// What a watch sees of a change, with the real server's selector transitions.
struct Delivery {
  const char* type;
  bool previous_content;  // DELETED because the object stopped matching
};

std::optional<Delivery> classify(const WatchFilter& filter, const ChangeEvent& event) {
  if (filter.type->collection() != event.collection) return std::nullopt;
  bool deleted = event.type == EventType::kDeleted;
  bool now_matches = !deleted && filter.matches(*event.object);
  bool matched_before = deleted ? filter.matches(*event.object) : event.previous && filter.matches(*event.previous);
  if (now_matches && !matched_before) return Delivery{"ADDED", false};
  if (now_matches) return Delivery{type_name(event.type), false};
  if (matched_before) return Delivery{"DELETED", !deleted};
  return std::nullopt;
}

std::string render(const WatchFilter& filter, const ChangeEvent& event, const Delivery& delivery) {
  const ResourceType& type = *filter.type;
  std::string object = delivery.previous_content ? previous_at(*event.previous, event.resource_version, type)
                                                 : event.object->full_text(type.api_version(), type.kind);
  return watch_event_line(delivery.type, object);
}

}  // namespace

std::optional<std::string> render_watch_event(const WatchFilter& filter, const ChangeEvent& event) {
  std::optional<Delivery> delivery = classify(filter, event);
  if (!delivery) return std::nullopt;
  return render(filter, event, *delivery);
}

bool WatchFilter::matches(const StoredObject& object) const {
  if (!namespace_name.empty() && object.namespace_name != namespace_name) return false;
  return labels.matches(object.labels) && fields.matches(object.fields);
}

std::string watch_event_line(std::string_view type, std::string_view object_json) {
  std::string line;
  line.reserve(object_json.size() + 32);
  line += "{\"type\":\"";
  line += type;
  line += "\",\"object\":";
  line += object_json;
  line += "}\n";
  return line;
}

WatchSubscription::WatchSubscription(WatchFilter filter, size_t queue_limit)
    : filter_(std::move(filter)), queue_limit_(queue_limit) {}

void WatchSubscription::set_waker(std::function<void()> waker) {
  bool pending;
  {
    std::lock_guard lock(mutex_);
    waker_ = std::move(waker);
    pending = !pending_.empty() || state_ != State::kOpen;
  }
  if (pending) wake();
}

WatchSubscription::State WatchSubscription::take(std::string& out) {
  std::lock_guard lock(mutex_);
  for (const auto& line : pending_) out += *line;
  pending_.clear();
  live_pending_ = 0;
  return state_;
}

WatchSubscription::State WatchSubscription::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

void WatchSubscription::push(std::shared_ptr<const std::string> line, bool counts_towards_limit) {
  {
    std::lock_guard lock(mutex_);
    if (state_ != State::kOpen) return;
    if (counts_towards_limit && live_pending_ >= queue_limit_) {
      // Too far behind: drop what is queued and end the stream.
      pending_.clear();
      live_pending_ = 0;
      state_ = State::kEnded;
    } else {
      pending_.push_back(std::move(line));
      if (counts_towards_limit) ++live_pending_;
    }
  }
  wake();
}

void WatchSubscription::end() {
  {
    std::lock_guard lock(mutex_);
    if (state_ == State::kOpen) state_ = State::kEnded;
  }
  wake();
}

void WatchSubscription::cut(bool mid_event) {
  {
    std::lock_guard lock(mutex_);
    state_ = mid_event ? State::kCutMidEvent : State::kCut;
  }
  wake();
}

void WatchSubscription::wake() {
  std::function<void()> waker;
  {
    std::lock_guard lock(mutex_);
    waker = waker_;
  }
  if (waker) waker();
}

WatchPtr WatchHub::subscribe(const StoreLock&, WatchFilter filter, std::vector<std::string> initial) {
  auto watch = std::make_shared<WatchSubscription>(std::move(filter), queue_limit_);
  for (auto& line : initial) watch->push(std::make_shared<const std::string>(std::move(line)), false);
  std::lock_guard lock(mutex_);
  watches_.push_back(watch);
  return watch;
}

void WatchHub::unsubscribe(const WatchSubscription* watch) {
  std::lock_guard lock(mutex_);
  std::erase_if(watches_, [&](const WatchPtr& w) { return w.get() == watch; });
}

void WatchHub::on_change(const ChangeEvent& event) {
  std::lock_guard lock(mutex_);
  // Watches that get the same event in the same apiVersion share one line.
  std::map<std::tuple<std::string, bool, std::string>, std::shared_ptr<const std::string>> rendered;
  for (const auto& watch : watches_) {
    std::optional<Delivery> delivery = classify(watch->filter(), event);
    if (!delivery) continue;
    auto& line = rendered[{delivery->type, delivery->previous_content, watch->filter().type->api_version()}];
    if (!line) line = std::make_shared<const std::string>(render(watch->filter(), event, *delivery));
    watch->push(line);
  }
}

void WatchHub::bookmark(const StoreLock&, WatchSubscription& watch, int64_t revision, bool initial_events_end) {
  const ResourceType& type = *watch.filter().type;
  nlohmann::json object = {{"apiVersion", type.api_version()},
                           {"kind", type.kind},
                           {"metadata", {{"resourceVersion", std::to_string(revision)}}}};
  if (initial_events_end) object["metadata"]["annotations"] = {{"k8s.io/initial-events-end", "true"}};
  watch.push(std::make_shared<const std::string>(watch_event_line("BOOKMARK", object.dump())), false);
}

void WatchHub::end_collection(const std::string& collection) {
  std::lock_guard lock(mutex_);
  for (const auto& watch : watches_)
    if (watch->filter().type->collection() == collection) watch->end();
}

void WatchHub::cut_all(bool mid_event) {
  std::lock_guard lock(mutex_);
  for (const auto& watch : watches_) watch->cut(mid_event);
}

size_t WatchHub::open_count() const {
  std::lock_guard lock(mutex_);
  return watches_.size();
}

}  // namespace pier::testing::kube_double
