# `make run` and `make test` work on a fresh Debian 12 as root: both install what is missing first.
# The image corpus the integration tests push, built once by tests/fixtures/make-corpus.
CORPUS ?= /tmp/berth-corpus
export BERTH_CORPUS := $(CORPUS)
# Stoplight Prism, the validating proxy of the API contract test, from npm into a cache folder.
PRISM_DIR ?= /tmp/berth-prism
PRISM_VERSION ?= 5.14.2
export BERTH_PRISM := $(PRISM_DIR)/node_modules/.bin/prism
# `make run` passes only what is set here (CONFIG=berth.yml LISTEN=host:port DATA=dir), so that
# berth.yml and BERTH_* variables decide everything else, as the README says.
CONFIG ?=
LISTEN ?=
DATA ?=

.PHONY: setup configure build berth run test test-asan corpus prism bench bench-lists bench-portal bench-engines fuzz fuzz-build \
  fuzz-smoke clean

setup:
	scripts/setup

configure: setup
	cmake --preset default >/dev/null

build: configure
	cmake --build --preset default

berth: configure
	cmake --build --preset default --target berth

run: berth
	./build/src/berth serve $(if $(CONFIG),--config $(CONFIG)) $(if $(LISTEN),--listen $(LISTEN)) \
	  $(if $(DATA),--data $(DATA))

# Rebuilt when its builder changes; about 20 s with the packages it downloads cached.
corpus: setup $(CORPUS)/corpus.tsv
$(CORPUS)/corpus.tsv: tests/fixtures/make-corpus
	tests/fixtures/make-corpus $(CORPUS)

prism: setup
	@[ -x $(BERTH_PRISM) ] && $(BERTH_PRISM) --version | grep -qx $(PRISM_VERSION) || \
	  npm install --prefix $(PRISM_DIR) --no-audit --no-fund --loglevel=error \
	    @stoplight/prism-cli@$(PRISM_VERSION)

test: build corpus prism fuzz-smoke
	ctest --preset default -j2

test-asan: setup corpus prism
	cmake --preset asan >/dev/null
	cmake --build --preset asan
	ctest --preset asan -j2

bench: build
	bench/run

# How long a page of each long list takes at 1,000 and at scale (bench/README.md).
bench-lists: build
	bench/lists

# The portal in Chromium: time to the first rows of long lists, JavaScript of a first visit.
bench-portal: build
	bench/portal

# Berth on PostgreSQL + Ceph RGW against Distribution on the same RGW (bench/README.md).
bench-engines: build
	bench/engines

# Each parser fuzzer for FUZZ_SECONDS (clang's libFuzzer with ASan and UBSan), its corpus kept
# in build-fuzz/corpus; `make test` runs each for FUZZ_SMOKE_SECONDS first.
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 10
FUZZERS := manifest_fuzz reference_fuzz list_query_fuzz http_request_fuzz
fuzz-build: setup
	CXX=clang++ cmake -S fuzz -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
	cmake --build build-fuzz

fuzz: fuzz-build
	@for f in $(FUZZERS); do \
	  mkdir -p build-fuzz/corpus/$$f && \
	  build-fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 build-fuzz/corpus/$$f \
	    $$([ -d fuzz/seeds/$$f ] && echo fuzz/seeds/$$f) \
	    || exit 1; \
	done

fuzz-smoke: fuzz-build
	@for f in $(FUZZERS); do \
	  mkdir -p build-fuzz/corpus/$$f && \
	  build-fuzz/$$f -max_total_time=$(FUZZ_SMOKE_SECONDS) build-fuzz/corpus/$$f \
	    $$([ -d fuzz/seeds/$$f ] && echo fuzz/seeds/$$f) 2> build-fuzz/$$f.log \
	    || { tail -40 build-fuzz/$$f.log; exit 1; }; \
	  echo "fuzz: $$f ran $(FUZZ_SMOKE_SECONDS) s, $$(grep -o 'cov: [0-9]*' build-fuzz/$$f.log | tail -1)"; \
	done

clean:
	rm -rf build build-asan build-fuzz
