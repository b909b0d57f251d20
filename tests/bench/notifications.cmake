# Notifications figures: event → inbox latency at a steady rate, fan-out throughput.
concord_bench(notifications_bench SOURCES ${CMAKE_CURRENT_LIST_DIR}/notifications_bench.cpp
  LIBS concord::notifications concord::cache concord::events)
