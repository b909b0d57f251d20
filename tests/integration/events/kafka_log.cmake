# Kafka event log against a real broker (KAFKA_BROKERS, started by deploy/local/stack.sh).
# Every test fails, with a message saying so, when KAFKA_BROKERS is not set.
set(_kafka_tests ${CMAKE_CURRENT_LIST_DIR})

concord_test(kafka_contract_test integration
  SOURCES ${_kafka_tests}/kafka_contract_test.cpp
  LIBS concord::events_kafka concord::core PkgConfig::RDKAFKA)

concord_test(kafka_log_test integration
  SOURCES ${_kafka_tests}/kafka_log_test.cpp
  LIBS concord::events_kafka concord::core PkgConfig::RDKAFKA)
