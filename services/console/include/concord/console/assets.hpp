#pragma once
// The built console (console/dist), compiled into the binary: every file with its
// precompressed variants.
#include <cstddef>
#include <span>
#include <string_view>

namespace concord::console {

struct Asset {
  std::string_view path;          // "/index.html", "/assets/index-B3x9.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view identity;      // the bytes as built
  std::string_view gzip;          // empty when the build made none (too small to be worth it)
  std::string_view brotli;
};

// Generated at build time from console/dist (services/console/embed_assets.cmake).
std::span<const Asset> embedded_assets();

}  // namespace concord::console
