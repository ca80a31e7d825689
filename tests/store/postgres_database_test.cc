// The PostgreSQL backend's behaviour when the server goes away and comes
// back, against a real server that the test stops and starts.
#include "store/postgres_database.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

#include "postgres_server.h"
#include "store_fixture.h"

namespace pier::store::testing {
namespace {

using std::chrono::milliseconds;

TEST(PostgresDatabaseTest, DescriptionsNeverShowThePassword) {
  EXPECT_EQ(describe_postgres_url("postgres://pier:s3cret@db.example:6432/console?sslmode=require"),
            "PostgreSQL at db.example:6432/console");
  EXPECT_EQ(describe_postgres_url("postgresql:///pier"), "PostgreSQL at localhost:5432/pier");
}

TEST(PostgresDatabaseTest, UnreachableServerIsUnavailable) {
  auto opened = open_store("postgres://pier:s3cret@127.0.0.1:1/pier", {.connect_timeout = milliseconds(1000)});
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(opened.error().retry, Retry::kYes);
  EXPECT_NE(opened.error().message.find("PostgreSQL at 127.0.0.1:1/pier: cannot connect"), std::string::npos)
      << opened.error().message;
  EXPECT_EQ(opened.error().message.find("s3cret"), std::string::npos);
}

TEST(PostgresDatabaseTest, MalformedUrlIsInvalidWithoutEchoingIt) {
  auto opened = open_store("postgres://pier:%zz@127.0.0.1/pier");
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(opened.error().message.find("%zz"), std::string::npos);
}

// Requests keep coming from several threads while the server restarts: those
// during the outage fail with kUnavailable / Retry::kYes (and no password in
// the message); once it is back, requests succeed again on the same Store.
TEST(PostgresDatabaseTest, RestartUnderLoadFailsCleanlyThenRecovers) {
  auto server = PostgresServer::shared();
  ASSERT_TRUE(server.has_value()) << server.error().describe();
  auto database = must((*server)->create_database());
  // Trust authentication ignores the password; it is there to be looked for in messages.
  const std::string url = "postgres://pier:s3cret@127.0.0.1:" + std::to_string((*server)->port()) + "/" + database;
  auto store = must(open_store(url, {.max_connections = 4, .connect_timeout = milliseconds(2000)}));
  const ReleaseKey key{"prod", "shop", "web"};
  must(store->create_revision({.key = key, .app = "jetty"}));

  enum Phase { kUp, kDown, kBack };
  std::atomic<int> phase{kUp};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  int ok_before = 0, failed_while_down = 0, ok_after = 0, failed_after_recovering = 0;
  std::vector<std::string> bad_errors;

  std::vector<std::thread> load;
  for (int t = 0; t < 4; ++t)
    load.emplace_back([&, t] {
      bool recovered = false;
      while (!stop) {
        const int started_in = phase.load();
        Result<void> outcome;
        if (t % 2 == 0) {
          auto listed = store->list_releases({}, {});
          if (!listed) outcome = fail(listed.error());
        } else {
          auto made = store->create_revision({.key = key, .app = "jetty"});
          if (!made) outcome = fail(made.error());
        }
        const int ended_in = phase.load();
        std::lock_guard lock(mutex);
        if (outcome) {
          if (started_in == kUp && ended_in == kUp) ++ok_before;
          if (started_in == kBack) {
            ++ok_after;
            recovered = true;
          }
        } else {
          const Error& e = outcome.error();
          if (e.code != ErrorCode::kUnavailable || e.retry != Retry::kYes || e.message.find("s3cret") != std::string::npos)
            bad_errors.push_back(e.describe());
          if (started_in == kDown) ++failed_while_down;
          if (recovered) ++failed_after_recovering;
        }
        if (ended_in == kDown) std::this_thread::sleep_for(milliseconds(5));
      }
    });

  std::this_thread::sleep_for(milliseconds(200));
  phase = kDown;
  must((*server)->stop());  // from this thread: the server dies with the thread that started it
  std::this_thread::sleep_for(milliseconds(300));
  must((*server)->start_again());
  phase = kBack;
  std::this_thread::sleep_for(milliseconds(500));
  stop = true;
  for (auto& thread : load) thread.join();

  const std::string counts = "ok before " + std::to_string(ok_before) + ", failed while down " +
                             std::to_string(failed_while_down) + ", ok after " + std::to_string(ok_after);
  std::printf("restart under load: %s\n", counts.c_str());
  EXPECT_TRUE(bad_errors.empty()) << bad_errors.front();
  EXPECT_GT(ok_before, 0) << counts;
  EXPECT_GT(failed_while_down, 0) << counts;
  EXPECT_GT(ok_after, 0) << counts;
  EXPECT_EQ(failed_after_recovering, 0) << counts;

  // And, plainly, the same Store works on.
  must(store->list_releases({}, {}));
  auto made = must(store->create_revision({.key = key, .app = "jetty"}));
  EXPECT_EQ(must(store->latest(key)).revision, made.revision);
}

}  // namespace
}  // namespace pier::store::testing
