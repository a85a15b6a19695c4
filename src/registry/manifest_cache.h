// A bounded LRU cache of manifests by (repository, tag or digest), so that manifest reads are
// answered from memory on the event loop. Writers bump the repository's generation after they
// commit; an entry read from the database before that is then ignored. Thread-safe.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace berth {

class ManifestCache {
 public:
  struct Entry {
    std::string digest;
    std::string media_type;
    std::shared_ptr<const std::string> content;
    uint64_t generation = 0;
  };

  explicit ManifestCache(size_t capacity) : capacity_(capacity) {}

  std::optional<Entry> Get(const std::string& repository, const std::string& reference);
  // `entry.generation` must be Generation(repository) as read before the database was.
  void Put(const std::string& repository, const std::string& reference, Entry entry);
  uint64_t Generation(const std::string& repository);
  void Invalidate(const std::string& repository);
  // Every repository's entries.
  void InvalidateAll();

 private:
  struct Slot {
    Entry entry;
    std::list<std::string>::iterator lru;
  };
  static std::string Key(const std::string& repository, const std::string& reference) {
    return repository + '\0' + reference;
  }

  const size_t capacity_;
  std::mutex mu_;
  std::unordered_map<std::string, Slot> slots_;          // guarded by mu_
  std::list<std::string> lru_;                           // guarded by mu_; front is newest
  std::unordered_map<std::string, uint64_t> generations_;  // guarded by mu_
};

}  // namespace berth
