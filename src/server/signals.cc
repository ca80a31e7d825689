#include "server/signals.h"

#include <csignal>
#include <cstdlib>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

namespace pier::server {

struct TerminationSignals::Impl {
  explicit Impl(bool exit_on_second) : exit_on_second(exit_on_second), signals(io, SIGTERM, SIGINT) {}

  void arm() {
    signals.async_wait([this](const boost::system::error_code& ec, int number) {
      if (ec) return;  // cancelled by the destructor
      {
        std::lock_guard lock(mutex);
        if (received && exit_on_second) std::_Exit(128 + number);
        if (!received) received = number;
      }
      stop.request_stop();
      arrived.notify_all();
      arm();
    });
  }

  const bool exit_on_second;
  boost::asio::io_context io;
  boost::asio::signal_set signals;
  std::thread thread;
  std::stop_source stop;
  std::mutex mutex;
  std::condition_variable arrived;
  std::optional<int> received;
};

TerminationSignals::TerminationSignals(bool exit_on_second) : impl_(std::make_unique<Impl>(exit_on_second)) {
  impl_->arm();
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

TerminationSignals::~TerminationSignals() {
  boost::system::error_code ignored;
  impl_->signals.cancel(ignored);
  impl_->signals.clear(ignored);  // restores the default dispositions
  impl_->io.stop();
  impl_->thread.join();
}

int TerminationSignals::wait() {
  std::unique_lock lock(impl_->mutex);
  impl_->arrived.wait(lock, [&] { return impl_->received.has_value(); });
  return *impl_->received;
}

std::optional<int> TerminationSignals::wait_for(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  impl_->arrived.wait_for(lock, timeout, [&] { return impl_->received.has_value(); });
  return impl_->received;
}

std::stop_token TerminationSignals::stop_token() const { return impl_->stop.get_token(); }

}  // namespace pier::server
