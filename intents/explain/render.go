package explain

import (
	"strings"

	"github.com/llamashell/lsh/intents/internal/cmdline"
)

// String renders the explanation as plain text: the line, then one row
// per part, indented by depth, its text in a column and its meaning after.
func (ex Explanation) String() string {
	var sb strings.Builder
	sb.WriteString(ex.Source)
	sb.WriteString("\n")
	width := 0
	for _, p := range ex.Parts {
		if n := len([]rune(p.Text)) + 2*p.Depth; n > width {
			width = n
		}
	}
	width = min(width, 28)
	for _, p := range ex.Parts {
		text := strings.Repeat("  ", p.Depth) + p.Text
		sb.WriteString("  ")
		sb.WriteString(text)
		if pad := width - len([]rune(text)); pad > 0 {
			sb.WriteString(strings.Repeat(" ", pad))
		}
		sb.WriteString("  ")
		sb.WriteString(p.Meaning)
		if p.Unknown {
			sb.WriteString(" (?)")
		}
		sb.WriteString("\n")
	}
	if s := ex.Summary(); s != "" {
		sb.WriteString("In short: ")
		sb.WriteString(s)
		sb.WriteString("\n")
	}
	return sb.String()
}

// Summary says in one line what the whole line does, from the sentences of
// its top-level commands: "Finds files under ~/Downloads larger than 100
// MB, then sorts the lines numerically".
func (ex Explanation) Summary() string {
	var sb strings.Builder
	for _, c := range ex.Commands {
		if c.Depth != 0 || c.Sentence == "" {
			continue
		}
		s := c.Sentence
		switch {
		case sb.Len() == 0:
		case c.Join == "" || c.Join == ". ":
			sb.WriteString(". ")
		default:
			sb.WriteString(c.Join)
			s = lowerFirst(s)
		}
		sb.WriteString(s)
	}
	return sb.String()
}

