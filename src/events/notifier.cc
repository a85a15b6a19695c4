#include "events/notifier.h"

#include <curl/curl.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstring>
#include <optional>

#include "api/harbor_json.h"
#include "core/random.h"

namespace berth {
namespace {

// CloudEvents types Harbor sends for its event types.
std::string_view CloudEventType(std::string_view type) {
  if (type == "PUSH_ARTIFACT") return "harbor.artifact.pushed";
  if (type == "PULL_ARTIFACT") return "harbor.artifact.pulled";
  if (type == "DELETE_ARTIFACT") return "harbor.artifact.deleted";
  if (type == "QUOTA_EXCEED") return "harbor.quota.exceed";
  if (type == "QUOTA_WARNING") return "harbor.quota.warning";
  if (type == "TAG_RETENTION") return "harbor.tag_retention.finished";
  return "harbor.unknown";
}

std::string NewUuid() {
  std::string hex = RandomHex(16);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

size_t Discard(char*, size_t size, size_t count, void*) { return size * count; }

// Deliveries a sender takes at a time: each batch costs three commits.
constexpr size_t kSendBatch = 64;
// How often each policy's history is trimmed to its newest executions.
constexpr int64_t kSweepEvery = 600;

// Whether a failed try may be tried again: not when nothing could be sent.
constexpr bool kLastTry = true;
constexpr bool kMayRetry = false;

// The projects a batch of events names, each looked up once.
class BatchProjects {
 public:
  explicit BatchProjects(AccessControl& access) : access_(access) {}
  const std::optional<ProjectRef>& operator()(const std::string& name) {
    auto [it, added] = found_.try_emplace(name);
    if (added) {
      if (auto project = access_.FindProject(name)) it->second = std::move(*project);
    }
    return it->second;
  }

 private:
  AccessControl& access_;
  std::unordered_map<std::string, std::optional<ProjectRef>> found_;
};

// What an artifact's or a quota's event tells: the resource, its repository, the quota's words.
void ArtifactEventData(const Event& e, const std::string& registry_host, bool public_project,
                       boost::json::object& data) {
  boost::json::object resource{{"digest", e.digest}};
  if (!e.tag.empty()) resource["tag"] = e.tag;
  resource["resource_url"] =
      registry_host + "/" + e.repository + (e.tag.empty() ? "@" + e.digest : ":" + e.tag);
  data["resources"] = boost::json::array{resource};
  const std::string_view repository = e.repository;
  const size_t slash = repository.find('/');
  data["repository"] = boost::json::object{
      {"name", slash == std::string_view::npos ? repository : repository.substr(slash + 1)},
      {"namespace", e.project},
      {"repo_full_name", e.repository},
      {"repo_type", public_project ? "public" : "private"}};
  if (!e.detail.empty()) data["custom_attributes"] = boost::json::object{{"Details", e.detail}};
}

}  // namespace

Result<std::vector<WebhookTarget>> ParseWebhookTargets(std::string_view json) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(json, ec);
  if (ec || !parsed.is_array()) return Fail(ErrorCode::kBadRequest, "targets must be an array");
  std::vector<WebhookTarget> out;
  for (const boost::json::value& v : parsed.as_array()) {
    if (!v.is_object()) return Fail(ErrorCode::kBadRequest, "a target must be an object");
    const boost::json::object& o = v.as_object();
    WebhookTarget t;
    auto type = StringField(o, "type");
    auto address = StringField(o, "address");
    auto auth = StringField(o, "auth_header");
    auto skip = BoolField(o, "skip_cert_verify");
    auto format = StringField(o, "payload_format");
    for (const auto* f : {&type, &address, &auth, &format}) {
      if (!*f) return tl::unexpected(f->error());
    }
    if (!skip) return tl::unexpected(skip.error());
    t.type = type->value_or("http");
    t.address = address->value_or("");
    t.auth_header = auth->value_or("");
    t.skip_cert_verify = skip->value_or(false);
    t.payload_format = format->value_or("Default");
    if (t.payload_format.empty()) t.payload_format = "Default";
    if (t.type != "http") return Fail(ErrorCode::kBadRequest, "target type must be http");
    if (!t.address.starts_with("http://") && !t.address.starts_with("https://"))
      return Fail(ErrorCode::kBadRequest, "target address must be an http or https URL");
    if (t.payload_format != "Default" && t.payload_format != "CloudEvents")
      return Fail(ErrorCode::kBadRequest, "payload_format must be Default or CloudEvents");
    out.push_back(std::move(t));
  }
  return out;
}

WebhookPayload RenderPayload(const Event& e, const std::string& format,
                             const std::string& registry_host, bool public_project,
                             int64_t policy_id, int64_t project_id) {
  const std::string type(WebhookEventType(e.kind).value_or("UNKNOWN"));
  boost::json::object data;
  if (e.kind == EventKind::kTagRetention) {
    boost::system::error_code ec;
    boost::json::value retention = boost::json::parse(e.detail, ec);
    data["retention"] = ec ? boost::json::value(boost::json::object()) : std::move(retention);
  } else {
    ArtifactEventData(e, registry_host, public_project, data);
  }
  if (format == "CloudEvents") {
    boost::json::object event{{"specversion", "1.0"},
                              {"requestid", NewUuid()},
                              {"id", NewUuid()},
                              {"source", "/projects/" + std::to_string(project_id) +
                                             "/webhook/policies/" + std::to_string(policy_id)},
                              {"type", CloudEventType(type)},
                              {"datacontenttype", "application/json"},
                              {"time", Rfc3339(e.at)},
                              {"data", std::move(data)},
                              {"operator", e.operator_name}};
    return {boost::json::serialize(event), "application/cloudevents+json"};
  }
  boost::json::object event{{"type", type},
                            {"occur_at", e.at},
                            {"operator", e.operator_name},
                            {"event_data", std::move(data)}};
  return {boost::json::serialize(event), "application/json"};
}

Notifier::Notifier(ManagementStore& policies, HistoryStore& history, AccessControl& access,
                   const Settings& settings, const Clock& clock, NotifierOptions options)
    : policy_store_(policies),
      history_(history),
      access_(access),
      settings_(settings),
      clock_(clock),
      options_(std::move(options)),
      journal_(options_.journal) {}

Notifier::~Notifier() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : senders_) t.join();
}

