#include "core/log.h"

#include <spdlog/sinks/stdout_sinks.h>

namespace berth {

void InitLogging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("berth");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ level=%l %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  spdlog::flush_every(std::chrono::seconds(1));
}

}  // namespace berth
