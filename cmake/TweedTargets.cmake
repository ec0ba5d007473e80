# Helpers shared by every Tweed target: warnings, sanitizers, the module library pattern.
set(TWEED_WARNINGS -Wall -Wextra -Wpedantic -Wno-unknown-pragmas)

if(TWEED_SANITIZE)
  string(REPLACE "," ";" _tweed_san_list "${TWEED_SANITIZE}")
  set(TWEED_SANITIZE_FLAGS "-fsanitize=${TWEED_SANITIZE}" -fno-omit-frame-pointer
                           -fno-sanitize-recover=undefined)
  add_compile_options(${TWEED_SANITIZE_FLAGS})
  # Eigen's SSE path for complex<float> loads 8 bytes through a double* at 4-byte alignment:
  # harmless on x86, but UBSan's alignment check stops on it. Eigen is used only by tests.
  add_compile_definitions(EIGEN_DONT_VECTORIZE)
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

# tweed_plugin(NAME io_itk SOURCES ... LIBS ...): a shared library libtweed_<name>.so loaded on
# demand through tweed::plugin_symbol (core/plugin.hpp), so heavy dependencies cost nothing to
# commands that do not use them. Static Tweed libraries linked into it keep their symbols hidden.
set(TWEED_PLUGIN_DIR ${CMAKE_BINARY_DIR}/lib)
add_custom_target(tweed_plugins)
function(tweed_plugin)
  cmake_parse_arguments(P "" "NAME" "SOURCES;LIBS" ${ARGN})
  add_library(tweed_${P_NAME} MODULE ${P_SOURCES})
  target_link_libraries(tweed_${P_NAME} PRIVATE ${P_LIBS})
  target_compile_options(tweed_${P_NAME} PRIVATE ${TWEED_WARNINGS})
  target_link_options(tweed_${P_NAME} PRIVATE -Wl,--exclude-libs,ALL -Wl,-Bsymbolic)
  set_target_properties(tweed_${P_NAME} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${TWEED_PLUGIN_DIR})
  add_dependencies(tweed_plugins tweed_${P_NAME})
endfunction()
