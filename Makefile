# `make run` and `make test` work on a fresh Debian 12 as root: both install what is missing first.
SHARED ?= $(abspath $(CURDIR)/../shared)
CORPUS ?= /tmp/fixture-corpus
LISTEN ?= 127.0.0.1:5000
DATA ?= ./data
export BERTH_SHARED_DIR := $(SHARED)
export BERTH_CORPUS := $(CORPUS)
# Stoplight Prism, the validating proxy of the API contract test, from npm into a cache folder.
PRISM_DIR ?= /tmp/berth-prism
PRISM_VERSION ?= 5.14.2
export BERTH_PRISM := $(PRISM_DIR)/node_modules/.bin/prism

.PHONY: setup build run test test-asan corpus prism bench fuzz clean

setup:
	scripts/setup

build: setup
	cmake --preset default >/dev/null
	cmake --build --preset default

run: build
	./build/src/berth serve --listen $(LISTEN) --data $(DATA)

# The image corpus takes about 2 minutes to build, so it is built once into a cache folder.
corpus: setup
	@[ -s $(CORPUS)/corpus.tsv ] || $(SHARED)/fixtures/make-images $(CORPUS)

prism: setup
	@[ -x $(BERTH_PRISM) ] && $(BERTH_PRISM) --version | grep -qx $(PRISM_VERSION) || \
	  npm install --prefix $(PRISM_DIR) --no-audit --no-fund --loglevel=error \
	    @stoplight/prism-cli@$(PRISM_VERSION)

test: build corpus prism
	ctest --preset default -j2

test-asan: setup corpus prism
	cmake --preset asan >/dev/null
	cmake --build --preset asan
	ctest --preset asan -j2

bench: build
	bench/run

# Each parser fuzzer for FUZZ_SECONDS (clang's libFuzzer with ASan and UBSan).
FUZZ_SECONDS ?= 60
fuzz: setup
	CXX=clang++ cmake -S fuzz -B build-fuzz -G Ninja >/dev/null
	cmake --build build-fuzz
	for f in manifest_fuzz reference_fuzz; do \
	  mkdir -p build-fuzz/corpus/$$f && build-fuzz/$$f -max_total_time=$(FUZZ_SECONDS) build-fuzz/corpus/$$f || exit 1; \
	done

clean:
	rm -rf build build-asan build-fuzz
