// The ipvs dataplane end to end against the fake kernel: the same bytes the
// kernel would get, its reply layout, its errors; foreign services, a
// restart, a refused request, draining and the counters.
#include "lb/ipvs_dataplane.h"

#include <gtest/gtest.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "common/files.h"
#include "lb/ipvs_netlink.h"
#include "fake_ipvs_kernel.h"

namespace pier::lb {
namespace {

using testing::FakeIpvsKernel;
using testing::FakeIpvsTable;

IpAddress ip(const char* text) { return *IpAddress::parse(text); }
ServiceKey key(const char* vip, uint16_t port) { return ServiceKey{ip(vip), port, Protocol::kTcp}; }

VirtualService service(const char* vip, uint16_t port, std::vector<RealServer> real_servers) {
  VirtualService vs;
  vs.key = key(vip, port);
  vs.owner.configmap_key = vip;
  std::sort(real_servers.begin(), real_servers.end(), endpoint_less);
  vs.real_servers = std::move(real_servers);
  return vs;
}

class IpvsDataplaneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pier-ipvs-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    // Someone else's virtual service, set up by hand with ipvsadm.
    FakeIpvsTable::Service foreign;
    foreign.service.service.key = key("192.0.2.1", 53);
    foreign.service.scheduler_name = "rr";
    IpvsDest dest;
    dest.server.server = RealServer{ip("192.0.2.10"), 53, 5};
    dest.forwarding = Forwarding::kDr;
    dest.forwarding_method = IP_VS_CONN_F_DROUTE;
    foreign.dests.push_back(dest);
    table_.services.emplace(foreign.service.service.key, foreign);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<IpvsDataplane> open() {
    auto dataplane = IpvsDataplane::open(std::make_unique<FakeIpvsKernel>(table_), dir_ / "owned.json");
    EXPECT_TRUE(dataplane) << (dataplane ? "" : dataplane.error().message);
    return dataplane ? std::move(*dataplane) : nullptr;
  }

  // One sync as the controller does it.
  DiffResult sync(IpvsDataplane& dataplane, const Desired& desired, ApplyReport* report = nullptr) {
    auto actual = dataplane.read_actual();
    EXPECT_TRUE(actual) << (actual ? "" : actual.error().message);
    DiffResult result = diff(desired, *actual, DiffOptions{.now = now_});
    ApplyReport applied = dataplane.apply(result.operations);
    if (report) *report = applied;
    return result;
  }

  Desired desired_of(std::vector<VirtualService> services) {
    Desired desired;
    for (auto& vs : services) desired.services.emplace(vs.key, std::move(vs));
    return desired;
  }