Status Notifier::Start() {
  if (auto s = journal_.Open(); !s) return s;
  RequeueStale();
  for (size_t i = 0; i < options_.senders; ++i) {
    senders_.emplace_back([this] {
      ::pthread_setname_np(::pthread_self(), "berth-webhooks");
      Send();
    });
  }
  return {};
}

void Notifier::RequeueStale() {
  const int64_t now = clock_.Now();
  const int64_t before =
      options_.claim_lease.count() > 0 ? now - options_.claim_lease.count() : now + 1;
  if (auto s = history_.RequeueWebhookTasks(before); !s)
    spdlog::error("webhook tasks left running: {}", s.error().message);
}

void Notifier::PoliciesChanged() {
  policies_stale_ = true;
  sweep_due_ = true;
  wake_.notify_all();
}

void Notifier::SweepHistory() {
  std::lock_guard reader(journal_reader_mu_);
  // Listed while no execution is being created: one made after the listing is for a policy in it.
  auto all = policy_store_.ListWebhookPolicies(0);
  std::vector<int64_t> ids;
  if (all) {
    for (const WebhookPolicyRecord& p : *all) ids.push_back(p.id);
  }
  Status swept = all ? history_.KeepWebhookHistoryOf(ids) : Status(tl::unexpected(all.error()));
  if (!swept) {
    spdlog::error("webhook history of deleted policies: {}", swept.error().message);
    sweep_due_ = true;
  }
  auto trimmed = history_.TrimWebhookHistory(static_cast<int64_t>(options_.history_per_policy));
  if (!trimmed) spdlog::error("webhook history not trimmed: {}", trimmed.error().message);
}

void Notifier::RefreshPolicies() {
  // Cleared before the policies are read, so that a change while they are read counts.
  if (!policies_stale_.exchange(false)) return;
  auto all = policy_store_.ListWebhookPolicies(0);
  if (!all) {
    spdlog::error("webhook policies: {}", all.error().message);
    policies_stale_ = true;
    return;
  }
  policies_.clear();
  for (WebhookPolicyRecord& record : *all) {
    if (!record.enabled) continue;
    auto targets = ParseWebhookTargets(record.targets_json);
    if (!targets) continue;
    const int64_t project = record.project_id;
    policies_[project].push_back(Policy{std::move(record), std::move(*targets)});
  }
}

const std::vector<Notifier::Policy>* Notifier::PoliciesOf(int64_t project_id) {
  RefreshPolicies();
  auto it = policies_.find(project_id);
  return it == policies_.end() ? nullptr : &it->second;
}

const Notifier::Policy* Notifier::FindPolicy(int64_t id) {
  RefreshPolicies();
  for (const auto& [project, policies] : policies_) {
    for (const Policy& p : policies) {
      if (p.record.id == id) return &p;
    }
  }
  return nullptr;
}

