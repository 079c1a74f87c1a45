# Embeds files into the binary at build time as byte arrays, so the service needs
# no files beside it at run time (migrations, dashboard, Swagger UI).
#
#   taskhook_embed(OUTPUT out.cpp SYMBOL name BASE dir FILES f1 f2 ...)
#
# generates a .cpp defining `const taskhook::embedded_file name[]` and
# `const std::size_t name_count`, each entry with its path relative to BASE, its
# bytes and their SHA-256 (see src/core/embedded_file.hpp).

set(TASKHOOK_EMBED_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/embed_script.cmake")

function(taskhook_embed)
  cmake_parse_arguments(E "" "OUTPUT;SYMBOL;BASE" "FILES" ${ARGN})
  add_custom_command(
    OUTPUT "${E_OUTPUT}"
    COMMAND "${CMAKE_COMMAND}" -DOUTPUT=${E_OUTPUT} -DSYMBOL=${E_SYMBOL} -DBASE=${E_BASE}
            "-DFILES=${E_FILES}" -P "${TASKHOOK_EMBED_SCRIPT}"
    DEPENDS ${E_FILES} "${TASKHOOK_EMBED_SCRIPT}"
    COMMENT "Embedding ${E_SYMBOL}"
    VERBATIM)
endfunction()
