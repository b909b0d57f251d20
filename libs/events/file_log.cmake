# concord_events: the CloudEvents envelope, the EventLog interface and the file log (the
# embedded default). No Kafka here: that is concord_events_kafka.
add_library(concord_events
  ${CMAKE_CURRENT_SOURCE_DIR}/src/event.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/event_log.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/fast_json.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/crc32c.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/posix_file.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/record_format.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/topic_names.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/file_log.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/file_log_open.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/file_log_write.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/file_log_read.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/snapshot_store.cpp
)
add_library(concord::events ALIAS concord_events)
target_include_directories(concord_events PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
target_link_libraries(concord_events PUBLIC concord::core Threads::Threads)
