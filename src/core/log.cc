#include "core/log.h"

#include <spdlog/sinks/base_sink.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>

namespace berth {
namespace {

// spdlog's console sinks flush (one write(2)) per line; at tens of thousands of requests a
// second the access log would cost a system call each. This sink gathers lines and writes
// them in blocks: when 64 KiB are pending, every second (flush_every) and at once for warnings.
class BufferedStderrSink : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    formatter_->format(msg, pending_);
    if (pending_.size() >= kBlock) flush_();
  }
  void flush_() override {
    const char* p = pending_.data();
    size_t left = pending_.size();
    while (left > 0) {
      ssize_t n = ::write(STDERR_FILENO, p, left);
      if (n <= 0) break;  // nowhere to log to; drop rather than block the server
      p += n;
      left -= static_cast<size_t>(n);
    }
    pending_.clear();
  }

 private:
  static constexpr size_t kBlock = 64 * 1024;
  spdlog::memory_buf_t pending_;
};

}  // namespace

void InitLogging(const std::string& level) {
  auto logger = std::make_shared<spdlog::logger>("berth", std::make_shared<BufferedStderrSink>());
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ level=%l %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(level));
  // Debug logging is for watching a server closely: there every line is written at once.
  logger->flush_on(std::min(logger->level(), spdlog::level::warn));
  spdlog::set_default_logger(logger);
  spdlog::flush_every(std::chrono::seconds(1));
}

}  // namespace berth
