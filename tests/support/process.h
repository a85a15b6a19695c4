// What every test harness needs of the system: shell commands and free ports.
#pragma once

#include <chrono>
#include <string>

namespace berth::testing {

// Runs a shell command; returns its exit status and, when asked, its combined output.
int RunCommand(const std::string& command, std::string* output = nullptr);

// A free loopback port, for the servers the tests start.
int FreePort();

// Whether something accepts connections on the loopback port within `timeout`.
bool WaitUntilListening(int port, std::chrono::milliseconds timeout);

// A shell word that stands for `s` exactly.
std::string ShellQuote(const std::string& s);

}  // namespace berth::testing
