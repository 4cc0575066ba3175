# Stormglass: `make run` and `make test` set up a fresh Debian 12 machine,
# build and run. Run them as root or with sudo available.

BUILD      ?= build
ASAN_BUILD ?= build-asan
SOAK_BUILD ?= build-soak
SOAK_S     ?= 120
FUZZ_S     ?= 60
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
SCENARIO   ?= resources/scenarios/default.json

# Debian packages the build and the tests need (the last line: the Debian
# package of make package, its dependencies, man pages and checks, and
# Debian's clang with libFuzzer for make fuzz).
PACKAGES = cmake g++ make pkg-config nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev libboost-graph-dev libgraphviz-dev graphviz \
           qt6-base-dev qt6-svg-dev libqcustomplot-dev libcli11-dev libgl-dev fonts-dejavu-core \
           dpkg-dev help2man appstream desktop-file-utils clang libclang-rt-dev

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build asan run summary test soak bench package fuzz clean

all: build

deps:
	@missing=""; \
	for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing packages:$$missing"; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi

# The programs and the tests; `make bench` adds the benchmarks to the same build.
# -O2 as RelWithDebInfo, without its debug information: on CI's two cores
# that information made the build a large share of make test's fifteen
# minutes (the sanitizer build keeps line tables for its reports).
build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE='-O2 -DNDEBUG' -DSTORMGLASS_SANITIZE=OFF -DSTORMGLASS_BUILD_TESTS=ON -DCMAKE_INSTALL_PREFIX=/usr
	cmake --build $(BUILD) -j $(JOBS)

# The Debian package, stormglass_VERSION_ARCH.deb in $(BUILD)/package:
# install it with apt install ./$(BUILD)/package/stormglass_*.deb.
package: build
	cpack --config $(BUILD)/CPackConfig.cmake -B $(BUILD)/package

# The model's and the command line's tests under AddressSanitizer and
# UndefinedBehaviorSanitizer, built by clang, which instruments them for
# libFuzzer too and adds the fuzz targets of tests/fuzz/ (the widget tests and the slow ones run in the
# release build: under the sanitizers they and their build took minutes of
# CI's fifteen). -O1 with line tables: the sanitizers' reports keep their
# lines, and the tests take 47 s instead of 111 s at -O0 (2 cores).
ASAN_CONFIG = -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG='-O1 -g1' -DSTORMGLASS_SANITIZE=ON -DSTORMGLASS_BUILD_TESTS=ON -DSTORMGLASS_BUILD_UI_TESTS=OFF -DSTORMGLASS_BUILD_SLOW_TESTS=OFF -DSTORMGLASS_BUILD_BENCH=OFF

asan: deps
	cmake -S . -B $(ASAN_BUILD) $(ASAN_CONFIG)
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# Opens the dashboard; without a display it says so and writes the figure to files.
run: build
	$(BUILD)/app/stormglass $(SCENARIO)

# The headless summary of a scenario.
summary: build
	$(BUILD)/app/stormglass-cli summary $(SCENARIO)

# The sanitizers run every test but the slow ones (stochastic simulations,
# hundreds of random graphs) and the map checks that compare the fast map
# engine with complete grids or runs, cell for cell: those are arithmetic the release
# run covers, and they take minutes under the sanitizers.
# Nor the largest-run memory check (it measures the release build's
# resident memory; the sanitizers' shadow memory is theirs) or the books
# over every policy at once (its single policies run here, and solve_fuzz
# solves every policy under the sanitizers): half a minute each of CI's fifteen.
# What Graphviz's library and fontconfig keep for the process is theirs, not a
# leak of ours (tests/lsan.supp).
LSAN = suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0

ASAN_SKIP = StabilityMap\..*FullGrid|ParameterMap\.StoppingRunsOnceDecided|ParameterMap\.GraphRunsStoppedInACollapse|ParameterMap\.AGraphCollapseIsNotCalled|Cli\.TheLargestRunsTheValidatorAllowsStayUnderAGigabyte|FluidSolver\.KeepsExactBooksWithEveryPolicyOverManyScenarios

test: build asan
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	LSAN_OPTIONS=$(LSAN) ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) -LE slow -E '$(ASAN_SKIP)'

# libFuzzer over the model (tests/fuzz/, built by make asan with clang):
# reading scenario files, --set and --x, and solving what a valid fuzzed
# scenario describes. Each target runs FUZZ_S seconds (60 by default) from
# the seed corpus (tests/fuzz/seeds, the bundled scenarios and the inputs
# kept in tests/fuzz/regressions/), its new inputs kept in
# $(ASAN_BUILD)/tests/fuzz/corpus/. A crash stops it, its input written to
# $(ASAN_BUILD)/crashes/: once fixed, keep it in tests/fuzz/regressions/.
# make test runs each target for 20 s.
FUZZ_TARGETS = scenario_fuzz assignment_fuzz solve_fuzz

fuzz: deps
	cmake -S . -B $(ASAN_BUILD) $(ASAN_CONFIG)
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target $(FUZZ_TARGETS)
	@mkdir -p $(ASAN_BUILD)/crashes
	@for t in $(FUZZ_TARGETS); do \
	  echo "== $$t: $(FUZZ_S) s"; \
	  $(ASAN_BUILD)/tests/fuzz/$$t -max_total_time=$(FUZZ_S) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=$(ASAN_BUILD)/crashes/$$t- $(ASAN_BUILD)/tests/fuzz/corpus/$$t \
	    tests/fuzz/seeds resources/scenarios tests/fuzz/regressions > $(ASAN_BUILD)/crashes/$$t.log 2>&1; \
	  status=$$?; \
	  grep -E '^(stat::|Done)' $(ASAN_BUILD)/crashes/$$t.log; \
	  if [ $$status != 0 ]; then tail -40 $(ASAN_BUILD)/crashes/$$t.log; exit 1; fi; \
	done

# A long randomized soak of the map under the sanitizers, outside make test
# (it takes minutes): parameter changes, axis changes, scenario opens and
# Learn entries fired at random while maps of slow scenarios compute; the map
# must never stay stuck or show a stale map as current. SOAK_S seconds of
# activity (120 by default), then the map must settle and match fresh runs.
soak: deps
	cmake -S . -B $(SOAK_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG='-O1 -g1' -DSTORMGLASS_SANITIZE=ON -DSTORMGLASS_BUILD_TESTS=ON -DSTORMGLASS_BUILD_UI_TESTS=ON -DSTORMGLASS_BUILD_SLOW_TESTS=OFF -DSTORMGLASS_BUILD_BENCH=OFF
	cmake --build $(SOAK_BUILD) -j $(JOBS) --target ui_tests
	LSAN_OPTIONS=$(LSAN) QT_QPA_PLATFORM=offscreen STORMGLASS_MAP_STRESS_S=$(SOAK_S) $(SOAK_BUILD)/tests/ui_tests --gtest_filter='MapUnderChanges.*'

# The benchmarks of bench/ (Google Benchmark), in the release build.
bench: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE='-O2 -DNDEBUG' -DSTORMGLASS_SANITIZE=OFF -DSTORMGLASS_BUILD_TESTS=ON -DSTORMGLASS_BUILD_BENCH=ON
	cmake --build $(BUILD) -j $(JOBS)
	$(BUILD)/bench/stormglass-bench
	$(BUILD)/bench/stormglass-graph-bench
	$(BUILD)/bench/stormglass-dashboard-bench

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(SOAK_BUILD)
