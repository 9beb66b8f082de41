package tui

import (
	"errors"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/llamashell/lsh/intents/risk"
	"github.com/llamashell/lsh/shell/history"
)

func TestEnterRunsTheLine(t *testing.T) {
	f := newFake()
	f.status = 1
	h := newHarness(t, f)
	h.keys("echo hi")
	if got := h.screen(); got != "~/src rules ❯ echo hi" {
		t.Errorf("screen while typing = %q", got)
	}
	h.keys("\r")
	if !slices.Equal(f.ran, []string{"echo hi"}) {
		t.Fatalf("ran %q, want the typed line", f.ran)
	}
	if got := h.lastPrinted(); got != "~/src rules ❯ echo hi" {
		t.Errorf("the line stays in the scrollback as %q", got)
	}
	// Back at the prompt, which now shows the failure.
	if got := h.screen(); got != "~/src ✗1 rules ❯ " {
		t.Errorf("prompt after a failing command = %q", got)
	}
	if got := commandsOf(h.hist.Recall()); !slices.Equal(got, []string{"echo hi"}) {
		t.Errorf("history = %q", got)
	}
}

func commandsOf(es []history.Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Command)
	}
	return out
}

func TestCursorPosition(t *testing.T) {
	h := newHarness(t, newFake())
	h.keys("echo 日本\x02")
	c := h.m.View().Cursor
	// "~/src rules ❯ " is 14 cells, "echo " 5, "日" 2.
	if c == nil || c.X != 21 || c.Y != 0 {
		t.Errorf("cursor = %+v, want column 21 row 0", c)
	}
}

func TestEmptyLineAndSpaceLine(t *testing.T) {
	f := newFake()
	h := newHarness(t, f)
	h.keys("\r")
	if len(f.ran) != 0 {
		t.Errorf("an empty line ran %q", f.ran)
	}
	if got := h.lastPrinted(); got != "~/src rules ❯ " {
		t.Errorf("empty Enter leaves %q in the scrollback, want the bare prompt", got)
	}
	h.keys(" echo secret\r")
	if !slices.Equal(f.ran, []string{" echo secret"}) {
		t.Errorf("ran %q", f.ran)
	}
	if got := commandsOf(h.hist.All()); len(got) != 0 {
		t.Errorf("a line starting with a space reached the history: %q", got)
	}
}

func TestMultiLineWhenIncomplete(t *testing.T) {
	f := newFake()
	h := newHarness(t, f)
	h.keys("echo 'a\r")
	if len(f.ran) != 0 {
		t.Fatalf("an open quote ran: %q", f.ran)
	}
	h.keys("b'")
	if got := h.screen(); got != "~/src rules ❯ echo 'a\n> b'" {
		t.Errorf("continued line = %q", got)
	}
	if c := h.m.View().Cursor; c == nil || c.Y != 1 || c.X != 4 {
		t.Errorf("cursor on the second line = %+v, want 4,1", c)
	}
	h.keys("\r")
	if !slices.Equal(f.ran, []string{"echo 'a\nb'"}) {
		t.Errorf("ran %q, want both lines as one command", f.ran)
	}
	// Alt-Enter breaks a line by choice.
	h.keys("ls\x1b\r-l\r")
	if got := f.ran[len(f.ran)-1]; got != "ls\n-l" {
		t.Errorf("Alt-Enter: ran %q", got)
	}
}

func TestPasteDoesNotRun(t *testing.T) {
	f := newFake()
	h := newHarness(t, f)
	h.send(tea.PasteMsg{Content: "echo a\r\necho b\n"})
	if len(f.ran) != 0 {
		t.Fatalf("a paste ran %q", f.ran)
	}
	if got := h.m.ed.Value(); got != "echo a\necho b" {
		t.Errorf("pasted text = %q", got)
	}
	h.keys("\r")
	if !slices.Equal(f.ran, []string{"echo a\necho b"}) {
		t.Errorf("ran %q", f.ran)
	}
}

func TestCtrlCDropsTheLine(t *testing.T) {
	f := newFake()
	h := newHarness(t, f)
	h.keys("ls -l\x03")
	if got := h.lastPrinted(); got != "~/src rules ❯ ls -l^C" {
		t.Errorf("scrollback after Ctrl-C = %q", got)
	}
	if h.m.ed.Value() != "" || len(f.ran) != 0 {
		t.Errorf("after Ctrl-C: line %q, ran %q", h.m.ed.Value(), f.ran)
	}
	h.send(InterruptMsg{})
	if got := h.lastPrinted(); got != "~/src rules ❯ ^C" {
		t.Errorf("SIGINT at the prompt: %q", got)
	}
}

