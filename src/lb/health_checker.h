// Pier's own health checker for the ipvs and nftables dataplanes: probes
// every checked real server every `interval`, keeps its rise/fall state
// (health_state.h) and reports changes. The controller turns a change into
// a Kubernetes Event, a log line and the `lvs_endpoint_up` gauge, and feeds
// snapshot() to apply_health before diffing.
//
//   lb::HealthChecker checker({.workers = 8}, [&](const lb::HealthEvent& e) { queue.add(e.id.service); });
//   checker.set_targets(targets);          // after each desired-state change
//   lb::apply_health(desired, checker.snapshot());
//   checker.stop();                        // or the destructor
//
// Scheduling: a fixed pool of `workers` threads takes the earliest due
// probe from one queue, so at most `workers` probes run at once whatever
// the number of targets; a probe that takes long delays others rather than
// piling up. First probes are spread over one interval and every next one
// is jittered, so 10,000 targets added together do not fire together.
// One real server has at most one probe running.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <random>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "lb/health_check_spec.h"
#include "lb/health_prober.h"
#include "lb/health_state.h"

namespace pier::lb {

// One real server of one virtual service to check, and how.
struct HealthTarget {
  RealServerId id;
  HealthCheck check;

  bool operator==(const HealthTarget&) const = default;
};

// A change of a real server's part in the health view.
struct HealthEvent {
  RealServerId id;
  bool up = true;
  // True for up -> down and down -> up (an Event, a log line, the gauge).
  // False when only the MISC dynamic weight of an up server changed: the
  // controller re-applies weights but has nothing to announce.
  bool transition = true;
  std::optional<uint32_t> weight;  // the dynamic weight, when up and the script set one
  std::string message;             // the probe's, e.g. "HTTP 503, expected 200"
};

struct HealthCheckerOptions {
  // Threads, and so probes at the same time. 0: no threads; the caller
  // drives probes with run_due() (deterministic tests).
  size_t workers = 8;
  Prober* prober = nullptr;     // not owned; nullptr = an internal SystemProber
  const Clock* clock = nullptr;  // not owned; nullptr = SystemClock
  // Next probe at interval x (1 +- jitter); the first one at a random
  // point of the first interval when spread_first_probe.
  double jitter = 0.1;
  bool spread_first_probe = true;
  uint64_t seed = 0;  // of the jitter; 0 = random
  // Workers re-read the clock at least this often while idle, so a test
  // clock that moves without notifying still wakes them.
  std::chrono::milliseconds max_idle_wait{1000};
  // Called after every failed probe (not only transitions), from the worker
  // and without the lock: failures that never reach `fall` in a row still
  // show as a rate (pier_lb_health_check_failures_total).
  std::function<void(const RealServerId& id, HealthCheckKind kind)> on_failed_probe;
};

class HealthChecker {
 public:
  // Called from a worker thread (or run_due's caller) without the checker's
  // lock held: it may call snapshot() and set_targets(), but not stop().
  // Different real servers may be reported at the same time from different
  // workers; one real server's events come one at a time, in order.
  using Callback = std::function<void(const HealthEvent&)>;

  HealthChecker(HealthCheckerOptions options, Callback on_change);
  ~HealthChecker();  // stop()
  HealthChecker(const HealthChecker&) = delete;
  HealthChecker& operator=(const HealthChecker&) = delete;

  // The real servers to check from now on. Those that stay keep their
  // state (and keep it across a changed check: a down server stays down
  // until `rise` successes of the new check); new ones start unknown (up);
  // those that leave are forgotten, a probe of theirs still running is
  // discarded. Targets with HealthCheckKind::kNone are not checked.
  void set_targets(std::vector<HealthTarget> targets);

  // The current view for apply_health: every target whose state is known.
  HealthView snapshot() const;

  // One target's state, nullopt when it is not a target.
  std::optional<ServerHealth> state(const RealServerId& id) const;

  // Runs, on the calling thread, every probe due now (by the clock), one
  // after another; returns how many ran. For workers == 0; with workers it
  // competes with them harmlessly.
  size_t run_due();

  // Signals the workers and waits for them: a probe running finishes
  // (bounded by its timeout), no new one starts. Idempotent.
  void stop();

 private:
  using TimePoint = std::chrono::steady_clock::time_point;

  struct Entry {
    HealthCheck check;
    ServerHealth state;
    uint64_t serial = 0;      // which incarnation of this target (a leave and return makes a new one)
    uint64_t generation = 0;  // which queued probe is the live one
    bool running = false;
    bool check_changed_while_running = false;
  };
  struct Due {
    TimePoint when;
    uint64_t serial = 0;
    uint64_t generation = 0;
    RealServerId id;
    bool operator>(const Due& other) const { return when > other.when; }
  };

  // Pops the earliest valid probe due by `now`, marking it running.
  std::optional<Due> take_due(TimePoint now);
  // Runs a taken probe with the lock released; the lock is held on return.
  void run(std::unique_lock<std::mutex>& lock, const Due& due);
  void schedule(const RealServerId& id, Entry& entry, std::chrono::milliseconds delay);
  std::chrono::milliseconds next_delay(const Entry& entry);
  void worker();

  HealthCheckerOptions options_;
  Callback on_change_;
  std::unique_ptr<Prober> own_prober_;
  Prober* prober_;
  const Clock* clock_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<RealServerId, Entry> targets_;
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> queue_;
  uint64_t counter_ = 0;
  std::mt19937_64 random_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace pier::lb
