// Which VIPs to carry and the address changes (pure); and VipAddresses for
// real over rtnetlink, always inside a network namespace made by the test
// (`ip netns add`, entered by a worker thread with setns), so the host's
// interfaces are never touched. The namespace is deleted at the end of each
// test, whatever happened.
#include "lb/vip_addresses.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <thread>

namespace pier::lb {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

IpAddress ip(std::string_view text) { return *IpAddress::parse(text); }

// ---- pure ----------------------------------------------------------------

VirtualService service(std::string_view vip, uint16_t port, std::vector<uint32_t> weights) {
  VirtualService s;
  s.key = ServiceKey{ip(vip), port, Protocol::kTcp};
  uint8_t last = 10;
  for (uint32_t w : weights) s.real_servers.push_back(RealServer{ip("10.1.0." + std::to_string(last++)), 80, w});
  return s;
}

Desired desired_of(std::vector<VirtualService> services) {
  Desired d;
  for (auto& s : services) d.services[s.key] = std::move(s);
  return d;
}

TEST(VipsToAnnounce, EveryVipOnceSorted) {
  Desired d =
      desired_of({service("10.1.3.9", 80, {1}), service("2001:db8::10", 443, {1}), service("10.1.3.9", 443, {0}),
                  service("10.1.3.10", 80, {}), service("10.1.3.2", 53, {0, 0})});
  EXPECT_THAT(vips_to_announce(d), ElementsAre(ip("10.1.3.2"), ip("10.1.3.9"), ip("10.1.3.10"), ip("2001:db8::10")));
  EXPECT_THAT(vips_to_announce(Desired{}), IsEmpty());
}

TEST(VipsToAnnounce, WithdrawsVipsWithoutAReadyRealServer) {
  Desired d = desired_of({
      service("10.1.3.1", 80, {1}),      // ready
      service("10.1.3.2", 80, {0, 0}),   // only draining servers
      service("10.1.3.3", 80, {}),       // no servers
      service("10.1.3.4", 80, {}),       // one port empty ...
      service("10.1.3.4", 443, {0, 3}),  // ... another ready: the VIP stays
      service("2001:db8::1", 80, {0}),   // IPv6 likewise
      service("2001:db8::2", 80, {2}),
  });
  EXPECT_THAT(vips_to_announce(d, {.withdraw_without_ready = true}),
              ElementsAre(ip("10.1.3.1"), ip("10.1.3.4"), ip("2001:db8::2")));
  EXPECT_EQ(vips_to_announce(d, {.withdraw_without_ready = false}).size(), 6u);
}

TEST(AddressChanges, AddsMissingRemovesOnlyOwnStale) {
  std::vector<IpAddress> wanted = {ip("10.0.0.3"), ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.1")};
  std::vector<IpAddress> owned = {ip("10.0.0.4"), ip("10.0.0.2")};
  std::vector<IpAddress> foreign = {ip("10.0.0.3"), ip("10.0.0.5")};
  AddressChanges changes = address_changes(wanted, owned, foreign);
  EXPECT_THAT(changes.add, ElementsAre(ip("10.0.0.1")));
  EXPECT_THAT(changes.remove, ElementsAre(ip("10.0.0.4")));
}

TEST(AddressChanges, NothingToDoWhenInStep) {
  std::vector<IpAddress> both = {ip("10.0.0.1"), ip("2001:db8::1")};
  EXPECT_EQ(address_changes(both, both), AddressChanges{});
  EXPECT_EQ(address_changes({}, {}), AddressChanges{});
}

TEST(AddressChanges, EverythingOwnedGoesWhenNothingIsWanted) {
  std::vector<IpAddress> owned = {ip("2001:db8::1"), ip("10.0.0.1")};
  std::vector<IpAddress> foreign = {ip("10.0.0.9")};
  AddressChanges changes = address_changes({}, owned, foreign);
  EXPECT_THAT(changes.add, IsEmpty());
  EXPECT_THAT(changes.remove, ElementsAre(ip("10.0.0.1"), ip("2001:db8::1")));
}

TEST(AddressChanges, OwnedAndForeignAtOnceIsNotAddedAndOursMayGo) {
  // Someone added the VIP by hand beside ours: nothing to add; when the VIP
  // is no longer wanted only our copy goes (the kernel keeps theirs).
  std::vector<IpAddress> both = {ip("10.0.0.1")};
  EXPECT_EQ(address_changes(both, both, both), AddressChanges{});
  EXPECT_THAT(address_changes({}, both, both).remove, ElementsAre(ip("10.0.0.1")));
}

// ---- effect: inside a test network namespace -----------------------------

int shell(const std::string& command) {
  int status = std::system((command + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string shell_output(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return out;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  ::pclose(pipe);
  return out;
}

// A named network namespace with lo up, deleted when the object goes (an
// assertion that fails returns through here too).
class TestNamespace {
 public:
  TestNamespace() {
    static int counter = 0;
    name_ = "pier-t-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    shell("ip netns del " + name_);  // a leftover of a crashed run with a recycled pid
    if (shell("ip netns add " + name_) != 0) {
      error_ = "ip netns add " + name_ + " failed";
      return;
    }
    created_ = true;
    if (ip("link set lo up") != 0) error_ = "cannot bring lo up in " + name_;
  }
  ~TestNamespace() {
    if (created_) shell("ip netns del " + name_);
  }
  TestNamespace(const TestNamespace&) = delete;
  TestNamespace& operator=(const TestNamespace&) = delete;

  const std::string& error() const { return error_; }
  const std::string& name() const { return name_; }

  // `ip -n NAME ARGS`, its exit status.
  int ip(const std::string& args) const { return shell("ip -n " + name_ + " " + args); }
  std::string ip_output(const std::string& args) const { return shell_output("ip -n " + name_ + " " + args); }

  // Runs `body` on a thread that entered the namespace: only that thread's
  // network namespace changes, never the test process's own.
  void run(const std::function<void()>& body) const {
    std::thread worker([&] {
      int fd = ::open(("/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) {
        ADD_FAILURE() << "cannot enter network namespace " << name_ << ": " << std::strerror(errno);
        if (fd >= 0) ::close(fd);
        return;
      }
      ::close(fd);
      body();
    });
    worker.join();
  }

 private:
  std::string name_;
  std::string error_;
  bool created_ = false;
};

#define SKIP_WITHOUT_NAMESPACE(ns)                                                  \
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to create a network namespace"; \
  if (!(ns).error().empty()) GTEST_SKIP() << "cannot create a network namespace: " << (ns).error()

const InterfaceAddress* find(const std::vector<InterfaceAddress>& list, const IpAddress& address) {
  auto it = std::find_if(list.begin(), list.end(), [&](const InterfaceAddress& e) { return e.address == address; });
  return it == list.end() ? nullptr : &*it;
}

TEST(VipAddressesInNamespace, AddListAddAgainRemoveOnLo) {
  TestNamespace ns;
  SKIP_WITHOUT_NAMESPACE(ns);
  ns.run([&] {
    auto table = VipAddresses::open("lo");
    ASSERT_TRUE(table) << table.error().describe();
    for (const char* text : {"10.9.0.1", "2001:db8::10"}) {
      SCOPED_TRACE(text);
      const IpAddress vip = ip(text);
      auto added = table->add(vip);
      ASSERT_TRUE(added) << added.error().describe();
      EXPECT_TRUE(*added);
      auto again = table->add(vip);  // idempotent
      ASSERT_TRUE(again) << again.error().describe();
      EXPECT_FALSE(*again);
      auto list = table->list();
      ASSERT_TRUE(list) << list.error().describe();
      const InterfaceAddress* entry = find(*list, vip);
      ASSERT_NE(entry, nullptr);
      EXPECT_EQ(entry->prefix_length, vip.family == Family::kV4 ? 32 : 128);
      EXPECT_EQ(entry->protocol, kPierAddressProtocol);
      EXPECT_TRUE(entry->owned);
    }
    // lo's own addresses are listed and not Pier's.
    auto list = table->list();
    ASSERT_TRUE(list);
    const InterfaceAddress* loopback = find(*list, ip("127.0.0.1"));
    ASSERT_NE(loopback, nullptr);
    EXPECT_EQ(loopback->prefix_length, 8);
    EXPECT_FALSE(loopback->owned);
    EXPECT_TRUE(std::is_sorted(list->begin(), list->end(), [](const InterfaceAddress& a, const InterfaceAddress& b) {
      return a.address < b.address;
    }));

    for (const char* text : {"10.9.0.1", "2001:db8::10"}) {
      auto removed = table->remove(ip(text));
      ASSERT_TRUE(removed) << removed.error().describe();
      EXPECT_TRUE(*removed) << text;
      auto again = table->remove(ip(text));
      ASSERT_TRUE(again);
      EXPECT_FALSE(*again) << text;
    }
    list = table->list();
    ASSERT_TRUE(list);
    EXPECT_EQ(find(*list, ip("10.9.0.1")), nullptr);
    EXPECT_EQ(find(*list, ip("2001:db8::10")), nullptr);
  });
  // What the kernel shows to everyone else: nothing of ours is left.
  EXPECT_THAT(ns.ip_output("addr show dev lo"), Not(HasSubstr("10.9.0.1")));
}

TEST(VipAddressesInNamespace, ForeignAddressesStay) {
  TestNamespace ns;
  SKIP_WITHOUT_NAMESPACE(ns);
  ASSERT_EQ(ns.ip("addr add 10.9.0.7/32 dev lo"), 0);
  ASSERT_EQ(ns.ip("addr add 2001:db8::7/128 dev lo"), 0);
  ASSERT_EQ(ns.ip("addr add 10.9.1.1/24 dev lo"), 0);
  ns.run([&] {
    auto table = VipAddresses::open("lo");
    ASSERT_TRUE(table) << table.error().describe();
    std::vector<IpAddress> wanted = {ip("10.9.0.1"), ip("10.9.0.2"), ip("10.9.0.7"), ip("2001:db8::1")};
    auto report = table->sync(wanted);
    ASSERT_TRUE(report) << report.error().describe();
    EXPECT_THAT(report->failed, IsEmpty());
    // 10.9.0.7 was already there (foreign): not added, still not Pier's.
    EXPECT_THAT(report->added, ElementsAre(ip("10.9.0.1"), ip("10.9.0.2"), ip("2001:db8::1")));
    EXPECT_THAT(report->removed, IsEmpty());

    // Nothing wanted any more: only Pier's go.
    report = table->sync({});
    ASSERT_TRUE(report) << report.error().describe();
    EXPECT_THAT(report->failed, IsEmpty());
    EXPECT_THAT(report->removed, ElementsAre(ip("10.9.0.1"), ip("10.9.0.2"), ip("2001:db8::1")));
    auto list = table->list();
    ASSERT_TRUE(list);
    for (const char* kept : {"10.9.0.7", "2001:db8::7", "10.9.1.1", "127.0.0.1"}) {
      const InterfaceAddress* entry = find(*list, ip(kept));
      ASSERT_NE(entry, nullptr) << kept;
      EXPECT_FALSE(entry->owned) << kept;
    }
    EXPECT_EQ(find(*list, ip("10.9.0.1")), nullptr);

    // Asked directly, Pier still refuses to remove a foreign address.
    auto refused = table->remove(ip("10.9.0.7"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
    EXPECT_THAT(refused.error().message, HasSubstr("10.9.0.7"));
  });
  EXPECT_THAT(ns.ip_output("addr show dev lo"), HasSubstr("10.9.0.7/32"));
  EXPECT_THAT(ns.ip_output("addr show dev lo"), HasSubstr("2001:db8::7/128"));
}

TEST(VipAddressesInNamespace, ARestartedControllerKnowsItsAddressesByTheMarker) {
  TestNamespace ns;
  SKIP_WITHOUT_NAMESPACE(ns);
  ASSERT_EQ(ns.ip("addr add 10.9.0.7/32 dev lo"), 0);
  ns.run([&] {
    {
      auto first = VipAddresses::open("lo");
      ASSERT_TRUE(first);
      auto report = first->sync(std::vector{ip("10.9.0.1"), ip("2001:db8::1")});
      ASSERT_TRUE(report);
      ASSERT_THAT(report->failed, IsEmpty());
    }
    // A new object has no memory of what the old one added: the IFA_PROTO
    // marker alone says which addresses are Pier's.
    auto second = VipAddresses::open("lo");
    ASSERT_TRUE(second);
    auto report = second->sync(std::vector{ip("10.9.0.1")});
    ASSERT_TRUE(report) << report.error().describe();
    EXPECT_THAT(report->failed, IsEmpty());
    EXPECT_THAT(report->added, IsEmpty());
    EXPECT_THAT(report->removed, ElementsAre(ip("2001:db8::1")));
  });
  std::string shown = ns.ip_output("addr show dev lo");
  EXPECT_THAT(shown, HasSubstr("10.9.0.7/32"));
  EXPECT_THAT(shown, HasSubstr("10.9.0.1/32"));
  EXPECT_THAT(shown, Not(HasSubstr("2001:db8::1/128")));
}

TEST(VipAddressesInNamespace, VethIpv4AndIpv6WithoutDad) {
  TestNamespace ns;
  SKIP_WITHOUT_NAMESPACE(ns);
  if (ns.ip("link add pier-v0 type veth peer name pier-v1") != 0) GTEST_SKIP() << "no veth in this kernel";
  ASSERT_EQ(ns.ip("link set pier-v0 up"), 0);
  ASSERT_EQ(ns.ip("link set pier-v1 up"), 0);
  ASSERT_EQ(ns.ip("addr add 192.0.2.1/24 dev pier-v0"), 0);
  ns.run([&] {
    auto table = VipAddresses::open("pier-v0");
    ASSERT_TRUE(table) << table.error().describe();
    auto report = table->sync(std::vector{ip("10.9.0.1"), ip("2001:db8::20")});
    ASSERT_TRUE(report) << report.error().describe();
    EXPECT_THAT(report->failed, IsEmpty());
    EXPECT_EQ(report->added.size(), 2u);
    auto list = table->list();
    ASSERT_TRUE(list);
    EXPECT_NE(find(*list, ip("10.9.0.1")), nullptr);
    EXPECT_NE(find(*list, ip("2001:db8::20")), nullptr);
    // The peer end and lo are other interfaces: none of this is on them.
    auto peer = VipAddresses::open("pier-v1");
    ASSERT_TRUE(peer);
    auto peer_list = peer->list();
    ASSERT_TRUE(peer_list);
    EXPECT_EQ(find(*peer_list, ip("10.9.0.1")), nullptr);
    // And a sync on the peer does not see or remove pier-v0's VIPs.
    auto peer_report = peer->sync({});
    ASSERT_TRUE(peer_report);
    EXPECT_THAT(peer_report->removed, IsEmpty());
  });
  std::string shown = ns.ip_output("addr show dev pier-v0");
  EXPECT_THAT(shown, HasSubstr("10.9.0.1/32"));
  EXPECT_THAT(shown, HasSubstr("2001:db8::20/128"));
  EXPECT_THAT(shown, HasSubstr("192.0.2.1/24"));
  // No duplicate address detection: usable at once, never "tentative".
  // (The link-local address of the veth may still be tentative: not ours.)
  std::string v6 = ns.ip_output("-6 addr show dev pier-v0");
  const size_t at = v6.find("2001:db8::20/128");
  ASSERT_NE(at, std::string::npos) << v6;
  const std::string line = v6.substr(at, v6.find('\n', at) - at);
  EXPECT_THAT(line, HasSubstr("nodad"));
  EXPECT_THAT(line, Not(HasSubstr("tentative")));
}

TEST(VipAddressesInNamespace, MissingInterfaceIsAClearError) {
  TestNamespace ns;
  SKIP_WITHOUT_NAMESPACE(ns);
  ns.run([&] {
    auto table = VipAddresses::open("pier-nope0");
    ASSERT_FALSE(table);
    EXPECT_EQ(table.error().code, ErrorCode::kNotFound);
    EXPECT_THAT(table.error().message, HasSubstr("no network interface \"pier-nope0\""));
  });
  // An interface that goes away after open().
  ASSERT_EQ(ns.ip("link add pier-v0 type veth peer name pier-v1"), 0);
  ns.run([&] {
    auto table = VipAddresses::open("pier-v0");
    ASSERT_TRUE(table) << table.error().describe();
    ASSERT_EQ(ns.ip("link del pier-v0"), 0);
    auto list = table->list();
    ASSERT_FALSE(list);
    EXPECT_EQ(list.error().code, ErrorCode::kNotFound);
    auto added = table->add(ip("10.9.0.1"));
    ASSERT_FALSE(added);
    EXPECT_THAT(added.error().message, HasSubstr("pier-v0"));
  });
}

TEST(VipAddressesOpen, RefusesBadNames) {
  for (const char* bad : {"", "a/b", "has space", "sixteen-chars-xx"}) {
    auto table = VipAddresses::open(bad);
    ASSERT_FALSE(table) << bad;
    EXPECT_EQ(table.error().code, ErrorCode::kInvalidInput) << bad;
  }
}

}  // namespace
}  // namespace pier::lb
