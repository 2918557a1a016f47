// Where the data the project ships lives (data/ of the source tree, or an installed copy).
#pragma once

#include <filesystem>

namespace gv {

// GEOVERIFY_DATA from the environment if set, else the folder configured at build time.
std::filesystem::path DataDir();
// Overrides DataDir() for this process (the --data-dir option). Call before any thread.
void SetDataDir(const std::filesystem::path& dir);

}  // namespace gv
