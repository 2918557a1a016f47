#include "report/layers.h"

#include <cstdio>
#include <functional>
#include <memory>

#include "geo/ogr_init.h"
#include "metadata/metadata_json.h"
#include "report/ogr_writer.h"
#include "util/file.h"
#include "util/text.h"
#include "util/time.h"

namespace gv {
namespace {

std::string FindingCodes(const PhotoRecord& p) {
  std::string codes;
  for (const auto& f : p.findings) codes += (codes.empty() ? "" : ",") + f.code;
  return codes;
}

std::string Description(const PhotoRecord& p) {
  std::string d = "SHA-256: " + p.sha256;
  if (p.taken_at_utc)
    d += "\nTaken (UTC): " + FormatIsoUtc(*p.taken_at_utc) + " [" + p.taken_at_utc_source + "]";
  if (!p.metadata.make.empty() || !p.metadata.model.empty())
    d += "\nCamera: " + p.metadata.make + " " + p.metadata.model;
  for (const auto& f : p.findings)
    d += std::string("\n") + SeverityName(f.severity) + " " + f.code + ": " + f.message;
  return d;
}

Status WritePhotos(OgrOutput& ds, const Case& c) {
  auto layer = ds.AddLayer("photos", GeometryType::kPoint,
                           {{"file", FieldType::kText},
                            {"sha256", FieldType::kText},
                            {"taken_at_utc", FieldType::kText},
                            {"taken_at_utc_source", FieldType::kText},
                            {"make", FieldType::kText},
                            {"model", FieldType::kText},
                            {"findings", FieldType::kText},
                            {"lat", FieldType::kReal},
                            {"lon", FieldType::kReal},
                            {"alt_m", FieldType::kReal},
                            {"direction_deg", FieldType::kReal},
                            {"place_group", FieldType::kInteger},
                            {"description", FieldType::kText}});
  if (!layer.ok()) return layer.error();
  for (const auto& p : c.photos) {
    const auto& gps = p.metadata.gps;
    if (!gps || !gps->position_valid) continue;
    OgrFeature f(**layer);
    f.Set("file", p.path).Set("sha256", p.sha256).Set("make", p.metadata.make);
    f.Set("model", p.metadata.model).Set("findings", FindingCodes(p));
    f.Set("lat", gps->lat_deg).Set("lon", gps->lon_deg).Set("description", Description(p));
    if (p.taken_at_utc)
      f.Set("taken_at_utc", FormatIsoUtc(*p.taken_at_utc))
          .Set("taken_at_utc_source", p.taken_at_utc_source);
    if (gps->alt_m) f.Set("alt_m", *gps->alt_m);
    if (gps->direction_deg) f.Set("direction_deg", *gps->direction_deg);
    if (p.place_group > 0) f.Set("place_group", static_cast<std::int64_t>(p.place_group));
    f.Point(gps->lon_deg, gps->lat_deg);
    if (auto st = f.Write(); !st.ok()) return st;
  }
  return OkStatus();
}

// One feature per clue: its point or polygons (none for a clue without geometry, such as a
// time_zone clue, which GeoPackage keeps as a row with an empty geometry).
Status WriteClues(OgrOutput& ds, const Case& c, bool with_empty_geometry) {
  auto layer = ds.AddLayer("clues", GeometryType::kAny,
                           {{"photo", FieldType::kText},
                            {"sha256", FieldType::kText},
                            {"kind", FieldType::kText},
                            {"description", FieldType::kText},
                            {"uncertainty_m", FieldType::kReal},
                            {"excludes", FieldType::kInteger},
                            {"confidence", FieldType::kReal},
                            {"confidence_note", FieldType::kText},
                            {"params", FieldType::kText}});
  if (!layer.ok()) return layer.error();
  for (const auto& p : c.photos) {
    for (const auto& clue : p.clues) {
      const bool has_geometry = clue.point || !clue.polygons.empty();
      if (!has_geometry && !with_empty_geometry) continue;
      OgrFeature f(**layer);
      f.Set("photo", clue.photo).Set("sha256", clue.sha256).Set("kind", clue.kind);
      f.Set("description", clue.description).Set("uncertainty_m", clue.uncertainty_m);
      f.Set("excludes", static_cast<std::int64_t>(clue.excludes))
          .Set("confidence", clue.confidence);
      f.Set("confidence_note", clue.confidence_note);
      f.Set("params",
            clue.params.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
      if (!clue.polygons.empty())
        f.Polygons(clue.polygons);
      else if (clue.point)
        f.Point(clue.point->lon_deg, clue.point->lat_deg);
      if (auto st = f.Write(); !st.ok()) return st;
    }
  }
  return OkStatus();
}

// The ground each registered photo shows, with its registration figures.
Status WriteFootprints(OgrOutput& ds, const Case& c) {
  auto layer = ds.AddLayer("footprints", GeometryType::kMultiPolygon,
                           {{"photo", FieldType::kText},
                            {"sha256", FieldType::kText},
                            {"basemap", FieldType::kText},
                            {"inliers", FieldType::kInteger},
                            {"rmse_m", FieldType::kReal},
                            {"gsd_m", FieldType::kReal}});
  if (!layer.ok()) return layer.error();
  for (const auto& p : c.photos) {
    if (!p.georef || !p.georef->ok) continue;
    OgrFeature f(**layer);
    f.Set("photo", p.path)
        .Set("sha256", p.sha256)
        .Set("basemap", p.georef->basemap.filename().string());
    f.Set("inliers", static_cast<std::int64_t>(p.georef->inliers)).Set("rmse_m", p.georef->rmse_m);
    f.Set("gsd_m", p.georef->gsd_m).Polygons({p.georef->footprint});
    if (auto st = f.Write(); !st.ok()) return st;
  }
  return OkStatus();
}

// The ranked hypotheses of every place group (points).
Status WriteHypotheses(OgrOutput& ds, const Case& c) {
  auto layer = ds.AddLayer("hypotheses", GeometryType::kPoint,
                           {{"group_id", FieldType::kInteger},
                            {"rank", FieldType::kInteger},
                            {"probability", FieldType::kReal},
                            {"radius_m", FieldType::kReal},
                            {"photos", FieldType::kText},
                            {"place", FieldType::kText},
                            {"known_site", FieldType::kText},
                            {"clues", FieldType::kText}});
  if (!layer.ok()) return layer.error();
  for (const auto& g : c.fusion) {
    std::string photos;
    for (const auto& p : g.photos) photos += (photos.empty() ? "" : ", ") + p;
    for (const auto& h : g.result.hypotheses) {
      std::string clues;
      for (const auto& cg : h.clues) {
        char gain[32];
        std::snprintf(gain, sizeof gain, "%+.1f", cg.log_likelihood_gain);
        clues += (clues.empty() ? "" : "; ") + cg.kind + " (" + cg.photo + ") " + gain;
      }
      OgrFeature f(**layer);
      f.Set("group_id", static_cast<std::int64_t>(g.group))
          .Set("rank", static_cast<std::int64_t>(h.rank));
      f.Set("probability", h.probability).Set("radius_m", h.radius_m).Set("photos", photos);
      if (h.place) f.Set("place", h.place->Describe());
      if (h.known_site) {
        char site[300];
        std::snprintf(site, sizeof site, "%s (%.1f km)", h.known_site->first.c_str(),
                      h.known_site->second / 1000);
        f.Set("known_site", std::string(site));
      }
      f.Set("clues", clues).Point(h.at.lon_deg, h.at.lat_deg);
      if (auto st = f.Write(); !st.ok()) return st;
    }
  }
  return OkStatus();
}

// The credible regions of every place group (polygons with holes).
Status WriteRegions(OgrOutput& ds, const Case& c) {
  auto layer = ds.AddLayer("regions", GeometryType::kMultiPolygon,
                           {{"group_id", FieldType::kInteger},
                            {"level", FieldType::kReal},
                            {"area_km2", FieldType::kReal}});
  if (!layer.ok()) return layer.error();
  for (const auto& g : c.fusion)
    for (const auto& r : g.result.regions) {
      OgrFeature f(**layer);
      f.Set("group_id", static_cast<std::int64_t>(g.group)).Set("level", r.level);
      f.Set("area_km2", r.area_km2).PolygonsWithHoles(r.polygons);
      if (auto st = f.Write(); !st.ok()) return st;
    }
  return OkStatus();
}

// One row per place group: its id, photos and the links that made it.
Status WritePlaceGroups(OgrOutput& ds, const Case& c) {
  auto layer = ds.AddLayer("place_groups", GeometryType::kNone,
                           {{"group_id", FieldType::kInteger},
                            {"photos", FieldType::kText},
                            {"links", FieldType::kText}});
  if (!layer.ok()) return layer.error();
  for (const auto& g : c.place_groups) {
    std::string photos, links;
    for (const auto& p : g.photos) photos += (photos.empty() ? "" : "\n") + p;
    for (const auto& l : g.links)
      links += (links.empty() ? "" : "\n") + l.a + " = " + l.b + " (" + l.reason + ")";
    OgrFeature f(**layer);
    f.Set("group_id", static_cast<std::int64_t>(g.id)).Set("photos", photos).Set("links", links);
    if (auto st = f.Write(); !st.ok()) return st;
  }
  return OkStatus();
}

Status WriteTables(OgrOutput& ds, const Case& c) {
  auto evidence = ds.AddLayer("evidence", GeometryType::kNone,
                              {{"path", FieldType::kText},
                               {"sha256", FieldType::kText},
                               {"bytes", FieldType::kInteger},
                               {"modified_utc", FieldType::kText},
                               {"intake_utc", FieldType::kText},
                               {"kind", FieldType::kText},
                               {"error", FieldType::kText}});
  if (!evidence.ok()) return evidence.error();
  for (const auto& e : c.evidence) {
    OgrFeature f(**evidence);
    f.Set("path", e.path).Set("sha256", e.sha256).Set("bytes", static_cast<std::int64_t>(e.bytes));
    f.Set("modified_utc", e.modified_utc)
        .Set("intake_utc", e.intake_utc)
        .Set("kind", e.kind)
        .Set("error", e.error);
    if (auto st = f.Write(); !st.ok()) return st;
  }
  auto findings = ds.AddLayer("findings", GeometryType::kNone,
                              {{"file", FieldType::kText},
                               {"sha256", FieldType::kText},
                               {"code", FieldType::kText},
                               {"severity", FieldType::kText},
                               {"message", FieldType::kText},
                               {"step", FieldType::kText}});
  if (!findings.ok()) return findings.error();
  for (const auto& p : c.photos) {
    for (const auto& finding : p.findings) {
      OgrFeature f(**findings);
      f.Set("file", p.path)
          .Set("sha256", p.sha256)
          .Set("code", finding.code)
          .Set("step", finding.step);
      f.Set("severity", std::string(SeverityName(finding.severity)))
          .Set("message", finding.message);
      if (auto st = f.Write(); !st.ok()) return st;
    }
  }
  return OkStatus();
}

}  // namespace

std::string DriverForExtension(const std::filesystem::path& path) {
  return VectorDriverForExtension(path);
}

Status WriteCaseLayers(const Case& c, const std::filesystem::path& out, std::string driver_name) {
  if (driver_name.empty()) driver_name = DriverForExtension(out);
  std::vector<std::pair<std::string, std::string>> options;
  if (driver_name == "KML") options = {{"NameField", "file"}, {"DescriptionField", "description"}};
  auto output = OgrOutput::Create(out, driver_name, options);
  if (!output.ok()) return output.error();
  OgrOutput& ds = **output;
  const bool tables = ds.driver() == "GPKG" || ds.driver() == "SQLite";
  // Single-layer formats (GeoJSON, FlatGeobuf) get the photos layer only.
  for (const auto& write : std::initializer_list<std::function<Status()>>{
           [&] { return WritePhotos(ds, c); }, [&] { return WriteClues(ds, c, tables); },
           [&] { return WriteFootprints(ds, c); }, [&] { return WriteHypotheses(ds, c); },
           [&] { return WriteRegions(ds, c); },
           [&] { return tables ? WritePlaceGroups(ds, c) : OkStatus(); },
           [&] { return tables ? WriteTables(ds, c) : OkStatus(); }}) {
    if (!ds.CanAddLayer()) break;
    if (auto st = write(); !st.ok()) return MakeError(out.string() + ": " + st.error().message);
  }
  return ds.Commit();
}

}  // namespace gv
