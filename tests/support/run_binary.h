// Runs the real geoverify binary (end-to-end tests).
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace gv::test {

struct RunResult {
  int exit_code = -1;
  std::string out;
};

// Runs a shell command; stdout is captured, and stderr too (after stdout's text) when asked.
inline RunResult RunCommand(const std::string& command, bool with_stderr = false) {
  RunResult r;
  const std::string full = command + (with_stderr ? " 2>&1" : " 2>/dev/null");
  FILE* pipe = ::popen(full.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf;
  while (const std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe))
    r.out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline RunResult Geoverify(const std::string& args, bool with_stderr = false) {
  return RunCommand(std::string(GEOVERIFY_BINARY) + " " + args, with_stderr);
}

inline std::string Quote(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

}  // namespace gv::test
