// Bookkeeping threads (the event consumer, webhook senders) run at idle priority
// (SCHED_IDLE): they get only the CPU time that requests leave, so a burst of requests is not
// slowed by them and their work waits instead. What such a thread does while holding a lock
// that requests take too must not wait behind requests in turn, so it runs on a foreground
// thread at normal priority: an unprivileged thread cannot raise its own priority back.
// Thread-safe.
#pragma once

#include <functional>

namespace berth {

// Moves the calling thread to idle priority for the rest of its life, under `name` (at most
// 15 characters: what top -H and perf show).
void EnterBackground(const char* name);

// Whether the calling thread has entered the background.
bool InBackground();

// Runs `work` at normal priority and returns when it is done: on the calling thread, unless
// that is a background thread. Exceptions reach the caller.
void RunInForeground(const std::function<void()>& work);

}  // namespace berth
