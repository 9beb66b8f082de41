package intents

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/llamashell/lsh/intents/risk"
)

// intentCase is a request whose Intent runs no shell command: an action, an
// answer or a question back.
type intentCase struct {
	say        string
	dir        string
	last       string // the session's last command
	lastStatus int
	rule       string
	kind       Kind
	check      func(t *testing.T, in Intent)
}

var intentCases = []intentCase{
	{say: "my computer feels slow", rule: "lsh.diagnose", kind: KindAction, check: action("diagnose")},
	{say: "why is my computer slow", rule: "lsh.diagnose", kind: KindAction, check: action("diagnose")},
	{say: "everything is so laggy today", rule: "lsh.diagnose", kind: KindAction, check: action("diagnose")},
	{say: "why is my laptop freezing", rule: "lsh.diagnose", kind: KindAction, check: action("diagnose")},
	{say: "run a health check", rule: "lsh.diagnose", kind: KindAction, check: action("diagnose")},
	{say: "explain tar -xzf foo.tgz", rule: "lsh.explain", kind: KindAction, check: action("explain", "tar -xzf foo.tgz")},
	{say: "what does `ls -la | wc -l` do", rule: "lsh.explain", kind: KindAction, check: action("explain", "ls -la | wc -l")},
	{say: "what does rm -rf mean", rule: "lsh.explain", kind: KindAction, check: action("explain", "rm -rf")},
	{say: "explain that", last: "make -j4", rule: "lsh.explain", kind: KindAction, check: action("explain", "make -j4")},
	{say: "explain", rule: "lsh.explain", kind: KindClarify},
	{say: "why did that fail", last: "make", lastStatus: 2, rule: "lsh.why", kind: KindAction, check: func(t *testing.T, in Intent) {
		action("why")(t, in)
		mentions("`make`", "status 2")(t, in)
	}},
	{say: "what went wrong", last: "cat nope", lastStatus: 1, rule: "lsh.why", kind: KindAction, check: action("why")},
	{say: "why didn't that work", last: "ls /x", lastStatus: 2, rule: "lsh.why", kind: KindAction, check: action("why")},
	{say: "what does that error mean", last: "gcc x.c", lastStatus: 1, rule: "lsh.why", kind: KindAction, check: action("why")},
	{say: "why did that fail", rule: "lsh.why", kind: KindAnswer, check: mentions("No command has run")},
	{say: "help", rule: "lsh.help", kind: KindAnswer, check: mentions("docs/models.md", "biggest files")},
	{say: "what can you do", rule: "lsh.help", kind: KindAnswer},
	// Tasks lsh understood but answers instead of proposing a command.
	{say: "open notes.txt", rule: "edit.open", kind: KindAnswer, check: func(t *testing.T, in Intent) {
		if DetectHost().Has("xdg-open") {
			t.Skip("xdg-open is installed here")
		}
		mentions("xdg-open", "xdg-utils")(t, in)
	}},
	{say: "kill nosuchprogram", rule: "proc.kill", kind: KindAnswer, check: mentions("No process named “nosuchprogram” is running")},
	{say: "show the commit history", dir: "Downloads", rule: "git.log", kind: KindAnswer, check: mentions("not inside a git repository")},
	{say: "delete nothing.txt", rule: "edit.delete", kind: KindAnswer, check: mentions("does not exist")},
	{say: "create a folder called Documents", rule: "edit.mkdir", kind: KindAnswer, check: mentions("already exists")},
	{say: "compress nothing-here", rule: "archive.create", kind: KindAnswer, check: mentions("does not exist")},
	{say: "extract notes.txt", rule: "archive.extract", kind: KindAnswer, check: mentions("not an archive")},
	{say: "go to nowhere-land folder", rule: "nav.cd", kind: KindAnswer, check: mentions("does not exist")},
	// Questions back: the task is clear, a detail is missing.
	{say: "replace foo with bar", rule: "edit.replace", kind: KindClarify, check: mentions("In which file")},
	{say: "replace foo with bar in src", rule: "edit.replace", kind: KindClarify, check: mentions("Say a kind")},
	{say: "extract it", rule: "archive.extract", kind: KindClarify, check: mentions("Which archive")},
	{say: "extract the archive", dir: "Downloads", rule: "archive.extract", kind: KindClarify, check: mentions("setup.zip", "site.tar.gz")},
	{say: "make the script executable", dir: "My Projects/app", rule: "edit.executable", kind: KindClarify, check: mentions("Which")},
	{say: "tail the log", dir: "Documents", rule: "read.tail", kind: KindClarify, check: mentions("Which log file")},
	// Nothing fits: honest fallbacks, never a command.
	{say: "blorp the zorp", rule: "fallback", kind: KindAnswer, check: mentions("did not understand", "docs/models.md")},
	{say: "delete", rule: "fallback", kind: KindClarify, check: mentions(`"delete"`)},
	{say: "purple elephants in downloads", rule: "fallback", kind: KindClarify, check: mentions("~/Downloads")},
	{say: "make coffee", rule: "fallback", kind: KindClarify},
	{say: "sing me a song about port 8080", rule: "fallback", kind: KindClarify, check: mentions("port 8080")},
	// Questions about what a thing is: no definitions in the rules, and no
	// task made of the question's nouns (find.links, proc.list).
	{say: "what is a symlink", rule: "concept", kind: KindAnswer, check: mentions("“what is a symlink?”", "docs/models.md")},
	{say: "what's a zombie process?", rule: "concept", kind: KindAnswer, check: mentions("“what is a zombie process?”")},
	{say: "what are hard links", rule: "concept", kind: KindAnswer, check: mentions("do not define terms")},
	{say: "search google for cats", rule: "net.web-search", kind: KindAnswer, check: mentions("does not search the web", "duckduckgo.com/?q=cats")},
}

