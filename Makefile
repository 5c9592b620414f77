# The commands developers and CI use. `make test` is what .ci/run runs.
.PHONY: run test lint build bench docker-build

run:
	go run ./cmd/voices serve --demo

test:
	go test ./...

lint:
	@test -z "$$(gofmt -l .)" || (echo "gofmt needed on:"; gofmt -l .; exit 1)
	go vet ./...

# The same build the Dockerfile makes (docker itself is not on our machines).
build:
	CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o bin/voices ./cmd/voices

bench:
	go test -run '^$$' -bench . -benchmem -benchtime 3x ./surveys/sqlite/
	go test -run '^$$' -bench 'Submit|Render|InboundSMS' -benchmem ./server/
	go test -run '^$$' -bench Import50000 -benchtime 1x -benchmem ./server/
