// Waiting in unit tests for what another thread does: no timed assertion, only a bound on how
// long a test that is going to fail waits before it does.
#pragma once

#include <chrono>
#include <thread>

namespace berth::testing {

// Polls `done` every 10 ms for up to `limit`; its last answer.
template <class F>
bool Eventually(F done, std::chrono::seconds limit = std::chrono::seconds(20)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

}  // namespace berth::testing
