#include "meta/change_feed.h"

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/random.h"
#include "meta/postgres_sql.h"

namespace berth {
namespace {

constexpr const char* kChannel = "berth_changes";
constexpr ChangeTopic kTopics[] = {ChangeTopic::kRepository, ChangeTopic::kProjects,
                                   ChangeTopic::kCredentials, ChangeTopic::kSettings};

class PgChangeFeed : public ChangeFeed {
 public:
  PgChangeFeed(PostgresDatabase& db, std::string url)
      : db_(db), url_(std::move(url)), node_(RandomHex(8)) {}
  ~PgChangeFeed() override {
    stopping_ = true;
    if (listener_.joinable()) listener_.join();
  }

  void Start() override {
    listener_ = std::thread([this] { Listen(); });
  }

  // Payload: "<topic>:<node>:<key>"; a node skips its own, delivered already.
  void Publish(ChangeTopic topic, const std::string& key) override {
    Deliver(topic, key);
    const std::string payload = std::to_string(static_cast<int>(topic)) + ":" + node_ + ":" + key;
    auto sent = db_.Read(
        [&](SqlConnection& c) { return c.Exec("SELECT pg_notify(?, ?)", kChannel, payload); });
    if (!sent) spdlog::warn("change feed: cannot tell the other nodes: {}", sent.error().message);
  }

 private:
  void Listen() {
    bool missed = false;  // set once a connection was lost: everything is then redelivered
    while (!stopping_) {
      PGconn* conn = PQconnectdb(url_.c_str());
      PGresult* r = PQstatus(conn) == CONNECTION_OK
                        ? PQexec(conn, (std::string("LISTEN ") + kChannel).c_str())
                        : nullptr;
      const bool listening = r && PQresultStatus(r) == PGRES_COMMAND_OK;
      PQclear(r);
      if (!listening) {
        PQfinish(conn);
        missed = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        continue;
      }
      if (missed) {
        spdlog::info("change feed: listening again; every cache starts afresh");
        for (ChangeTopic topic : kTopics) Deliver(topic, "");
        missed = false;
      }
      while (!stopping_ && PQstatus(conn) == CONNECTION_OK) {
        pollfd p{PQsocket(conn), POLLIN, 0};
        if (::poll(&p, 1, 200) > 0 && !PQconsumeInput(conn)) break;
        while (PGnotify* n = PQnotifies(conn)) {
          Received(n->extra);
          PQfreemem(n);
        }
      }
      if (!stopping_) {
        spdlog::warn("change feed: lost its connection: {}", PQerrorMessage(conn));
        missed = true;
      }
      PQfinish(conn);
    }
  }

  void Received(std::string_view payload) {
    const size_t a = payload.find(':');
    const size_t b = a == std::string_view::npos ? a : payload.find(':', a + 1);
    if (b == std::string_view::npos) return;
    if (payload.substr(a + 1, b - a - 1) == node_) return;
    const int topic = std::atoi(std::string(payload.substr(0, a)).c_str());
    if (topic < 0 || topic > static_cast<int>(ChangeTopic::kSettings)) return;
    Deliver(static_cast<ChangeTopic>(topic), std::string(payload.substr(b + 1)));
  }

  PostgresDatabase& db_;
  const std::string url_;
  const std::string node_;
  std::atomic<bool> stopping_{false};
  std::thread listener_;
};

}  // namespace

std::unique_ptr<ChangeFeed> PostgresChangeFeed(PostgresDatabase& db, const std::string& url) {
  return std::make_unique<PgChangeFeed>(db, url);
}

}  // namespace berth
