#include "core/background.h"

#include <pthread.h>
#include <sched.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

namespace berth {
namespace {

thread_local bool in_background = false;

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
}

bool InBackground() { return in_background; }

void RunInForeground(const std::function<void()>& work) {
  if (!in_background) return work();
  Foreground().Run(work);
}

}  // namespace berth
