# Kafka event log against a real broker (KAFKA_BROKERS, started by deploy/local/stack.sh).
# Every test fails, with a message saying so, when KAFKA_BROKERS is not set.
set(_kafka_tests ${CMAKE_CURRENT_LIST_DIR})

concord_test(kafka_contract_test integration
  SOURCES ${_kafka_tests}/kafka_contract_test.cpp
  LIBS concord::events_kafka concord::core PkgConfig::RDKAFKA)

concord_test(kafka_log_test integration
  SOURCES ${_kafka_tests}/kafka_log_test.cpp
  LIBS concord::events_kafka concord::core PkgConfig::RDKAFKA)

# The processor killed mid-transaction runs as a child process of the test.
add_executable(kafka_processor_helper ${_kafka_tests}/kafka_processor_helper.cpp)
target_link_libraries(kafka_processor_helper PRIVATE concord::events_kafka concord::core)
set_target_properties(kafka_processor_helper PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
concord_test(kafka_processor_test integration
  SOURCES ${_kafka_tests}/kafka_processor_test.cpp
  LIBS concord::events_kafka concord::core PkgConfig::RDKAFKA)
target_compile_definitions(kafka_processor_test PRIVATE
  CONCORD_KAFKA_PROCESSOR_HELPER="$<TARGET_FILE:kafka_processor_helper>")
add_dependencies(kafka_processor_test kafka_processor_helper)

# Stops and restarts the stack's broker: its own binary, so a failure cannot cascade.
concord_test(kafka_outage_test integration
  SOURCES ${_kafka_tests}/kafka_outage_test.cpp
  LIBS concord::events_kafka concord::core PkgConfig::RDKAFKA)
target_compile_definitions(kafka_outage_test PRIVATE CONCORD_STACK_SCRIPT="${PROJECT_SOURCE_DIR}/deploy/local/stack.sh")
