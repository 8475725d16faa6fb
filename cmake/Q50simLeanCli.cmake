# The q50sim executable is "lean": it loads as few shared libraries as possible, because a
# q50sim process should cost little more than exec (issue 13: the whole 10,000-bar replay in
# about 7 ms). Measured on the project's VM, each shared library costs its relocations and page
# faults before main: libcrypto alone ~17,000 relocations (~3.5 ms), and cpp-httplib's library
# initialises OpenSSL (reading openssl.cnf) in a static constructor, in every process.
#
# So:
#  - `live` and `venue`, the only commands that speak HTTP, run in a sibling executable,
#    q50sim-net (app/main.cc execs it, same arguments and process id); only it links
#    cpp-httplib, which Debian ships as a shared library only.
#  - In q50sim itself OpenSSL's libcrypto, SQLite and zlib come from the static archives of
#    their Debian -dev packages: q50_dep_crypto, q50_dep_sqlite and q50_dep_zlib name the
#    archive for a target with the property Q50SIM_LEAN_CLI set, and the shared library for
#    every other target (the tests, q50sim-net, the benches), so a process never holds two
#    copies of a library that it passes objects between.
# libpq is loaded with dlopen when a PostgreSQL store is opened (store/libpq_loader.cc); its
# own libcrypto.so is then a separate copy, sharing no object with the static one.

# q50sim_static_when_lean(<name> <shared target> <archive name> [extra libraries...])
# An archive name of NONE: nothing is linked into the lean executable (the code that uses the
# library is left out of it; were it pulled in, the link would fail and say so).
function(q50sim_static_when_lean name shared archive_name)
  if(archive_name STREQUAL "NONE")
    add_library(${name} INTERFACE)
    set(lean "$<BOOL:$<TARGET_PROPERTY:Q50SIM_LEAN_CLI>>")
    target_link_libraries(${name} INTERFACE "$<$<NOT:${lean}>:${shared}>")
    target_include_directories(${name} SYSTEM INTERFACE
                               $<TARGET_PROPERTY:${shared},INTERFACE_INCLUDE_DIRECTORIES>)
    target_compile_definitions(${name} INTERFACE
                               $<TARGET_PROPERTY:${shared},INTERFACE_COMPILE_DEFINITIONS>)
    target_compile_options(${name} INTERFACE
                           $<TARGET_PROPERTY:${shared},INTERFACE_COMPILE_OPTIONS>)
    return()
  endif()
  # The archive of the same installation as the shared library find_package chose (the one
  # whose headers we compile against): only its directory is searched, so that an archive
  # elsewhere (/usr/local/lib, say) is never linked against another version's headers.
  get_target_property(shared_file ${shared} IMPORTED_LOCATION)
  if(NOT shared_file)
    get_target_property(shared_file ${shared} IMPORTED_LOCATION_RELEASE)
  endif()
  set(archive "")
  if(shared_file)
    get_filename_component(shared_dir "${shared_file}" DIRECTORY)
    find_library(Q50SIM_ARCHIVE_${name} NAMES ${archive_name} HINTS "${shared_dir}"
                 NO_DEFAULT_PATH NO_CACHE)
    set(archive ${Q50SIM_ARCHIVE_${name}})
  endif()
  add_library(${name} INTERFACE)
  if(NOT archive)
    message(STATUS "${name}: no ${archive_name} beside ${shared_file}; q50sim links the shared "
                   "${shared}")
    target_link_libraries(${name} INTERFACE ${shared})
    return()
  endif()
  set(lean "$<BOOL:$<TARGET_PROPERTY:Q50SIM_LEAN_CLI>>")
  target_link_libraries(${name} INTERFACE "$<$<NOT:${lean}>:${shared}>" "$<${lean}:${archive}>"
                        ${ARGN})
  # Headers (the shared target's include directories) for every consumer.
  target_include_directories(${name} SYSTEM INTERFACE
                             $<TARGET_PROPERTY:${shared},INTERFACE_INCLUDE_DIRECTORIES>)
endfunction()

function(q50sim_define_lean_deps)
  find_package(Threads REQUIRED)
  q50sim_static_when_lean(q50_dep_crypto OpenSSL::Crypto libcrypto.a Threads::Threads ${CMAKE_DL_LIBS})
  q50sim_static_when_lean(q50_dep_sqlite SQLite::SQLite3 libsqlite3.a Threads::Threads m ${CMAKE_DL_LIBS})
  q50sim_static_when_lean(q50_dep_zlib ZLIB::ZLIB libz.a)
  # Only live/ and mockvenue/'s HTTP code uses these; q50sim-net links them.
  q50sim_static_when_lean(q50_dep_ssl OpenSSL::SSL NONE)
  q50sim_static_when_lean(q50_dep_httplib PkgConfig::HTTPLIB NONE)
endfunction()