func TestCtrlD(t *testing.T) {
	f := newFake()
	h := newHarness(t, f)
	h.keys("lss\x02\x04")
	if got := h.m.ed.Value(); got != "ls" || h.quit {
		t.Errorf("Ctrl-D on a line: %q, quit %v; want the character deleted", got, h.quit)
	}
	h.keys("\x15\x04")
	if !h.quit || h.lastPrinted() != "~/src rules ❯ exit" {
		t.Errorf("Ctrl-D on an empty line: quit %v, printed %q", h.quit, h.lastPrinted())
	}

	f = newFake()
	f.facts.IgnoreEOF = true
	h = newHarness(t, f)
	h.keys("\x04")
	if h.quit || !strings.Contains(h.lastPrinted(), `Use "exit"`) {
		t.Errorf("ignoreeof: quit %v, printed %q", h.quit, h.lastPrinted())
	}
}

func TestExitEndsTheProgram(t *testing.T) {
	f := newFake()
	f.exitLine = "exit"
	f.commands["exit"] = true
	f.notices = []string{"[1]+  Done   sleep 1"}
	h := newHarness(t, f)
	h.keys("exit\r")
	if !h.quit {
		t.Error("exit did not end the program")
	}
	if !slices.Contains(h.printed, "[1]+  Done   sleep 1") {
		t.Errorf("job notices not shown: %q", h.printed)
	}
}

func TestCtrlL(t *testing.T) {
	h := newHarness(t, newFake())
	h.keys("ls\x0c")
	if h.lastPrinted() != "<clear>" || h.m.ed.Value() != "ls" {
		t.Errorf("Ctrl-L: printed %q, line %q", h.printed, h.m.ed.Value())
	}
}

func TestHistoryUpDown(t *testing.T) {
	f := newFake()
	h := newHarness(t, f)
	for _, c := range []string{"git status", "ls -l", "git log", "echo hi"} {
		h.hist.Add(history.Entry{Command: c})
	}
	h.keys("\x1b[A")
	if got := h.m.ed.Value(); got != "echo hi" {
		t.Errorf("Up: %q", got)
	}
	h.keys("\x1b[A\x1b[A")
	if got := h.m.ed.Value(); got != "ls -l" {
		t.Errorf("Up Up Up: %q", got)
	}
	h.keys("\x1b[B")
	if got := h.m.ed.Value(); got != "git log" {
		t.Errorf("then Down: %q", got)
	}
	h.keys("\x1b[B\x1b[B")
	if got := h.m.ed.Value(); got != "" {
		t.Errorf("Down past the newest: %q, want the empty line back", got)
	}
	// A typed prefix walks only what starts with it, and comes back.
	h.keys("git\x1b[A")
	if got := h.m.ed.Value(); got != "git log" {
		t.Errorf("git Up: %q", got)
	}
	h.keys("\x10") // Ctrl-P
	if got := h.m.ed.Value(); got != "git status" {
		t.Errorf("git Up Ctrl-P: %q", got)
	}
	h.keys("\x1b[A")
	if got := h.m.ed.Value(); got != "git status" {
		t.Errorf("Up past the oldest match moved to %q", got)
	}
	h.keys("\x0e\x0e") // Ctrl-N
	if got := h.m.ed.Value(); got != "git" {
		t.Errorf("back down: %q, want the typed prefix", got)
	}
	// Editing ends the walk: Up then starts from the edited line.
	h.keys("\x15echo\x1b[A")
	if got := h.m.ed.Value(); got != "echo hi" {
		t.Errorf("echo Up: %q", got)
	}
}

func TestUpMovesInsideAMultiLineCommand(t *testing.T) {
	h := newHarness(t, newFake())
	h.hist.Add(history.Entry{Command: "from history"})
	h.send(tea.PasteMsg{Content: "for f in *\ndo echo $f\ndone"})
	h.keys("\x1b[A")
	if h.m.ed.Line() != 1 || h.m.ed.Value() != "for f in *\ndo echo $f\ndone" {
		t.Errorf("Up in a 3-line command: line %d, text %q", h.m.ed.Line(), h.m.ed.Value())
	}
	h.keys("\x1b[A\x1b[A")
	if got := h.m.ed.Value(); got != "from history" {
		t.Errorf("Up from the first line: %q, want the history", got)
	}
}

