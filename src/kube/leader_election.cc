#include "kube/leader_election.h"

#include <unistd.h>

#include <thread>
#include <utility>

#include "common/host_name.h"

namespace pier::kube {

std::string default_leader_identity() {
  std::string host = host_name();
  if (host.empty()) return "localhost_" + std::to_string(getpid());
  return host + "_" + std::to_string(getpid());
}

Result<std::unique_ptr<LeaderElector>> LeaderElector::create(Client& client, LeaderElectionOptions options,
                                                             LeaderCallbacks callbacks, Clock& clock,
                                                             Sleeper& sleeper) {
  if (options.lease_namespace.empty() || options.lease_name.empty())
    return fail(Error::invalid("leader election: the lease namespace and name are required"));
  if (options.jitter_factor < 0) return fail(Error::invalid("leader election: the jitter factor must not be negative"));
  if (auto valid = validate(options.timing); !valid) return fail(valid.error());
  if (options.identity.empty()) options.identity = default_leader_identity();
  return std::unique_ptr<LeaderElector>(
      new LeaderElector(client, std::move(options), std::move(callbacks), clock, sleeper));
}

LeaderElector::LeaderElector(Client& client, LeaderElectionOptions options, LeaderCallbacks callbacks, Clock& clock,
                             Sleeper& sleeper)
    : client_(client),
      options_(std::move(options)),
      callbacks_(std::move(callbacks)),
      clock_(clock),
      sleeper_(sleeper),
      random_(std::random_device{}()) {}

LeaderElector::~LeaderElector() = default;

LeaderElector::Attempt LeaderElector::try_acquire_or_renew() {
  Result<nlohmann::json> read = client_.get(lease_kind(), options_.lease_namespace, options_.lease_name);
  const bool absent = !read && read.error().code == ErrorCode::kNotFound;

  LeaseDecision decision;
  Attempt attempt;
  {
    std::lock_guard lock(mutex_);
    const auto now = clock_.now();
    if (read) {
      observation_ = observe(observation_, LeaseRecord::of(*read), now);
      lease_object_ = *read;
    } else if (absent) {
      observation_.reset();
      lease_object_.reset();
    }
    if (!read && !absent) {
      // Nothing read, nothing to decide on: only the deadline can end leadership.
      if (leading_ && now >= last_renewed_ + options_.timing.renew_deadline) {
        leading_ = false;
        return {LeaseAction::kStepDown, false, read.error()};
      }
      return {LeaseAction::kWait, leading_, read.error()};
    }
    ElectionSnapshot snapshot{observation_, leading_, last_renewed_, now, clock_.wall_now()};
    decision = decide_lease(snapshot, options_.identity, options_.timing);
    if (decision.action == LeaseAction::kStepDown) leading_ = false;
    attempt = {decision.action, leading_, std::nullopt};
  }
  report_new_leader();

  switch (decision.action) {
    case LeaseAction::kWait:
    case LeaseAction::kStepDown:
      return attempt;
    case LeaseAction::kCreate:
      return write_lease(decision, make_lease(options_.lease_namespace, options_.lease_name, decision.record));
    case LeaseAction::kTakeOver:
    case LeaseAction::kRenew: {
      nlohmann::json lease = *read;  // carries the resourceVersion we decided on
      decision.record.write_to(lease);
      return write_lease(decision, std::move(lease));
    }
  }
  return attempt;
}

LeaderElector::Attempt LeaderElector::write_lease(const LeaseDecision& decision, nlohmann::json lease) {
  // Measured before sending: others see the write no earlier than this, so
  // our deadline (this + renew_deadline) comes before any takeover
  // (their sighting + lease_duration).
  const auto sent_at = clock_.now();
  Result<nlohmann::json> written =
      decision.action == LeaseAction::kCreate ? client_.create(lease) : client_.replace(lease);
  if (!written) {
    std::lock_guard lock(mutex_);
    return {decision.action, leading_, written.error()};
  }
  {
    std::lock_guard lock(mutex_);
    observation_ = LeaseObservation{LeaseRecord::of(*written), sent_at};
    lease_object_ = *written;
    leading_ = true;
    last_renewed_ = sent_at;
  }
  report_new_leader();
  return {decision.action, true, std::nullopt};
}

void LeaderElector::report_new_leader() {
  std::string holder;
  {
    std::lock_guard lock(mutex_);
    if (!observation_) return;
    holder = observation_->record.holder_identity;
    // A free lease is nobody's leadership: report the next holder instead.
    if (holder.empty() || holder == reported_leader_) return;
    reported_leader_ = holder;
  }
  if (callbacks_.on_new_leader) callbacks_.on_new_leader(holder);
}

Result<void> LeaderElector::release() {
  nlohmann::json lease;
  {
    std::lock_guard lock(mutex_);
    // Stop acting before the write: once it lands anyone may take over.
    leading_ = false;
    if (!observation_ || observation_->record.holder_identity != options_.identity || !lease_object_) return {};
    lease = *lease_object_;
    released_record(observation_->record, clock_.wall_now()).write_to(lease);
  }
  Result<nlohmann::json> written = client_.replace(lease);
  if (!written) return fail(written.error());
  std::lock_guard lock(mutex_);
  observation_ = LeaseObservation{LeaseRecord::of(*written), clock_.now()};
  lease_object_ = *written;
  return {};
}

bool LeaderElector::is_leader() const {
  std::lock_guard lock(mutex_);
  return leading_ && !deadline_missed_ && clock_.now() < last_renewed_ + options_.timing.renew_deadline;
}

LeaderElectionState LeaderElector::state() const {
  LeaderElectionState state;
  state.identity = options_.identity;
  state.leading = is_leader();
  std::lock_guard lock(mutex_);
  if (observation_) {
    state.holder = observation_->record.holder_identity;
    state.transitions = observation_->record.lease_transitions;
  }
  return state;
}

std::chrono::steady_clock::time_point LeaderElector::leadership_deadline() const {
  std::lock_guard lock(mutex_);
  return last_renewed_ + options_.timing.renew_deadline;
}

std::chrono::steady_clock::duration LeaderElector::jittered_retry_period() {
  std::uniform_real_distribution<double> spread(0.0, options_.jitter_factor);
  auto extra =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(options_.timing.retry_period * spread(random_));
  return options_.timing.retry_period + extra;
}

ElectionEnd LeaderElector::run(std::stop_token stop) {
  while (!try_acquire_or_renew().leading) {
    if (!sleeper_.sleep_until(clock_.now() + jittered_retry_period(), stop)) return ElectionEnd::kStopped;
  }
  return lead(stop);
}

ElectionEnd LeaderElector::lead(std::stop_token stop) {
  {
    std::lock_guard lock(mutex_);
    deadline_missed_ = false;
  }
  std::stop_source lost;
  std::jthread work;
  if (callbacks_.on_started_leading)
    work = std::jthread([this, token = lost.get_token()] { callbacks_.on_started_leading(token); });

  // Ends the work at the deadline even while a renewal hangs in an API call:
  // the loop below only looks at the clock between calls.
  std::jthread watchdog([this, &lost](std::stop_token watchdog_stop) {
    while (sleeper_.sleep_until(leadership_deadline(), watchdog_stop)) {
      if (clock_.now() >= leadership_deadline()) {
        {
          std::lock_guard lock(mutex_);
          deadline_missed_ = true;
        }
        lost.request_stop();
        return;
      }
    }
  });

  ElectionEnd end = ElectionEnd::kLostLeadership;
  while (true) {
    if (!sleeper_.sleep_until(clock_.now() + options_.timing.retry_period, stop)) {
      end = ElectionEnd::kStopped;
      break;
    }
    // A renewal that hung past the deadline and then landed does not bring
    // back the work the watchdog stopped: leadership ends either way.
    if (!try_acquire_or_renew().leading || lost.stop_requested()) break;
  }

  lost.request_stop();
  if (work.joinable()) work.join();
  watchdog.request_stop();
  watchdog.join();
  // As client-go: also after a lost deadline, in case our last write landed;
  // release() does nothing when the lease is not ours.
  if (options_.release_on_cancel) (void)release();
  {
    std::lock_guard lock(mutex_);
    leading_ = false;
  }
  if (callbacks_.on_stopped_leading) callbacks_.on_stopped_leading();
  return end;
}

}  // namespace pier::kube
