// Finding: one verification observation about a piece of evidence (metadata checks,
// forensics, same-scene links, ...). The one shape every step reports in.
#pragma once

#include <string>

namespace gv {

enum class Severity { kInfo, kWarning, kAlert };

struct Finding {
  std::string code;  // stable, upper snake case: "EDITED_WITH_SOFTWARE"
  Severity severity = Severity::kInfo;
  std::string message;  // one sentence for the investigator
  std::string step;     // the step that made it ("metadata", "forensics", ...); may be empty
};

inline const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kAlert:
      return "alert";
  }
  return "info";
}

}  // namespace gv
