#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "store_fixture.h"

namespace pier::store::testing {
namespace {

using nlohmann::json;

class ReleasesTest : public StoreTest {
 protected:
  NewRevision revision_of(const ReleaseKey& key, std::string app = "jetty") {
    return NewRevision{.key = key,
                       .app = std::move(app),
                       .app_version = "1.0.0",
                       .values = {{"replicas", 2}},
                       .manifests = "kind: Service\n",
                       .user = "alice",
                       .message = "first"};
  }
  const ReleaseKey web_{"prod", "shop", "web"};
};

TEST_P(ReleasesTest, StoresAndReadsRevisions) {
  NewRevision in = revision_of(web_);
  in.values = {{"replicas", 3}, {"db", {{"password", "v1:sealed"}}}, {"unicode", "h\u00e9"}};
  in.manifests = "apiVersion: v1\nkind: Service\n---\napiVersion: apps/v1\nkind: Deployment\n";
  auto info = must(store_->create_revision(in));
  EXPECT_EQ(info.revision, 1);
  EXPECT_EQ(info.status, RevisionStatus::kPending);
  EXPECT_EQ(info.created_at, FakeClock::kWallStart);

  Revision stored = must(store_->get_revision(web_, 1));
  EXPECT_EQ(stored.key, web_);
  EXPECT_EQ(stored.app, "jetty");
  EXPECT_EQ(stored.app_version, "1.0.0");
  EXPECT_EQ(stored.values, in.values);
  EXPECT_EQ(stored.manifests, in.manifests);
  EXPECT_EQ(stored.user, "alice");
  EXPECT_EQ(stored.message, "first");
  EXPECT_FALSE(stored.finished_at.has_value());
  EXPECT_FALSE(stored.operation.has_value());
  EXPECT_EQ(must(store_->latest(web_)).revision, 1);
}

TEST_P(ReleasesTest, HistoryIsNewestFirst) {
  for (int i = 0; i < 5; ++i) {
    clock_.advance(std::chrono::seconds(1));
    must(store_->create_revision(revision_of(web_)));
  }
  auto history = must(store_->history(web_));
  ASSERT_EQ(history.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(history[size_t(i)].revision, 5 - i);
  EXPECT_GT(history[0].created_at, history[4].created_at);
  EXPECT_EQ(must(store_->latest(web_)).revision, 5);
}

TEST_P(ReleasesTest, MissingThingsAreNotFound) {
  EXPECT_EQ(store_->get_revision(web_, 1).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->latest(web_).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->history(web_).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->get_release(web_).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->update_revision_status(web_, 1, RevisionStatus::kFailed, "").error().code, ErrorCode::kNotFound);
  must(store_->create_revision(revision_of(web_)));
  auto missing = store_->get_revision(web_, 2);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, "release prod/shop/web revision 2 not found");
}

TEST_P(ReleasesTest, RefusesBadInput) {
  EXPECT_EQ(store_->create_revision(revision_of({"prod", "", "web"})).error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(store_->create_revision(revision_of(web_, "")).error().code, ErrorCode::kInvalidInput);
  NewRevision not_utf8 = revision_of(web_);
  not_utf8.values = {{"x", "\xff\xfe"}};
  EXPECT_EQ(store_->create_revision(not_utf8).error().code, ErrorCode::kInvalidInput);
  must(store_->create_revision(revision_of(web_)));
  EXPECT_EQ(store_->update_revision_status(web_, 1, RevisionStatus::kPending, "").error().code,
            ErrorCode::kInvalidInput);
}

TEST_P(ReleasesTest, DeployingSupersedesThePreviousDeployment) {
  must(store_->create_revision(revision_of(web_)));
  clock_.advance(std::chrono::seconds(5));
  auto first = must(store_->update_revision_status(web_, 1, RevisionStatus::kDeployed, "ready"));
  EXPECT_EQ(first.status, RevisionStatus::kDeployed);
  EXPECT_EQ(first.status_detail, "ready");
  EXPECT_EQ(first.finished_at, FakeClock::kWallStart + std::chrono::seconds(5));

  must(store_->create_revision(revision_of(web_)));
  auto summary = must(store_->get_release(web_));
  EXPECT_EQ(summary.latest.revision, 2);
  EXPECT_EQ(summary.latest.status, RevisionStatus::kPending);
  EXPECT_EQ(summary.deployed_revision, 1);

  must(store_->update_revision_status(web_, 2, RevisionStatus::kDeployed, ""));
  EXPECT_EQ(must(store_->get_revision(web_, 1)).status, RevisionStatus::kSuperseded);
  summary = must(store_->get_release(web_));
  EXPECT_EQ(summary.latest.status, RevisionStatus::kDeployed);
  EXPECT_EQ(summary.deployed_revision, 2);

  must(store_->create_revision(revision_of(web_)));
  must(store_->update_revision_status(web_, 3, RevisionStatus::kFailed, "pod web-1: CrashLoopBackOff"));
  summary = must(store_->get_release(web_));
  EXPECT_EQ(summary.latest.status, RevisionStatus::kFailed);
  EXPECT_EQ(summary.latest.status_detail, "pod web-1: CrashLoopBackOff");
  EXPECT_EQ(summary.deployed_revision, 2);  // a failed upgrade leaves the last good one live
}

TEST_P(ReleasesTest, AFinalStatusIsFinal) {
  must(store_->create_revision(revision_of(web_)));
  must(store_->update_revision_status(web_, 1, RevisionStatus::kFailed, "boom"));
  auto again = store_->update_revision_status(web_, 1, RevisionStatus::kDeployed, "");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(again.error().message, "release prod/shop/web revision 1 is already failed, it cannot become deployed");
  // Saying the same thing twice is harmless.
  EXPECT_EQ(must(store_->update_revision_status(web_, 1, RevisionStatus::kFailed, "boom")).status,
            RevisionStatus::kFailed);
}

// Writers on several threads of two store instances (as two replicas)
// number the revisions of one release without gaps or duplicates.
TEST_P(ReleasesTest, ConcurrentWritersNumberWithoutGapsOrDuplicates) {
  auto replica = open_another();
  constexpr int kThreads = 4;
  constexpr int kEach = 15;
  std::vector<std::vector<int>> numbers(kThreads);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      Store& store = t % 2 == 0 ? *store_ : *replica;
      for (int i = 0; i < kEach; ++i) {
        auto made = store.create_revision(revision_of(web_));
        if (!made) {
          errors[size_t(t)] = made.error().describe();
          return;
        }
        numbers[size_t(t)].push_back(made->revision);
      }
    });
  for (auto& thread : threads) thread.join();
  std::set<int> all;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(errors[size_t(t)], "");
    EXPECT_TRUE(std::is_sorted(numbers[size_t(t)].begin(), numbers[size_t(t)].end()));
    all.insert(numbers[size_t(t)].begin(), numbers[size_t(t)].end());
  }
  EXPECT_EQ(all.size(), size_t(kThreads * kEach));
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), kThreads * kEach);
  EXPECT_EQ(must(store_->history(web_)).size(), size_t(kThreads * kEach));
}

