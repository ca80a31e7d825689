#include "lb/health_checker.h"

#include <algorithm>

namespace pier::lb {

namespace {

using std::chrono::milliseconds;

// A dead server with retry_delay 0 must not become a busy loop.
constexpr milliseconds kMinimumDelay{100};

milliseconds seconds_at_least(uint32_t seconds) {
  return std::max(milliseconds(int64_t{seconds} * 1000), kMinimumDelay);
}

HealthEntry view_of(const ServerHealth& state) {
  bool up = state.counts_as_up();
  return HealthEntry{.up = up, .weight = up ? state.dynamic_weight : std::nullopt};
}

}  // namespace

HealthChecker::HealthChecker(HealthCheckerOptions options, Callback on_change)
    : options_(options),
      on_change_(std::move(on_change)),
      own_prober_(options.prober ? nullptr : std::make_unique<SystemProber>()),
      prober_(options.prober ? options.prober : own_prober_.get()),
      clock_(options.clock ? options.clock : &SystemClock::instance()),
      random_(options.seed ? options.seed : std::random_device{}()) {
  workers_.reserve(options_.workers);
  for (size_t i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { worker(); });
}

HealthChecker::~HealthChecker() { stop(); }

void HealthChecker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : workers_) {
    if (thread.joinable()) thread.join();
  }
}

milliseconds HealthChecker::next_delay(const Entry& entry) {
  milliseconds base = retry_soon(entry.state) ? seconds_at_least(entry.check.retry_delay_seconds)
                                              : seconds_at_least(entry.check.interval_seconds);
  if (options_.jitter <= 0) return base;
  std::uniform_real_distribution<double> factor(1 - options_.jitter, 1 + options_.jitter);
  return std::max(milliseconds(static_cast<int64_t>(static_cast<double>(base.count()) * factor(random_))),
                  kMinimumDelay);
}

void HealthChecker::schedule(const RealServerId& id, Entry& entry, milliseconds delay) {
  entry.generation = ++counter_;
  queue_.push(Due{.when = clock_->now() + delay, .serial = entry.serial, .generation = entry.generation, .id = id});
}

void HealthChecker::set_targets(std::vector<HealthTarget> targets) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    std::map<RealServerId, Entry> next;
    for (auto& target : targets) {
      if (target.check.kind == HealthCheckKind::kNone) continue;
      auto old = targets_.find(target.id);
      if (old != targets_.end()) {
        Entry entry = std::move(old->second);
        targets_.erase(old);
        if (!(entry.check == target.check)) {
          entry.check = std::move(target.check);
          // The running probe used the old check: its result is dropped and
          // the new check scheduled when it returns.
          if (entry.running) entry.check_changed_while_running = true;
          else schedule(target.id, entry, milliseconds(0));
        }
        next.insert_or_assign(target.id, std::move(entry));
        continue;
      }
      if (next.contains(target.id)) continue;  // listed twice: the first wins
      Entry entry;
      entry.check = std::move(target.check);
      entry.serial = ++counter_;
      milliseconds first(0);
      if (options_.spread_first_probe) {
        std::uniform_int_distribution<int64_t> spread(0, seconds_at_least(entry.check.interval_seconds).count() - 1);
        first = milliseconds(spread(random_));
      }
      schedule(target.id, entry, first);
      next.emplace(target.id, std::move(entry));
    }
    // What is left in targets_ has left; its queued probes find no entry
    // with their serial and are skipped.
    targets_ = std::move(next);
  }
  wake_.notify_all();
}

HealthView HealthChecker::snapshot() const {
  std::lock_guard lock(mutex_);
  HealthView view;
  for (const auto& [id, entry] : targets_) {
    if (entry.state.health != Health::kUnknown) view.emplace_hint(view.end(), id, view_of(entry.state));
  }
  return view;
}

std::optional<ServerHealth> HealthChecker::state(const RealServerId& id) const {
  std::lock_guard lock(mutex_);
  auto it = targets_.find(id);
  if (it == targets_.end()) return std::nullopt;
  return it->second.state;
}

std::optional<HealthChecker::Due> HealthChecker::take_due(TimePoint now) {
  while (!queue_.empty()) {
    const Due& top = queue_.top();
    auto it = targets_.find(top.id);
    bool live = it != targets_.end() && it->second.serial == top.serial && it->second.generation == top.generation &&
                !it->second.running;
    if (!live) {
      queue_.pop();  // superseded: the target left, or was rescheduled
      continue;
    }
    if (top.when > now) return std::nullopt;
    Due due = top;
    queue_.pop();
    it->second.running = true;
    return due;
  }
  return std::nullopt;
}

void HealthChecker::run(std::unique_lock<std::mutex>& lock, const Due& due) {
  HealthCheck check = targets_.at(due.id).check;
  lock.unlock();
  ProbeResult result = prober_->probe(due.id.address, due.id.port, check);
  if (!result.up && options_.on_failed_probe) options_.on_failed_probe(due.id, check.kind);
  lock.lock();

  auto it = targets_.find(due.id);
  if (it == targets_.end() || it->second.serial != due.serial) return;  // it left while probed
  Entry& entry = it->second;
  entry.running = false;
  if (entry.check_changed_while_running) {
    entry.check_changed_while_running = false;
    schedule(due.id, entry, milliseconds(0));
    wake_.notify_one();
    return;
  }
  HealthEntry before = view_of(entry.state);
  std::optional<HealthTransition> transition = observe(entry.state, result, entry.check);
  HealthEntry after = view_of(entry.state);
  if (transition || before != after) {
    HealthEvent event{.id = due.id,
                      .up = after.up,
                      .transition = transition.has_value(),
                      .weight = after.weight,
                      .message = result.message};
    // Not queued again until the callback returned: one server's events
    // stay in order. Marked running so set_targets defers a check change.
    entry.running = true;
    lock.unlock();
    if (on_change_) on_change_(event);
    lock.lock();
    it = targets_.find(due.id);
    if (it == targets_.end() || it->second.serial != due.serial) return;
    it->second.running = false;
    it->second.check_changed_while_running = false;  // rescheduled below with the check it has now
  }
  Entry& current = it->second;
  schedule(due.id, current, next_delay(current));
  wake_.notify_one();
}

size_t HealthChecker::run_due() {
  std::unique_lock lock(mutex_);
  // Only what is due at the start: a probe rescheduled meanwhile is at
  // least kMinimumDelay later, so this ends.
  const TimePoint now = clock_->now();
  size_t ran = 0;
  while (!stopping_) {
    std::optional<Due> due = take_due(now);
    if (!due) break;
    run(lock, *due);
    ++ran;
  }
  return ran;
}

void HealthChecker::worker() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    TimePoint now = clock_->now();
    if (std::optional<Due> due = take_due(now)) {
      run(lock, *due);
      continue;
    }
    if (queue_.empty()) {
      wake_.wait_for(lock, options_.max_idle_wait);
      continue;
    }
    auto until_due = std::chrono::duration_cast<milliseconds>(queue_.top().when - now) + milliseconds(1);
    wake_.wait_for(lock, std::min(until_due, options_.max_idle_wait));
  }
}

}  // namespace pier::lb