// action checks an action intent's name and arguments.
func action(name string, args ...string) func(t *testing.T, in Intent) {
	return func(t *testing.T, in Intent) {
		t.Helper()
		if in.Action == nil || in.Action.Name != name || strings.Join(in.Action.Args, "\x00") != strings.Join(args, "\x00") {
			t.Errorf("action %+v, want %s %q", in.Action, name, args)
		}
	}
}

// mentions checks that the intent's text or explanation says every string.
func mentions(subs ...string) func(t *testing.T, in Intent) {
	return func(t *testing.T, in Intent) {
		t.Helper()
		for _, s := range subs {
			if !strings.Contains(in.Text+" "+in.Explanation, s) {
				t.Errorf("intent says %q / %q; want it to mention %q", in.Text, in.Explanation, s)
			}
		}
	}
}

func TestIntentsThatRunNoCommand(t *testing.T) {
	fx := newFixture(t)
	r := NewRules(DetectHost())
	r.Now = func() time.Time { return fx.now }
	for _, tc := range intentCases {
		t.Run(tc.say, func(t *testing.T) {
			in, ok := r.Match(Request{Text: tc.say, Dir: fx.path(tc.dir), Home: fx.home, LastCommand: tc.last, LastStatus: tc.lastStatus})
			if in.Rule != tc.rule || in.Kind != tc.kind {
				t.Fatalf("Match(%q) = rule %q kind %q (%q, %q); want rule %q kind %q", tc.say, in.Rule, in.Kind, in.Command, in.Text, tc.rule, tc.kind)
			}
			if unsure := tc.rule == "fallback" || tc.rule == "concept"; ok == unsure {
				t.Errorf("Match(%q) ok = %v", tc.say, ok)
			}
			if in.Command != "" {
				t.Errorf("a %s intent carries a command %q", in.Kind, in.Command)
			}
			if err := in.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
			if in.Risk.Level != risk.ReadOnly {
				t.Errorf("risk %q for an intent that runs no command", in.Risk.Level)
			}
			if (tc.rule == "fallback" || tc.rule == "concept") && in.Confidence > 0.3 {
				t.Errorf("%s confidence %.2f, want ≤ 0.3 (a model, when there is one, answers instead)", tc.rule, in.Confidence)
			}
			if tc.check != nil {
				tc.check(t, in)
			}
		})
	}
}

