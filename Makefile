# failgraph's front door. `make help` lists the targets.
.DEFAULT_GOAL := help
GO ?= go

.PHONY: help run test lint generate build validate bench bench-peers bench-scale neo4j-up neo4j-down neo4j-status seed-neo4j serve-neo4j fmt load web web-test screenshots

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

run: ## serve the graph on the embedded store at http://127.0.0.1:8080
	$(GO) run ./cmd/failgraph serve

test: ## the whole test suite (gofmt, generate, vet, a real Neo4j, go test -race): what CI runs
	./scripts/test.sh

lint: ## golangci-lint over the module (.golangci.yml; built from source once, cached); not yet clean, not yet in make test
	./scripts/lint.sh

generate: ## regenerate the gqlgen code
	$(GO) generate ./...

build: ## build the binary into ./bin/failgraph
	$(GO) build -o bin/failgraph ./cmd/failgraph

validate: ## check the seed files
	$(GO) run ./cmd/failgraph validate seed/data

bench: ## run the Go benchmarks (embedded store; Neo4j ones need make neo4j-up)
	$(GO) test -run '^$$' -bench . -benchmem ./...

bench-peers: ## failgraph beside @neo4j/graphql, raw Cypher and bare net/http (about 10 min; ARGS="--clients 1,8" to narrow)
	./scripts/bench-peers.sh $(ARGS)

bench-scale: ## synthetic graphs of 10k, 100k and 1M nodes on both stores (ARGS="--sizes 10000,100000" to narrow)
	./scripts/bench-scale.sh $(ARGS)

fmt: ## gofmt every Go file
	gofmt -w $$(git ls-files '*.go')

neo4j-up: ## fetch (once) and start a local Neo4j 5.26 on bolt://127.0.0.1:7687 (no Docker)
	./scripts/neo4j.sh start

neo4j-down: ## stop the local Neo4j
	./scripts/neo4j.sh stop

neo4j-status: ## is the local Neo4j running?
	./scripts/neo4j.sh status

seed-neo4j: neo4j-up ## load the seed into the local Neo4j (replacing what is there)
	$(GO) run ./cmd/failgraph seed --replace

serve-neo4j: seed-neo4j ## serve the graph from the local Neo4j
	$(GO) run ./cmd/failgraph serve --store neo4j

load: ## a 30-second loopback load run (bare net/http floor, failgraph, failgraph beside abusers)
	$(GO) run ./cmd/failgraph load

web: ## bundle the explorer (web/src -> web/dist, esbuild from npm); commit web/dist
	./scripts/web.sh build

web-test: ## the explorer's browser tests (Playwright on Debian's headless chromium)
	./scripts/web.sh test

screenshots: ## redraw the explorer's screenshots in docs/img and its figures in .cache/web-bench.json
	FAILGRAPH_SCREENSHOTS=$(CURDIR)/docs/img FAILGRAPH_WEB_BENCH=$(CURDIR)/.cache/web-bench.json ./scripts/web.sh test
