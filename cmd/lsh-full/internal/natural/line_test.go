package natural

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/llamashell/lsh/intents"
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
	// A first word that runs nothing makes a request, files named or not;
	// a near miss of a command stays shell code, with the command it meant.
	for _, line := range []string{"delete notes.txt", "extract notes.txt", "edit-it notes.txt"} {
		if r := Classify(sess, line, classify.Typed); !r.Natural {
			t.Errorf("%q: natural false (%s), want true", line, r.Reason)
		}
	}
	if _, err := exec.LookPath("cat"); err == nil {
		r := Classify(sess, "cta notes.txt", classify.Typed)
		in := shellPlan(r, "cta notes.txt", sess.Dir(), sess.Dir())
		if r.Natural || r.Suggestion != "cat notes.txt" || !strings.Contains(in.Explanation, "did you mean `cat notes.txt`?") || in.Kind != intents.KindShell {
			t.Errorf("cta notes.txt: natural %v, suggestion %q, intent %+v", r.Natural, r.Suggestion, in)
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
