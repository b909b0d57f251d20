# concord_library(<name>
#   [SOURCES <file>...]           none: a header-only (INTERFACE) library
#   [PUBLIC_INCLUDE <dir>...]     directories of its public headers (users see them)
#   [PRIVATE_INCLUDE <dir>...]    directories only its own sources see
#   [PUBLIC_DEPS <target>...]     what its public headers need (users link them too)
#   [PRIVATE_DEPS <target>...]    what only its sources need
#   [PUBLIC_DEFINITIONS <def>...])
#
# Every library in libs/ and services/ is declared through this one function: the target
# concord_<name>, its alias concord::<name> (what every user names), and its include
# directories and links, PUBLIC or PRIVATE. Relative directories are taken from the calling
# CMakeLists.txt's directory. Each PUBLIC_INCLUDE directory is recorded, so that
# concord_header_check (cmake/header_check.cmake) can compile every public header alone.
function(concord_library name)
  cmake_parse_arguments(L "" ""
                        "SOURCES;PUBLIC_INCLUDE;PRIVATE_INCLUDE;PUBLIC_DEPS;PRIVATE_DEPS;PUBLIC_DEFINITIONS" ${ARGN})
  if(L_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "concord_library(${name}): unknown arguments ${L_UNPARSED_ARGUMENTS}")
  endif()
  set(target concord_${name})
  if(L_SOURCES)
    add_library(${target} ${L_SOURCES})
    set(public PUBLIC)
  else()
    if(L_PRIVATE_INCLUDE OR L_PRIVATE_DEPS)
      message(FATAL_ERROR "concord_library(${name}): a header-only library has nothing private")
    endif()
    add_library(${target} INTERFACE)
    set(public INTERFACE)
  endif()
  add_library(concord::${name} ALIAS ${target})
  set(public_dirs)
  foreach(dir IN LISTS L_PUBLIC_INCLUDE)
    cmake_path(ABSOLUTE_PATH dir BASE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR} NORMALIZE OUTPUT_VARIABLE absolute)
    list(APPEND public_dirs ${absolute})
  endforeach()
  if(public_dirs)
    target_include_directories(${target} ${public} ${public_dirs})
    set_property(TARGET ${target} PROPERTY CONCORD_PUBLIC_INCLUDE ${public_dirs})
    set_property(GLOBAL APPEND PROPERTY CONCORD_LIBRARIES ${target})
  endif()
  if(L_PRIVATE_INCLUDE)
    target_include_directories(${target} PRIVATE ${L_PRIVATE_INCLUDE})
  endif()
  if(L_PUBLIC_DEFINITIONS)
    target_compile_definitions(${target} ${public} ${L_PUBLIC_DEFINITIONS})
  endif()
  if(L_SOURCES)
    target_link_libraries(${target} PUBLIC ${L_PUBLIC_DEPS} PRIVATE ${L_PRIVATE_DEPS})
  else()
    target_link_libraries(${target} INTERFACE ${L_PUBLIC_DEPS})
  endif()
endfunction()
