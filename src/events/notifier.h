// Webhooks: finds the project's enabled policies for each event Harbor notifies (PUSH_ARTIFACT,
// PULL_ARTIFACT, ...). The outbox's events (changes) become deliveries in the history store at
// once (Record); the bus's (pulls) wait in this node's journal (Consume), costing no database
// rows until they are sent. Sender threads of every node claim due deliveries, an execution with
// a task per target, render the payload (Harbor's Default JSON or CloudEvents) and POST it;
// failures are retried with doubling backoff, and every try's HTTP status is kept as the task's
// history. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
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
#include "events/journal.h"
#include "meta/history_store.h"
#include "meta/identity_store.h"
#include "meta/management_store.h"

namespace berth {

struct NotifierOptions {
  std::filesystem::path journal;  // the events waiting to be sent
  std::string registry_host;      // how clients name the registry, for resource_url
  int max_attempts = 5;
  std::chrono::milliseconds retry_base{std::chrono::seconds(1)};
  std::chrono::seconds timeout{std::chrono::seconds(10)};
  size_t senders = 2;
  // Nodes that share the webhook tasks (PostgreSQL): a task claimed longer ago than this is a
  // stopped node's, and is sent again. 0: this node is alone, and what it left running at its
  // last stop is sent again at its start.
  std::chrono::seconds claim_lease{0};
  // Each policy keeps the history of its newest this many ended executions.
  size_t history_per_policy = 50;
  // Whether the job service's WEBHOOK queue is paused: then nothing is sent, and events wait.
  // Asked at most once a second.
  std::function<bool()> paused;
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
  Notifier(ManagementStore& policies, HistoryStore& history, AccessControl& access,
           const Settings& settings, const Clock& clock, NotifierOptions options);
  ~Notifier();

  // Takes up the events and tasks a previous process left unsent, and starts the senders.
  Status Start();
  // Bytes of events waiting in the journal.
  uint64_t BacklogBytes() { return journal_.Unread(); }
  // Pulls and other events of the bus: queued in this node's journal, where they cost no
  // database rows until sent. An error leaves the batch unsent, for the caller to hand over
  // again or give up.
  Status Consume(std::span<const Event> events);
  // The outbox's events (changes): recorded as deliveries at once, which the senders of any
  // node that shares the history take up, so that a node lost with its disk loses none.
  Status Record(std::span<const Event> events);
  // Policies are re-read before the next event, and the history of deleted ones swept.
  void PoliciesChanged();

 private:
  struct Policy {
    WebhookPolicyRecord record;
    std::vector<WebhookTarget> targets;
  };

  void RefreshPolicies();
  // Calls `f(policy, event type, event)` for each event and each enabled policy of its project
  // that takes its type.
  template <class F>
  void ForEachRecipient(std::span<const Event> events, F f);
  // An execution of `p` for `event` (encoded), with a task per target in `status`.
  static WebhookDelivery DeliveryOf(const Policy& p, std::string_view type, std::string event,
                                    const char* status, int64_t now);
  const std::vector<Policy>* PoliciesOf(int64_t project_id);
  const Policy* FindPolicy(int64_t id);
  void Send();
  // Deletes the history of policies deleted since: it stays in the history store, which
  // requests never write.
  void SweepHistory();
  // Sends again what a stopped process left claimed (see NotifierOptions::claim_lease).
  void RequeueStale();
  bool Paused();
  // Executions for up to `limit` events from the journal; their tasks, marked Running.
  Result<std::vector<WebhookTaskRecord>> StartDeliveries(size_t limit);
  // One POST; returns the HTTP status (0 when none came) and a message.
  std::pair<int64_t, std::string> Post(void* curl, const WebhookTaskRecord& task,
                                       const WebhookPayload& payload);
  // The try's record, and the task's state after it: ended unless it failed and may be retried.
  WebhookTry Outcome(WebhookTaskRecord& task, int64_t status, std::string message,
                     bool last_try);

  ManagementStore& policy_store_;
  HistoryStore& history_;
  AccessControl& access_;
  const Settings& settings_;
  const Clock& clock_;
  NotifierOptions options_;

  std::mutex policies_mu_;
  // Set by requests without the lock, which the senders hold while they reload.
  std::atomic<bool> policies_stale_{true};
  std::unordered_map<int64_t, std::vector<Policy>> policies_;  // guarded by policies_mu_

  Journal journal_;
  // One sender reads the journal at a time; a sweep waits for executions being created.
  std::mutex journal_reader_mu_;
  std::atomic<bool> sweep_due_{true};
  std::atomic<int64_t> next_sweep_{0};    // when the history is next trimmed
  std::atomic<int64_t> next_requeue_{0};  // when the senders next look for stale claims
  std::atomic<bool> paused_{false};
  std::atomic<int64_t> next_pause_check_{0};  // when options_.paused is next asked

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::vector<std::thread> senders_;
};

}  // namespace berth
