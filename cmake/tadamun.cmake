# Helpers that give every module, test, fuzz target and benchmark the same shape.

# tadamun_module(NAME SOURCES a.cc b.cc LINKS tadamun_base ...)
# Declares the library target tadamun_<NAME>; includes are rooted at src/.
function(tadamun_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LINKS" ${ARGN})
  add_library(tadamun_${name} STATIC ${ARG_SOURCES})
  target_include_directories(tadamun_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(tadamun_${name} PUBLIC ${ARG_LINKS})
endfunction()

# tadamun_test(NAME SOURCES x_test.cc LINKS tadamun_x)
# A GoogleTest binary registered with ctest (one ctest entry per test case).
function(tadamun_test name)
  if(NOT TADAMUN_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;LINKS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LINKS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_compile_definitions(${name} PRIVATE
    TADAMUN_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    TADAMUN_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data")
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST
    WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
    PROPERTIES ENVIRONMENT "TADAMUN_BINARY_DIR=${PROJECT_BINARY_DIR}")
endfunction()

# tadamun_benchmark(NAME SOURCES x_benchmark.cc LINKS tadamun_x)
function(tadamun_benchmark name)
  if(NOT TADAMUN_BENCH)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;LINKS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LINKS} benchmark::benchmark)
endfunction()
