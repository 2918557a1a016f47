// SHA-256 (FIPS 180-4) through OpenSSL's libcrypto, which uses the CPU's SHA extensions
// where present. Thread-safe: no shared state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "util/result.h"

namespace gv {

// Lower-case hex digest of `data`.
std::string Sha256Hex(std::span<const std::uint8_t> data);

// Digest of a file of any size, read in blocks from a read-only descriptor.
Result<std::string> Sha256File(const std::filesystem::path& path);

// `n` random bytes from OpenSSL's generator, in hex (salts, identifiers); empty when the
// generator fails.
std::string RandomHex(std::size_t n);

}  // namespace gv
