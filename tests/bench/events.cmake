# Event log figures: append latency and throughput, group commit, commit_with, replay and poll.
concord_bench(events_bench SOURCES ${CMAKE_CURRENT_LIST_DIR}/events_bench.cpp LIBS concord::events)
