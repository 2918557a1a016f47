#include "match/feature_spill.h"

#include <cerrno>
#include <cstring>
#include <vector>

namespace gv {
namespace {

// A record: this header, then per keypoint x, y, size, angle, response (float32) and octave,
// class_id (int32), then the descriptors row by row.
struct RecordHeader {
  std::int32_t count, cols, type, width, height;
};
constexpr std::size_t kKeypointBytes = 5 * sizeof(float) + 2 * sizeof(std::int32_t);

}  // namespace

Result<std::shared_ptr<FeatureSpill>> FeatureSpill::Create(const std::filesystem::path& dir) {
  auto file = ScratchFile::Create(dir, "features");
  if (!file.ok()) return file.error();
  return std::shared_ptr<FeatureSpill>(new FeatureSpill(std::move(*file)));
}

std::uint64_t FeatureSpill::size() const { return file_->size(); }

Result<SpilledFeatures> FeatureSpill::Put(const Features& f) {
  const cv::Mat& d = f.descriptors;
  const int count = static_cast<int>(f.keypoints.size());
  if (d.rows != count) return MakeError("features have more or fewer descriptors than keypoints");
  if (!d.empty() && d.type() != CV_32F && d.type() != CV_8U)
    return MakeError("features' descriptors are neither float nor bytes");
  const RecordHeader header{count, d.cols, d.empty() ? CV_32F : d.type(), f.image_size.width,
                            f.image_size.height};
  const std::size_t row_bytes = d.empty() ? 0 : d.cols * d.elemSize();
  std::vector<char> buffer(sizeof header + count * (kKeypointBytes + row_bytes));
  char* out = buffer.data();
  std::memcpy(out, &header, sizeof header);
  out += sizeof header;
  for (const auto& k : f.keypoints) {
    const float floats[5] = {k.pt.x, k.pt.y, k.size, k.angle, k.response};
    const std::int32_t ints[2] = {k.octave, k.class_id};
    std::memcpy(out, floats, sizeof floats);
    std::memcpy(out + sizeof floats, ints, sizeof ints);
    out += kKeypointBytes;
  }
  for (int r = 0; r < d.rows; ++r, out += row_bytes) std::memcpy(out, d.ptr(r), row_bytes);

  auto offset =
      file_->Append({reinterpret_cast<const std::uint8_t*>(buffer.data()), buffer.size()});
  if (!offset.ok()) return offset.error();
  return SpilledFeatures{shared_from_this(), *offset, buffer.size(), count, f.binary};
}

Result<Features> FeatureSpill::Get(const SpilledFeatures& h) const {
  if (h.bytes < sizeof(RecordHeader)) return MakeError("features outside the temporary file");
  auto read = file_->Read(h.offset, h.bytes);
  if (!read.ok()) return read.error();
  const std::vector<std::uint8_t>& buffer = *read;
  RecordHeader header;
  std::memcpy(&header, buffer.data(), sizeof header);
  const std::size_t row_bytes =
      header.count > 0 && header.cols > 0 ? header.cols * CV_ELEM_SIZE(header.type) : 0;
  if (header.count != h.count ||
      sizeof header + header.count * (kKeypointBytes + row_bytes) != h.bytes)
    return MakeError("features in the temporary file are damaged");
  Features f;
  f.binary = h.binary;
  f.image_size = {header.width, header.height};
  const auto* in = reinterpret_cast<const char*>(buffer.data()) + sizeof header;
  f.keypoints.reserve(header.count);
  for (int i = 0; i < header.count; ++i, in += kKeypointBytes) {
    float floats[5];
    std::int32_t ints[2];
    std::memcpy(floats, in, sizeof floats);
    std::memcpy(ints, in + sizeof floats, sizeof ints);
    f.keypoints.emplace_back(cv::Point2f(floats[0], floats[1]), floats[2], floats[3], floats[4],
                             ints[0], ints[1]);
  }
  if (row_bytes > 0) {
    f.descriptors.create(header.count, header.cols, header.type);
    for (int r = 0; r < header.count; ++r, in += row_bytes)
      std::memcpy(f.descriptors.ptr(r), in, row_bytes);
  }
  return f;
}

Result<Features> SpilledFeatures::Load() const {
  if (!spill) return MakeError("no features");
  return spill->Get(*this);
}

}  // namespace gv
