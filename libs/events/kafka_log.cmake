# concord_events_kafka target: owned by the Kafka work
