// Webhooks: an event bus consumer that finds the project's enabled policies for each event
// Harbor notifies (PUSH_ARTIFACT, PULL_ARTIFACT, ...), records an execution with a task per
// target, and has sender threads POST the payload (Harbor's Default JSON or CloudEvents),
// retrying failures with doubling backoff. Every try's HTTP status is kept as the task's
// history. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <queue>
#include <span>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "auth/access.h"
#include "core/clock.h"
#include "core/settings.h"
#include "events/event.h"
#include "meta/identity_store.h"
#include "meta/management_store.h"

namespace berth {

struct NotifierOptions {
  std::string registry_host;  // how clients name the registry, for resource_url
  int max_attempts = 5;
  std::chrono::milliseconds retry_base{std::chrono::seconds(1)};
  std::chrono::seconds timeout{std::chrono::seconds(10)};
  size_t senders = 2;
  // Deliveries waiting beyond this are recorded as failed at once rather than held in memory.
  size_t max_pending = 100000;
};

// One target of a policy, as Harbor's API gives it.
struct WebhookTarget {
  std::string type = "http";
  std::string address;
  std::string auth_header;
  bool skip_cert_verify = false;
  std::string payload_format = "Default";  // or "CloudEvents"
};

// Targets from the policy's JSON; BAD_REQUEST for a malformed one.
Result<std::vector<WebhookTarget>> ParseWebhookTargets(std::string_view json);

// The body and Content-Type a target receives for `event`.
struct WebhookPayload {
  std::string body;
  std::string content_type;
};
WebhookPayload RenderPayload(const Event& event, const std::string& format,
                             const std::string& registry_host, bool public_project,
                             int64_t policy_id, int64_t project_id);

class Notifier {
 public:
  Notifier(ManagementStore& store, AccessControl& access, const Settings& settings,
           const Clock& clock, NotifierOptions options);
  ~Notifier();

  void Start();
  void Consume(std::span<const Event> events);
  // Policies are re-read before the next event.
  void PoliciesChanged();
  // Returns once nothing is queued or being sent (for tests and shutdown).
  void Idle();

 private:
  struct Policy {
    WebhookPolicyRecord record;
    std::vector<WebhookTarget> targets;
  };
  struct Job {
    WebhookTaskRecord task;
    WebhookPayload payload;
    WebhookTarget target;
    std::chrono::steady_clock::time_point due;
    bool operator>(const Job& other) const { return due > other.due; }
  };

  const std::vector<Policy>* PoliciesOf(int64_t project_id);
  void Send();
  // One POST; returns the HTTP status (0 when none came) and a message.
  std::pair<int64_t, std::string> Post(void* curl, const Job& job);
  void Record(Job& job, int64_t status, const std::string& message, bool final);

  ManagementStore& store_;
  AccessControl& access_;
  const Settings& settings_;
  const Clock& clock_;
  NotifierOptions options_;

  std::mutex policies_mu_;
  bool policies_stale_ = true;                                  // guarded by policies_mu_
  std::unordered_map<int64_t, std::vector<Policy>> policies_;  // guarded by policies_mu_

  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::priority_queue<Job, std::vector<Job>, std::greater<>> pending_;  // guarded by mu_
  size_t sending_ = 0;                                                   // guarded by mu_
  bool stopping_ = false;                                                // guarded by mu_
  std::vector<std::thread> senders_;
};

}  // namespace berth
