// Process-wide logging through spdlog: structured key=value lines on stderr, written in blocks
// rather than a system call per line. Thread-safe.
#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace berth {

// Sets the level ("debug", "info", "warn", "error") and the line format.
void InitLogging(const std::string& level);

}  // namespace berth
