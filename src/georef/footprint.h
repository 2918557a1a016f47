// Geometry of a photo registered on a basemap by a homography (photo pixels -> basemap
// pixels, GDAL corner convention): where its corners and outline fall on the ground, its
// ground sample distance, and the control points in the basemap's CRS and in WGS84.
#pragma once

#include <opencv2/core.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "geo/basemap.h"
#include "georef/registration.h"

namespace gv {

// h * p, or nullopt when p lies on or beyond the horizon (non-positive depth after h has
// been normalised so that the photo's centre has positive depth).
std::optional<cv::Point2d> ApplyHomography(const cv::Matx33d& h, cv::Point2d p);

// A homography that a camera looking at flat ground can produce: orientation kept (no
// mirror), the photo's central half in front of the camera, scale and shear within sane
// bounds.
bool PlausibleGroundHomography(const cv::Matx33d& h, cv::Size photo_size);

// Basemap pixels per photo pixel at the photo's centre (square root of the Jacobian's
// determinant).
double BasemapPixelsPerPhotoPixel(const cv::Matx33d& h, cv::Size photo_size);

// The same at any point `p` of the photo (0 where `h` sends `p` to infinity).
double ScaleAt(const cv::Matx33d& h, cv::Point2d p);

// The photo's outline, clipped to the part that lies on the ground (up to 4x the centre's
// distance for an oblique photo that shows the horizon), in photo pixels.
std::vector<cv::Point2d> GroundOutline(const cv::Matx33d& h, cv::Size photo_size);

// Smallest axis-aligned box holding the points (empty box for no points).
cv::Rect2d BoundingBox(const std::vector<cv::Point2d>& points);

// Bounding box of GroundOutline in basemap pixels; nullopt for a degenerate homography.
std::optional<cv::Rect2d> FootprintBounds(const cv::Matx33d& h, cv::Size photo_size);

// Fills corners, footprint, gsd_m, rmse, basemap_pixel_m, basemap_crs and control_points of
// `result` from `h` and its inlier point pairs (photo, basemap).
Status DescribeFootprint(const Basemap& map, const cv::Matx33d& h,
                         const std::vector<std::pair<cv::Point2f, cv::Point2f>>& inliers,
                         GeorefResult& result);

}  // namespace gv
