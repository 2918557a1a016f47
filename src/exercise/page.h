// The trainee's page of an exercise pack (PACK_DIR/index.html): one self-contained offline
// file (Leaflet from Debian's libjs-leaflet, Natural Earth borders, the photos as data:
// URIs, a Content-Security-Policy that forbids any request). Per question the photo, a map
// to place a pin on (a click, or coordinates typed in), the time, country and site when
// asked, hints at their cost; progress kept in the browser's local storage; "Export
// answers" downloads answers.json and shows it for copying. <body data-ready="1"> once the
// page is built, for the browser test.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "util/result.h"

namespace gv {

struct PackPhoto {
  std::string id;    // "q1"
  std::string file;  // "q01.jpg"
  std::vector<std::uint8_t> bytes;
};

// `pack` is pack.json's object; only what a trainee may see of it goes into the page (no
// seals). Error when Leaflet is missing.
Result<std::string> RenderExercisePage(const nlohmann::ordered_json& pack,
                                       const std::vector<PackPhoto>& photos);

}  // namespace gv