  std::filesystem::path dir_;
  FakeIpvsTable table_;
  std::chrono::steady_clock::time_point now_ = std::chrono::steady_clock::now();
};

TEST_F(IpvsDataplaneTest, NoIpvsInTheKernelSaysHowToLoadIt) {
  table_.has_ipvs = false;
  auto dataplane = IpvsDataplane::open(std::make_unique<FakeIpvsKernel>(table_), dir_ / "owned.json");
  ASSERT_FALSE(dataplane);
  EXPECT_NE(dataplane.error().message.find("modprobe ip_vs"), std::string::npos) << dataplane.error().message;
}

TEST_F(IpvsDataplaneTest, CreatesItsServicesAndLeavesForeignOnesAlone) {
  auto dataplane = open();
  ASSERT_TRUE(dataplane);
  Desired desired = desired_of({service("10.1.3.225", 80, {{ip("10.1.0.130"), 80, 1}, {ip("10.1.51.20"), 80, 1}}),
                                service("10.1.3.226", 443, {{ip("10.1.0.131"), 8443, 2}})});
  ApplyReport report;
  DiffResult first = sync(*dataplane, desired, &report);
  EXPECT_EQ(first.operations.size(), 5u);
  EXPECT_EQ(report.applied, 5u);
  EXPECT_TRUE(report.failed.empty());

  ASSERT_EQ(table_.services.size(), 3u);
  const auto& web = table_.services.at(key("10.1.3.225", 80));
  EXPECT_EQ(web.service.scheduler_name, "wlc");
  ASSERT_EQ(web.dests.size(), 2u);
  EXPECT_EQ(web.dests[0].forwarding, Forwarding::kNat);
  EXPECT_EQ(table_.services.at(key("10.1.3.226", 443)).dests[0].server.server.weight, 2u);
  // The foreign one: untouched, and not Pier's in what is read back.
  const auto& foreign = table_.services.at(key("192.0.2.1", 53));
  EXPECT_EQ(foreign.dests[0].server.server.weight, 5u);
  auto actual = dataplane->read_actual();
  ASSERT_TRUE(actual);
  EXPECT_FALSE(actual->services.at(key("192.0.2.1", 53)).owned);
  EXPECT_TRUE(actual->services.at(key("10.1.3.225", 80)).owned);
  // Nothing was ever flushed.
  EXPECT_EQ(table_.requests[IPVS_CMD_FLUSH], 0);
}

TEST_F(IpvsDataplaneTest, ARestartChangesNothingAndKeepsWeights) {
  Desired desired = desired_of({service("10.1.3.225", 80, {{ip("10.1.0.130"), 80, 3}, {ip("10.1.51.20"), 80, 1}})});
  {
    auto dataplane = open();
    ASSERT_TRUE(dataplane);
    sync(*dataplane, desired);
  }
  int mutations_before = table_.requests[IPVS_CMD_NEW_DEST] + table_.requests[IPVS_CMD_SET_DEST] +
                         table_.requests[IPVS_CMD_DEL_DEST] + table_.requests[IPVS_CMD_NEW_SERVICE];
  auto restarted = open();  // a new process: state from the kernel and the ownership file
  ASSERT_TRUE(restarted);
  DiffResult again = sync(*restarted, desired);
  EXPECT_TRUE(again.operations.empty());
  EXPECT_EQ(table_.requests[IPVS_CMD_NEW_DEST] + table_.requests[IPVS_CMD_SET_DEST] +
                table_.requests[IPVS_CMD_DEL_DEST] + table_.requests[IPVS_CMD_NEW_SERVICE],
            mutations_before);
  EXPECT_EQ(table_.services.at(key("10.1.3.225", 80)).dests[0].server.server.weight, 3u);
}

TEST_F(IpvsDataplaneTest, ADesiredServiceThatAForeignOneOccupiesIsNotTaken) {
  auto dataplane = open();
  ASSERT_TRUE(dataplane);
  Desired desired = desired_of({service("192.0.2.1", 53, {{ip("10.1.0.130"), 53, 1}})});
  DiffResult result = sync(*dataplane, desired);
  EXPECT_TRUE(result.operations.empty());
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(table_.services.at(key("192.0.2.1", 53)).dests[0].server.server.address, ip("192.0.2.10"));
}

TEST_F(IpvsDataplaneTest, ARefusedRequestIsReportedAndTheRestApplied) {
  auto dataplane = open();
  ASSERT_TRUE(dataplane);
  Desired desired = desired_of({service("10.1.3.225", 80, {{ip("10.1.0.130"), 80, 1}, {ip("10.1.51.20"), 80, 1}}),
                                service("10.1.3.226", 80, {{ip("10.1.0.131"), 80, 1}})});
  table_.fail_next[IPVS_CMD_NEW_DEST] = EBUSY;
  ApplyReport report;
  sync(*dataplane, desired, &report);
  ASSERT_EQ(report.failed.size(), 1u);
  EXPECT_EQ(report.failed[0].error.retry, Retry::kYes);
  EXPECT_NE(report.failed[0].error.message.find("add real server 10.1.0.130:80"), std::string::npos)
      << report.failed[0].error.message;
  EXPECT_EQ(report.applied, 4u);
  // The next sync fills the gap, and then all is as desired.
  sync(*dataplane, desired, &report);
  EXPECT_EQ(report.applied, 1u);
  EXPECT_TRUE(report.failed.empty());
  EXPECT_TRUE(sync(*dataplane, desired).operations.empty());
}

TEST_F(IpvsDataplaneTest, ALeavingRealServerDrainsThenGoes) {
  auto dataplane = open();
  ASSERT_TRUE(dataplane);
  sync(*dataplane, desired_of({service("10.1.3.225", 80, {{ip("10.1.0.130"), 80, 1}, {ip("10.1.51.20"), 80, 1}})}));
  auto& dests = table_.services.at(key("10.1.3.225", 80)).dests;
  for (auto& d : dests)
    if (d.server.server.address == ip("10.1.51.20")) d.server.active_connections = 4;

  Desired smaller = desired_of({service("10.1.3.225", 80, {{ip("10.1.0.130"), 80, 1}})});
  DiffResult drain = sync(*dataplane, smaller);
  ASSERT_EQ(drain.operations.size(), 1u);
  EXPECT_EQ(drain.operations[0].kind, OperationKind::kUpdateRealServer);
  EXPECT_EQ(drain.operations[0].server.weight, 0u);
  ASSERT_EQ(dests.size(), 2u);
  // Its connections end: now it goes.
  for (auto& d : dests) d.server.active_connections = 0;
  DiffResult gone = sync(*dataplane, smaller);
  ASSERT_EQ(gone.operations.size(), 1u);
  EXPECT_EQ(gone.operations[0].kind, OperationKind::kRemoveRealServer);
  EXPECT_EQ(dests.size(), 1u);
}

TEST_F(IpvsDataplaneTest, ChangedForwardingIsSetOnEveryDestination) {
  auto dataplane = open();
  ASSERT_TRUE(dataplane);
  VirtualService vs = service("10.1.3.225", 80, {{ip("10.1.0.130"), 80, 1}, {ip("10.1.51.20"), 80, 1}});
  sync(*dataplane, desired_of({vs}));
  vs.forwarding = Forwarding::kDr;
  vs.scheduler = Scheduler::kRr;
  ApplyReport report;
  sync(*dataplane, desired_of({vs}), &report);
  EXPECT_TRUE(report.failed.empty());
  const auto& entry = table_.services.at(key("10.1.3.225", 80));
  EXPECT_EQ(entry.service.scheduler_name, "rr");
  for (const auto& d : entry.dests) EXPECT_EQ(d.forwarding, Forwarding::kDr);
  EXPECT_TRUE(sync(*dataplane, desired_of({vs})).operations.empty());
}

TEST_F(IpvsDataplaneTest, RemovedServicesGoAndLeaveTheOwnershipRecord) {
  auto dataplane = open();
  ASSERT_TRUE(dataplane);
  sync(*dataplane, desired_of({service("10.1.3.225", 80, {{ip("10.1.0.130"), 80, 1}})}));
  table_.services.at(key("10.1.3.225", 80)).dests[0].server.active_connections = 0;
  // Two passes: the real server drains (no connections: gone), then the service.
  for (int i = 0; i < 3; ++i) sync(*dataplane, Desired{});
  EXPECT_EQ(table_.services.size(), 1u);  // the foreign one
  auto record = read_file(dir_ / "owned.json");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->find("10.1.3.225"), std::string::npos) << *record;
}

