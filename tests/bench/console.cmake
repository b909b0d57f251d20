concord_bench(console_bench SOURCES console_bench.cpp LIBS concord::console concord::console_assets concord_bench_support)
