package natural

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/llamashell/lsh/intents"
	"github.com/llamashell/lsh/intents/classify"
	"github.com/llamashell/lsh/intents/risk"
)

// fixed resolves every request to one intent.
type fixed struct{ in intents.Intent }

func (f fixed) Resolve(ctx context.Context, req intents.Request, _ func(intents.Progress)) (intents.Intent, error) {
	in := f.in
	in.Request = req.Text
	return in, nil
}

// recorder is a Runner that records what it was asked to run.
type recorder struct{ ran []string }

func (r *recorder) Command(ctx context.Context, command, request string) int {
	r.ran = append(r.ran, "command:"+command+" for:"+request)
	return 7
}

func (r *recorder) Typed(ctx context.Context, line string) int {
	r.ran = append(r.ran, "typed:"+line)
	return 8
}

// replies is an Asker answering from a list, recording the cards shown.
type replies struct {
	list  []Reply
	cards []Card
}

func (r *replies) ask(ctx context.Context, c Card) (Reply, error) {
	r.cards = append(r.cards, c)
	if len(r.list) == 0 {
		return Reply{}, errors.New("no more replies")
	}
	rep := r.list[0]
	r.list = r.list[1:]
	return rep, nil
}

// TestFlow takes requests through resolve, decide, ask and run with fakes
// for each: what runs, what status comes back, what is printed.
func TestFlow(t *testing.T) {
	read := commandIntent("ls -la", risk.ReadOnly)
	boom := commandIntent("rm -rf /", risk.SystemDestroying)
	action := intents.Intent{Kind: intents.KindAction, Action: &intents.Action{Name: "diagnose"}, Risk: risk.Rating{Level: risk.ReadOnly}, Source: intents.SourceRules}
	clarify := intents.Intent{Kind: intents.KindClarify, Text: "Which file?", Risk: risk.Rating{Level: risk.ReadOnly}, Source: intents.SourceRules}
	answer := intents.Intent{Kind: intents.KindAnswer, Text: "It is 42.", Risk: risk.Rating{Level: risk.ReadOnly}, Source: intents.SourceRules}
	typed := classify.Result{Natural: true, Resolvable: true, Request: "ls the files"}
	cases := []struct {
		name     string
		in       intents.Intent
		yes      Yes
		terminal bool
		replies  []Reply
		res      classify.Result
		line     string
		status   int
		ran      []string
		stdout   string
		stderr   []string
	}{
		{name: "no terminal", in: read, status: StatusNotConfirmed,
			stderr: []string{"command      ls -la", "not run: it needs confirmation and there is no terminal"}},
		{name: "--yes", in: read, yes: YesAll, status: 7, ran: []string{"command:ls -la for:req"}},
		{name: "--yes and system-destroying", in: boom, yes: YesAll, status: StatusNotConfirmed,
			stderr: []string{"which --yes does not cover (--yes=force does)"}},
		{name: "--yes=force", in: boom, yes: YesForce, status: 7, ran: []string{"command:rm -rf / for:req"}},
		{name: "an action runs without asking", in: action, status: 7, ran: []string{"command:diagnose for:req"}},
		{name: "a question back", in: clarify, status: StatusClarify, stdout: "Which file?\n"},
		{name: "an answer", in: answer, status: 0, stdout: "It is 42.\n"},
		{name: "confirmed", in: read, terminal: true, replies: []Reply{{Choice: Run}}, status: 7, ran: []string{"command:ls -la for:req"}},
		{name: "cancelled", in: read, terminal: true, replies: []Reply{{Choice: Cancel}}, status: StatusCancelled,
			stderr: []string{"cancelled; nothing ran"}},
		{name: "run as typed", in: read, terminal: true, replies: []Reply{{Choice: RunAsTyped}}, res: typed, line: " ls the files ",
			status: 8, ran: []string{"typed:ls the files"}},
		{name: "edited, then confirmed", in: boom, terminal: true, replies: []Reply{{Choice: Edit, Line: "ls /"}, {Choice: Run}},
			status: 7, ran: []string{"command:ls / for:req"}},
		{name: "the terminal fails", in: read, terminal: true, status: StatusNotConfirmed,
			stderr: []string{"cannot ask: no more replies", "not run"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb strings.Builder
			rec := &recorder{}
			rep := &replies{list: tc.replies}
			f := &Flow{Engine: EngineWith(fixed{tc.in}), Yes: tc.yes, Stdout: &out, Stderr: &errb}
			if tc.terminal {
				f.Ask = rep.ask
			}
			status := f.Do(context.Background(), intents.Request{Text: "req"}, tc.res, tc.line, rec)
			if status != tc.status {
				t.Errorf("status %d, want %d", status, tc.status)
			}
			if !slices.Equal(rec.ran, tc.ran) {
				t.Errorf("ran %q, want %q", rec.ran, tc.ran)
			}
			if out.String() != tc.stdout {
				t.Errorf("stdout %q, want %q", out.String(), tc.stdout)
			}
			for _, s := range tc.stderr {
				if !strings.Contains(errb.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, errb.String())
				}
			}
		})
	}
}

