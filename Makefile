# The two commands of the README: `make run` and `make test`. Both install
# what is missing first (scripts/setup is idempotent), then build.
.PHONY: all setup configure build web run test bench fuzz clean

all: build

setup:
	@scripts/setup

configure: setup
	@cmake --preset default >/dev/null

build: configure
	@cmake --build --preset default

# The web UI's bundle (web/dist), rebuilt when a source is newer.
WEB_SOURCES := $(shell find web/src -type f) web/index.html web/vite.config.ts web/package-lock.json web/tsconfig.json
web/dist/index.html: $(WEB_SOURCES) | setup
	cd web && npm run build --silent
web: web/dist/index.html

# The main job: the deployment console with SQLite and a local gitops target
# in .pier/, the bundled catalog, and every context of ~/.kube/config (none is
# fine). PIER_LISTEN changes the address; it prints the URL and an admin token.
PIER_LISTEN ?= 127.0.0.1:8080
run: build web
	./build/pier serve --listen $(PIER_LISTEN) --data-dir .pier --catalog catalog --gitops local=.pier/gitops \
	  $(if $(wildcard clusters.yaml),--clusters clusters.yaml) --web web/dist --print-admin-token

test: build web
	ctest --preset default

# Benchmarks: Pier against the Python pipeline (Jinja2 + jsonschema + PyYAML), side by side.
bench: build
	bench/run
	bench/console

# libFuzzer targets, each for a bounded time (FUZZ_SECONDS, default 60).
fuzz:
	@scripts/setup fuzz
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz
	fuzz/run

clean:
	rm -rf build build-debug build-fuzz web/dist
