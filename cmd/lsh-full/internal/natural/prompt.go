package natural

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Reply is the person's answer to a card.
type Reply struct {
	Choice Choice
	// Line is the edited command, for Edit.
	Line string
}

// Asker shows a card and returns the person's reply; nil where there is
// no terminal to ask on. Explain is answered by the asker itself (it shows
// the explanation and asks again), so it is never returned.
type Asker func(ctx context.Context, c Card) (Reply, error)

// Prompter is the plain card: the intent as lines of text and a question
// answered with a line typed on a terminal. The plain REPL asks on its
// terminal, one-shot `lsh -c '? …'` and the llama builtin on /dev/tty.
type Prompter struct {
	// In is read a byte at a time, so nothing past the reply is taken
	// from input that commands read next.
	In  io.Reader
	Out io.Writer
	// Explain explains a command for the "explain" key; nil means
	// ExplainText.
	Explain func(command string) string
}

// Confirm shows the card and reads replies until one is a choice.
// Explain shows the explanation and asks again; edit reads the new
// command. End of input is Cancel.
func (p Prompter) Confirm(ctx context.Context, c Card) (Reply, error) {
	p.show(c)
	for {
		if err := ctx.Err(); err != nil {
			return Reply{}, err
		}
		fmt.Fprint(p.Out, c.Prompt())
		line, err := readLine(p.In)
		if ctx.Err() != nil {
			// Ctrl-C while the card waited: the line typed after it is
			// not an answer to this card.
			return Reply{Choice: Cancel}, ctx.Err()
		}
		if errors.Is(err, io.EOF) && line == "" {
			fmt.Fprintln(p.Out)
			return Reply{Choice: Cancel}, nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return Reply{}, err
		}
		ch, why, ok := c.Parse(line)
		if !ok {
			fmt.Fprintf(p.Out, "%s (%s)\n", why, c.Legend())
			continue
		}
		switch ch {
		case Explain:
			explain := p.Explain
			if explain == nil {
				explain = ExplainText
			}
			fmt.Fprintln(p.Out, indent(explain(c.Intent.Command), "  "))
			continue
		case Edit:
			fmt.Fprintf(p.Out, "Type the command to run instead (Enter alone goes back):\n  %s\n> ", c.Intent.Command)
			edited, err := readLine(p.In)
			if err != nil && !errors.Is(err, io.EOF) {
				return Reply{}, err
			}
			if strings.TrimSpace(edited) == "" {
				continue
			}
			return Reply{Choice: Edit, Line: strings.TrimSpace(edited)}, nil
		}
		return Reply{Choice: ch}, nil
	}
}

// show writes the card.
func (p Prompter) show(c Card) {
	in := c.Intent
	if c.Guard {
		fmt.Fprintln(p.Out, "lsh: the guard (set -o guard) stops this line until you confirm it:")
	}
	w := &strings.Builder{}
	writeField(w, "command", in.Command)
	if in.Explanation != "" && !c.Guard {
		writeField(w, "does", in.Explanation)
	}
	writeField(w, "risk", riskLine(in))
	if in.Risk.Alternative != "" {
		writeField(w, "safer", in.Risk.Alternative)
	}
	if c.Line != "" && c.Line != in.Command {
		writeField(w, "you typed", c.Line+"  (t runs it as typed)")
	}
	fmt.Fprint(p.Out, indent(w.String(), "  "))
}

// indent puts prefix before every non-empty line of s.
func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// readLine reads one line without its newline, a byte at a time.
func readLine(r io.Reader) (string, error) {
	var buf []byte
	var b [1]byte
	for {
		n, err := r.Read(b[:])
		if n == 1 {
			if b[0] == '\n' {
				return strings.TrimSuffix(string(buf), "\r"), nil
			}
			buf = append(buf, b[0])
		}
		if err != nil {
			return string(buf), err
		}
	}
}
