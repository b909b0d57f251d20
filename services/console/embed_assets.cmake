# Writes OUT: a C++ file holding every file of DIR (the built console, console/dist) as bytes,
# with its precompressed .gz and .br siblings, so the binary serves the application without
# Node or any file at run time.
file(GLOB_RECURSE files RELATIVE ${DIR} ${DIR}/*)
list(SORT files)
set(arrays "")
set(table "")
set(n 0)
function(embed_bytes path var)
  file(READ ${path} hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "((0x..,){32})" "\\1\n" bytes "${bytes}")
  set(${var}_bytes "${bytes}" PARENT_SCOPE)
  set(${var}_size ${size} PARENT_SCOPE)
endfunction()
foreach(f ${files})
  if(f MATCHES "\\.(gz|br)$")
    continue()
  endif()
  get_filename_component(ext ${f} LAST_EXT)
  set(type "application/octet-stream")
  if(ext STREQUAL ".html")
    set(type "text/html; charset=utf-8")
  elseif(ext STREQUAL ".js")
    set(type "text/javascript; charset=utf-8")
  elseif(ext STREQUAL ".css")
    set(type "text/css; charset=utf-8")
  elseif(ext STREQUAL ".webmanifest")
    set(type "application/manifest+json")
  elseif(ext STREQUAL ".json")
    set(type "application/json")
  elseif(ext STREQUAL ".svg")
    set(type "image/svg+xml")
  elseif(ext STREQUAL ".png")
    set(type "image/png")
  elseif(ext STREQUAL ".ico")
    set(type "image/x-icon")
  elseif(ext STREQUAL ".woff2")
    set(type "font/woff2")
  elseif(ext STREQUAL ".txt")
    set(type "text/plain; charset=utf-8")
  endif()
  set(views "")
  foreach(variant "" ".gz" ".br")
    if(EXISTS ${DIR}/${f}${variant})
      embed_bytes(${DIR}/${f}${variant} a)
      string(APPEND arrays "const unsigned char a${n}[] = {\n${a_bytes}};\n")
      string(APPEND views "view(a${n}, ${a_size}), ")
      math(EXPR n "${n} + 1")
    else()
      string(APPEND views "{}, ")
    endif()
  endforeach()
  string(APPEND table "    {\"/${f}\", \"${type}\", ${views}},\n")
endforeach()
set(body "// Generated from the built console (console/dist); do not edit.
#include \"concord/console/assets.hpp\"

namespace concord::console {
namespace {

std::string_view view(const unsigned char* bytes, std::size_t size) {
  return {reinterpret_cast<const char*>(bytes), size};
}

${arrays}
}  // namespace

std::span<const Asset> embedded_assets() {
  static const Asset assets[] = {
${table}  };
  return assets;
}

}  // namespace concord::console
")
if(table STREQUAL "")
  message(FATAL_ERROR "embed_assets: no files in ${DIR}; build the console first (npm run build)")
endif()
file(WRITE ${OUT}.tmp "${body}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
