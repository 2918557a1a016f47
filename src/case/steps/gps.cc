// gps: the photo's GPS position as a point clue, its uncertainty from GPSHPositioningError
// or a stated default; trusted less when other findings show editing or clock tampering
// (an edited photo's GPS tags are as easy to change as its pixels).
#include <cstdio>
#include <cstdlib>

#include "case/steps/steps.h"

namespace gv {
namespace {

// Findings after which a GPS tag is trusted less, and why.
constexpr const char* kDistrust[] = {"EDITED_WITH_SOFTWARE",     "MODIFIED_AFTER_CAPTURE",
                                     "GPS_TIME_MISMATCH",        "JPEG_EDITOR_SEGMENTS",
                                     "DOUBLE_COMPRESSION",       "COPY_MOVE",
                                     "THUMBNAIL_CONTENT_DIFFERS"};

std::optional<double> PositioningError(const PhotoMetadata& m) {
  for (const auto& [key, value] : m.tags) {
    if (key != "Exif.GPSInfo.GPSHPositioningError") continue;
    char* end = nullptr;
    const double num = std::strtod(value.c_str(), &end);
    double den = 1;
    if (end && *end == '/') den = std::strtod(end + 1, nullptr);
    if (den > 0 && num > 0 && std::isfinite(num / den)) return num / den;
  }
  return std::nullopt;
}

class GpsStep : public Step {
 public:
  const char* name() const override { return "gps"; }
  const char* description() const override {
    return "gps clue: the recorded position with its uncertainty, trusted less after edits";
  }
  bool Applies(const PhotoContext& ctx) const override {
    const auto& g = ctx.photo.metadata.gps;
    return g && g->position_valid && !RepeatsItsVideo(ctx);
  }
  Status Run(PhotoContext& ctx) override {
    const GpsFix& g = *ctx.photo.metadata.gps;
    Clue clue;
    clue.kind = "gps";
    clue.point = LatLon{g.lat_deg, g.lon_deg};
    const auto error = PositioningError(ctx.photo.metadata);
    clue.uncertainty_m = error ? *error : ctx.options.gps_default_uncertainty_m;
    char text[160];
    std::snprintf(text, sizeof text,
                  "GPS position %.6f, %.6f recorded in the metadata, +-%.0f m (%s)", g.lat_deg,
                  g.lon_deg, clue.uncertainty_m,
                  error ? "GPSHPositioningError" : "default: no positioning error recorded");
    clue.description = text;
    clue.params = {{"lat", g.lat_deg},
                   {"lon", g.lon_deg},
                   {"uncertainty_source", error ? "GPSHPositioningError" : "default"},
                   {"map_datum", g.map_datum}};
    if (g.alt_m) clue.params["alt_m"] = *g.alt_m;
    if (g.lat_deg == 0 && g.lon_deg == 0) {
      clue.confidence = 0.05;
      clue.confidence_note = "position 0,0 (Null Island): a GPS that had no fix";
    }
    std::string why;
    for (const auto& f : ctx.photo.findings)
      for (const char* code : kDistrust)
        if (f.code == code && why.find(code) == std::string::npos)
          why += (why.empty() ? "" : ", ") + f.code;
    if (!why.empty()) {
      clue.confidence = std::min(clue.confidence, 0.5);
      clue.confidence_note = "trusted less: " + why +
                             " show the file was edited or its clock tampered with, and GPS "
                             "tags can be changed as easily";
      clue.description += "; trusted less (" + why + ")";
    }
    ctx.AddClue(std::move(clue));
    return OkStatus();
  }
};

}  // namespace

std::unique_ptr<Step> MakeGpsStep() { return std::make_unique<GpsStep>(); }

}  // namespace gv
