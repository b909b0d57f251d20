# concord_events_kafka: the EventLog on Kafka, through librdkafka's C API (found at the top
# level as PkgConfig::RDKAFKA). No librdkafka type appears in its public header.
set(_kafka_src ${CMAKE_CURRENT_LIST_DIR}/src)
add_library(concord_events_kafka
  ${_kafka_src}/kafka_client.cpp
  ${_kafka_src}/kafka_metrics.cpp
  ${_kafka_src}/kafka_producer.cpp
  ${_kafka_src}/kafka_replay.cpp
  ${_kafka_src}/kafka_subscription.cpp
  ${_kafka_src}/kafka_tail.cpp
  ${_kafka_src}/kafka_log.cpp
  ${_kafka_src}/kafka_election.cpp
)
add_library(concord::events_kafka ALIAS concord_events_kafka)
target_include_directories(concord_events_kafka PUBLIC ${CMAKE_CURRENT_LIST_DIR}/include)
target_link_libraries(concord_events_kafka PUBLIC concord::events PRIVATE concord::core PkgConfig::RDKAFKA)