class ListingTest : public ReleasesTest {
 protected:
  // 3 clusters x 3 namespaces x 4 names; apps alternate; revision 1 of every
  // release, deployed except in namespace "ops"; names of `dev` have a second revision.
  void SetUp() override {
    ReleasesTest::SetUp();
    if (HasFatalFailure()) return;
    for (std::string cluster : {"dev", "prod-eu", "prod-us"})
      for (std::string ns : {"ops", "shop", "web"})
        for (std::string name : {"api", "Cache_1", "front", "worker"}) {
          ReleaseKey key{cluster, ns, name};
          must(store_->create_revision(revision_of(key, name == "Cache_1" ? "redis" : "jetty")));
          if (ns != "ops") must(store_->update_revision_status(key, 1, RevisionStatus::kDeployed, ""));
          if (cluster == "dev") must(store_->create_revision(revision_of(key)));
          all_.push_back(key);
        }
    std::sort(all_.begin(), all_.end());
  }

  std::vector<ReleaseKey> list_all(const ReleaseFilter& filter, int limit) {
    std::vector<ReleaseKey> keys;
    PageRequest page{.limit = limit};
    for (int pages = 0; pages < 100; ++pages) {
      auto got = must(store_->list_releases(filter, page));
      EXPECT_LE(got.items.size(), size_t(limit));
      for (const auto& item : got.items) keys.push_back(item.latest.key);
      if (got.next.empty()) return keys;
      page.after = got.next;
    }
    ADD_FAILURE() << "pages never end";
    return keys;
  }

  std::vector<ReleaseKey> all_;
};