func TestRecalledRequestKeepsItsRequest(t *testing.T) {
	f := newFake()
	h := newHarness(t, f)
	h.hist.Add(history.Entry{Command: "du -sh *", Request: "show disk usage"})
	h.keys("\x1b[A\r")
	all := h.hist.All()
	last := all[len(all)-1]
	if last.Command != "du -sh *" || last.Request != "show disk usage" {
		t.Errorf("re-running a recalled command saved %+v", last)
	}
}

func TestSearch(t *testing.T) {
	f := newFake()
	h := newHarness(t, f)
	h.hist.Add(history.Entry{Command: "du -sh * | sort -h", Request: "show disk usage"})
	h.hist.Add(history.Entry{Command: "df -h"})
	h.hist.Add(history.Entry{Command: "ls -l"})
	h.keys("typed\x12")
	h.keys("d")
	if got := h.screen(); got != "(search) d: df -h" {
		t.Errorf("search for d: %q", got)
	}
	h.keys("\x12")
	if got := h.screen(); got != "(search) d: du -sh * | sort -h\n  from: show disk usage" {
		t.Errorf("Ctrl-R again: %q", got)
	}
	h.keys("\x12")
	if got := h.screen(); got != "(search) d: du -sh * | sort -h\n  from: show disk usage" {
		t.Errorf("Ctrl-R past the oldest match: %q", got)
	}
	h.keys("\x7f" + "disk")
	if got := h.screen(); !strings.HasPrefix(got, "(search) disk: du -sh") {
		t.Errorf("matching the request's words: %q", got)
	}
	h.keys("zzz")
	if got := h.screen(); !strings.HasPrefix(got, "(failed search) diskzzz: ") {
		t.Errorf("no match: %q", got)
	}
	h.keys("\x1b")
	if got := h.m.ed.Value(); got != "typed" || h.m.state != stateEdit {
		t.Errorf("Esc: line %q, want the line from before the search", got)
	}
	// Enter runs the match; Right takes it to edit.
	h.keys("\x15\x12ls\r")
	if !slices.Equal(f.ran, []string{"ls -l"}) {
		t.Errorf("Enter on a match ran %q", f.ran)
	}
	h.keys("\x12df\x1b[C")
	if got := h.m.ed.Value(); got != "df -h" || h.m.state != stateEdit {
		t.Errorf("Right on a match: line %q, state %d", got, h.m.state)
	}
}

func TestCompletion(t *testing.T) {
	for _, tc := range []struct{ name, input, want string }{
		{"unique command", "gitk\t", "gitk |"},
		{"command prefix grows", "gi\t", "git|"},
		{"command after a pipe", "ls | gr\t", "ls | grep |"},
		{"unique file", "cat not\t", "cat notes|"},
		{"file with a dash", "cat notes-\t", "cat notes-old.txt |"},
		{"directory with a space", "cat My\t", "cat My\\ Documents/|"},
		{"inside double quotes", "cat \"My\t", "cat \"My Documents/|"},
		{"inside single quotes", "cat 'not\t", "cat 'notes|"},
		{"closing a quote", "cat 'notes-\t", "cat 'notes-old.txt' |"},
		{"variable", "echo $PA\t", "echo $PATH |"},
		{"braced variable", "echo ${PA\t", "echo ${PATH}|"},
		{"variable in double quotes", "echo \"$HOM\t", "echo \"$HOME|"},
		{"nothing matches", "cat zz\t", "cat zz|"},
		{"in the middle of a line", "cat not\x02\x02\x02\t", "cat |not"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, newFake())
			h.keys(tc.input)
			got := h.m.ed.Value()[:h.m.ed.Cursor()] + "|" + h.m.ed.Value()[h.m.ed.Cursor():]
			if tc.name == "in the middle of a line" {
				// The word before the cursor is empty: every file is a
				// candidate, listed, and nothing is inserted.
				if got != tc.want || !strings.Contains(h.screen(), "notes.txt") {
					t.Errorf("%q: %q, screen %q", tc.input, got, h.screen())
				}
				return
			}
			if got != tc.want {
				t.Errorf("%q completes to %q, want %q", tc.input, got, tc.want)
			}
		})
	}
}

