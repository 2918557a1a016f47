// All outputs of `geoverify run` for one case, each written atomically into `out_dir`
// (created if missing; re-running replaces the previous outputs):
//   case.gpkg      layers photos, clues, footprints; tables evidence, findings, place_groups
//   case.kml       the same layers, one folder each, for Google Earth
//   report.html    offline HTML report: map with layer control, a panel per photo
//   manifest.csv   path, SHA-256, bytes, modification and intake time of every file
//   photos.json    per photo: the inspect object, forensics, clues, findings, place group
//   photos/<sha256 prefix>/   pictures (ELA, noise, copy-move mask, thumbnail, preview),
//                  shadow likelihood GeoTIFF, the photo warped onto its basemap (GeoTIFF)
#pragma once

#include <filesystem>
#include <vector>

#include "case/case.h"
#include "util/result.h"

namespace gv {

// Returns the paths written; error on the first output that cannot be written. Writes the
// per-photo files first and records their paths (relative to out_dir) in `c`.
Result<std::vector<std::filesystem::path>> WriteCaseOutputs(Case& c,
                                                            const std::filesystem::path& out_dir);

// Writes what the steps made for one photo into out_dir/photos/<prefix>/ (pictures, rasters,
// the warped photo), records the paths, and keeps in memory only the pictures the HTML
// report embeds, encoded as it embeds them (StepPicture::shown). A file that cannot be
// written is a step error ("report"). Done once per photo; WriteCaseOutputs does it for
// photos not yet written. With `keep`, the report's pictures wait in that scratch file, not
// in memory.
void WritePhotoFiles(PhotoRecord& photo, const std::filesystem::path& out_dir,
                     const std::shared_ptr<ScratchFile>& keep = nullptr);

// Writes a fused place group's posterior raster (out_dir/posterior_<group>.tif, when it has
// hypotheses), records its name in `g` and releases the posterior's cells. Done once per
// group (run does it as each group is fused); WriteCaseOutputs does it for the others.
Status WriteGroupPosterior(const Case& c, GroupFusion& g, const std::filesystem::path& out_dir);

// The photos.json entry of one photo.
nlohmann::ordered_json PhotoJson(const PhotoRecord& photo);

// A clue as JSON: {kind, description, uncertainty_m, geometry (GeoJSON, EPSG:4326, or null),
// excludes, confidence, confidence_note, params}.
nlohmann::ordered_json ClueJson(const Clue& clue);

// Polygons with holes as a GeoJSON MultiPolygon (rings closed, [lon, lat]).
nlohmann::ordered_json MultiPolygonJson(const std::vector<GeoPolygon>& polygons);

}  // namespace gv