template <class F>
void Notifier::ForEachRecipient(std::span<const Event> events, F f) {
  BatchProjects projects(access_);
  std::lock_guard lock(policies_mu_);
  for (const Event& e : events) {
    auto type = WebhookEventType(e.kind);
    if (!type) continue;
    const std::optional<ProjectRef>& project = projects(e.project);
    if (!project) continue;
    const std::vector<Policy>* policies = PoliciesOf(project->id);
    if (!policies) continue;
    for (const Policy& p : *policies) {
      if (std::find(p.record.event_types.begin(), p.record.event_types.end(), *type) !=
          p.record.event_types.end()) {
        f(p, *type, e);
      }
    }
  }
}

WebhookDelivery Notifier::DeliveryOf(const Policy& p, std::string_view type, std::string event,
                                     const char* status, int64_t now) {
  WebhookDelivery d;
  d.execution = WebhookExecutionRecord{0, p.record.id, std::string(type), "Running", now, 0};
  for (const WebhookTarget& t : p.targets) {
    WebhookTaskRecord task;
    task.address = t.address;
    task.status = status;
    task.created_at = task.updated_at = task.next_try_at = now;
    task.auth_header = t.auth_header;
    task.skip_cert_verify = t.skip_cert_verify;
    task.payload_format = t.payload_format;
    task.event = event;
    task.policy_id = p.record.id;
    d.tasks.push_back(std::move(task));
  }
  return d;
}

Status Notifier::Record(std::span<const Event> events) {
  if (!settings_.Get().notification_enable) return {};
  // With the reader's lock, as StartDeliveries: a sweep of deleted policies' history waits.
  std::lock_guard reader(journal_reader_mu_);
  std::vector<WebhookDelivery> deliveries;
  const int64_t now = clock_.Now();
  ForEachRecipient(events, [&](const Policy& p, std::string_view type, const Event& e) {
    std::string encoded;
    if (EncodeEvent(e, encoded))
      deliveries.push_back(DeliveryOf(p, type, std::move(encoded), "Pending", now));
  });
  if (deliveries.empty()) return {};
  if (auto s = history_.CreateWebhookDeliveries(deliveries); !s) return s;
  wake_.notify_all();
  return {};
}

Status Notifier::Consume(std::span<const Event> events) {
  if (!settings_.Get().notification_enable) return {};
  // A record per event and policy: the policy's id, then the event.
  std::string records;
  ForEachRecipient(events, [&](const Policy& p, std::string_view, const Event& e) {
    AppendRecord(records, [&](std::string& body) {
      body.append(reinterpret_cast<const char*>(&p.record.id), sizeof p.record.id);
      return EncodeEvent(e, body);
    });
  });
  if (records.empty()) return {};
  if (auto s = journal_.Append(records); !s) return s;
  wake_.notify_all();
  return {};
}

Result<std::vector<WebhookTaskRecord>> Notifier::StartDeliveries(size_t limit) {
  std::lock_guard reader(journal_reader_mu_);
  const std::string records = journal_.Read(Journal::kMaxRecord + sizeof(uint32_t));
  std::vector<WebhookDelivery> deliveries;
  size_t used = 0;
  const int64_t now = clock_.Now();
  std::lock_guard lock(policies_mu_);
  while (used < records.size() && deliveries.size() < limit) {
    std::string_view record = std::string_view(records).substr(used);
    record = record.substr(sizeof(uint32_t), RecordSize(record) - sizeof(uint32_t));
    int64_t policy_id = 0;
    Event e;
    if (record.size() >= sizeof policy_id) std::memcpy(&policy_id, record.data(), sizeof policy_id);
    const std::string_view event = record.substr(std::min(record.size(), sizeof policy_id));
    auto size = DecodeEvent(event, e);
    auto type = WebhookEventType(e.kind);
    const bool readable = size && *size == event.size() && type;
    used += sizeof(uint32_t) + record.size();
    if (!readable) {
      spdlog::error("webhook journal: a record that is no webhook event skipped");
      continue;
    }
    const Policy* p = FindPolicy(policy_id);
    if (!p) continue;  // deleted or disabled since
    deliveries.push_back(DeliveryOf(*p, *type, std::string(event), "Running", now));
  }
  if (!deliveries.empty()) {
    // Kept in the journal until recorded: a failure here is retried with the next batch.
    if (auto s = history_.CreateWebhookDeliveries(deliveries); !s) return tl::unexpected(s.error());
  }
  journal_.Advance(used);
  std::vector<WebhookTaskRecord> tasks;
  for (WebhookDelivery& d : deliveries) {
    for (WebhookTaskRecord& t : d.tasks) tasks.push_back(std::move(t));
  }
  return tasks;
}

