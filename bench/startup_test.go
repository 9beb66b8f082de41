package bench

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	buildDir  string
	lshPath   string
	buildErr  error
)

// TestMain removes the built lsh when the benchmarks are done: at 19 MB a
// run, left-over copies fill a shared /tmp.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// lsh builds cmd/lsh once for all benchmarks, as the README installs it:
// CGO_ENABLED=0, a static binary, unless the environment sets CGO_ENABLED
// (=1 links glibc dynamically, ~4.5 ms more per start here).
//
// The binary measured is a copy of the linker's output. The linker writes
// its file through a memory mapping, which leaves it in the page cache as
// single pages; a file read or copied (bash and dash, read from disk, and an
// installed lsh once the cache has been dropped) sits in large folios,
// which the kernel maps with less work per page fault. The same bytes start
// 1–2 ms slower in the first case on the reference machine
// (docs/performance.md, "shell"): a property of how the file was made, not
// of lsh.
func lsh(b *testing.B) string {
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "lsh-bench")
		if err != nil {
			buildErr = err
			return
		}
		buildDir = dir
		linked := filepath.Join(dir, "lsh.linked")
		cmd := exec.Command("go", "build", "-o", linked, "github.com/llamashell/lsh/cmd/lsh")
		if _, set := os.LookupEnv("CGO_ENABLED"); !set {
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = &buildError{err, string(out)}
			return
		}
		lshPath = filepath.Join(dir, "lsh")
		buildErr = copyExecutable(linked, lshPath)
	})
	if buildErr != nil {
		b.Fatal(buildErr)
	}
	return lshPath
}

// copyExecutable copies the file src to a new executable dst with read
// and write calls, then removes src.
func copyExecutable(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(struct{ io.Writer }{out}, in); err != nil {
		out.Close()
		return fmt.Errorf("copying %s: %w", src, err)
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Remove(src)
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

// shells are lsh, whichever of dash and bash are installed, and the lsh
// binary named by $LSH_BENCH_BASE if set: an earlier build, measured in the
// same rounds, so that a change is compared with what it replaces under the
// same load ("lsh/base").
func shells(b *testing.B) []shell {
	list := []shell{{"lsh", lsh(b)}}
	if p := os.Getenv("LSH_BENCH_BASE"); p != "" {
		if _, err := os.Stat(p); err != nil {
			b.Fatalf("LSH_BENCH_BASE: %v", err)
		}
		list = append(list, shell{"base", p})
	}
	for _, name := range []string{"dash", "bash"} {
		if p, err := exec.LookPath(name); err == nil {
			list = append(list, shell{name, p})
		}
	}
	return list
}

// benchProgram runs `SHELL -c program` for every shell in turn, each
// iteration once per shell, so that the load of a shared machine weighs on
// all alike. It reports each shell's mean time per run in ms, lsh's ratio
// to each reference shell, and the same ratio of the medians ("-med"),
// which the bursts of other jobs on a shared machine move less.
func benchProgram(b *testing.B, program string) {
	list := shells(b)
	runs := make([][]time.Duration, len(list))
	for b.Loop() {
		for i, sh := range list {
			start := time.Now()
			if out, err := exec.Command(sh.path, "-c", program).CombinedOutput(); err != nil {
				b.Fatalf("%s -c %q: %v\n%s", sh.name, program, err, out)
			}
			runs[i] = append(runs[i], time.Since(start))
		}
	}
	total := make([]time.Duration, len(list))
	med := make([]time.Duration, len(list))
	for i, r := range runs {
		for _, d := range r {
			total[i] += d
		}
		med[i] = median(r)
	}
	for i, sh := range list {
		b.ReportMetric(float64(total[i].Microseconds())/1000/float64(len(runs[i])), sh.name+"-ms")
		if i > 0 {
			b.ReportMetric(float64(total[0])/float64(total[i]), "lsh/"+sh.name)
			b.ReportMetric(float64(med[0])/float64(med[i]), "lsh/"+sh.name+"-med")
		}
	}
	b.ReportMetric(0, "ns/op") // the time of a round is not a figure of interest
}

// median is the middle of ds (the mean of the two middle ones when their
// number is even); ds is reordered.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	n := len(ds)
	if n%2 == 1 {
		return ds[n/2]
	}
	return (ds[n/2-1] + ds[n/2]) / 2
}

// BenchmarkStartup is `SHELL -c true`: process start to exit, what ssh,
// scp, cron and editors pay for each command.
func BenchmarkStartup(b *testing.B) { benchProgram(b, "true") }

// BenchmarkLoop is a thousand iterations of a builtin after one external
// command.
func BenchmarkLoop(b *testing.B) { benchProgram(b, "for i in $(seq 1000); do :; done") }