// TestFlowCards checks what the cards offer: run as typed only for a
// resolvable line that was not an explicit request, and an edited command
// rated anew.
func TestFlowCards(t *testing.T) {
	rep := &replies{list: []Reply{{Choice: Edit, Line: "rm -rf ~"}, {Choice: Cancel}}}
	f := &Flow{Engine: EngineWith(fixed{commandIntent("ls", risk.ReadOnly)}), Ask: rep.ask, Stdout: &strings.Builder{}, Stderr: &strings.Builder{}}
	f.Do(context.Background(), intents.Request{Text: "list", Home: "/home/someone"}, classify.Result{Natural: true, Resolvable: true}, "ls the files", &recorder{})
	if len(rep.cards) != 2 {
		t.Fatalf("%d cards shown", len(rep.cards))
	}
	if c := rep.cards[0]; c.Line != "ls the files" || !c.offers(RunAsTyped) {
		t.Errorf("first card: line %q, keys %v", c.Line, c.Keys())
	}
	if c := rep.cards[1]; c.Intent.Command != "rm -rf ~" || c.Intent.Risk.Level != risk.SystemDestroying || !c.TypedYes() {
		t.Errorf("edited card: %+v", c.Intent)
	}
	explicit := NewCard(commandIntent("ls", risk.ReadOnly), classify.Result{Natural: true, Explicit: true, Resolvable: true}, "llama list")
	if explicit.offers(RunAsTyped) {
		t.Error("an explicit request offers run as typed")
	}
}

// TestGuard rates typed programs: only system-destroying ones are stopped,
// refused without a terminal, let through by --yes=force or a typed yes.
func TestGuard(t *testing.T) {
	where := func() (string, string) { return "/tmp", "/home/someone" }
	parse := func(src string) *fileT { return mustParse(t, src) }
	ctx := context.Background()

	noTTY := Guard(YesAsk, nil, where)
	if err := noTTY(ctx, parse("rm -rf build")); err != nil {
		t.Errorf("a deletion was stopped: %v", err)
	}
	err := noTTY(ctx, parse("rm -rf ~"))
	var ge *GuardError
	if !errors.As(err, &ge) || ge.ExitStatus() != StatusNotConfirmed || !strings.Contains(ge.Error(), "rm -rf ~ is rated system-destroying") {
		t.Errorf("without a terminal: %v", err)
	}
	if err := Guard(YesAll, nil, where)(ctx, parse("rm -rf ~")); !errors.As(err, &ge) {
		t.Errorf("--yes let it through: %v", err)
	}
	if err := Guard(YesForce, nil, where)(ctx, parse("rm -rf ~")); err != nil {
		t.Errorf("--yes=force stopped it: %v", err)
	}
	yes := &replies{list: []Reply{{Choice: Run}}}
	if err := Guard(YesAsk, func() Asker { return yes.ask }, where)(ctx, parse("mkfs.ext4 /dev/sda1")); err != nil {
		t.Errorf("confirmed: %v", err)
	}
	if c := yes.cards[0]; !c.Guard || c.Intent.Kind != intents.KindShell || c.Intent.Command != "mkfs.ext4 /dev/sda1" {
		t.Errorf("guard card: %+v", c)
	}
	no := &replies{list: []Reply{{Choice: Cancel}}}
	err = Guard(YesAsk, func() Asker { return no.ask }, where)(ctx, parse("rm -rf ~"))
	if !errors.As(err, &ge) || ge.Status != StatusCancelled {
		t.Errorf("declined: %v", err)
	}
}

// TestMakeTargets reads the targets of a makefile.
func TestMakeTargets(t *testing.T) {
	dir := t.TempDir()
	if got := makeTargets(dir); got != nil {
		t.Errorf("no makefile: %v", got)
	}
	mk := "# comment\nCC := gcc\nVERSION=1\nall: build\n\nbuild test: main.go\n\tgo build\n.PHONY: all test\ninstall:\n\tcp a b\n%.o: %.c\n"
	os.WriteFile(filepath.Join(dir, "Makefile"), []byte(mk), 0o644)
	want := []string{"all", "build", "test", "install"}
	if got := makeTargets(dir); !slices.Equal(got, want) {
		t.Errorf("targets %q, want %q", got, want)
	}
}
