// time: the capture time in UTC (case.yaml's taken_at_utc wins over the metadata), and a
// time_zone clue when the camera clock's UTC offset is known independently of the place:
// the zones that had that offset at that instant.
#include "util/time.h"

#include <cmath>

#include "case/steps/steps.h"
#include "geo/zone_catalog.h"
#include "metadata/capture_time.h"

namespace gv {
namespace {

// The camera clock's offset and where it comes from, when the place was not used for it.
std::optional<std::pair<int, std::string>> RecordedOffset(const PhotoRecord& p) {
  const PhotoMetadata& m = p.metadata;
  if (m.offset_time_original_s)
    return std::make_pair(*m.offset_time_original_s, "OffsetTimeOriginal");
  if (!m.datetime_original || !p.taken_at_utc) return std::nullopt;
  if (p.taken_at_utc_source != "gps" && p.taken_at_utc_source != "case.yaml") return std::nullopt;
  const double camera_minus_utc =
      static_cast<double>(ToEpochSeconds(*m.datetime_original) - *p.taken_at_utc);
  const auto offset = ExplainedZoneOffset(camera_minus_utc);
  if (!offset) return std::nullopt;
  return std::make_pair(*offset, p.taken_at_utc_source == "gps"
                                     ? std::string("camera clock against GPS clock")
                                     : std::string("camera clock against case.yaml's time"));
}

// "Asia/Yangon; Indian/Cocos" for a few zones, the first ones and a count for many.
std::string Listed(const std::vector<CatalogZone>& zones) {
  std::string text;
  for (std::size_t i = 0; i < zones.size() && i < 6; ++i) text += (i ? "; " : "") + zones[i].zone;
  if (zones.size() > 6) text += "; and " + std::to_string(zones.size() - 6) + " more";
  return text;
}

class TimeStep : public Step {
 public:
  const char* name() const override { return "time"; }
  const char* description() const override {
    return "capture time in UTC (case.yaml overrides), time_zone clue from the clock's offset";
  }
  bool Applies(const PhotoContext&) const override { return true; }
  Status Run(PhotoContext& ctx) override {
    PhotoRecord& p = ctx.photo;
    p.taken_at_utc = p.metadata.taken_at_utc;
    p.taken_at_utc_source = p.metadata.taken_at_utc_source;
    if (const auto* config = ctx.config(); config && config->taken_at_utc) {
      if (p.taken_at_utc && std::llabs(*p.taken_at_utc - *config->taken_at_utc) > 60)
        ctx.AddFinding("CASE_TIME_DIFFERS", Severity::kInfo,
                       "case.yaml gives " + FormatIsoUtc(*config->taken_at_utc) +
                           ", the metadata " + FormatIsoUtc(*p.taken_at_utc) + " (" +
                           p.taken_at_utc_source + "): case.yaml's time is used");
      p.taken_at_utc = config->taken_at_utc;
      p.taken_at_utc_source = "case.yaml";
    }
    if (!p.taken_at_utc || RepeatsItsVideo(ctx)) return OkStatus();
    const auto offset = RecordedOffset(p);
    if (!offset) return OkStatus();
    auto clue = MakeTimeZoneClue(offset->first, offset->second, *p.taken_at_utc);
    if (!clue.ok()) return clue.error();
    ctx.AddClue(std::move(*clue));
    return OkStatus();
  }
};

}  // namespace

Result<Clue> MakeTimeZoneClue(int offset_s, const std::string& offset_source,
                              std::int64_t taken_at_utc) {
  auto zones = ZonesWithOffset(offset_s, taken_at_utc);
  if (!zones.ok()) return zones.error();
  Clue clue;
  clue.kind = "time_zone";
  nlohmann::ordered_json names = nlohmann::ordered_json::array(),
                         countries = nlohmann::ordered_json::array();
  std::set<std::string> seen;
  for (const auto& z : *zones) {
    names.push_back(z.zone);
    for (const auto& c : z.countries)
      if (seen.insert(c).second) countries.push_back(c);
  }
  clue.description = "Camera clock at UTC" + FormatUtcOffset(offset_s) + " (" + offset_source +
                     ") on " + FormatIsoUtc(taken_at_utc).substr(0, 10) + ": " +
                     std::to_string(zones->size()) +
                     (zones->size() == 1 ? " time zone has" : " time zones have") +
                     " that offset then (" + Listed(*zones) + ")";
  clue.params = {{"utc_offset", FormatUtcOffset(offset_s)},
                 {"offset_source", offset_source},
                 {"taken_at_utc", FormatIsoUtc(taken_at_utc)},
                 {"zones", names},
                 {"countries", countries}};
  // A camera clock is set by hand: it may be wrong, or left on a travel zone.
  clue.confidence = 0.8;
  clue.confidence_note = "camera clocks are set by hand and may be left on another zone";
  return clue;
}

std::unique_ptr<Step> MakeTimeStep() { return std::make_unique<TimeStep>(); }

}  // namespace gv