func TestCatalogueCompiles(t *testing.T) {
	if catalogue(); catalogueErr != nil {
		t.Fatal(catalogueErr)
	}
	if n := len(catalogue()); n < 80 {
		t.Errorf("catalogue has %d entries", n)
	}
}

func TestPatternErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"{path", `column 1: slot "{path" is not closed`},
		{"find {colour}", `column 6: unknown slot kind "colour"`},
		{"explain {cmd} please", `column 15: nothing may follow a {cmd} slot`},
		{"the? {path?}", "needs at least one required element"},
		{"a||b", `column 1: empty alternative in "a||b"`},
		{"find {:path}", "column 6: empty slot name"},
	} {
		_, err := compilePattern(tc.src)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("compilePattern(%q) = %v, want an error containing %q", tc.src, err, tc.want)
		}
	}
}

func TestEntryErrors(t *testing.T) {
	for _, tc := range []struct {
		e    entry
		want string
	}{
		{entry{name: "nodot", says: []string{"x"}, build: func(*call) outcome { return outcome{} }}, "is not category.task"},
		{entry{name: "a.b", build: func(*call) outcome { return outcome{} }}, "no phrasings"},
		{entry{name: "a.b", says: []string{"x"}}, "neither build nor run"},
		{entry{name: "a.b", says: []string{"x"}, takes: "colour", build: func(*call) outcome { return outcome{} }}, `unknown slot kind "colour"`},
		{entry{name: "a.b", says: []string{"x"}, run: []alt{{cmd: "ls {path", explain: "x"}}}, "unclosed {"},
		{entry{name: "a.b", says: []string{"x"}, run: []alt{{cmd: "ls", explain: "x", when: "gnu"}}}, `condition "gnu" needs an argument`},
		{entry{name: "a.b", says: []string{"x"}, run: []alt{{cmd: "ls", explain: "x", when: "sunny"}}}, `unknown condition "sunny"`},
		{entry{name: "a.b", says: []string{"x"}, run: []alt{{cmd: "ls"}}}, "no explanation"},
		{entry{name: "a.b", says: []string{"x"}, defaults: "count", build: func(*call) outcome { return outcome{} }}, "not name=value"},
	} {
		_, err := compileEntry(&tc.e, 0)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("compileEntry(%s) = %v, want an error containing %q", tc.e.name, err, tc.want)
		}
	}
}

// TestConfidence checks the scale: a fully understood request is confident,
// an unknown word or a missing path costs, and no rule means ≤ 0.3.
func TestConfidence(t *testing.T) {
	fx := newFixture(t)
	r := NewRules(DetectHost())
	conf := func(say string) (float64, bool) {
		in, ok := r.Match(Request{Text: say, Dir: fx.home, Home: fx.home})
		return in.Confidence, ok
	}
	full, ok1 := conf("biggest files in downloads")
	oneWord, ok2 := conf("biggest purple files in downloads")
	missing, ok3 := conf("biggest files in the nowhere folder")
	none, ok4 := conf("purple monkey dishwasher")
	if !ok1 || !ok2 || !ok3 || ok4 {
		t.Fatalf("ok = %v %v %v %v", ok1, ok2, ok3, ok4)
	}
	if full < 0.9 || oneWord >= full || oneWord < 0.5 || missing >= full || none > 0.3 {
		t.Errorf("confidence: full %.2f, one unknown word %.2f, missing path %.2f, nothing %.2f", full, oneWord, missing, none)
	}
}

func TestMissingPathIsSaid(t *testing.T) {
	fx := newFixture(t)
	in, _ := NewRules(DetectHost()).Match(Request{Text: "biggest files in the nowhere folder", Dir: fx.home, Home: fx.home})
	if !strings.Contains(in.Explanation, "nowhere does not exist") {
		t.Errorf("explanation %q does not say the folder is missing", in.Explanation)
	}
}

