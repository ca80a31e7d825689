#include <gtest/gtest.h>

#include "store_fixture.h"

namespace pier::store::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

class AuditTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    for (int i = 0; i < 25; ++i) {
      clock_.advance(seconds(1));
      must(store_->append_audit({.user = i % 2 ? "bob" : "alice",
                                 .action = i % 5 == 0 ? "token.create" : "release.upgrade",
                                 .target = "prod/shop/web" + std::to_string(i % 3),
                                 .details = {{"i", i}}}));
    }
  }

  std::vector<int> all_of(const AuditFilter& filter, int limit) {
    std::vector<int> numbers;
    PageRequest page{.limit = limit};
    for (;;) {
      auto got = must(store_->list_audit(filter, page));
      for (const auto& entry : got.items) numbers.push_back(entry.details["i"].get<int>());
      if (got.next.empty()) return numbers;
      page.after = got.next;
    }
  }
};

TEST_P(AuditTest, ListsNewestFirstInPages) {
  auto first = must(store_->list_audit({}, {.limit = 1}));
  ASSERT_EQ(first.items.size(), 1u);
  EXPECT_EQ(first.items[0].details, (json{{"i", 24}}));
  EXPECT_EQ(first.items[0].user, "alice");
  EXPECT_EQ(first.items[0].action, "release.upgrade");
  EXPECT_EQ(first.items[0].target, "prod/shop/web0");
  EXPECT_EQ(first.items[0].at, FakeClock::kWallStart + seconds(25));
  std::vector<int> expected;
  for (int i = 24; i >= 0; --i) expected.push_back(i);
  EXPECT_EQ(all_of({}, 4), expected);
}

TEST_P(AuditTest, Filters) {
  EXPECT_EQ(all_of({.user = "bob", .action = "token.create"}, 2), (std::vector<int>{15, 5}));
  EXPECT_EQ(all_of({.target = "prod/shop/web2"}, 3), (std::vector<int>{23, 20, 17, 14, 11, 8, 5, 2}));
  // at of entry i is start + (i + 1) s.
  EXPECT_EQ(all_of({.since = FakeClock::kWallStart + seconds(21), .until = FakeClock::kWallStart + seconds(24)}, 50),
            (std::vector<int>{22, 21, 20}));
  EXPECT_EQ(store_->list_audit({}, {.after = "x"}).error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(store_->append_audit({.user = "bob"}).error().code, ErrorCode::kInvalidInput);
}

INSTANTIATE_FOR_EACH_BACKEND(AuditTest);

}  // namespace
}  // namespace pier::store::testing