func TestCompletionList(t *testing.T) {
	h := newHarness(t, newFake())
	h.keys("cat M\t")
	if got := h.m.ed.Value(); got != "cat M" {
		t.Fatalf("ambiguous Tab changed the line to %q", got)
	}
	screen := h.screen()
	if !strings.Contains(screen, "\nMusic/") || !strings.Contains(screen, "My Documents/") {
		t.Errorf("no list of candidates:\n%s", screen)
	}
	h.keys("\t")
	if got := h.m.ed.Value(); got != `cat Music/` {
		t.Errorf("Tab into the list: %q", got)
	}
	h.keys("\t")
	if got := h.m.ed.Value(); got != `cat My\ Documents/` {
		t.Errorf("Tab to the next: %q", got)
	}
	h.keys("\x1b[Z")
	if got := h.m.ed.Value(); got != `cat Music/` {
		t.Errorf("Shift-Tab back: %q", got)
	}
	h.keys("\x1b")
	if got := h.m.ed.Value(); got != "cat M" || strings.Contains(h.screen(), "Music") {
		t.Errorf("Esc: line %q, screen %q; want the word as it was and no list", got, h.screen())
	}
	h.keys("\t\tx")
	if got := h.m.ed.Value(); got != "cat Music/x" || strings.Contains(h.screen(), "Documents") {
		t.Errorf("typing after choosing: line %q, screen %q", got, h.screen())
	}
}

func TestHighlightingHint(t *testing.T) {
	h := newHarness(t, newFake())
	h.keys("ls")
	if strings.Contains(h.screen(), "✦") {
		t.Errorf("a command shows the natural-language symbol: %q", h.screen())
	}
	h.keys("\x15what is using my disk")
	if got := h.screen(); got != "~/src rules ✦ what is using my disk" {
		t.Errorf("natural language: %q, want the ✦ symbol", got)
	}
	if raw := h.m.View().Content; !strings.Contains(raw, h.m.st.Natural.Render("what is using my disk")) {
		t.Errorf("the request is not in the natural-language style: %q", raw)
	}
}

func TestNaturalLanguageConfirmRuns(t *testing.T) {
	f := newFake()
	h := newHarness(t, f)
	h.keys("? list files\r")
	screen := h.screen()
	for _, want := range []string{"~/src rules ✦ ? list files", "read-only", "ls -la", "List every file here, hidden ones too.", "⏎ run", "e edit", "x explain", "esc cancel"} {
		if !strings.Contains(screen, want) {
			t.Errorf("card lacks %q:\n%s", want, screen)
		}
	}
	if strings.Contains(screen, "run as typed") {
		t.Errorf("a ?-request offers to run as typed:\n%s", screen)
	}
	h.keys("\r")
	if len(f.performed) != 1 || f.performed[0].Command != "ls -la" {
		t.Fatalf("performed %+v", f.performed)
	}
	if got := h.lastPrinted(); !strings.Contains(got, "? list files") || !strings.Contains(got, "→ ls -la") {
		t.Errorf("scrollback after running: %q", got)
	}
	all := h.hist.All()
	if len(all) != 2 || all[0].Command != "? list files" || all[1].Command != "ls -la" || all[1].Request != "list files" {
		t.Errorf("history = %+v, want the request as typed, then the command with its request", all)
	}
	if h.m.state != stateEdit {
		t.Errorf("not back at the prompt: state %d", h.m.state)
	}
}

func TestConfirmNeedsTypedYes(t *testing.T) {
	f := newFake()
	f.proposal = Proposal{Kind: KindCommand, Command: "rm -r build", Explanation: "Delete the build folder.",
		Risk: risk.Rating{Level: risk.Deletes, Reasons: []string{"rm -r removes files for good"}}, Source: "rules"}
	h := newHarness(t, f)
	h.keys("? clean the build\r")
	screen := h.screen()
	for _, want := range []string{"deletes", "rm -r removes files for good", "yes ⏎ run", "Rated deletes: type yes to run it:"} {
		if !strings.Contains(screen, want) {
			t.Errorf("card lacks %q:\n%s", want, screen)
		}
	}
	h.keys("\r")
	if len(f.performed) != 0 {
		t.Fatal("Enter alone ran a deleting command")
	}
	if !strings.Contains(h.screen(), `type "yes" to run it`) {
		t.Errorf("no hint after a bare Enter:\n%s", h.screen())
	}
	h.keys("ye")
	if c := h.m.View().Cursor; c == nil {
		t.Error("no cursor in the yes field")
	}
	h.keys("p\r")
	if len(f.performed) != 0 {
		t.Fatal(`"yep" ran a deleting command`)
	}
	h.keys("yes\r")
	if len(f.performed) != 1 {
		t.Fatal(`"yes" did not run it`)
	}
}

