// One-time GDAL/OGR set-up shared by every adapter that uses GDAL: registers drivers and
// installs a quiet error handler (errors are read back with LastGdalError()).
#pragma once

#include <string>

namespace gv {

void EnsureGdalRegistered();
// Message of the last GDAL/OGR error on this thread, or "unknown GDAL error".
std::string LastGdalError();

}  // namespace gv
