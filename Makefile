# `make run` and `make test` work on a fresh Debian 12 as root: both install what is missing first.
SHARED ?= $(abspath $(CURDIR)/../shared)
CORPUS ?= /tmp/fixture-corpus
LISTEN ?= 127.0.0.1:5000
DATA ?= ./data
export BERTH_SHARED_DIR := $(SHARED)
export BERTH_CORPUS := $(CORPUS)

.PHONY: setup build run test test-asan corpus bench clean

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

test: build corpus
	ctest --preset default -j2

test-asan: setup corpus
	cmake --preset asan >/dev/null
	cmake --build --preset asan
	ctest --preset asan -j2

bench: build
	bench/run

clean:
	rm -rf build build-asan