func TestConfirmEditExplainCancel(t *testing.T) {
	f := newFake()
	f.explain = "explained: "
	h := newHarness(t, f)
	h.keys("? list files\rx")
	if !strings.Contains(h.screen(), "explained: ls -la") {
		t.Errorf("x did not explain:\n%s", h.screen())
	}
	h.keys("e")
	if got := h.m.ed.Value(); got != "ls -la" || h.m.state != stateEdit {
		t.Fatalf("e: line %q, state %d", got, h.m.state)
	}
	h.keys(" | less\r")
	if !slices.Equal(f.ran, []string{"ls -la | less"}) {
		t.Errorf("ran %q", f.ran)
	}
	all := h.hist.All()
	if last := all[len(all)-1]; last.Command != "ls -la | less" || last.Request != "list files" {
		t.Errorf("an edited proposal is saved as %+v, want it with its request", last)
	}

	h.keys("? list files\r\x1b")
	if len(f.performed) != 0 || h.m.state != stateEdit || !strings.Contains(h.lastPrinted(), "cancelled") {
		t.Errorf("Esc: performed %d, state %d, printed %q", len(f.performed), h.m.state, h.lastPrinted())
	}
}

func TestConfirmRunAsTyped(t *testing.T) {
	f := newFake()
	h := newHarness(t, f)
	h.keys("find big files here\r")
	if !strings.Contains(h.screen(), "t run as typed") {
		t.Fatalf("no run-as-typed for a line that starts with a command:\n%s", h.screen())
	}
	h.keys("t")
	if !slices.Equal(f.ran, []string{"find big files here"}) || len(f.performed) != 0 {
		t.Errorf("t: ran %q, performed %d", f.ran, len(f.performed))
	}
	h.keys("? list files\rt")
	if len(f.ran) != 1 || h.m.state != stateConfirm {
		t.Errorf("t on a ?-request: ran %q, state %d; want nothing", f.ran, h.m.state)
	}
}

func TestAnswersAndErrors(t *testing.T) {
	f := newFake()
	f.proposal = Proposal{Kind: KindAnswer, Text: "The load average is the number of runnable tasks.", Source: "rules"}
	h := newHarness(t, f)
	h.keys("? what is load average\r")
	if got := h.lastPrinted(); !strings.Contains(got, "runnable tasks") || h.m.state != stateEdit || h.m.ed.Value() != "" {
		t.Errorf("answer: printed %q, state %d, line %q", got, h.m.state, h.m.ed.Value())
	}

	f.proposal = Proposal{Kind: KindClarify, Text: "Which folder?"}
	h.keys("? delete the old ones\r")
	if got := h.lastPrinted(); !strings.Contains(got, "Which folder?") || h.m.ed.Value() != "? delete the old ones" {
		t.Errorf("clarify: printed %q, line %q; want the question and the request kept", got, h.m.ed.Value())
	}

	f.err = errors.New("the model file is truncated")
	h.keys("\x15? anything\r")
	if got := h.lastPrinted(); !strings.Contains(got, "lsh: the model file is truncated") || h.m.ed.Value() != "? anything" {
		t.Errorf("error: printed %q, line %q", got, h.m.ed.Value())
	}
}

