#include "util/data_dir.h"

#include <cstdlib>

namespace gv {
namespace {
std::filesystem::path& Override() {
  static std::filesystem::path dir;
  return dir;
}
}  // namespace

std::filesystem::path DataDir() {
  if (!Override().empty()) return Override();
  if (const char* env = std::getenv("GEOVERIFY_DATA"); env != nullptr && *env != '\0') return env;
  return GEOVERIFY_DATA_DIR;
}

void SetDataDir(const std::filesystem::path& dir) { Override() = dir; }

}  // namespace gv
