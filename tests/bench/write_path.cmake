# The write path: accepted writes/s with 1 and 32 clients and GET latency idle and under that
# load, on the file log and on the broker in KAFKA_BROKERS.
concord_bench(write_path_bench SOURCES ${CMAKE_CURRENT_LIST_DIR}/write_path_bench.cpp
  LIBS concord::scheduling concord::service concord::auth concord_bench_support)
# A page of a long list (100k venues, 100k meetings, 10k members) beside a single-item GET.
concord_bench(list_bench SOURCES ${CMAKE_CURRENT_LIST_DIR}/list_bench.cpp
  LIBS concord::scheduling concord::delegations concord::service concord::auth concord_bench_support)
target_include_directories(list_bench PRIVATE ${PROJECT_SOURCE_DIR}/services/scheduling)