func TestResolveProgressAndCancel(t *testing.T) {
	f := newFake()
	f.block = true
	h := newHarness(t, f)
	h.goAsync = true
	h.keys("? summarise the logs\r")
	h.wait("the progress report", func() bool { return strings.Contains(h.screen(), "12.5 tok/s") })
	if got := h.screen(); !strings.Contains(got, "7 tokens") || !strings.Contains(got, "esc to cancel") {
		t.Errorf("spinner line: %q", got)
	}
	h.send(progressMsg{id: h.m.res.id, p: Progress{Phase: "generating", Text: "The logs show three restarts"}})
	if !strings.Contains(h.screen(), "The logs show three restarts") {
		t.Errorf("streamed text not shown:\n%s", h.screen())
	}
	h.keys("\x1b")
	// Cancelling is immediate: the prompt is back with the request on it.
	if h.m.state != stateEdit || h.m.ed.Value() != "? summarise the logs" {
		t.Fatalf("after Esc: state %d, line %q", h.m.state, h.m.ed.Value())
	}
	h.wait("the engine to see the cancel", func() bool {
		select {
		case <-f.cancelled:
			return true
		default:
			return false
		}
	})
	// The cancelled request's late reply changes nothing.
	h.send(resolvedMsg{id: h.m.seq, prop: f.proposal})
	if h.m.state != stateEdit {
		t.Errorf("a cancelled request's reply opened state %d", h.m.state)
	}
}

func TestNoColor(t *testing.T) {
	st, err := NewStyles(StyleOptions{NoColor: true})
	if err != nil {
		t.Fatal(err)
	}
	f := newFake()
	f.facts.Status = 2
	f.facts.Branch = "main"
	h := newHarness(t, f, func(o *Options) { o.Styles = st })
	h.keys("ls -l 'x' $HOME | nosuch\r")
	h.keys("? list files\r")
	for _, view := range []string{h.printed[0], h.m.View().Content} {
		if strings.Contains(view, "[38;") || strings.Contains(view, "[48;") || strings.Contains(view, ";38;") || strings.Contains(view, ";48;") {
			t.Errorf("NO_COLOR view has colours: %q", view)
		}
	}
	colored := newHarness(t, f)
	colored.keys("? list files\r")
	if !strings.Contains(colored.m.View().Content, "38;") {
		t.Error("the coloured theme has no colours, so the NO_COLOR test proves nothing")
	}
}

func TestProceedRunsWithoutACard(t *testing.T) {
	f := newFake()
	f.proposal = Proposal{Kind: KindAction, Command: "diagnose", Action: "diagnose", Proceed: true,
		Risk: risk.Rating{Level: risk.ReadOnly}, Source: "rules", Warnings: []string{"config.toml:3: source = \"fast\": use auto, rules or model"}}
	h := newHarness(t, f)
	h.keys("? my computer feels slow\r")
	if len(f.performed) != 1 || f.performed[0].Command != "diagnose" {
		t.Fatalf("an action that proceeds: performed %+v", f.performed)
	}
	printed := strings.Join(h.printed, "\n")
	for _, want := range []string{"? my computer feels slow", "lsh: config.toml:3", "→ diagnose"} {
		if !strings.Contains(printed, want) {
			t.Errorf("scrollback lacks %q:\n%s", want, printed)
		}
	}
}

func TestCardSaysWhyALineWasARequest(t *testing.T) {
	h := newHarness(t, newFake())
	h.keys("find big files here\r")
	if !strings.Contains(h.screen(), "lsh read your line as a request (reads like English); t runs it as typed.") {
		t.Errorf("the card does not say why:\n%s", h.screen())
	}
	h.keys("\x1b? list files\r")
	if strings.Contains(h.screen(), "read your line as a request") {
		t.Errorf("a ?-request is explained as a misreading:\n%s", h.screen())
	}
}

func TestNoticesBeforeTheNextPrompt(t *testing.T) {
	f := newFake()
	h := newHarness(t, f)
	f.facts.Jobs = 1
	h.keys("ls\r")
	if got := h.screen(); got != "~/src &1 rules ❯ " {
		t.Errorf("prompt with a job running: %q", got)
	}
	f.notices = []string{"[1]+  Done                    sleep 1"}
	h.keys("\r")
	if got := h.lastPrinted(); !strings.Contains(got, "[1]+  Done") {
		t.Errorf("an empty Enter does not show finished jobs: %q", got)
	}
	if got := h.screen(); got != "~/src rules ❯ " {
		t.Errorf("the prompt still counts the finished job: %q", got)
	}
	f.facts.Jobs = 1
	h.keys("ls\r")
	f.notices = []string{"[1]+  Done                    sleep 1"}
	h.keys("ls\r")
	if got := h.screen(); got != "~/src rules ❯ " || !slices.Contains(h.printed, "[1]+  Done                    sleep 1") {
		t.Errorf("after a command: prompt %q, printed %q", got, h.printed)
	}
}
