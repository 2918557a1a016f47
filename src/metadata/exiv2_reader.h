// The exiv2 adapter: the only file that includes exiv2 headers. Reads EXIF, IPTC and XMP
// from image bytes that the caller has already read from the evidence file (exiv2 never
// opens the file itself, so it cannot write to it). Only JPEG, PNG, TIFF and WebP are
// handed to exiv2, each to its own parser class; other content is refused, because the
// video parsers of libexiv2 0.27 crash or hang on hostile files.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

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

// What redaction needs from exiv2 (src/redact/), for JPEG, PNG, TIFF and WebP (empty for
// anything else, and for metadata exiv2 cannot read):
// the embedded ICC profile;
std::vector<std::uint8_t> ReadIccProfile(std::span<const std::uint8_t> bytes);
// strings that identify the camera or the place, to look for in a copy: serial numbers (EXIF
// and XMP), XMP GPS text, and the raw bytes of the EXIF GPSLatitude/GPSLongitude rationals in
// both byte orders (at least 4 bytes each);
std::vector<std::string> IdentifyingStrings(std::span<const std::uint8_t> bytes);
// every piece of metadata exiv2 reads: EXIF keys ("Exif.Photo.DateTimeOriginal"), and "XMP",
// "IPTC", "comment", "ICC" when present. Error when exiv2 cannot read the bytes.
Result<std::vector<std::string>> MetadataPresent(std::span<const std::uint8_t> bytes);

}  // namespace gv