func TestEmptyRequest(t *testing.T) {
	r := NewRules(DetectHost())
	in, ok := r.Match(Request{Text: "   "})
	if ok || in.Kind != KindClarify || in.Validate() != nil {
		t.Errorf("Match(blank) = %+v, %v", in, ok)
	}
	if _, err := r.Resolve(context.Background(), Request{Text: ""}); err == nil || !strings.Contains(err.Error(), "empty request") {
		t.Errorf("Resolve(empty) error = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Resolve(ctx, Request{Text: "uptime please"}); err != context.Canceled {
		t.Errorf("Resolve with a cancelled context: %v", err)
	}
}

func TestLongRequest(t *testing.T) {
	say := "replace " + strings.Repeat("a b with c ", 20) + "in notes.txt"
	in, ok := NewRules(DetectHost()).Match(Request{Text: say, Dir: t.TempDir()})
	if ok || in.Kind != KindClarify || !strings.Contains(in.Text, "up to 40") {
		t.Errorf("Match(%d words) = %+v, %v", len(strings.Fields(say)), in, ok)
	}
}

func TestResolverInterface(t *testing.T) {
	var res Resolver = NewRules(DetectHost())
	in, err := res.Resolve(context.Background(), Request{Text: "how long has the computer been on", Dir: t.TempDir()})
	if err != nil || in.Rule != "system.uptime" || in.Command != "uptime" {
		t.Errorf("Resolve = %+v, %v", in, err)
	}
}

// TestIntentJSON checks the JSON a rules intent becomes, as --dry-run
// --json prints it.
func TestIntentJSON(t *testing.T) {
	fx := newFixture(t)
	in, _ := NewRules(DetectHost()).Match(Request{Text: "biggest files in downloads", Dir: fx.home, Home: fx.home})
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"kind", "command", "explanation", "risk", "source", "request", "rule", "confidence"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON %s lacks %q", b, k)
		}
	}
	if m["kind"] != "command" || m["source"] != "rules" || m["rule"] != "find.biggest" {
		t.Errorf("JSON %s", b)
	}
}

// TestStopwordsAndCase checks that politeness, case and punctuation do not
// change what a request means.
func TestStopwordsAndCase(t *testing.T) {
	fx := newFixture(t)
	r := NewRules(DetectHost())
	base, _ := r.Match(Request{Text: "biggest files in downloads", Dir: fx.home, Home: fx.home})
	for _, say := range []string{
		"Biggest Files In DOWNLOADS",
		"please, show me the biggest files in my Downloads folder!",
		"could you find the biggest files in downloads?",
		"hey lsh, what are the largest files in downloads",
		"I want to see the biggest files in ~/Downloads.",
	} {
		in, ok := r.Match(Request{Text: say, Dir: fx.home, Home: fx.home})
		if !ok || in.Command != base.Command {
			t.Errorf("Match(%q) = %q (%v), want %q", say, in.Command, ok, base.Command)
		}
	}
}

// TestQuoting checks that awkward names reach commands intact: spaces,
// quotes, a leading dash.
func TestQuoting(t *testing.T) {
	fx := newFixture(t)
	fx.write("-rf.txt", "dash\n", 0)
	r := NewRules(DetectHost())
	for _, tc := range []struct{ say, want string }{
		{"show me -rf.txt", "dash"},
		{`show me "it's here.txt"`, "quoted name works"},
		{"how big is my projects folder", "My Projects"},
	} {
		in, ok := r.Match(Request{Text: tc.say, Dir: fx.home, Home: fx.home})
		if !ok || in.Kind != KindCommand {
			t.Fatalf("Match(%q) = %+v", tc.say, in)
		}
		out, errOut, st := fx.run("", in.Command)
		if st != 0 || !strings.Contains(out, tc.want) {
			t.Errorf("%q → %q: status %d, out %q, err %q", tc.say, in.Command, st, out, errOut)
		}
	}
}

