// Bookkeeping threads (the event consumer, webhook senders) run at idle priority
// (SCHED_IDLE): they get only the CPU time that requests leave, so a burst of requests is not
// slowed by them and their work waits instead. What such a thread does while holding a lock
// that requests take too must not wait behind requests in turn, so it runs on a foreground
// thread at normal priority: an unprivileged thread cannot raise its own priority back.
// A thread that is runnable still costs requests at idle priority, though: each of their
// wakeups must preempt it, which on a virtual machine is an interrupt sent to another CPU. So
// work that can wait is held back (HoldPolicy) while the machine has no CPU to spare. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace berth {

// Moves the calling thread to idle priority for the rest of its life, under `name` (at most
// 15 characters: what top -H and perf show).
void EnterBackground(const char* name);

// Whether the calling thread has entered the background.
bool InBackground();

// Moves `thread`, which entered the background, back to normal priority, so that an owner about to
// join it does not wait for it behind everything else on a busy machine. Where that is refused
// (RLIMIT_NICE), it ends all the same, later.
void BringToForeground(std::thread& thread);

// Runs `work` at normal priority and returns when it is done: on the calling thread, unless
// that is a background thread. Exceptions reach the caller.
void RunInForeground(const std::function<void()>& work);

// What the machine's CPUs have done: all their idle time, and the time background threads used.
struct CpuSample {
  std::chrono::steady_clock::time_point at;
  std::chrono::nanoseconds idle{0};
  std::chrono::nanoseconds background{0};
};

// Whether the machine left at least half a CPU to background threads between the last two
// samples, counting what they used as left to them. Samples are taken at least kWindow apart.
// Without a sample from the last kRecent, what the CPUs did lately is unknown and the answer is
// no, for a window; when the machine cannot be sampled at all it is yes, so that nothing waits
// for what cannot be measured.
class SpareCpu {
 public:
  using Sampler = std::function<std::optional<CpuSample>()>;
  static constexpr std::chrono::milliseconds kWindow{100};
  static constexpr std::chrono::seconds kRecent{1};

  explicit SpareCpu(Sampler sample);
  bool operator()();

 private:
  Sampler sample_;
  std::mutex mu_;
  std::optional<CpuSample> last_;  // guarded by mu_
  bool spare_ = true;              // guarded by mu_
};

// This machine's SpareCpu, from /proc/stat and the CPU time background threads report here.
bool CpuToSpare();

// How long work that can wait is held back while the machine has no CPU to spare: at most `max`
// after it arose, so that sustained load delays it by a bounded time instead of for ever.
struct HoldPolicy {
  std::chrono::seconds max{30};
  std::function<bool()> cpu_to_spare = CpuToSpare;

  // The newest work (by when it arose, in clock seconds) that may go ahead at `now`.
  int64_t DueBy(int64_t now) const;
};

}  // namespace berth
