if(TARGET concord_console)
  concord_bench(console_bench SOURCES console_bench.cpp LIBS concord::console concord_console_assets concord_bench_support)
endif()