func lowerFirst(s string) string {
	if s == "" || len(s) > 1 && s[1] >= 'A' && s[1] <= 'Z' {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// sentenceOf says what one invocation of a tool does.
func (w *walker) sentenceOf(t *Tool, key string, a cmdline.Args, join string) Command {
	c := Command{Name: key, Join: join}
	if t == nil {
		var ops []string
		for _, o := range a.Operands() {
			ops = append(ops, o.Text)
		}
		c.Sentence = "Runs " + key
		if len(ops) > 0 {
			c.Sentence += " on " + list(ops)
		}
		return c
	}
	c.Summary, c.From = t.Summary, t.From
	tmpl := ""
	nops := len(a.Operands())
	for _, s := range t.Says {
		if s.When == "" && tmpl == "" {
			tmpl = s.Template
		}
	}
	for _, s := range t.Says {
		if s.When == "*" && nops > 1 || s.When != "" && s.When != "*" && a.Has(s.When) {
			tmpl = s.Template
			break
		}
	}
	if tmpl == "" {
		tmpl = conjugate(t.Summary)
		if nops > 0 {
			tmpl += ": {args}"
		}
	}
	s := fillTemplate(tmpl, a)
	var phrases []string
	for _, it := range a.Items {
		if it.Kind != cmdline.Option {
			continue
		}
		if o, ok := w.k.option(t, it, !strings.HasPrefix(a.Words[it.Word].Value, "-")); ok && o.Phrase != "" {
			p := fillTemplate(o.Phrase, a)
			if p != "" && !contains(phrases, p) {
				phrases = append(phrases, p)
			}
		}
	}
	if len(phrases) > 0 {
		s += " " + strings.Join(phrases, " ")
	}
	c.Sentence = s
	return c
}

// fillTemplate renders a sentence template (see tools.txt) for the
// arguments given.
func fillTemplate(tmpl string, a cmdline.Args) string {
	var sb strings.Builder
	for i := 0; i < len(tmpl); i++ {
		switch tmpl[i] {
		case '[':
			j := strings.IndexByte(tmpl[i:], ']')
			if j < 0 {
				sb.WriteString(tmpl[i:])
				return sb.String()
			}
			seg, ok := fillSegment(tmpl[i+1:i+j], a)
			if ok {
				sb.WriteString(seg)
			}
			i += j
		case '{':
			j := strings.IndexByte(tmpl[i:], '}')
			if j < 0 {
				sb.WriteString(tmpl[i:])
				return sb.String()
			}
			v, _ := placeholder(tmpl[i+1:i+j], a)
			sb.WriteString(v)
			i += j
		default:
			sb.WriteByte(tmpl[i])
		}
	}
	return strings.TrimSpace(strings.Join(strings.Fields(sb.String()), " "))
}

// fillSegment renders an optional [segment]; false when a placeholder in
// it has no value.
func fillSegment(seg string, a cmdline.Args) (string, bool) {
	var sb strings.Builder
	for i := 0; i < len(seg); i++ {
		if seg[i] != '{' {
			sb.WriteByte(seg[i])
			continue
		}
		j := strings.IndexByte(seg[i:], '}')
		if j < 0 {
			return "", false
		}
		v, ok := placeholder(seg[i+1:i+j], a)
		if !ok {
			return "", false
		}
		sb.WriteString(v)
		i += j
	}
	return sb.String(), true
}

// placeholder renders {args}, {arg1}, {rest}, {-x}, {-x:format} and
// {name|default}; false when it has no value (and no default).
func placeholder(ph string, a cmdline.Args) (string, bool) {
	ph, def, hasDef := strings.Cut(ph, "|")
	ph, format, _ := strings.Cut(ph, ":")
	var ops []string
	for _, o := range a.Operands() {
		if o.Node != nil {
			ops = append(ops, o.Text)
		}
	}
	v := ""
	switch ph {
	case "args":
		v = list(ops)
	case "arg1":
		if len(ops) > 0 {
			v = ops[0]
		}
	case "rest":
		if len(ops) > 1 {
			v = list(ops[1:])
		}
	default:
		if it, ok := a.Opt(strings.TrimLeft(ph, "-")); ok && it.HasValue {
			v = it.Value
			if it.Last == it.Word+1 {
				v = a.Words[it.Last].Text
			}
		}
	}
	if v != "" && format != "" {
		v = formatValue(format, v)
	}
	if v == "" {
		return def, hasDef
	}
	return v, true
}

// formatValue turns find's terse values into words.
func formatValue(format, v string) string {
	switch format {
	case "size":
		cmp, n := "of size", strings.Trim(v, "'\"")
		switch {
		case strings.HasPrefix(n, "+"):
			cmp, n = "larger than", n[1:]
		case strings.HasPrefix(n, "-"):
			cmp, n = "smaller than", n[1:]
		}
		units := map[byte]string{'c': " bytes", 'k': " KB", 'M': " MB", 'G': " GB", 'T': " TB", 'b': " blocks of 512 bytes"}
		if n != "" {
			if u, ok := units[n[len(n)-1]]; ok {
				n = n[:len(n)-1] + u
			} else {
				n += " blocks of 512 bytes"
			}
		}
		return cmp + " " + n
	case "days":
		switch {
		case strings.HasPrefix(v, "+"):
			return "more than " + v[1:] + " days ago"
		case strings.HasPrefix(v, "-"):
			return "within the last " + v[1:] + " days"
		}
		return v + " days ago"
	case "type":
		switch v {
		case "f":
			return "regular files"
		case "d":
			return "directories"
		case "l":
			return "symbolic links"
		case "s":
			return "sockets"
		case "p":
			return "named pipes"
		}
		return "of type " + v
	case "cmd":
		f := strings.Fields(v)
		var keep []string
		for _, w := range f {
			if w != "{}" {
				keep = append(keep, w)
			}
		}
		return strings.Join(keep, " ")
	}
	return v
}

// list joins items as "a, b and c".
func list(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	if len(items) > 5 {
		items = append(items[:4:4], "more")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// conjugate turns an imperative summary into a third-person sentence:
// "list directory contents" → "Lists directory contents".
func conjugate(s string) string {
	verb, rest, _ := strings.Cut(s, " ")
	switch {
	case verb == "":
		return s
	case strings.HasSuffix(verb, "s") || strings.HasSuffix(verb, "sh") || strings.HasSuffix(verb, "ch") || strings.HasSuffix(verb, "x") || strings.HasSuffix(verb, "z"):
		verb += "es"
	case strings.HasSuffix(verb, "y") && len(verb) > 1 && !strings.ContainsRune("aeiou", rune(verb[len(verb)-2])):
		verb = verb[:len(verb)-1] + "ies"
	case verb == "the" || verb == "a" || verb == "an":
		return strings.ToUpper(s[:1]) + s[1:]
	default:
		verb += "s"
	}
	out := strings.ToUpper(verb[:1]) + verb[1:]
	if rest != "" {
		out += " " + rest
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
