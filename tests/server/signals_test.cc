#include "server/signals.h"

#include <gtest/gtest.h>

#include <csignal>

namespace pier::server {
namespace {

using namespace std::chrono_literals;

TEST(TerminationSignals, ASigtermBecomesAStopRequest) {
  TerminationSignals signals(/*exit_on_second=*/false);
  EXPECT_EQ(signals.wait_for(10ms), std::nullopt);
  EXPECT_FALSE(signals.stop_token().stop_requested());
  ::raise(SIGTERM);  // would end the test binary if it were not caught
  EXPECT_EQ(signals.wait_for(2s), SIGTERM);
  EXPECT_TRUE(signals.stop_token().stop_requested());
  EXPECT_EQ(signals.wait(), SIGTERM);
}

TEST(TerminationSignals, SigintToo) {
  TerminationSignals signals(false);
  ::raise(SIGINT);
  EXPECT_EQ(signals.wait_for(2s), SIGINT);
}

TEST(TerminationSignalsDeathTest, ASecondSignalEndsTheProcessAtOnce) {
  EXPECT_EXIT(
      {
        TerminationSignals signals;
        ::raise(SIGTERM);
        signals.wait();
        ::raise(SIGTERM);
        for (int i = 0; i < 200; ++i) std::this_thread::sleep_for(10ms);  // the signal thread exits meanwhile
        std::exit(0);
      },
      ::testing::ExitedWithCode(128 + SIGTERM), "");
}

}  // namespace
}  // namespace pier::server
