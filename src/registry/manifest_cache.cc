#include "registry/manifest_cache.h"

namespace berth {

std::optional<ManifestCache::Entry> ManifestCache::Get(const std::string& repository,
                                                       const std::string& reference) {
  std::lock_guard lock(mu_);
  auto it = slots_.find(Key(repository, reference));
  if (it == slots_.end()) return std::nullopt;
  auto gen = generations_.find(repository);
  if (gen != generations_.end() && gen->second != it->second.entry.generation) {
    lru_.erase(it->second.lru);
    slots_.erase(it);
    return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.entry;
}

void ManifestCache::Put(const std::string& repository, const std::string& reference, Entry entry) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mu_);
  if (generations_[repository] != entry.generation) return;
  std::string key = Key(repository, reference);
  auto it = slots_.find(key);
  if (it != slots_.end()) {
    it->second.entry = std::move(entry);
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return;
  }
  lru_.push_front(key);
  slots_.emplace(std::move(key), Slot{std::move(entry), lru_.begin()});
  if (slots_.size() > capacity_) {
    slots_.erase(lru_.back());
    lru_.pop_back();
  }
}

uint64_t ManifestCache::Generation(const std::string& repository) {
  std::lock_guard lock(mu_);
  return generations_[repository];
}

void ManifestCache::Invalidate(const std::string& repository) {
  std::lock_guard lock(mu_);
  ++generations_[repository];
}

void ManifestCache::InvalidateAll() {
  std::lock_guard lock(mu_);
  // Reads in flight took a generation from this map: bumping each keeps their results out.
  for (auto& [repository, generation] : generations_) ++generation;
  slots_.clear();
  lru_.clear();
}

}  // namespace berth
