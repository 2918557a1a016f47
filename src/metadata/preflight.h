// The isolated first read: each file's metadata read and its pixels decoded once in a
// supervised worker process (util/supervised.h), before the caller parses it in its own
// process. A file that crashes or hangs a parser there is known, and left out, before it can
// take the caller down. Used by `run` (every photo), `match`, `georef`, `locate`, `refs`,
// `redact` and `exercise make` (their input photos).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "image/evidence.h"
#include "util/finding.h"

namespace gv {

struct PreflightFailure {
  std::string message;  // "the parser crashed (killed by signal 6 (Aborted))"
  Finding finding;      // PARSER_CRASHED or PARSER_TIMEOUT, made by `step`
};

// Per file: nullopt when it went through (a file that merely cannot be read passes: the
// caller reports that as usual), else the failure. `deadline_s` is the wall-clock deadline
// and CPU limit per file; 0 checks nothing (every file passes).
std::vector<std::optional<PreflightFailure>> PreflightFiles(
    const std::vector<std::filesystem::path>& files, const EvidenceLimits& limits,
    double deadline_s, const std::string& step);

}  // namespace gv
