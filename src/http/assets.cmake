# The API documentation, embedded into the binary with taskhook_embed()
# (cmake/embed.cmake), so the service serves it with no files beside it:
#
#   embedded_api_docs    openapi.yaml   from docs/openapi.yaml   → GET /api/docs/openapi.yaml
#                        index.html     from web/docs/index.html → GET /api/docs
#   embedded_swagger_ui  swagger-ui.css, swagger-ui-bundle.js,
#                        swagger-ui-standalone-preset.js          → GET /api/docs/<path>
#                        LICENSE, NOTICE (Swagger UI is Apache-2.0; ship its notices)
#
# Paths are relative to each symbol's folder (the files are staged into the build
# tree first, which also lets the two docs files share one base). Swagger UI comes
# from npm, installed by scripts/web into web/node_modules at the version
# web/package-lock.json pins. Nothing is ever downloaded here: if it is missing,
# configuring stops and says to run scripts/web.
#
# Use from src/http/CMakeLists.txt:
#   include(assets.cmake)            # optional before: set(TASKHOOK_WEB_DIR <web folder>)
#   target_sources(taskhook_http PRIVATE ${TASKHOOK_API_DOCS_SOURCES})

if(NOT DEFINED TASKHOOK_WEB_DIR)
  set(TASKHOOK_WEB_DIR "${PROJECT_SOURCE_DIR}/web")
endif()
if(NOT DEFINED TASKHOOK_DOCS_DIR)
  set(TASKHOOK_DOCS_DIR "${PROJECT_SOURCE_DIR}/docs")
endif()
set(_th_swagger_dir "${TASKHOOK_WEB_DIR}/node_modules/swagger-ui-dist")

# -- Swagger UI: installed, and the version package.json pins ------------------
file(READ "${TASKHOOK_WEB_DIR}/package.json" _th_pkg)
string(JSON _th_swagger_want GET "${_th_pkg}" dependencies swagger-ui-dist)
if(NOT EXISTS "${_th_swagger_dir}/package.json")
  message(FATAL_ERROR
    "Swagger UI (swagger-ui-dist ${_th_swagger_want}) is not installed: "
    "${_th_swagger_dir} is missing.\n"
    "Run scripts/web (it installs web/node_modules from the npm registry), then configure again.")
endif()
file(READ "${_th_swagger_dir}/package.json" _th_swagger_pkg)
string(JSON _th_swagger_have GET "${_th_swagger_pkg}" version)
if(NOT _th_swagger_have STREQUAL _th_swagger_want)
  message(FATAL_ERROR
    "web/node_modules holds swagger-ui-dist ${_th_swagger_have}, but web/package.json pins "
    "${_th_swagger_want}.\nRun scripts/web, then configure again.")
endif()
# Re-check when the pin changes or scripts/web reinstalls.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  "${TASKHOOK_WEB_DIR}/package.json" "${_th_swagger_dir}/package.json")

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

set(TASKHOOK_API_DOCS_SOURCES
  "${CMAKE_CURRENT_BINARY_DIR}/embedded_api_docs.cpp"
  "${CMAKE_CURRENT_BINARY_DIR}/embedded_swagger_ui.cpp")
