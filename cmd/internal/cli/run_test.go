package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run runs Run with argv and stdin closed; it returns the status, stdout
// and stderr.
func run(t *testing.T, argv ...string) (int, string, string) {
	t.Helper()
	dir := t.TempDir()
	files := make([]*os.File, 3)
	for i, name := range []string{"stdin", "stdout", "stderr"} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		files[i] = f
	}
	status := Run(argv, files[0], files[1], files[2])
	out, _ := os.ReadFile(files[1].Name())
	errOut, _ := os.ReadFile(files[2].Name())
	return status, string(out), string(errOut)
}

// lsh runs plain programs itself: no lsh-full anywhere, and they work.
// (Once per process: a session takes over the process's signals.)
func TestRunPlainAlone(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	status, out, errOut := run(t, "lsh", "-c", `echo "$0:$1"; exit 4`, "name", "one")
	if status != 4 || out != "name:one\n" || errOut != "" {
		t.Errorf("lsh -c: status %d, stdout %q, stderr %q; want 4, \"name:one\\n\", nothing", status, out, errOut)
	}
}

// What needs lsh-full fails clearly when it is not installed: the message
// names it and says how to install it.
func TestRunWithoutFull(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for _, argv := range [][]string{
		{"lsh", "-i"},
		{"lsh", "--yes", "-c", "true"},
		{"lsh", "-c", "? find big files"},
		{"lsh", "-c", "model list"},
	} {
		status, out, errOut := run(t, argv...)
		if status != 127 || out != "" ||
			!strings.HasPrefix(errOut, "lsh: lsh-full not found next to ") ||
			!strings.Contains(errOut, "go install github.com/llamashell/lsh/cmd/...@latest") {
			t.Errorf("%q without lsh-full: status %d, stdout %q, stderr %q", argv, status, out, errOut)
		}
	}
}

// An "lsh-full" that is lsh again would exec forever: lsh stops at once.
func TestRunHandedBack(t *testing.T) {
	t.Setenv(Argv0Env, "lsh")
	status, _, errOut := run(t, "lsh", "-c", "echo never")
	if status != 126 || !strings.Contains(errOut, "is not lsh-full: it started lsh again") {
		t.Errorf("handed back: status %d, stderr %q; want 126 and a message", status, errOut)
	}
}

// --help, --version and a bad command line are lsh's own to answer: they
// work without lsh-full.
func TestRunInfoAlone(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for _, tt := range []struct {
		argv         []string
		status       int
		out, errText string
	}{
		{[]string{"lsh", "--version"}, 0, "lsh " + Version + "\n", ""},
		{[]string{"lsh", "--help"}, 0, UsageLine + "\n", ""},
		{[]string{"lsh", "--bogus"}, 2, "", "lsh: --bogus: invalid option\n" + UsageLine + "\n"},
		{[]string{"lsh", "-c"}, 2, "", "lsh: -c: option requires an argument\n" + UsageLine + "\n"},
	} {
		status, out, errOut := run(t, tt.argv...)
		if status != tt.status || !strings.HasPrefix(out, tt.out) || errOut != tt.errText {
			t.Errorf("%q: status %d, stdout %q…, stderr %q; want %d, %q…, %q", tt.argv, status, clip(out), errOut, tt.status, tt.out, tt.errText)
		}
	}
}

func clip(s string) string { return s[:min(len(s), 120)] }
