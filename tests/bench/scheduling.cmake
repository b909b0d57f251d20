# Scheduling figures: the conflict check's latency at 1k, 10k and 100k meetings (indexed beside a
# full scan), and the programme endpoint's requests/s beside a bare Beast server.
concord_bench(scheduling_bench SOURCES ${CMAKE_CURRENT_LIST_DIR}/scheduling_bench.cpp
  LIBS concord::scheduling concord::auth concord_bench_support)
target_include_directories(scheduling_bench PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../unit/scheduling)
