# Kafka event log figures against the broker in KAFKA_BROKERS (deploy/local/stack.sh start).
concord_bench(events_kafka_bench
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/events_kafka_bench.cpp
  LIBS concord::events_kafka concord::core)
