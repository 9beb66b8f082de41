package builtins

import (
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/term"
)

// textWidth is the width to wrap a builtin's prose to: the terminal's
// columns when out is one, else $COLUMNS when the shell has it, else 0
// (no wrapping: output for pipes and files keeps one line per item, for
// grep).
func textWidth(env *Env, out io.Writer) int {
	if f, ok := out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	if n, err := strconv.Atoi(getenv(env, "COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 0
}

// hanging writes label, padded to indent columns, then text wrapped to
// width with its continuation lines indented as far, so that a long line
// never breaks inside a word where the terminal would cut it. width 0
// writes text on one line.
func hanging(w io.Writer, label string, indent int, text string, width int) {
	pad := strings.Repeat(" ", indent)
	first := (label + pad)[:max(indent, len(label))]
	if width-indent < 20 {
		io.WriteString(w, first+text+"\n")
		return
	}
	lines := strings.Split(ansi.Wrap(text, width-indent, ""), "\n")
	io.WriteString(w, first+lines[0]+"\n")
	for _, l := range lines[1:] {
		io.WriteString(w, pad+l+"\n")
	}
}
