// Webhooks: an event bus consumer that finds the project's enabled policies for each event
// Harbor notifies (PUSH_ARTIFACT, PULL_ARTIFACT, ...) and records an execution with a task per
// target, payload included. Sender threads take due tasks from the database and POST them
// (Harbor's Default JSON or CloudEvents), retrying failures with doubling backoff; every try's
// HTTP status is kept as the task's history. A backlog waits in the database, not in memory,
// and survives a restart. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
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

  // Takes up the tasks a previous process left unsent, and starts the senders.
  void Start();
  void Consume(std::span<const Event> events);
  // Policies are re-read before the next event.
  void PoliciesChanged();

 private:
  struct Policy {
    WebhookPolicyRecord record;
    std::vector<WebhookTarget> targets;
  };

  const std::vector<Policy>* PoliciesOf(int64_t project_id);
  void Send();
  // One POST; returns the HTTP status (0 when none came) and a message.
  std::pair<int64_t, std::string> Post(void* curl, const WebhookTaskRecord& task);
  void Record(WebhookTaskRecord& task, int64_t status, const std::string& message);

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
  bool stopping_ = false;  // guarded by mu_
  std::vector<std::thread> senders_;
};

}  // namespace berth
