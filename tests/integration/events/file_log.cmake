# The contract suite on the file log, and what only the file log has: recovery, the lock, crashes.
concord_test(events_file_log_tests integration SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/file_log_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/file_log_recovery_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/file_log_crash_test.cpp
  LIBS concord::events)
