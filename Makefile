# Plansmith: build, run and test.
#   make app                 set up, build the UI and the app, open the demo catalog
#   make app CATALOG=FILE    … open FILE instead
#   make test                set up, then Rust tests (workspace), UI tests, end-to-end tests
#   make deb                 set up, then build the installable package (.deb, with the CLI)
#   make measure             launch time and memory of release builds beside a hello world
# The app embeds ui/dist at compile time, so the UI is always built before cargo.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(PATH)
export NPM_CONFIG_UPDATE_NOTIFIER := false

# Honour CARGO_TARGET_DIR, so a shared or relocated target directory works too.
APP := $(or $(CARGO_TARGET_DIR),target)/debug/plansmith-app
export PLANSMITH_APP := $(abspath $(APP))
CATALOG ?=

.PHONY: setup ui app-build app test test-rust test-ui test-e2e deb measure

setup:
	@bash .ci/setup.sh

ui: setup
	npm --prefix ui run --silent build

app-build: ui
	cargo build -p plansmith-app -p plansmith-cli --bins --example hello

app: app-build
	$(APP) $(CATALOG)

test: setup ui test-rust test-ui test-e2e

test-rust: ui
	@command -v cargo-nextest >/dev/null || cargo install --quiet --locked cargo-nextest
	cargo nextest run --workspace

test-ui: setup
	npm --prefix ui test

test-e2e: app-build
	rm -rf tests/e2e/artifacts
	xvfb-run -a npm --prefix tests/e2e test

# The launch measurement on what users install: release builds of the app and the hello world.
measure: ui
	cargo build --release -p plansmith-app --bins --example hello
	PLANSMITH_APP=$(abspath $(or $(CARGO_TARGET_DIR),target)/release/plansmith-app) PLANSMITH_MEASURE_RUNS=$${PLANSMITH_MEASURE_RUNS:-7} \
	  xvfb-run -a node --test tests/e2e/measure.test.mjs

# The .deb holds the app (as /usr/bin/plansmith-app, with its menu entry and icons) and the
# `plansmith` command line for ops (listed under bundle.linux.deb.files in tauri.conf.json,
# which reads it from target/package/). Everything it needs is local: no network. The
# frontend is ui/ (tauri would otherwise guess tests/e2e, the first package.json it finds).
deb: ui
	cargo build --release -p plansmith-cli
	mkdir -p target/package
	cp $(or $(CARGO_TARGET_DIR),target)/release/plansmith target/package/plansmith
	TAURI_FRONTEND_PATH=ui TAURI_APP_PATH=. ui/node_modules/.bin/tauri build --bundles deb --ci
	@ls -1 $(or $(CARGO_TARGET_DIR),target)/release/bundle/deb/*.deb
