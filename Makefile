# The two commands a newcomer needs: `make run` and `make test` (see README.md).
.PHONY: run test deps check fuzz bench generate

# Run the portal on http://localhost:8080 with an embedded SQLite database in ./data, the dev mailbox at
# /dev/mail and demo data.
run:
	go run ./cmd/portal -demo

# Everything the tests need (Chromium for browser tests) is installed first when it is missing.
test: deps
	go test -timeout 30m ./...

deps:
	@./.ci/deps

# Static checks CI runs beside the tests.
check:
	test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	go vet ./...
	go run ./cmd/formlint forms/

fuzz:
	go test ./engine -run '^$$' -fuzz FuzzLoad -fuzztime 20000x
	go test ./engine -run '^$$' -fuzz FuzzValidate -fuzztime 500000x

bench:
	go test ./... -run '^$$' -bench . -benchmem

# Regenerate the templ components' Go code (committed; CI checks it matches).
generate:
	go tool templ generate -path .
