#include "geo/crs.h"

#include <proj.h>

#include <cmath>

namespace gv {

struct CrsTransform::Impl {
  PJ_CONTEXT* ctx = nullptr;
  PJ* to_wgs84 = nullptr;
  ~Impl() {
    if (to_wgs84 != nullptr) proj_destroy(to_wgs84);
    if (ctx != nullptr) proj_context_destroy(ctx);
  }
};

namespace {

std::string ProjError(PJ_CONTEXT* ctx) {
  const int err = proj_context_errno(ctx);
  const char* msg = err != 0 ? proj_context_errno_string(ctx, err) : nullptr;
  return msg != nullptr ? msg : "unknown PROJ error";
}

bool Finite(const PJ_COORD& c) { return std::isfinite(c.xy.x) && std::isfinite(c.xy.y); }

}  // namespace

Result<std::unique_ptr<CrsTransform>> CrsTransform::ToWgs84(const std::string& crs) {
  std::unique_ptr<CrsTransform> t(new CrsTransform());
  t->impl_ = std::make_unique<Impl>();
  Impl& impl = *t->impl_;
  impl.ctx = proj_context_create();
  proj_log_level(impl.ctx, PJ_LOG_NONE);
  PJ* source = proj_create(impl.ctx, crs.c_str());
  if (source == nullptr) return MakeError("unknown CRS: " + ProjError(impl.ctx));
  const PJ_TYPE type = proj_get_type(source);
  t->geographic_ = type == PJ_TYPE_GEOGRAPHIC_2D_CRS || type == PJ_TYPE_GEOGRAPHIC_3D_CRS;
  const char* name = proj_get_name(source);
  t->name_ = name != nullptr ? name : "";
  const bool is_crs = proj_is_crs(source) != 0;
  if (!is_crs) {
    proj_destroy(source);
    return MakeError("not a coordinate reference system: " + t->name_);
  }
  PJ* target = proj_create(impl.ctx, "EPSG:4326");
  PJ* raw = target != nullptr
                ? proj_create_crs_to_crs_from_pj(impl.ctx, source, target, nullptr, nullptr)
                : nullptr;
  proj_destroy(source);
  if (target != nullptr) proj_destroy(target);
  if (raw == nullptr) return MakeError("no transformation to WGS84: " + ProjError(impl.ctx));
  impl.to_wgs84 = proj_normalize_for_visualization(impl.ctx, raw);
  proj_destroy(raw);
  if (impl.to_wgs84 == nullptr)
    return MakeError("cannot normalise axis order: " + ProjError(impl.ctx));
  return t;
}

CrsTransform::~CrsTransform() = default;

Result<LatLon> CrsTransform::ToLatLon(MapPoint p) const {
  const PJ_COORD out = proj_trans(impl_->to_wgs84, PJ_FWD, proj_coord(p.x, p.y, 0, 0));
  if (!Finite(out)) return MakeError("point outside the CRS's domain");
  LatLon ll{out.xy.y, out.xy.x};
  if (!ll.InRange()) return MakeError("point outside the CRS's domain");
  return ll;
}

Result<MapPoint> CrsTransform::FromLatLon(LatLon p) const {
  const PJ_COORD out = proj_trans(impl_->to_wgs84, PJ_INV, proj_coord(p.lon_deg, p.lat_deg, 0, 0));
  if (!Finite(out)) return MakeError("position outside the CRS's domain");
  return MapPoint{out.xy.x, out.xy.y};
}

Result<MapPoint> CrsTransform::MetresPerUnit(MapPoint at) const {
  // Finite differences of geodesic distance over a small step, in each axis.
  auto centre = ToLatLon(at);
  if (!centre.ok()) return centre.error();
  const double step = geographic_ ? 1e-4 : 1.0;
  auto ex = ToLatLon({at.x + step, at.y}), ny = ToLatLon({at.x, at.y + step});
  if (!ex.ok() || !ny.ok()) return MakeError("point outside the CRS's domain");
  return MapPoint{GeodesicDistanceM(*centre, *ex) / step, GeodesicDistanceM(*centre, *ny) / step};
}

double GeodesicDistanceM(LatLon a, LatLon b) {
  PJ_CONTEXT* ctx = proj_context_create();
  proj_log_level(ctx, PJ_LOG_NONE);
  PJ* geod = proj_create(ctx, "+proj=longlat +ellps=WGS84");
  double d = NAN;
  if (geod != nullptr) {
    const PJ_COORD pa = proj_coord(proj_torad(a.lon_deg), proj_torad(a.lat_deg), 0, 0);
    const PJ_COORD pb = proj_coord(proj_torad(b.lon_deg), proj_torad(b.lat_deg), 0, 0);
    d = proj_lp_dist(geod, pa, pb);
    proj_destroy(geod);
  }
  proj_context_destroy(ctx);
  return d;
}

}  // namespace gv