TEST_F(IpvsDataplaneTest, CountersComeFromTheKernelForPiersServicesOnly) {
  auto dataplane = open();
  ASSERT_TRUE(dataplane);
  sync(*dataplane, desired_of({service("10.1.3.225", 80, {{ip("10.1.0.130"), 80, 1}})}));
  auto& entry = table_.services.at(key("10.1.3.225", 80));
  entry.service.stats = IpvsStats{.conns = 10, .inpkts = 100, .outpkts = 90, .inbytes = 6000, .outbytes = 120000};
  entry.dests[0].stats = IpvsStats{.conns = 10, .inpkts = 100, .outpkts = 90, .inbytes = 6000, .outbytes = 120000};
  table_.services.at(key("192.0.2.1", 53)).service.stats.conns = 77;
  auto traffic = dataplane->read_traffic();
  ASSERT_TRUE(traffic) << traffic.error().message;
  ASSERT_EQ(traffic->size(), 1u);
  EXPECT_EQ((*traffic)[0].key, key("10.1.3.225", 80));
  EXPECT_EQ((*traffic)[0].counters.bytes_out, 120000u);
  ASSERT_EQ((*traffic)[0].real_servers.size(), 1u);
  EXPECT_EQ((*traffic)[0].real_servers[0].counters.connections, 10u);
}

TEST_F(IpvsDataplaneTest, ADamagedOwnershipRecordStopsTheStartNamingTheFile) {
  std::ofstream(dir_ / "owned.json") << "{\"services\": [{\"vip\": \"nope\"}]}";
  auto dataplane = IpvsDataplane::open(std::make_unique<FakeIpvsKernel>(table_), dir_ / "owned.json");
  ASSERT_FALSE(dataplane);
  EXPECT_NE(dataplane.error().message.find("owned.json"), std::string::npos);
  EXPECT_NE(dataplane.error().message.find("/services/0"), std::string::npos) << dataplane.error().message;
}

TEST_F(IpvsDataplaneTest, AServiceRemovedBehindItsBackIsNotAnError) {
  auto dataplane = open();
  ASSERT_TRUE(dataplane);
  Operation remove{.kind = OperationKind::kRemoveService, .service = key("10.1.3.225", 80)};
  sync(*dataplane, desired_of({service("10.1.3.225", 80, {})}));
  table_.services.erase(key("10.1.3.225", 80));
  ApplyReport report = dataplane->apply(std::span(&remove, 1));
  EXPECT_EQ(report.applied, 1u);
  EXPECT_TRUE(report.failed.empty());
}

}  // namespace
}  // namespace pier::lb

namespace pier::lb {
namespace {

// The real socket against this machine's kernel: generic netlink's own
// controller family always answers, so the conversation is proven; IPVS
// answers only where the module is loaded.
TEST(GenlSocket, TalksToTheKernel) {
  auto socket = GenlSocket::open(std::chrono::seconds(2));
  ASSERT_TRUE(socket) << socket.error().message;
  ASSERT_TRUE((*socket)->send(encode_get_family("nlctrl", 5)));
  auto reply = (*socket)->receive();
  ASSERT_TRUE(reply) << reply.error().message;
  auto id = decode_family_id(*reply, 5);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(*id, GENL_ID_CTRL);
}

TEST(GenlSocket, OpensTheIpvsDataplaneOrSaysWhyNot) {
  auto socket = GenlSocket::open(std::chrono::seconds(2));
  ASSERT_TRUE(socket) << socket.error().message;
  auto dir = std::filesystem::temp_directory_path() / ("pier-ipvs-real-" + std::to_string(::getpid()));
  auto dataplane = IpvsDataplane::open(std::move(*socket), dir / "owned.json");
  if (std::filesystem::exists("/proc/net/ip_vs")) {
    ASSERT_TRUE(dataplane) << dataplane.error().message;
    EXPECT_TRUE((*dataplane)->read_actual()) << "the kernel's table reads";
  } else {
    ASSERT_FALSE(dataplane);
    EXPECT_NE(dataplane.error().message.find("modprobe ip_vs"), std::string::npos) << dataplane.error().message;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pier::lb
