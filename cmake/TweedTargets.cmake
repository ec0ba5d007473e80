# Helpers shared by every Tweed target: warnings, sanitizers, the module library pattern.
set(TWEED_WARNINGS -Wall -Wextra -Wpedantic -Wno-unknown-pragmas)

if(TWEED_SANITIZE)
  string(REPLACE "," ";" _tweed_san_list "${TWEED_SANITIZE}")
  set(TWEED_SANITIZE_FLAGS "-fsanitize=${TWEED_SANITIZE}" -fno-omit-frame-pointer
                           -fno-sanitize-recover=undefined)
  add_compile_options(${TWEED_SANITIZE_FLAGS})
  add_link_options(${TWEED_SANITIZE_FLAGS})
endif()

# tweed_module(NAME core SOURCES ... DEPS ...): a static library modules/<name>, target tweed_<name>,
# public headers in modules/<name>/include.
function(tweed_module)
  cmake_parse_arguments(M "" "NAME" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(tweed_${M_NAME} STATIC ${M_SOURCES})
  add_library(tweed::${M_NAME} ALIAS tweed_${M_NAME})
  target_include_directories(tweed_${M_NAME} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(tweed_${M_NAME} PUBLIC ${M_DEPS} PRIVATE ${M_PRIVATE_DEPS})
  target_compile_options(tweed_${M_NAME} PRIVATE ${TWEED_WARNINGS})
endfunction()
