// Real servers of one Service port, from the Service's EndpointSlices
// (discovery.k8s.io/v1), not the deprecated Endpoints API.
//
//   auto servers = lb::real_servers_for(slices, "https", lb::Protocol::kTcp, lb::Family::kV4, 1);
//
// Which endpoints count:
//   ready (or `ready` absent)                 -> weight `weight`
//   not ready, serving and terminating        -> weight 0: finishes its connections, gets no new ones
//   anything else (starting, failing)         -> left out
// The port is the EndpointSlice port with the Service port's name and
// protocol: that is how Kubernetes resolves a named targetPort per pod.
#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lb/model.h"

namespace pier::lb {

// `slices` are the Service's EndpointSlices (label kubernetes.io/service-name);
// only those of `family` are read (IPVS does not forward IPv4 to IPv6). An
// endpoint found in two slices (as during a slice split) counts once, with
// its higher weight. Sorted by endpoint_less.
std::vector<RealServer> real_servers_for(const std::vector<const nlohmann::json*>& slices, std::string_view port_name,
                                         Protocol protocol, Family family, uint32_t weight);

// "namespace/service" an EndpointSlice belongs to; "" when it has no
// kubernetes.io/service-name label.
std::string slice_service(const nlohmann::json& slice);

}  // namespace pier::lb
