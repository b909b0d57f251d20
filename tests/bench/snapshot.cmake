# Start-up from a snapshot beside a full replay: 1,000,000 scheduling events in the file log.
concord_bench(snapshot_bench SOURCES ${CMAKE_CURRENT_LIST_DIR}/snapshot_bench.cpp LIBS concord::scheduling)
target_include_directories(snapshot_bench PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../integration/scheduling)
