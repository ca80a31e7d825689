// Leader election on a coordination.k8s.io/v1 Lease, with client-go's
// semantics: one replica of a controller acts, the others stand by and take
// over when it stops renewing or releases the lease.
//
//   LeaderElectionOptions options{.lease_namespace = "pier-system", .lease_name = "pier-lb-sync"};
//   auto elector = LeaderElector::create(client, options, {
//       .on_started_leading = [&](std::stop_token lost) { run_controller(lost); },
//       .on_stopped_leading = [] { log("stopped leading"); },
//   });
//   if (!elector) return fail(elector.error());
//   (*elector)->run(stop);  // returns on stop (lease released) or when leadership is lost
//
// The decisions are decide_lease's (lease_decision.h); this is the loop that
// reads and writes the Lease and keeps time. Writes carry the resourceVersion
// last read, so when two candidates race the API server lets one win (409
// for the other, which tries again a retry period later).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <stop_token>
#include <string>

#include "common/clock.h"
#include "common/error.h"
#include "kube/client.h"
#include "kube/lease_decision.h"
#include "kube/sleeper.h"

namespace pier::kube {

struct LeaderElectionOptions {
  std::string lease_namespace;
  std::string lease_name;
  std::string identity;  // empty: default_leader_identity()
  LeaseTiming timing;
  // Candidates wait retry_period x (1 + random [0, jitter_factor)) between
  // attempts, so replicas started together do not knock in step (client-go: 1.2).
  double jitter_factor = 1.2;
  // On stop, give the lease up so another replica takes over at once instead
  // of after lease_duration. Leadership work has returned by then.
  bool release_on_cancel = true;
};

// "<hostname>_<pid>": unique among replicas, different after a restart.
std::string default_leader_identity();

struct LeaderCallbacks {
  // Runs on a thread of its own when we start leading. `lost` is requested
  // when leadership ends: renew deadline passed, another holder, or stop.
  // The elector waits for it to return before releasing the lease.
  std::function<void(std::stop_token lost)> on_started_leading;
  // Runs after leadership ended and on_started_leading has returned.
  std::function<void()> on_stopped_leading;
  // A holder different from the last one seen (ours included). Runs on the
  // elector's thread: keep it short.
  std::function<void(const std::string& identity)> on_new_leader;
};

// What the elector knows, for metrics and status pages.
struct LeaderElectionState {
  std::string identity;
  bool leading = false;
  std::string holder;       // holderIdentity last observed; "" = free or not read yet
  int64_t transitions = 0;  // leaseTransitions last observed
};

enum class ElectionEnd {
  kStopped,         // stop was requested (the lease was released if release_on_cancel)
  kLostLeadership,  // we led and could not keep the lease
};

class LeaderElector {
 public:
  // kInvalidInput for a missing namespace or name, or timing that breaks validate().
  static Result<std::unique_ptr<LeaderElector>> create(Client& client, LeaderElectionOptions options,
                                                       LeaderCallbacks callbacks,
                                                       Clock& clock = SystemClock::instance(),
                                                       Sleeper& sleeper = SystemSleeper::instance());
  ~LeaderElector();
  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;

  // Campaigns (an attempt every jittered retry period), then leads (renews
  // every retry period) until stop is requested or leadership is lost; like
  // client-go's Run, it returns then. Call again to stand again.
  ElectionEnd run(std::stop_token stop);

  // One attempt: read the Lease, decide, write. run() calls it; tests step
  // time by hand and call it directly. Fires on_new_leader only.
  struct Attempt {
    LeaseAction action = LeaseAction::kWait;  // also kWait when the Lease could not be read
    bool leading = false;                     // after the attempt
    std::optional<Error> error;               // the read or write that failed (kConflict: someone else won)
  };
  Attempt try_acquire_or_renew();

  // Gives the lease up if our last observation says we hold it (holder
  // cleared, duration 1 s), so another replica takes over at its next
  // attempt. Stops leading either way.
  Result<void> release();

  // We lead and the renew deadline has not passed: safe to act now.
  bool is_leader() const;
  LeaderElectionState state() const;
  const std::string& identity() const { return options_.identity; }

 private:
  LeaderElector(Client& client, LeaderElectionOptions options, LeaderCallbacks callbacks, Clock& clock,
                Sleeper& sleeper);

  Attempt write_lease(const LeaseDecision& decision, nlohmann::json lease);
  void note_written(const LeaseRecord& record, nlohmann::json written);
  void report_new_leader();
  std::chrono::steady_clock::time_point leadership_deadline() const;
  std::chrono::steady_clock::duration jittered_retry_period();
  ElectionEnd lead(std::stop_token stop);

  Client& client_;
  LeaderElectionOptions options_;
  LeaderCallbacks callbacks_;
  Clock& clock_;
  Sleeper& sleeper_;
  std::minstd_rand random_;

  mutable std::mutex mutex_;  // guards the fields below: state() and is_leader() read them from other threads
  std::optional<LeaseObservation> observation_;
  std::optional<nlohmann::json> lease_object_;  // last read or written, with its resourceVersion
  bool leading_ = false;
  std::chrono::steady_clock::time_point last_renewed_{};
  bool deadline_missed_ = false;  // run()'s watchdog stopped the leader work
  std::string reported_leader_;
};

}  // namespace pier::kube
