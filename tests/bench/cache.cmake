# Redis cache round trips (sequential, pipelined, threaded) beside redis-benchmark's figures.
concord_bench(cache_bench
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/cache_bench.cpp ${PROJECT_SOURCE_DIR}/tests/integration/cache/redis_server.cpp
  LIBS concord::cache)
target_include_directories(cache_bench PRIVATE ${PROJECT_SOURCE_DIR}/tests/integration/cache)
