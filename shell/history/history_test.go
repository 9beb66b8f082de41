package history

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func commands(es []Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Command
	}
	return out
}

func eq(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\x00") != strings.Join(want, "\x00") {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

func open(t *testing.T, path string, opts Options) *Store {
	t.Helper()
	s, err := Open(path, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	return s
}

func add(t *testing.T, s *Store, cmd string) {
	t.Helper()
	if err := s.Add(Entry{Command: cmd}); err != nil {
		t.Fatalf("Add(%q): %v", cmd, err)
	}
}

// clock returns a clock that starts at a fixed time and moves one second
// per call, so that sessions opened one after the other are ordered.
func clock() func() time.Time {
	var mu sync.Mutex
	t := time.Unix(1_700_000_000, 0)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Second)
		return t
	}
}

func TestSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "lsh", "history")
	now := clock()
	s := open(t, path, Options{Now: now})
	add(t, s, "ls -l")
	add(t, s, "echo 'two\nlines'")
	if err := s.Add(Entry{Command: "du -sh * | sort -h", Request: "show disk usage"}); err != nil {
		t.Fatal(err)
	}

	again := open(t, path, Options{Now: now})
	got := again.Recall()
	eq(t, "Recall after restart", commands(got), []string{"ls -l", "echo 'two\nlines'", "du -sh * | sort -h"})
	if got[2].Request != "show disk usage" {
		t.Errorf("request of the natural-language line = %q, want %q", got[2].Request, "show disk usage")
	}
	if got[0].Request != "" {
		t.Errorf("a typed line has request %q", got[0].Request)
	}

	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("history file mode %o, want 600: it holds what the person typed", perm)
	}
	di, _ := os.Stat(filepath.Dir(path))
	if perm := di.Mode().Perm(); perm != 0o700 {
		t.Errorf("history directory mode %o, want 700", perm)
	}
}

func TestNotSaved(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	s := open(t, path, Options{})
	for _, line := range []string{" secret --token=abc", "\tsecret", "", "   ", "\n"} {
		add(t, s, line)
		if Saved(line) {
			t.Errorf("Saved(%q) = true", line)
		}
	}
	add(t, s, "kept")
	eq(t, "Recall", commands(s.Recall()), []string{"kept"})
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), "secret") {
		t.Errorf("a line starting with a space reached the file:\n%s", data)
	}
}

func TestDuplicatesCollapse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	s := open(t, path, Options{})
	for _, c := range []string{"make", "ls", "make", "git status", "ls", "ls"} {
		add(t, s, c)
	}
	eq(t, "Recall", commands(s.Recall()), []string{"make", "git status", "ls"})
	// The immediate repeat of "ls" was not even written.
	data, _ := os.ReadFile(path)
	if n := strings.Count(string(data), "\n"); n != 5 {
		t.Errorf("file has %d lines, want 5 (an immediate repeat is not written):\n%s", n, data)
	}
	eq(t, "after restart", commands(open(t, path, Options{}).Recall()), []string{"make", "git status", "ls"})
}

func TestConcurrentSessions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	now := clock()
	old := open(t, path, Options{Now: now})
	add(t, old, "from before")

	a := open(t, path, Options{Now: now})
	b := open(t, path, Options{Now: now})
	add(t, a, "a1")
	add(t, b, "b1")
	add(t, a, "a2")

	if err := b.Refresh(); err != nil {
		t.Fatal(err)
	}
	// Up in b walks b's own lines and what existed when b started…
	eq(t, "b.Recall", commands(b.Recall()), []string{"from before", "b1"})
	// …and search sees a's lines too.
	eq(t, "b.All", commands(b.All()), []string{"from before", "a1", "b1", "a2"})
	eq(t, "a.All", commands(a.All()), []string{"from before", "a1", "b1", "a2"})

	// A session started now sees everything on Up, in the order it ran.
	eq(t, "new session", commands(open(t, path, Options{Now: now}).Recall()), []string{"from before", "a1", "b1", "a2"})
}

