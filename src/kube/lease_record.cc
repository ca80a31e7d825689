#include "kube/lease_record.h"

#include <cstdio>
#include <ctime>

#include "kube/json_fields.h"

namespace pier::kube {

GroupVersionKind lease_kind() { return {"coordination.k8s.io", "v1", "Lease"}; }

LeaseRecord LeaseRecord::of(const nlohmann::json& lease) {
  LeaseRecord record;
  record.holder_identity = fields::string_at(lease, {"spec", "holderIdentity"});
  record.lease_duration_seconds = fields::int_at(lease, {"spec", "leaseDurationSeconds"});
  record.acquire_time = fields::string_at(lease, {"spec", "acquireTime"});
  record.renew_time = fields::string_at(lease, {"spec", "renewTime"});
  record.lease_transitions = fields::int_at(lease, {"spec", "leaseTransitions"});
  return record;
}

void LeaseRecord::write_to(nlohmann::json& lease) const {
  nlohmann::json& spec = lease["spec"];
  if (!spec.is_object()) spec = nlohmann::json::object();
  spec["holderIdentity"] = holder_identity;
  spec["leaseDurationSeconds"] = lease_duration_seconds;
  spec["leaseTransitions"] = lease_transitions;
  // An empty MicroTime is not valid on the wire: leave the field out instead.
  auto set_time = [&](const char* key, const std::string& value) {
    if (value.empty())
      spec.erase(key);
    else
      spec[key] = value;
  };
  set_time("acquireTime", acquire_time);
  set_time("renewTime", renew_time);
}

nlohmann::json make_lease(std::string_view namespace_name, std::string_view name, const LeaseRecord& record) {
  nlohmann::json lease = {
      {"apiVersion", "coordination.k8s.io/v1"},
      {"kind", "Lease"},
      {"metadata", {{"name", name}, {"namespace", namespace_name}}},
  };
  record.write_to(lease);
  return lease;
}

std::string format_micro_time(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  auto micros = duration_cast<microseconds>(time.time_since_epoch()).count();
  auto seconds = micros / 1'000'000;
  auto fraction = micros % 1'000'000;
  if (fraction < 0) {  // before 1970: floor, not truncate
    fraction += 1'000'000;
    seconds -= 1;
  }
  std::time_t as_time_t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&as_time_t, &utc);
  char text[80];  // room for any int year, as the compiler checks
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<long long>(fraction));
  return text;
}

}  // namespace pier::kube
