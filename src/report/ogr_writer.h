// The one vector writer: an output file written through GDAL/OGR in any vector format
// (driver by extension), to a temporary file renamed into place by Commit(); layers with
// typed fields in EPSG:4326; features with a point, polygons or no geometry. Strings are
// made valid UTF-8. Not thread-safe. No GDAL type appears in this header.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "geo/latlon.h"
#include "util/result.h"

namespace gv {

enum class FieldType { kText, kReal, kInteger };
enum class GeometryType { kNone, kPoint, kPolygon, kMultiPolygon, kAny };

struct FieldSpec {
  std::string name;
  FieldType type = FieldType::kText;
};

class OgrLayer;

class OgrOutput {
 public:
  // `driver`: an OGR short name ("GPKG", "KML", "GeoJSON"), or empty for the extension's.
  // `options`: dataset creation options (name, value).
  static Result<std::unique_ptr<OgrOutput>> Create(
      const std::filesystem::path& out, std::string driver = "",
      const std::vector<std::pair<std::string, std::string>>& options = {});
  ~OgrOutput();
  OgrOutput(const OgrOutput&) = delete;
  OgrOutput& operator=(const OgrOutput&) = delete;

  const std::string& driver() const;
  // False once a single-layer format (GeoJSON, FlatGeobuf) has its layer.
  bool CanAddLayer() const;
  // Owned by this output; valid until Commit().
  Result<OgrLayer*> AddLayer(const std::string& name, GeometryType geometry,
                             const std::vector<FieldSpec>& fields);
  // Closes the dataset and renames it into place.
  Status Commit();

 private:
  OgrOutput() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One feature being filled: set fields by name (unknown names are ignored; empty text leaves
// the field null), a geometry, then Write().
class OgrFeature {
 public:
  explicit OgrFeature(OgrLayer& layer);
  ~OgrFeature();
  OgrFeature(const OgrFeature&) = delete;
  OgrFeature& operator=(const OgrFeature&) = delete;
  OgrFeature& Set(const char* name, const std::string& value);
  OgrFeature& Set(const char* name, double value);
  OgrFeature& Set(const char* name, std::int64_t value);
  OgrFeature& Point(double lon, double lat);
  // One polygon from one ring of (lon, lat) pairs, closed or not.
  OgrFeature& Polygon(const std::vector<std::pair<double, double>>& ring_lonlat);
  // Outer rings (lat/lon, closed or not) as one MultiPolygon; rings of < 3 points skipped.
  OgrFeature& Polygons(const std::vector<std::vector<LatLon>>& rings);
  // Polygons with holes: each an outline, then its holes.
  OgrFeature& PolygonsWithHoles(const std::vector<std::vector<std::vector<LatLon>>>& polygons);
  Status Write();

 private:
  OgrLayer& layer_;
  void* feature_;  // OGRFeatureH
};

}  // namespace gv
