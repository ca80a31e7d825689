# The two commands of the README: `make run` and `make test`. Both install
# what is missing first (scripts/setup is idempotent), then build.
.PHONY: all setup configure build run test bench fuzz clean

all: build

setup:
	@scripts/setup

configure: setup
	@cmake --preset default >/dev/null

build: configure
	@cmake --build --preset default

# The main job. Until the console exists: render the bundled jetty app with its sample values.
run: build
	./build/pier render jetty -f catalog/jetty/samples/default.json

test: build
	ctest --preset default

# Benchmarks: Pier against the Python pipeline (Jinja2 + jsonschema + PyYAML), side by side.
bench: build
	bench/run

# libFuzzer targets, each for a bounded time (FUZZ_SECONDS, default 60).
fuzz:
	@scripts/setup fuzz
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz
	fuzz/run

clean:
	rm -rf build build-debug build-fuzz