void Notifier::Send() {
  CURL* curl = curl_easy_init();
  while (true) {
    if (int64_t at = next_sweep_;
        clock_.Now() >= at && next_sweep_.compare_exchange_strong(at, clock_.Now() + kSweepEvery))
      sweep_due_ = true;
    if (sweep_due_.exchange(false)) SweepHistory();
    // Retries and tasks a stopped process left first, then new events.
    // Among nodes, one that stopped mid-send left its claims: taken up once they are stale.
    if (int64_t at = next_requeue_; options_.claim_lease.count() > 0 && clock_.Now() >= at &&
                                    next_requeue_.compare_exchange_strong(
                                        at, clock_.Now() + options_.claim_lease.count() / 4)) {
      RequeueStale();
    }
    Result<std::vector<WebhookTaskRecord>> due = std::vector<WebhookTaskRecord>{};
    if (!Paused()) {
      due = history_.ClaimWebhookTasks(clock_.Now(), kSendBatch);
      if (due && due->empty()) due = StartDeliveries(kSendBatch);
    }
    if (!due) spdlog::error("webhook tasks: {}", due.error().message);
    if (!due || due->empty()) {
      // New tasks wake the senders; retries fall due by the clock.
      std::unique_lock lock(mu_);
      if (stopping_) break;
      wake_.wait_for(lock, std::chrono::milliseconds(250));
      if (stopping_) break;
      continue;
    }
    bool stopping = false;
    std::vector<WebhookTry> tries;
    BatchProjects projects(access_);
    for (WebhookTaskRecord& task : *due) {
      // Claimed tasks not sent by shutdown are taken up again at the next start.
      if (stopping) break;
      Event event;
      if (auto size = DecodeEvent(task.event, event); !size || *size != task.event.size()) {
        tries.push_back(Outcome(task, 0, "the event of this task is unreadable", kLastTry));
        continue;
      }
      int64_t project_id = 0;
      {
        std::lock_guard lock(policies_mu_);
        if (const Policy* p = FindPolicy(task.policy_id)) project_id = p->record.project_id;
      }
      if (project_id == 0) {
        tries.push_back(Outcome(task, 0, "the policy was deleted or disabled", kLastTry));
        continue;
      }
      const std::optional<ProjectRef>& project = projects(event.project);
      const WebhookPayload payload =
          RenderPayload(event, task.payload_format, options_.registry_host,
                        project && project->is_public, task.policy_id, project_id);
      auto [status, message] = Post(curl, task, payload);
      tries.push_back(Outcome(task, status, message, kMayRetry));
      std::lock_guard lock(mu_);
      stopping = stopping_;
    }
    // One transaction for the batch's tries.
    if (auto s = history_.RecordWebhookTries(tries); !s)
      spdlog::error("webhook tries: {} not recorded: {}", tries.size(), s.error().message);
    if (stopping) break;
  }
  curl_easy_cleanup(curl);
}

bool Notifier::Paused() {
  if (!options_.paused) return false;
  if (int64_t at = next_pause_check_;
      clock_.Now() >= at && next_pause_check_.compare_exchange_strong(at, clock_.Now() + 1)) {
    paused_ = options_.paused();
  }
  return paused_;
}

std::pair<int64_t, std::string> Notifier::Post(void* handle, const WebhookTaskRecord& task,
                                               const WebhookPayload& payload) {
  CURL* curl = static_cast<CURL*>(handle);
  curl_easy_reset(curl);
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, ("Content-Type: " + payload.content_type).c_str());
  if (!task.auth_header.empty())
    headers = curl_slist_append(headers, ("Authorization: " + task.auth_header).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, task.address.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.body.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(std::chrono::milliseconds(options_.timeout).count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "berth-webhook");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
  if (task.skip_cert_verify) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  const CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) return {0, curl_easy_strerror(rc)};
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  return {status, "HTTP " + std::to_string(status)};
}

WebhookTry Notifier::Outcome(WebhookTaskRecord& t, int64_t status, std::string message,
                             bool last_try) {
  const int64_t now = clock_.Now();
  ++t.run_count;
  if (t.started_at == 0) t.started_at = now;
  t.updated_at = now;
  const bool delivered = status >= 200 && status < 300;
  if (delivered || last_try || t.run_count >= options_.max_attempts) {
    t.status = delivered ? "Success" : "Error";
    t.ended_at = now;
  } else {
    t.status = "Pending";
    const auto wait = options_.retry_base * (int64_t{1} << std::min<int64_t>(t.run_count - 1, 16));
    t.next_try_at = now + std::chrono::ceil<std::chrono::seconds>(wait).count();
  }
  t.event.clear();  // recorded tries need no event
  return WebhookTry{t, WebhookAttemptRecord{t.id, t.run_count, now, status, std::move(message)}};
}

}  // namespace berth
