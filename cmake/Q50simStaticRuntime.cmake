# Q50SIM_STATIC_ABSEIL: link Abseil's static archives instead of its shared libraries.
#
# Why: Debian's Abseil is ~30 small shared libraries, and loading and relocating them was most
# of a q50sim process's fixed cost (`q50sim --help` 11 ms against 3 ms for /bin/true): too
# much for a CLI whose whole replay should take a few milliseconds.
# Debian's libabsl-dev ships a .a beside every .so, but its CMake package imports only the
# shared ones, so this repoints each imported absl:: target at its archive. It applies to every
# target (tests and benches too), which keeps one Abseil in each binary.
#
# libstdc++ stays shared: fmt and toml++ exist only as shared libraries here and load it
# anyway, and a static copy beside the shared one would be two C++ runtimes in one process.
function(q50sim_use_static_abseil)
  get_property(imported DIRECTORY ${PROJECT_SOURCE_DIR} PROPERTY IMPORTED_TARGETS)
  set(repointed 0)
  foreach(target IN LISTS imported)
    if(NOT target MATCHES "^absl::")
      continue()
    endif()
    get_target_property(type ${target} TYPE)
    if(NOT type STREQUAL "SHARED_LIBRARY")
      continue()
    endif()
    get_target_property(configs ${target} IMPORTED_CONFIGURATIONS)
    foreach(config IN LISTS configs)
      get_target_property(location ${target} IMPORTED_LOCATION_${config})
      string(REGEX REPLACE "\\.so(\\.[0-9.]+)?$" ".a" archive "${location}")
      if(NOT EXISTS "${archive}")
        message(FATAL_ERROR "Q50SIM_STATIC_ABSEIL: ${archive} not found (for ${target}); "
                            "install libabsl-dev or configure with -DQ50SIM_STATIC_ABSEIL=OFF")
      endif()
      set_target_properties(${target} PROPERTIES IMPORTED_LOCATION_${config} "${archive}")
      set_property(TARGET ${target} PROPERTY IMPORTED_SONAME_${config})
      math(EXPR repointed "${repointed} + 1")
    endforeach()
  endforeach()
  message(STATUS "Q50SIM_STATIC_ABSEIL: ${repointed} Abseil libraries linked statically")
endfunction()