TEST_P(ListingTest, PagesCoverEverythingInOrder) {
  EXPECT_EQ(list_all({}, 7), all_);
  EXPECT_EQ(list_all({}, 36), all_);
  EXPECT_EQ(list_all({}, 1000), all_);
  auto first = must(store_->list_releases({}, {.limit = 1}));
  ASSERT_EQ(first.items.size(), 1u);
  const ReleaseSummary& dev_api = first.items[0];
  EXPECT_EQ(dev_api.latest.key, (ReleaseKey{"dev", "ops", "Cache_1"}));
  EXPECT_EQ(dev_api.latest.revision, 2);
  EXPECT_EQ(dev_api.latest.app, "jetty");  // the latest revision's app
  EXPECT_EQ(dev_api.deployed_revision, 0);
  EXPECT_FALSE(dev_api.active_operation.has_value());
}

TEST_P(ListingTest, Filters) {
  auto keys_where = [&](auto predicate) {
    std::vector<ReleaseKey> out;
    std::copy_if(all_.begin(), all_.end(), std::back_inserter(out), predicate);
    return out;
  };
  EXPECT_EQ(list_all({.cluster = "prod-eu"}, 5), keys_where([](const ReleaseKey& k) { return k.cluster == "prod-eu"; }));
  EXPECT_EQ(list_all({.namespace_name = "shop"}, 5),
            keys_where([](const ReleaseKey& k) { return k.namespace_name == "shop"; }));
  EXPECT_EQ(list_all({.cluster = "prod-us", .namespace_name = "web"}, 3),
            keys_where([](const ReleaseKey& k) { return k.cluster == "prod-us" && k.namespace_name == "web"; }));
  // The latest revision's app: dev's second revisions are all jetty.
  EXPECT_EQ(list_all({.app = "redis"}, 2),
            keys_where([](const ReleaseKey& k) { return k.name == "Cache_1" && k.cluster != "dev"; }));
  EXPECT_EQ(list_all({.status = RevisionStatus::kDeployed}, 4),
            keys_where([](const ReleaseKey& k) { return k.cluster != "dev" && k.namespace_name != "ops"; }));
  EXPECT_EQ(list_all({.cluster = "dev", .status = RevisionStatus::kPending}, 4),
            keys_where([](const ReleaseKey& k) { return k.cluster == "dev"; }));
  // Search: any part of the name, any case; LIKE's wildcards are plain text.
  EXPECT_EQ(list_all({.search = "CACHE"}, 2), keys_where([](const ReleaseKey& k) { return k.name == "Cache_1"; }));
  EXPECT_EQ(list_all({.search = "e_"}, 2), keys_where([](const ReleaseKey& k) { return k.name == "Cache_1"; }));
  EXPECT_EQ(list_all({.search = "%"}, 2), std::vector<ReleaseKey>{});
  EXPECT_EQ(list_all({.search = "or"}, 50), keys_where([](const ReleaseKey& k) { return k.name == "worker"; }));
  EXPECT_EQ(list_all({.cluster = "nowhere"}, 5), std::vector<ReleaseKey>{});
}

TEST_P(ListingTest, RefusesBadPages) {
  EXPECT_EQ(store_->list_releases({}, {.limit = 5000}).error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(store_->list_releases({}, {.after = "garbage"}).error().code, ErrorCode::kInvalidInput);
}

TEST_P(ListingTest, ShowsTheRunningOperation) {
  ReleaseKey key{"prod-eu", "shop", "front"};
  auto op = must(store_->begin_operation({.key = key, .kind = "upgrade", .user = "bob", .holder = "pier-0"}));
  auto page = must(store_->list_releases({.cluster = "prod-eu", .namespace_name = "shop"}, {}));
  ASSERT_EQ(page.items.size(), 4u);
  for (const auto& item : page.items) {
    if (item.latest.key != key) {
      EXPECT_FALSE(item.active_operation.has_value());
      continue;
    }
    ASSERT_TRUE(item.active_operation.has_value());
    EXPECT_EQ(item.active_operation->id, op.id);
    EXPECT_EQ(item.active_operation->user, "bob");
    EXPECT_EQ(item.active_operation->key, key);
  }
}

INSTANTIATE_FOR_EACH_BACKEND(ReleasesTest);
INSTANTIATE_FOR_EACH_BACKEND(ListingTest);

}  // namespace
}  // namespace pier::store::testing
