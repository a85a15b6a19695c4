// Changes made at one node that every node's caches must see (a tag moved, a project or an
// account changed, the settings): published by whoever made the change once it is committed,
// delivered to this node's subscribers at once and, on PostgreSQL, to the other nodes' within
// milliseconds (LISTEN/NOTIFY). On the embedded default there is no other node. Thread-safe once
// subscribed.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace berth {

class PostgresDatabase;

enum class ChangeTopic { kRepository, kProjects, kCredentials, kSettings };

class ChangeFeed {
 public:
  using Handler = std::function<void(ChangeTopic topic, const std::string& key)>;
  virtual ~ChangeFeed() = default;

  // Before the first Publish: `handler` runs for each change, this node's and the others'; with
  // an empty key for "anything of this topic may have changed" (when the feed may have missed
  // some: its connection was lost meanwhile).
  void Subscribe(Handler handler) { handlers_.push_back(std::move(handler)); }
  // Once subscribed: begins taking the other nodes' changes.
  virtual void Start() {}
  virtual void Publish(ChangeTopic topic, const std::string& key) { Deliver(topic, key); }

 protected:
  void Deliver(ChangeTopic topic, const std::string& key) {
    for (const Handler& h : handlers_) h(topic, key);
  }

 private:
  std::vector<Handler> handlers_;
};

// The feed among the nodes that share a PostgreSQL database. Listens on a connection of its own,
// reconnecting when it is lost; sends through `db`'s pool.
std::unique_ptr<ChangeFeed> PostgresChangeFeed(PostgresDatabase& db, const std::string& url);

}  // namespace berth
