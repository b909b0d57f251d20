#pragma once
// CRC-32C (Castagnoli), the checksum of the file log's records. Written here because Debian
// packages no C/C++ CRC-32C; chosen over zlib's CRC-32 because it is what Kafka checksums its
// record batches with, and x86-64 (SSE 4.2) and ARMv8 compute it in hardware, so verifying every
// record on replay costs next to nothing next to parsing the JSON.
#include <cstddef>
#include <cstdint>

namespace concord::events::detail {

// `crc` is the checksum of the bytes before `data` (0 to start).
std::uint32_t crc32c(const void* data, std::size_t size, std::uint32_t crc = 0);
// The table-driven path, for tests to compare the hardware path against.
std::uint32_t crc32c_portable(const void* data, std::size_t size, std::uint32_t crc = 0);

}  // namespace concord::events::detail
