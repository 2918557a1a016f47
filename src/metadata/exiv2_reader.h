// The exiv2 adapter: the only file that includes exiv2 headers. Reads EXIF, IPTC and XMP
// from image bytes that the caller has already read from the evidence file (exiv2 never
// opens the file itself, so it cannot write to it). Only JPEG, PNG, TIFF and WebP are
// handed to exiv2, each to its own parser class; other content is refused, because the
// video parsers of libexiv2 0.27 crash or hang on hostile files.
#pragma once

#include <cstdint>
#include <span>

#include "metadata/photo_metadata.h"
#include "util/result.h"

namespace gv {

// Once per process, before any thread reads metadata: XMP toolkit with a lock, exiv2
// logging muted. Safe to call more than once.
void InitializeMetadataLibrary();

// Fills the metadata fields of `out` (format, dimensions, camera, times, GPS, thumbnail,
// tags, JPEG summary) from `bytes`. Thread-safe after InitializeMetadataLibrary().
// On failure returns an Error with the reason (unsupported format, corrupt data); fields
// read before the failure stay filled.
Status ReadPhotoMetadata(std::span<const std::uint8_t> bytes, PhotoMetadata& out);

}  // namespace gv