// TestDocsListEveryRule keeps docs/intents.md's catalogue table in step
// with the catalogue.
func TestDocsListEveryRule(t *testing.T) {
	doc, err := os.ReadFile("../docs/intents.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "\n## The catalogue\n")
	if !ok {
		t.Fatal(`docs/intents.md has no "## The catalogue" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	listed := map[string]bool{}
	for _, line := range strings.Split(section, "\n") {
		if rest, ok := strings.CutPrefix(line, "| `"); ok {
			if name, _, ok := strings.Cut(rest, "`"); ok && strings.Contains(name, ".") {
				listed[name] = true
			}
		}
	}
	known := map[string]bool{}
	for _, name := range RuleNames() {
		known[name] = true
		if !listed[name] {
			t.Errorf("docs/intents.md does not list the rule %s", name)
		}
	}
	for name := range listed {
		if !known[name] {
			t.Errorf("docs/intents.md lists %s, which is not a rule", name)
		}
	}
}

// FuzzMatch feeds arbitrary text to the rules: whatever it is, Match must
// not panic, and must return a valid intent of a kind that fits ok.
func FuzzMatch(f *testing.F) {
	for _, tc := range runCases {
		f.Add(tc.say)
	}
	for _, s := range []string{"", "'", "\"unterminated", "“", "~", "/", "..", "port 99999", "top 0 biggest", "last -3 days", "1e309 gb", "replace '' with '' in ''", "\x00\xff"} {
		f.Add(s)
	}
	dir := f.TempDir()
	r := NewRules(fakeHost("linux", GNU, "ann", "ss", "curl", "zip", "unzip", "git", "pgrep", "pkill"))
	f.Fuzz(func(t *testing.T, say string) {
		in, ok := r.Match(Request{Text: say, Dir: dir, Home: dir})
		if in.Kind == KindCommand {
			in.Risk.Level = risk.ReadOnly // the caller's job; Validate wants one
		}
		if err := in.Validate(); err != nil && strings.TrimSpace(say) != "" {
			t.Fatalf("Match(%q) = %+v: %v", say, in, err)
		}
		if !ok && in.Kind == KindCommand {
			t.Fatalf("Match(%q) proposes a command without a matching rule", say)
		}
	})
}

// Only questions about what a kind of thing is are concept questions;
// questions about particular things, or about a way to do something, are
// tasks.
func TestConceptQuestion(t *testing.T) {
	for _, c := range []struct {
		say  string
		want bool
	}{
		{"what is a symlink", true},
		{"What's an inode?", true},
		{"what is an environment variable", true},
		{"what are hard links", true},
		{"what are daemons?", true},
		{"what is a", false},
		{"what are", false},
		{"what is the date", false},
		{"what is my ip", false},
		{"what is ls", false},
		{"what is using port 8080", false},
		{"what is taking up space", false},
		{"what are the biggest files here", false},
		{"what are my ip addresses", false},
		{"what are big files", false},
		{"what are listening ports", false},
		{"what is a good way to find big files", false},
		{"what is a command to count lines", false},
		{"what is a file in ~/notes", false},
		{"what are the 2 largest python files in my projects", false},
		{"how do i make a symlink", false},
	} {
		if _, got := conceptQuestion(tokenize(c.say)); got != c.want {
			t.Errorf("conceptQuestion(%q) = %v, want %v", c.say, got, c.want)
		}
	}
}

// The text to append is what was typed between the verb and "to", filler
// words included: in text to be written they are words like any other.
func TestAppendedText(t *testing.T) {
	for _, c := range []struct{ req, slot, want string }{
		{"append it's done to notes.txt", "done", "it's done"},
		{"please append the meeting is at 10 to notes.txt", "meeting 10", "the meeting is at 10"},
		{"write hello world onto log.txt", "hello world", "hello world"},
		{"append hello at the end of notes.txt", "hello", "hello"},
		{"append to notes.txt", "", ""},
	} {
		if got := appendedText(c.req, c.slot); got != c.want {
			t.Errorf("appendedText(%q, %q) = %q, want %q", c.req, c.slot, got, c.want)
		}
	}
}