func TestConcurrentAppendsDoNotInterleave(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	const sessions, lines = 8, 50
	var wg sync.WaitGroup
	for i := range sessions {
		s := open(t, path, Options{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range lines {
				// Long lines make a torn write likely if locking failed.
				if err := s.Add(Entry{Command: fmt.Sprintf("echo %d %d %s", i, j, strings.Repeat("x", 3000))}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	all := open(t, path, Options{}).All()
	if len(all) != sessions*lines {
		t.Fatalf("%d entries after %d concurrent appends", len(all), sessions*lines)
	}
	for _, e := range all {
		if e.Session == "" || !strings.HasPrefix(e.Command, "echo ") {
			t.Fatalf("torn or foreign line: %.60q", e.Command)
		}
	}
}

func TestRefreshSeesOnlyCompleteLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	s := open(t, path, Options{})
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.WriteString(`{"t":1,"cmd":"half`)
	if err := s.Refresh(); err != nil {
		t.Fatal(err)
	}
	eq(t, "after half a line", commands(s.All()), nil)
	f.WriteString(` done"}` + "\n")
	if err := s.Refresh(); err != nil {
		t.Fatal(err)
	}
	eq(t, "after the rest", commands(s.All()), []string{"half done"})
}

func TestReadsOtherFormats(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	body := strings.Join([]string{
		`{"t":1700000000,"s":"abcd1234","cmd":"ls","req":"list files"}`,
		"#1700000001",    // bash HISTTIMEFORMAT stamp: skipped
		"git log --stat", // a bash history line
		`{ echo grouped; }`,
		`{"t":"not a number","cmd":"x"}`, // not our record: kept as typed
		"",
		"tail -f log\r", // CRLF file
	}, "\n") + "\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	got := open(t, path, Options{}).All()
	eq(t, "All", commands(got), []string{"ls", "git log --stat", "{ echo grouped; }", `{"t":"not a number","cmd":"x"}`, "tail -f log"})
	if got[0].Request != "list files" || got[0].Time.Unix() != 1700000000 {
		t.Errorf("record read as %+v", got[0])
	}
}

func TestCompaction(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	s := open(t, path, Options{Max: 5})
	for i := range 12 {
		add(t, s, fmt.Sprintf("cmd %d", i))
		add(t, s, "repeated")
	}
	// 24 lines > 2×5: the next session compacts to the last 5 distinct.
	c := open(t, path, Options{Max: 5})
	want := []string{"cmd 8", "cmd 9", "cmd 10", "cmd 11", "repeated"}
	eq(t, "Recall after compaction", commands(c.Recall()), want)
	data, _ := os.ReadFile(path)
	if n := strings.Count(string(data), "\n"); n != 5 {
		t.Errorf("compacted file has %d lines, want 5", n)
	}

	// The old session notices the file was replaced and keeps its own
	// lines that the compaction dropped.
	add(t, c, "after compaction")
	if err := s.Refresh(); err != nil {
		t.Fatal(err)
	}
	all := commands(s.All())
	if !contains(all, "after compaction") || !contains(all, "cmd 0") {
		t.Errorf("old session after the file was replaced: %q", all)
	}
	if got := commands(open(t, path, Options{Max: 5}).All()); len(got) != 6 || got[5] != "after compaction" {
		t.Errorf("file after compaction and one more line: %q", got)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestMemoryOnly(t *testing.T) {
	s := open(t, "", Options{})
	add(t, s, "a")
	add(t, s, "b")
	if err := s.Refresh(); err != nil {
		t.Fatal(err)
	}
	eq(t, "Recall", commands(s.Recall()), []string{"a", "b"})
}

func TestUnwritableFileKeepsMemory(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, nil, 0o600)
	s, err := Open(filepath.Join(blocker, "history"), Options{})
	if err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("Open under a regular file: err = %v, want one saying why", err)
	}
	err = s.Add(Entry{Command: "ls"})
	if err == nil || !strings.Contains(err.Error(), "history") {
		t.Errorf("Add under a regular file: err = %v, want a history error", err)
	}
	eq(t, "Recall", commands(s.Recall()), []string{"ls"})
}

// TestParseRecordMatchesJSON checks the fast reader against encoding/json
// on what Add writes, and that it hands everything else to encoding/json.
func TestParseRecordMatchesJSON(t *testing.T) {
	for _, cmd := range []string{
		"ls -l", `echo "quoted" 'single' \back\slash`, "multi\nline\tand tab", "x < y && z > w & bg",
		"日本語 émoji 👨‍👩‍👧", "\u2028\u2029", "bell\a esc\x1b nul\x00", "bad utf8 \xff\xfe", "/slash/",
	} {
		for _, req := range []string{"", "show \"the\" files\n"} {
			rec := record{T: 1700000000, S: "0a1b2c3d", Cmd: cmd, Req: req}
			line, _ := json.Marshal(rec)
			var want record
			json.Unmarshal(line, &want)
			got, ok := parseRecord(line)
			if !ok || got != want {
				t.Errorf("parseRecord(%s) = %+v, %v; encoding/json reads %+v", line, got, ok, want)
			}
		}
	}
	for _, line := range []string{
		`{"cmd":"x","t":1}`, `{ "t":1,"cmd":"x"}`, `{"t":1,"cmd":"x","extra":2}`, `{"t":1,"cmd":"unterminated}`,
		`{"t":1,"cmd":"bad \q escape"}`, `{"t":x,"cmd":"y"}`, `{"t":1,"cmd":""}`,
	} {
		if r, ok := parseRecord([]byte(line)); ok {
			t.Errorf("parseRecord(%s) accepted it as %+v", line, r)
		}
	}
	// A record in another shape still reads, through encoding/json.
	if e, ok := parseLine([]byte(`{"cmd":"ls","t":5,"req":"list"}`)); !ok || e.Command != "ls" || e.Request != "list" || e.Time.Unix() != 5 {
		t.Errorf("reordered record read as %+v, %v", e, ok)
	}
}
