package natural

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/llamashell/lsh/intents"
)

// WriteJSON writes the intent as one JSON object on one line: what
// `lsh --dry-run --json -c LINE` prints (docs/intents.md).
func WriteJSON(w io.Writer, in intents.Intent) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(in)
}

// WriteHuman writes the intent for a person: what `lsh --dry-run -c
// LINE` prints, and what a refused command shows on standard error.
func WriteHuman(w io.Writer, in intents.Intent) {
	for _, f := range fields(in) {
		writeField(w, f.name, f.value)
	}
}

type field struct{ name, value string }

// fields are the intent's lines, in the order a person reads them.
func fields(in intents.Intent) []field {
	fs := []field{{"kind", string(in.Kind)}}
	switch in.Kind {
	case intents.KindCommand, intents.KindShell:
		fs = append(fs, field{"command", in.Command})
	case intents.KindAction:
		if in.Action != nil {
			fs = append(fs, field{"action", in.Action.CommandLine()})
		}
	case intents.KindAnswer:
		fs = append(fs, field{"answer", in.Text})
	case intents.KindClarify:
		fs = append(fs, field{"question", in.Text})
	}
	if in.Explanation != "" {
		fs = append(fs, field{"explanation", in.Explanation})
	}
	fs = append(fs, field{"risk", riskLine(in)})
	if in.Risk.Alternative != "" {
		fs = append(fs, field{"safer", in.Risk.Alternative})
	}
	src := string(in.Source)
	var about []string
	if in.Rule != "" {
		about = append(about, "rule "+in.Rule)
	}
	if in.Confidence > 0 {
		about = append(about, "confidence "+strconv.FormatFloat(in.Confidence, 'f', 2, 64))
	}
	if len(about) > 0 {
		src += " (" + strings.Join(about, ", ") + ")"
	}
	fs = append(fs, field{"source", src})
	if in.Request != "" {
		fs = append(fs, field{"request", in.Request})
	}
	return fs
}

// riskLine is the level and its reasons: "deletes: rm deletes a.txt; …".
func riskLine(in intents.Intent) string {
	s := string(in.Risk.Level)
	if len(in.Risk.Reasons) > 0 {
		s += ": " + strings.Join(in.Risk.Reasons, "\n")
	}
	return s
}

// writeField writes "name   value", continuation lines indented under the
// value.
func writeField(w io.Writer, name, value string) {
	lines := strings.Split(strings.TrimRight(value, "\n"), "\n")
	fmt.Fprintf(w, "%-12s %s\n", name, lines[0])
	for _, l := range lines[1:] {
		fmt.Fprintf(w, "%-12s %s\n", "", l)
	}
}
