#include "report/vector_writer.h"

#include <algorithm>

#include "report/ogr_writer.h"

namespace gv {

Status WriteVectorLayer(const std::filesystem::path& out, const std::string& layer_name,
                        const std::vector<VectorFeature>& features) {
  auto output = OgrOutput::Create(out);
  if (!output.ok()) return output.error();
  const bool any_polygon =
      std::any_of(features.begin(), features.end(), [](const auto& f) { return f.polygon; });
  const bool any_point =
      std::any_of(features.begin(), features.end(), [](const auto& f) { return !f.polygon; });
  std::vector<FieldSpec> fields;
  for (const auto& f : features) {
    for (const auto& field : f.fields) {
      if (std::none_of(fields.begin(), fields.end(),
                       [&](const FieldSpec& known) { return known.name == field.first; }))
        fields.push_back({field.first, FieldType::kText});
    }
  }
  auto layer = (*output)->AddLayer(
      layer_name,
      any_polygon && any_point ? GeometryType::kAny
                               : (any_polygon ? GeometryType::kPolygon : GeometryType::kPoint),
      fields);
  if (!layer.ok()) return layer.error();
  for (const auto& f : features) {
    if (f.coordinates.empty()) continue;
    OgrFeature feature(**layer);
    for (const auto& [name, value] : f.fields) feature.Set(name.c_str(), value);
    if (f.polygon)
      feature.Polygon(f.coordinates);
    else
      feature.Point(f.coordinates[0].first, f.coordinates[0].second);
    if (auto st = feature.Write(); !st.ok())
      return MakeError(out.string() + ": " + st.error().message);
  }
  return (*output)->Commit();
}

}  // namespace gv
