package bench

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	lshPath   string
	buildErr  error
)

// lsh builds cmd/lsh once for all benchmarks, with the environment's
// CGO_ENABLED (the default links libc dynamically; 0 gives a static binary).
func lsh(b *testing.B) string {
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "lsh-bench")
		if err != nil {
			buildErr = err
			return
		}
		lshPath = filepath.Join(dir, "lsh")
		out, err := exec.Command("go", "build", "-o", lshPath, "github.com/llamashell/lsh/cmd/lsh").CombinedOutput()
		if err != nil {
			buildErr = &buildError{err, string(out)}
		}
	})
	if buildErr != nil {
		b.Fatal(buildErr)
	}
	return lshPath
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

type shell struct {
	name string
	path string
}

// shells are lsh and whichever of dash and bash are installed.
func shells(b *testing.B) []shell {
	list := []shell{{"lsh", lsh(b)}}
	for _, name := range []string{"dash", "bash"} {
		if p, err := exec.LookPath(name); err == nil {
			list = append(list, shell{name, p})
		}
	}
	return list
}

// benchProgram runs `SHELL -c program` for every shell in turn, each
// iteration once per shell, so that the load of a shared machine weighs on
// all alike. It reports each shell's mean time per run in ms and lsh's
// ratio to each reference shell.
func benchProgram(b *testing.B, program string) {
	list := shells(b)
	total := make([]time.Duration, len(list))
	n := 0
	for b.Loop() {
		for i, sh := range list {
			start := time.Now()
			if out, err := exec.Command(sh.path, "-c", program).CombinedOutput(); err != nil {
				b.Fatalf("%s -c %q: %v\n%s", sh.name, program, err, out)
			}
			total[i] += time.Since(start)
		}
		n++
	}
	for i, sh := range list {
		b.ReportMetric(float64(total[i].Microseconds())/1000/float64(n), sh.name+"-ms")
		if i > 0 {
			b.ReportMetric(float64(total[0])/float64(total[i]), "lsh/"+sh.name)
		}
	}
	b.ReportMetric(0, "ns/op") // the time of a round is not a figure of interest
}

// BenchmarkStartup is `SHELL -c true`: process start to exit, what ssh,
// scp, cron and editors pay for each command.
func BenchmarkStartup(b *testing.B) { benchProgram(b, "true") }

// BenchmarkLoop is a thousand iterations of a builtin after one external
// command.
func BenchmarkLoop(b *testing.B) { benchProgram(b, "for i in $(seq 1000); do :; done") }
