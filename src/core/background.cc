#include "core/background.h"

#include <pthread.h>
#include <sched.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

namespace berth {
namespace {

thread_local bool in_background = false;

// CPU time background threads have reported, and this thread's when it last reported.
std::atomic<int64_t> background_cpu_ns{0};
thread_local int64_t reported_cpu_ns = 0;

int64_t ThreadCpuNs() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

void ReportBackgroundCpu() {
  if (!in_background) return;
  const int64_t used = ThreadCpuNs();
  background_cpu_ns += used - reported_cpu_ns;
  reported_cpu_ns = used;
}

std::optional<CpuSample> SampleMachine() {
  // The first line sums all CPUs, in ticks: user nice system idle iowait irq softirq steal ...
  std::FILE* stat = std::fopen("/proc/stat", "re");
  if (stat == nullptr) return std::nullopt;
  unsigned long long idle = 0, iowait = 0;
  const int read = std::fscanf(stat, "cpu %*u %*u %*u %llu %llu", &idle, &iowait);
  std::fclose(stat);
  static const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  if (read != 2 || ticks_per_second <= 0) return std::nullopt;
  const auto ticks = static_cast<int64_t>(idle + iowait);
  return CpuSample{std::chrono::steady_clock::now(),
                   std::chrono::nanoseconds(ticks * (1'000'000'000 / ticks_per_second)),
                   std::chrono::nanoseconds(background_cpu_ns.load())};
}

// One thread at normal priority that runs background threads' foreground work in turn.
class ForegroundThread {
 public:
  ForegroundThread()
      : thread_([this] {
          ::pthread_setname_np(::pthread_self(), "berth-fg");
          Loop();
        }) {}
  ~ForegroundThread() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  void Run(const std::function<void()>& work) {
    Job job{&work, nullptr, false};
    std::unique_lock lock(mu_);
    queue_.push_back(&job);
    wake_.notify_all();
    done_.wait(lock, [&] { return job.done; });
    if (job.failure) std::rethrow_exception(job.failure);
  }

 private:
  struct Job {
    const std::function<void()>* work;
    std::exception_ptr failure;
    bool done = false;
  };

  void Loop() {
    std::unique_lock lock(mu_);
    while (true) {
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      Job* job = queue_.front();
      queue_.pop_front();
      lock.unlock();
      try {
        (*job->work)();
      } catch (...) {
        job->failure = std::current_exception();
      }
      lock.lock();
      job->done = true;
      done_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::deque<Job*> queue_;  // guarded by mu_
  bool stopping_ = false;   // guarded by mu_
  std::thread thread_;
};

// Created by the first thread to enter the background, before it does: a thread inherits its
// creator's priority.
ForegroundThread& Foreground() {
  static ForegroundThread foreground;
  return foreground;
}

}  // namespace

void EnterBackground(const char* name) {
  Foreground();
  ::pthread_setname_np(::pthread_self(), name);
  sched_param param{};
  // Pid 0 is the calling thread; lowering one's own priority needs no privilege.
  if (::sched_setscheduler(0, SCHED_IDLE, &param) != 0)
    spdlog::warn("idle priority refused: {}", std::strerror(errno));
  in_background = true;
  reported_cpu_ns = ThreadCpuNs();
}

bool InBackground() { return in_background; }

void BringToForeground(std::thread& thread) {
  sched_param param{};
  ::pthread_setschedparam(thread.native_handle(), SCHED_OTHER, &param);
}

void RunInForeground(const std::function<void()>& work) {
  if (!in_background) return work();
  Foreground().Run(work);
}

SpareCpu::SpareCpu(Sampler sample) : sample_(std::move(sample)) {}

bool SpareCpu::operator()() {
  std::lock_guard lock(mu_);
  if (last_ && std::chrono::steady_clock::now() - last_->at < kWindow) return spare_;
  std::optional<CpuSample> sample = sample_();
  if (!sample) {
    last_.reset();
    return spare_ = true;
  }
  spare_ = last_ && sample->at - last_->at <= kRecent &&
           ((sample->idle - last_->idle) + (sample->background - last_->background)) * 2 >=
               sample->at - last_->at;
  last_ = sample;
  return spare_;
}

bool CpuToSpare() {
  ReportBackgroundCpu();
  static SpareCpu machine(SampleMachine);
  return machine();
}

int64_t HoldPolicy::DueBy(int64_t now) const {
  return max.count() <= 0 || cpu_to_spare() ? now : now - max.count();
}

}  // namespace berth
