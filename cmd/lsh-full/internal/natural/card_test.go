package natural

import (
	"context"
	"strings"
	"testing"

	"github.com/llamashell/lsh/intents"
	"github.com/llamashell/lsh/intents/classify"
	"github.com/llamashell/lsh/intents/risk"
)

func commandIntent(cmd string, level risk.Level) intents.Intent {
	return intents.Intent{Kind: intents.KindCommand, Command: cmd, Explanation: "does " + cmd,
		Risk: risk.Rating{Level: level, Reasons: []string{"because"}}, Source: intents.SourceRules, Request: "do it"}
}

// TestCardParse reads replies as the plain card and the TUI do: Enter and
// y run what needs no typed yes, only "yes" runs from deletes up, and a
// choice the card does not offer is refused.
func TestCardParse(t *testing.T) {
	low := NewCard(commandIntent("ls", risk.ReadOnly), classify.Result{Natural: true, Resolvable: true}, "ls the files")
	high := NewCard(commandIntent("rm -r x", risk.Deletes), classify.Result{Natural: true, Explicit: true}, "? delete x")
	guard := Card{Intent: commandIntent("rm -rf /", risk.SystemDestroying), Guard: true}
	cases := []struct {
		card  Card
		reply string
		want  Choice
		ok    bool
	}{
		{low, "", Run, true},
		{low, "y", Run, true},
		{low, " YES ", Run, true},
		{low, "e", Edit, true},
		{low, "x", Explain, true},
		{low, "t", RunAsTyped, true},
		{low, "n", Cancel, true},
		{low, "q", Cancel, true},
		{low, "\x1b", Cancel, true},
		{low, "maybe", Cancel, false},
		{high, "", Cancel, false},
		{high, "y", Cancel, false},
		{high, "yes", Run, true},
		{high, "t", Cancel, false}, // an explicit request has no typed line
		{high, "e", Edit, true},
		{guard, "yes", Run, true},
		{guard, "e", Cancel, false},
		{guard, "x", Explain, true},
	}
	for _, tc := range cases {
		got, why, ok := tc.card.Parse(tc.reply)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%q on the %s card: %v %v (%s), want %v %v", tc.reply, tc.card.Intent.Risk.Level, got, ok, why, tc.want, tc.ok)
		}
		if !ok && why == "" {
			t.Errorf("%q refused without a reason", tc.reply)
		}
	}
	if p := low.Prompt(); p != "Run it? [y/e/x/t/n] " {
		t.Errorf("prompt %q", p)
	}
	if p := high.Prompt(); p != "Type yes to run it; [yes/e/x/n] " {
		t.Errorf("prompt %q", p)
	}
	if l := guard.Legend(); l != "yes run · x explain · n cancel" {
		t.Errorf("legend %q", l)
	}
}

// TestDecide is the policy table of docs/security.md.
func TestDecide(t *testing.T) {
	action := intents.Intent{Kind: intents.KindAction, Action: &intents.Action{Name: "diagnose"}}
	answer := intents.Intent{Kind: intents.KindAnswer, Text: "42"}
	clarify := intents.Intent{Kind: intents.KindClarify, Text: "which?"}
	read := commandIntent("ls", risk.ReadOnly)
	del := commandIntent("rm x", risk.Deletes)
	boom := commandIntent("rm -rf /", risk.SystemDestroying)
	cases := []struct {
		in       intents.Intent
		yes      Yes
		terminal bool
		want     Verdict
	}{
		{action, YesAsk, false, Proceed},
		{answer, YesAsk, false, Show},
		{clarify, YesForce, true, Show},
		{read, YesAsk, true, Confirm},
		{read, YesAsk, false, Refuse},
		{read, YesAll, false, Proceed},
		{del, YesAll, false, Proceed},
		{del, YesAsk, true, Confirm},
		{boom, YesAll, false, Refuse},
		{boom, YesAll, true, Confirm},
		{boom, YesForce, false, Proceed},
	}
	for _, tc := range cases {
		if got := Decide(tc.in, tc.yes, tc.terminal); got != tc.want {
			t.Errorf("Decide(%s %s, yes %d, terminal %v) = %d, want %d", tc.in.Kind, tc.in.Risk.Level, tc.yes, tc.terminal, got, tc.want)
		}
	}
	for v, want := range map[string]Yes{"": YesAll, "force": YesForce, "FORCE": YesForce, "no": YesAsk} {
		if got, err := ParseYes(v); got != want || err != nil {
			t.Errorf("ParseYes(%q) = %d, %v", v, got, err)
		}
	}
	if _, err := ParseYes("maybe"); err == nil {
		t.Error("ParseYes(maybe) accepted")
	}
}

// TestPrompter answers the plain card through a reader, as a person
// types at a terminal.
func TestPrompter(t *testing.T) {
	card := NewCard(commandIntent("rm notes.txt", risk.Deletes), classify.Result{Natural: true}, "? delete notes")
	cases := []struct {
		name  string
		input string
		want  Reply
		shows []string
	}{
		{"typed yes after y", "y\nyes\n", Reply{Choice: Run}, []string{"type yes to run it", "command      rm notes.txt", "risk         deletes: because"}},
		{"explain then no", "x\nn\n", Reply{Choice: Cancel}, []string{"EXPLAINED rm notes.txt"}},
		{"edit", "e\n\ne\nrm other.txt\n", Reply{Choice: Edit, Line: "rm other.txt"}, []string{"Type the command to run instead"}},
		{"end of input", "", Reply{Choice: Cancel}, nil},
		{"nonsense then cancel", "what\nn\n", Reply{Choice: Cancel}, []string{`"what" is not a choice (yes run · e edit · x explain · n cancel)`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			p := Prompter{In: strings.NewReader(tc.input), Out: &out, Explain: func(c string) string { return "EXPLAINED " + c }}
			got, err := p.Confirm(context.Background(), card)
			if err != nil || got != tc.want {
				t.Errorf("Confirm = %+v, %v; want %+v", got, err, tc.want)
			}
			for _, s := range tc.shows {
				if !strings.Contains(out.String(), s) {
					t.Errorf("output lacks %q:\n%s", s, out.String())
				}
			}
		})
	}
}

// TestWriteHuman checks the --dry-run layout of each kind.
func TestWriteHuman(t *testing.T) {
	in := commandIntent("rm x", risk.Deletes)
	in.Risk.Reasons = []string{"rm deletes x", "second reason"}
	in.Risk.Alternative = "rm -i x"
	in.Rule, in.Confidence = "edit.delete", 0.95
	var b strings.Builder
	WriteHuman(&b, in)
	want := `kind         command
command      rm x
explanation  does rm x
risk         deletes: rm deletes x
             second reason
safer        rm -i x
source       rules (rule edit.delete, confidence 0.95)
request      do it
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	WriteHuman(&b, intents.Intent{Kind: intents.KindAction, Action: &intents.Action{Name: "explain", Args: []string{"ls -la"}},
		Risk: risk.Rating{Level: risk.ReadOnly}, Source: intents.SourceRules})
	if !strings.Contains(b.String(), "action       explain 'ls -la'\n") || !strings.Contains(b.String(), "risk         read-only\n") {
		t.Errorf("action:\n%s", b.String())
	}
}
