# The README's two set-up commands, and the daily ones. Every target first runs
# scripts/install-deps.sh, which installs missing Debian packages (as root) or prints the
# apt-get line to run. The build itself is CMake + Ninja (CMakePresets.json).
#
#   make demo    build (release), generate the demo company into demo/journeymap.db, show it,
#                serve it and print a one-time sign-in link (Ctrl-C stops)
#   make test    build (dev: -Werror, ASan+UBSan) and run every test with ctest
#   make bench   build (release) and run the benchmarks beside the peers
#   make fuzz    build the libFuzzer targets (clang) and fuzz each for FUZZ_SECONDS

DEMO_DIR     ?= demo
DEMO_EVENTS  ?= 200000
FUZZ_SECONDS ?= 60
JM_RELEASE    = build/release/journeymap

.PHONY: all deps build release dev demo test bench fuzz format format-check clean

all: build

deps:
	@sh scripts/install-deps.sh

build release: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release

dev: deps
	@cmake --preset dev >/dev/null
	@cmake --build --preset dev

demo: release
	@sh scripts/demo.sh $(JM_RELEASE) $(DEMO_DIR) $(DEMO_EVENTS)

test: dev
	@ctest --preset dev

bench: release
	@sh scripts/bench.sh

fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz
	@sh scripts/fuzz.sh build/fuzz $(FUZZ_SECONDS)

format:
	@git ls-files '*.c' '*.h' | xargs clang-format -i

format-check:
	@git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror

clean:
	rm -rf build
