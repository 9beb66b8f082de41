package natural

import (
	"os"
	"testing"

	"github.com/llamashell/lsh/intents/classify"
	"github.com/llamashell/lsh/shell"
)

func newSession(t testing.TB) *shell.Session {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(dir+"/notes.txt", []byte("x\n"), 0o644)
	os.WriteFile(dir+"/Makefile", []byte("test:\n\tgo test\n"), 0o644)
	sess, err := shell.New(shell.Options{Dir: dir, Env: []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}})
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

// TestClassifySession classifies in a real session: its functions and
// aliases are commands, its directory's files exist, its makefile's
// targets are targets.
func TestClassifySession(t *testing.T) {
	sess := newSession(t)
	sess.Run(t.Context(), "alias findit='echo found'; frob() { :; }", "")
	cases := []struct {
		line    string
		natural bool
	}{
		{"findit the biggest files", false}, // an alias of this shell
		{"frob all the things", false},      // a function of this shell
		{"cat notes.txt", false},
		{"make test", false},
		{"make the tests pass", true},
		{"sort the lines of notes.txt", true},
		{"show me the biggest files", true},
	}
	for _, tc := range cases {
		if r := Classify(sess, tc.line, classify.Typed); r.Natural != tc.natural {
			t.Errorf("%q: natural %v (%s), want %v", tc.line, r.Natural, r.Reason, tc.natural)
		}
	}
	req := NewRequest(sess, "list files")
	if req.Dir != sess.Dir() || req.Home != sess.Dir() || req.LastCommand == "" {
		t.Errorf("request %+v", req)
	}
}

// BenchmarkClassifySession is Classify in a real session: PATH lookups and
// file checks included.
func BenchmarkClassifySession(b *testing.B) {
	sess := newSession(b)
	lines := []string{"find big files in downloads", "git log --oneline", "kill firefox", "ls -la", "make test", "who is logged in"}
	for b.Loop() {
		for _, l := range lines {
			Classify(sess, l, classify.Typed)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(lines))/1000, "µs/line")
}
