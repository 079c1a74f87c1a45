# The API documentation and the dashboard's vendored scripts, embedded into the
# binary with taskhook_embed() (cmake/embed.cmake), so the service serves them
# with no files beside it:
#
#   embedded_api_docs    openapi.yaml   from docs/openapi.yaml   → GET /api/docs/openapi.yaml
#                        index.html     from web/docs/index.html → GET /api/docs
#   embedded_swagger_ui  swagger-ui.css, swagger-ui-bundle.js,
#                        swagger-ui-standalone-preset.js          → GET /api/docs/<path>
#                        LICENSE, NOTICE (Swagger UI is Apache-2.0; ship its notices)
#   embedded_dashboard_vendor
#                        cronstrue.min.js, cronstrue.LICENSE      → GET /dashboard/<path>
#                        (the schedule in plain words, in the task form; MIT)
#
# Paths are relative to each symbol's folder (the files are staged into the build
# tree first, which also lets the two docs files share one base). The packages
# come from npm, installed by scripts/web into web/node_modules at the versions
# web/package-lock.json pins. Nothing is ever downloaded here: if one is missing,
# configuring stops and says to run scripts/web.
#
# Use from src/http/CMakeLists.txt:
#   include(assets.cmake)            # optional before: set(TASKHOOK_WEB_DIR <web folder>)
#   target_sources(taskhook_http PRIVATE ${TASKHOOK_API_DOCS_SOURCES} ${TASKHOOK_DASHBOARD_VENDOR_SOURCES})

if(NOT DEFINED TASKHOOK_WEB_DIR)
  set(TASKHOOK_WEB_DIR "${PROJECT_SOURCE_DIR}/web")
endif()
if(NOT DEFINED TASKHOOK_DOCS_DIR)
  set(TASKHOOK_DOCS_DIR "${PROJECT_SOURCE_DIR}/docs")
endif()
file(READ "${TASKHOOK_WEB_DIR}/package.json" _th_pkg)

# -- an npm package: installed, and the version package.json pins ---------------
# Sets <out_dir> to the package's folder in web/node_modules.
function(_taskhook_pinned_package name out_dir)
  set(dir "${TASKHOOK_WEB_DIR}/node_modules/${name}")
  string(JSON want GET "${_th_pkg}" dependencies ${name})
  if(NOT EXISTS "${dir}/package.json")
    message(FATAL_ERROR
      "${name} ${want} is not installed: ${dir} is missing.\n"
      "Run scripts/web (it installs web/node_modules from the npm registry), then configure again.")
  endif()
  file(READ "${dir}/package.json" pkg)
  string(JSON have GET "${pkg}" version)
  if(NOT have STREQUAL want)
    message(FATAL_ERROR
      "web/node_modules holds ${name} ${have}, but web/package.json pins ${want}.\n"
      "Run scripts/web, then configure again.")
  endif()
  # Re-check when the pin changes or scripts/web reinstalls.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
    "${TASKHOOK_WEB_DIR}/package.json" "${dir}/package.json")
  set(${out_dir} "${dir}" PARENT_SCOPE)
endfunction()

_taskhook_pinned_package(swagger-ui-dist _th_swagger_dir)
_taskhook_pinned_package(cronstrue _th_cronstrue_dir)

# Inputs are staged into the build tree with copy_if_different: the embed step
# writes its output only when the bytes change, so it must only ever see an input
# newer than its output when the content changed too (a reinstall by scripts/web
# or a touched file would otherwise re-run it on every build).
function(_taskhook_stage out_var stage_dir)
  set(staged "")
  foreach(pair IN LISTS ARGN)
    string(REPLACE "|" ";" pair "${pair}")
    list(GET pair 0 src)
    list(GET pair 1 name)
    if(NOT EXISTS "${src}")
      message(FATAL_ERROR "${src} is missing.")
    endif()
    add_custom_command(
      OUTPUT "${stage_dir}/${name}"
      COMMAND "${CMAKE_COMMAND}" -E make_directory "${stage_dir}"
      COMMAND "${CMAKE_COMMAND}" -E copy_if_different "${src}" "${stage_dir}/${name}"
      DEPENDS "${src}"
      VERBATIM)
    list(APPEND staged "${stage_dir}/${name}")
  endforeach()
  set(${out_var} "${staged}" PARENT_SCOPE)
endfunction()

# -- Swagger UI --------------------------------------------------------------------
set(_th_pairs "")
foreach(_th_f swagger-ui.css swagger-ui-bundle.js swagger-ui-standalone-preset.js LICENSE NOTICE)
  if(NOT EXISTS "${_th_swagger_dir}/${_th_f}")
    message(FATAL_ERROR "${_th_swagger_dir}/${_th_f} is missing; run scripts/web.")
  endif()
  list(APPEND _th_pairs "${_th_swagger_dir}/${_th_f}|${_th_f}")
endforeach()
_taskhook_stage(_th_swagger_files "${CMAKE_CURRENT_BINARY_DIR}/swagger_ui" ${_th_pairs})
taskhook_embed(
  OUTPUT "${CMAKE_CURRENT_BINARY_DIR}/embedded_swagger_ui.cpp"
  SYMBOL embedded_swagger_ui
  BASE "${CMAKE_CURRENT_BINARY_DIR}/swagger_ui"
  FILES ${_th_swagger_files})

# -- openapi.yaml and the Swagger UI page, side by side --------------------------
_taskhook_stage(_th_docs_files "${CMAKE_CURRENT_BINARY_DIR}/api_docs"
  "${TASKHOOK_DOCS_DIR}/openapi.yaml|openapi.yaml"
  "${TASKHOOK_WEB_DIR}/docs/index.html|index.html")
taskhook_embed(
  OUTPUT "${CMAKE_CURRENT_BINARY_DIR}/embedded_api_docs.cpp"
  SYMBOL embedded_api_docs
  BASE "${CMAKE_CURRENT_BINARY_DIR}/api_docs"
  FILES ${_th_docs_files})

# -- cronstrue, for the dashboard ------------------------------------------------
_taskhook_stage(_th_vendor_files "${CMAKE_CURRENT_BINARY_DIR}/dashboard_vendor"
  "${_th_cronstrue_dir}/dist/cronstrue.min.js|cronstrue.min.js"
  "${_th_cronstrue_dir}/LICENSE|cronstrue.LICENSE")
taskhook_embed(
  OUTPUT "${CMAKE_CURRENT_BINARY_DIR}/embedded_dashboard_vendor.cpp"
  SYMBOL embedded_dashboard_vendor
  BASE "${CMAKE_CURRENT_BINARY_DIR}/dashboard_vendor"
  FILES ${_th_vendor_files})
set(TASKHOOK_DASHBOARD_VENDOR_SOURCES "${CMAKE_CURRENT_BINARY_DIR}/embedded_dashboard_vendor.cpp")

set(TASKHOOK_API_DOCS_SOURCES
  "${CMAKE_CURRENT_BINARY_DIR}/embedded_api_docs.cpp"
  "${CMAKE_CURRENT_BINARY_DIR}/embedded_swagger_ui.cpp")
