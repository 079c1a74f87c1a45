# Every dependency is a Debian bookworm package installed by scripts/bootstrap.
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)
find_package(date CONFIG REQUIRED)   # libhowardhinnant-date-dev: date::date-tz over the OS tzdata
find_package(simdjson 3 CONFIG REQUIRED)

if(NOT TASKHOOK_FUZZ)
  find_package(PkgConfig REQUIRED)
  find_package(PostgreSQL REQUIRED)
  find_package(CURL REQUIRED)
  find_package(OpenSSL REQUIRED)  # SHA-256 of API keys, constant-time compare, key randomness
  find_package(spdlog CONFIG REQUIRED)
  pkg_check_modules(Pistache REQUIRED IMPORTED_TARGET libpistache)

  # CAF 0.17 ships neither a CMake config nor a .pc file.
  find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
  find_library(CAF_CORE_LIBRARY caf_core REQUIRED)
  add_library(caf::core INTERFACE IMPORTED)
  target_include_directories(caf::core INTERFACE "${CAF_INCLUDE_DIR}")
  target_link_libraries(caf::core INTERFACE "${CAF_CORE_LIBRARY}" Threads::Threads)

  if(TASKHOOK_BUILD_TESTS)
    find_package(Catch2 2 REQUIRED)
    include(Catch)
  endif()
endif()
