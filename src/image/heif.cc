#include "image/heif.h"

#include <libheif/heif.h>

#include <algorithm>
#include <memory>
#include <opencv2/imgproc.hpp>

namespace gv {
namespace {

struct ContextFree {
  void operator()(heif_context* c) const { heif_context_free(c); }
};
struct HandleFree {
  void operator()(heif_image_handle* h) const { heif_image_handle_release(h); }
};
struct ImageFree {
  void operator()(heif_image* i) const { heif_image_release(i); }
};
struct OptionsFree {
  void operator()(heif_decoding_options* o) const { heif_decoding_options_free(o); }
};
using Context = std::unique_ptr<heif_context, ContextFree>;
using Handle = std::unique_ptr<heif_image_handle, HandleFree>;

Error HeifError(const heif_error& e) {
  return Error{std::string("HEIF: ") + (e.message ? e.message : "unknown error")};
}

// The container, read in place (the bytes outlive the context), and its primary image.
Result<std::pair<Context, Handle>> Open(std::span<const std::uint8_t> bytes) {
  Context ctx(heif_context_alloc());
  if (!ctx) return MakeError("HEIF: out of memory");
  // An iPhone HEIC is a grid of 512x512 tiles, decoded in parallel: two threads.
  heif_context_set_max_decoding_threads(ctx.get(), 2);
  heif_error e =
      heif_context_read_from_memory_without_copy(ctx.get(), bytes.data(), bytes.size(), nullptr);
  if (e.code != heif_error_Ok) return HeifError(e);
  heif_image_handle* h = nullptr;
  e = heif_context_get_primary_image_handle(ctx.get(), &h);
  if (e.code != heif_error_Ok) return HeifError(e);
  return std::pair<Context, Handle>(std::move(ctx), Handle(h));
}

std::vector<std::uint8_t> Metadata(const heif_image_handle* h, const char* type,
                                   const char* content_type) {
  const int n = heif_image_handle_get_number_of_metadata_blocks(h, type);
  if (n <= 0) return {};
  std::vector<heif_item_id> ids(static_cast<std::size_t>(n));
  heif_image_handle_get_list_of_metadata_block_IDs(h, type, ids.data(), n);
  for (const heif_item_id id : ids) {
    if (content_type) {
      const char* ct = heif_image_handle_get_metadata_content_type(h, id);
      if (ct == nullptr || std::string(ct) != content_type) continue;
    }
    const std::size_t size = heif_image_handle_get_metadata_size(h, id);
    if (size == 0 || size > (64u << 20)) continue;
    std::vector<std::uint8_t> data(size);
    if (heif_image_handle_get_metadata(h, id, data.data()).code != heif_error_Ok) continue;
    return data;
  }
  return {};
}

// Big-endian integers of `n` bytes at `at`, with `stop` the end of the readable range.
bool ReadBe(std::span<const std::uint8_t> b, std::size_t at, std::size_t n, std::size_t stop,
            std::uint64_t& out) {
  if (at > stop || n > stop - at || stop > b.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) out = (out << 8) | b[at + i];
  return true;
}

struct Box {
  std::string type;
  std::size_t start = 0, stop = 0;  // the payload
};

// The boxes in [begin, end); stops at the first malformed one.
std::vector<Box> Children(std::span<const std::uint8_t> b, std::size_t begin, std::size_t end) {
  std::vector<Box> out;
  std::size_t at = begin;
  while (at + 8 <= end && out.size() < 4096) {
    std::uint64_t size = 0;
    if (!ReadBe(b, at, 4, end, size)) break;
    std::size_t header = 8;
    if (size == 1) {
      if (!ReadBe(b, at + 8, 8, end, size)) break;
      header = 16;
    } else if (size == 0) {
      size = end - at;
    }
    if (size < header || size > end - at) break;
    out.push_back({std::string(reinterpret_cast<const char*>(b.data()) + at + 4, 4), at + header,
                   at + static_cast<std::size_t>(size)});
    at += static_cast<std::size_t>(size);
  }
  return out;
}

}  // namespace

void ReadHeifTransforms(std::span<const std::uint8_t> b, HeifInfo& info) {
  const auto find = [](const std::vector<Box>& boxes, const char* type) -> const Box* {
    for (const auto& box : boxes)
      if (box.type == type) return &box;
    return nullptr;
  };
  const auto top = Children(b, 0, b.size());
  const Box* meta = find(top, "meta");
  if (!meta || meta->stop - meta->start < 4) return;
  const auto in_meta = Children(b, meta->start + 4, meta->stop);  // after version and flags
  const Box* pitm = find(in_meta, "pitm");
  const Box* iprp = find(in_meta, "iprp");
  if (!pitm || !iprp) return;
  std::uint64_t version = 0, primary = 0;
  if (!ReadBe(b, pitm->start, 1, pitm->stop, version) ||
      !ReadBe(b, pitm->start + 4, version == 0 ? 2 : 4, pitm->stop, primary))
    return;
  const auto in_iprp = Children(b, iprp->start, iprp->stop);
  const Box* ipco = find(in_iprp, "ipco");
  if (!ipco) return;
  const auto properties = Children(b, ipco->start, ipco->stop);
  // The primary item's property indices (1-based, in order) from every ipma box.
  std::vector<std::size_t> indices;
  for (const auto& ipma : in_iprp) {
    if (ipma.type != "ipma") continue;
    std::uint64_t v = 0, flags = 0, entries = 0;
    if (!ReadBe(b, ipma.start, 1, ipma.stop, v) ||
        !ReadBe(b, ipma.start + 1, 3, ipma.stop, flags) ||
        !ReadBe(b, ipma.start + 4, 4, ipma.stop, entries))
      return;
    std::size_t at = ipma.start + 8;
    for (std::uint64_t e = 0; e < entries; ++e) {
      std::uint64_t item = 0, count = 0;
      const std::size_t id_size = v < 1 ? 2 : 4;
      if (!ReadBe(b, at, id_size, ipma.stop, item) || !ReadBe(b, at + id_size, 1, ipma.stop, count))
        return;
      at += id_size + 1;
      for (std::uint64_t k = 0; k < count; ++k) {
        std::uint64_t a = 0;
        const std::size_t size = (flags & 1) ? 2 : 1;
        if (!ReadBe(b, at, size, ipma.stop, a)) return;
        at += size;
        if (item == primary)
          indices.push_back(static_cast<std::size_t>(a & (size == 2 ? 0x7fff : 0x7f)));
      }
    }
  }
  bool rotated = false;
  for (const std::size_t index : indices) {
    if (index == 0 || index > properties.size()) continue;
    const Box& p = properties[index - 1];
    std::uint64_t value = 0;
    if (p.type == "irot" && ReadBe(b, p.start, 1, p.stop, value)) {
      info.rotation_ccw = static_cast<int>((value & 3) * 90);
      rotated = true;
    } else if (p.type == "imir" && ReadBe(b, p.start, 1, p.stop, value)) {
      // As libheif's decoder shows it (the test checks the pixels): bit 0 set, a left-right
      // flip. (The 2017 text of ISO/IEC 23008-12 calls 0 the vertical axis; libheif and the
      // files it writes read it the other way.)
      info.mirror = (value & 1) ? "left-right" : "top-bottom";
      info.mirror_first = !rotated;
    }
  }
}

Result<HeifInfo> ReadHeifInfo(std::span<const std::uint8_t> bytes) {
  auto opened = Open(bytes);
  if (!opened.ok()) return opened.error();
  const heif_image_handle* h = opened->second.get();
  HeifInfo info;
  info.width = heif_image_handle_get_ispe_width(h);
  info.height = heif_image_handle_get_ispe_height(h);
  info.alpha = heif_image_handle_has_alpha_channel(h) != 0;
  info.thumbnails = heif_image_handle_get_number_of_thumbnails(h);
  // The EXIF block starts with the offset (4 bytes, big-endian) of the TIFF header after it.
  const auto exif = Metadata(h, "Exif", nullptr);
  if (exif.size() > 4) {
    const std::uint32_t offset = (std::uint32_t{exif[0]} << 24) | (std::uint32_t{exif[1]} << 16) |
                                 (std::uint32_t{exif[2]} << 8) | exif[3];
    if (offset < exif.size() - 4) info.exif.assign(exif.begin() + 4 + offset, exif.end());
  }
  info.xmp = Metadata(h, "mime", "application/rdf+xml");
  const heif_color_profile_type profile = heif_image_handle_get_color_profile_type(h);
  if (profile == heif_color_profile_type_prof || profile == heif_color_profile_type_rICC) {
    const std::size_t size = heif_image_handle_get_raw_color_profile_size(h);
    if (size > 0 && size < (16u << 20)) {
      info.icc.resize(size);
      if (heif_image_handle_get_raw_color_profile(h, info.icc.data()).code != heif_error_Ok)
        info.icc.clear();
    }
  }
  // The codec, from the file type box's brands (AVIF: avif/avis; else HEVC).
  info.codec = "HEVC";
  if (bytes.size() >= 16) {
    const std::size_t box = std::min<std::size_t>(
        bytes.size(), (std::size_t{bytes[0]} << 24) | (std::size_t{bytes[1]} << 16) |
                          (std::size_t{bytes[2]} << 8) | bytes[3]);
    for (std::size_t at = 8; at + 4 <= box; at += 4) {
      const std::string brand(reinterpret_cast<const char*>(bytes.data()) + at, 4);
      if (brand == "avif" || brand == "avis") info.codec = "AV1";
    }
  }
  if (info.width <= 0 || info.height <= 0) return MakeError("HEIF: the primary image has no size");
  ReadHeifTransforms(bytes, info);
  return info;
}

Result<cv::Mat> DecodeHeif(std::span<const std::uint8_t> bytes, bool shown, bool grey,
                           bool thumbnail) {
  auto opened = Open(bytes);
  if (!opened.ok()) return opened.error();
  Handle handle = std::move(opened->second);
  if (thumbnail) {
    heif_item_id id = 0;
    if (heif_image_handle_get_list_of_thumbnail_IDs(handle.get(), &id, 1) != 1)
      return MakeError("HEIF: no thumbnail");
    heif_image_handle* t = nullptr;
    const heif_error e = heif_image_handle_get_thumbnail(handle.get(), id, &t);
    if (e.code != heif_error_Ok) return HeifError(e);
    handle.reset(t);
    // A thumbnail is small: refuse a large one before decoding it.
    const std::int64_t pixels =
        std::int64_t{heif_image_handle_get_width(t)} * heif_image_handle_get_height(t);
    if (pixels <= 0 || pixels > 4'000'000) return MakeError("HEIF: thumbnail of an unlikely size");
  }
  std::unique_ptr<heif_decoding_options, OptionsFree> options(heif_decoding_options_alloc());
  options->ignore_transformations = shown ? 0 : 1;
  heif_image* raw = nullptr;
  const heif_error e = heif_decode_image(handle.get(), &raw, heif_colorspace_RGB,
                                         heif_chroma_interleaved_RGB, options.get());
  if (e.code != heif_error_Ok) return HeifError(e);
  std::unique_ptr<heif_image, ImageFree> image(raw);
  int stride = 0;
  const std::uint8_t* plane =
      heif_image_get_plane_readonly(image.get(), heif_channel_interleaved, &stride);
  const int w = heif_image_get_width(image.get(), heif_channel_interleaved);
  const int h = heif_image_get_height(image.get(), heif_channel_interleaved);
  if (plane == nullptr || w <= 0 || h <= 0) return MakeError("HEIF: no pixels decoded");
  const cv::Mat rgb(h, w, CV_8UC3, const_cast<std::uint8_t*>(plane),
                    static_cast<std::size_t>(stride));
  cv::Mat out;
  cv::cvtColor(rgb, out, grey ? cv::COLOR_RGB2GRAY : cv::COLOR_RGB2BGR);
  return out;
}

}  // namespace gv
