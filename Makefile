# The commands developers and CI use. `make test` is what .ci/run runs.
.PHONY: run test lint build bench bench-themes evaluate-themes docker-build load

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
	go test -run '^$$' -bench Export -benchmem -benchtime 3x ./surveys/sqlite/
	go test -run '^$$' -bench Breakdown1M -benchmem -benchtime 3x ./surveys/sqlite/
	go test -run '^$$' -bench 'Submit|Render|InboundSMS' -benchmem ./server/
	go test -run '^$$' -bench Import50000 -benchtime 1x -benchmem ./server/

# Theme speed on one core (the issue's budget: training on 5,000 answers
# <= 10 s, suggesting for 100,000 <= 10 s, discovery on 10,000 <= 30 s),
# with peak heap. Needs ../shared/data/themes/fft-dev.csv; skipped without it.
bench-themes:
	go test -run '^$$' -bench 'Train5000|Suggest100000' -benchtime 3x -benchmem -cpu 1 ./surveys/themes/
	go test -run '^$$' -bench Discover -benchtime 1x -benchmem -cpu 1 ./surveys/themes/

# Theme suggestion quality: 5-fold cross-validation on fft-dev grouped by
# respondent, with the per-theme table.
evaluate-themes:
	go run ./cmd/voices themes evaluate --train ../shared/data/themes/fft-dev.csv --folds 5 --group-column respondent

# Load test (README, "Load testing"): builds and starts its own server on a
# fresh database, measures this machine's ceiling (bare SQLite inserts, a
# bare Fiber handler), runs 50 clients for 30 s with the default mix, and
# checks every acknowledged submission is stored exactly once. Change it
# with LOAD_FLAGS, e.g. make load LOAD_FLAGS='--mix api=1 --duration 60s'.
load:
	go run ./cmd/voices-load $(LOAD_FLAGS)
