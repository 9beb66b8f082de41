// Package bench measures lsh against dash and bash where it matters to a
// login shell: the start-up of `lsh -c true`, which ssh, scp, cron and
// editors pay on every command, and a loop of builtins.
//
// Run it with:
//
//	go test ./bench -bench . -benchtime 200x
//
// It builds cmd/lsh once into a temporary directory (CGO_ENABLED=0, as the
// README installs it, unless CGO_ENABLED is set) and runs each shell as
// a separate process per iteration; a shell that is not installed is
// skipped. LSH_BENCH_BASE=/path/to/an/older/lsh adds that binary to the
// same rounds, to compare a change with its base under the same load.
// docs/performance.md records the figures and their ratios.
package bench
