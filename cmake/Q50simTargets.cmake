# Shared settings for q50sim's own targets. Third-party headers come in as SYSTEM (imported
# targets do that already), so -Werror applies to our code only.

function(q50sim_target_defaults target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
    -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
    # Determinism: a*b+c is never fused behind our back (the numpy log port calls fmaf
    # explicitly), and never -ffast-math.
    -ffp-contract=off)
  if(Q50SIM_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# q50sim_add_library(name SOURCES ... DEPS ...)
function(q50sim_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  q50sim_target_defaults(${name})
endfunction()
