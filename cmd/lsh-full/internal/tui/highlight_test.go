package tui

import (
	"strings"
	"testing"
)

// classes renders a line as "text/kind" pairs, blanks left out.
func classes(line string) string {
	names := map[tokKind]string{tokCommand: "cmd", tokMissing: "missing", tokKeyword: "kw", tokArg: "arg",
		tokOption: "opt", tokString: "str", tokVariable: "var", tokOperator: "op", tokComment: "comment", tokAssign: "assign"}
	known := map[string]bool{"ls": true, "grep": true, "echo": true, "sudo": true, "cat": true, "true": true, "wc": true}
	var parts []string
	for _, sp := range lex(line, func(w string) bool { return known[w] }).spans {
		if sp.kind == tokSpace {
			continue
		}
		parts = append(parts, line[sp.start:sp.end]+"/"+names[sp.kind])
	}
	return strings.Join(parts, " ")
}

func TestLex(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{"ls -la /tmp", "ls/cmd -la/opt /tmp/arg"},
		{"nosuch arg", "nosuch/missing arg/arg"},
		{"ls | grep x", "ls/cmd |/op grep/cmd x/arg"},
		{"ls||nosuch&&echo;cat", "ls/cmd ||/op nosuch/missing &&/op echo/cmd ;/op cat/cmd"},
		{"echo 'a b' \"c $HOME d\"", `echo/cmd 'a b'/str "c /str $HOME/var  d"/str`},
		{"echo $1 ${x:-y} $(date) `id` $((1+2))", "echo/cmd $1/var ${x:-y}/var $(date)/var `id`/var $((1+2))/var"},
		{"echo pre$HOME/post", "echo/cmd pre/arg $HOME/var /post/arg"},
		{"ls > out 2>&1 < in", "ls/cmd >/op out/arg 2>&/op 1/arg </op in/arg"},
		{"echo hi >> log", "echo/cmd hi/arg >>/op log/arg"},
		{"FOO=1 BAR=x ls", "FOO=/assign 1/arg BAR=/assign x/arg ls/cmd"},
		{"echo a=b", "echo/cmd a=b/arg"},
		{"if true; then echo y; fi", "if/kw true/cmd ;/op then/kw echo/cmd y/arg ;/op fi/kw"},
		{"for f in *; do cat $f; done", "for/kw f/arg in/kw */arg ;/op do/kw cat/cmd $f/var ;/op done/kw"},
		{"! ls", "!/kw ls/cmd"},
		{"sudo ls", "sudo/cmd ls/arg"},
		{"ls # list", "ls/cmd # list/comment"},
		{"echo a#b", "echo/cmd a#b/arg"},
		{"(cd /; ls)", "(/op cd/missing //arg ;/op ls/cmd )/op"},
		{"echo 'unterminated", "echo/cmd 'unterminated/str"},
		{"echo \"open $x", `echo/cmd "open /str $x/var`},
		{"ls\ngrep x", "ls/cmd grep/cmd x/arg"},
		{"'ls' -l", "'ls'/str -l/opt"},
		{"ec\\ho x", "ec\\ho/cmd x/arg"},
		{"$EDITOR file", "$EDITOR/var file/arg"},
		{"echo 3>x 12 x2>y", "echo/cmd 3>/op x/arg 12/arg x2/arg >/op y/arg"},
	} {
		if got := classes(tc.line); got != tc.want {
			t.Errorf("%q\n got  %s\n want %s", tc.line, got, tc.want)
		}
	}
}

func TestLexCommandPosition(t *testing.T) {
	for _, tc := range []struct {
		line string
		cmd  bool
	}{
		{"", true}, {"ls ", false}, {"ls | ", true}, {"ls && ", true}, {"FOO=1 ", true},
		{"if ", true}, {"for x in ", false}, {"ls > ", false}, {"echo $(", false}, {"sudo ", false},
	} {
		if got := lex(tc.line, func(string) bool { return true }).cmdPos; got != tc.cmd {
			t.Errorf("after %q: command position %v, want %v", tc.line, got, tc.cmd)
		}
	}
}

func TestLiteral(t *testing.T) {
	for _, tc := range []struct {
		word, want string
		ok         bool
	}{
		{"ls", "ls", true}, {"'ls'", "ls", true}, {`"l"s`, "ls", true}, {`l\s`, "ls", true},
		{"$x", "", false}, {"~/bin/x", "", false}, {"*.go", "", false}, {`"a b`, "a b", true},
	} {
		got, ok := literal(tc.word)
		if got != tc.want || ok != tc.ok {
			t.Errorf("literal(%q) = %q, %v; want %q, %v", tc.word, got, ok, tc.want, tc.ok)
		}
	}
}

func TestHighlightKeepsText(t *testing.T) {
	st, _ := NewStyles(StyleOptions{Dark: true})
	for _, line := range []string{
		"ls -la | grep 'x y' > out # c",
		"for f in *\ndo echo \"$f\"\ndone",
		"echo\ttab and \x1b escape",
	} {
		got := strings.Join(st.Highlight(line, func(string) bool { return true }), "\n")
		if stripANSI(got) != visible(line) {
			t.Errorf("Highlight(%q) shows %q", line, stripANSI(got))
		}
		if got == visible(line) {
			t.Errorf("Highlight(%q) added no style", line)
		}
	}
}

func TestWordAtCursor(t *testing.T) {
	for _, tc := range []struct {
		line  string
		value string
		kind  WordKind
		quote byte
	}{
		{"gi", "gi", WordCommand, 0},
		{"", "", WordCommand, 0},
		{"ls ", "", WordArg, 0},
		{"ls My\\ Do", "My Do", WordArg, 0},
		{"ls 'My Do", "My Do", WordArg, '\''},
		{"ls \"My Do", "My Do", WordArg, '"'},
		{"ls | gr", "gr", WordCommand, 0},
		{"sudo gr", "gr", WordArg, 0},
		{"echo $HO", "HO", WordVariable, 0},
		{"echo ${HO", "HO", WordVariable, 0},
		{"echo '$HO", "$HO", WordArg, '\''},
		{"cat <no", "no", WordArg, 0},
		{"FOO=1 gi", "gi", WordCommand, 0},
	} {
		w := wordAtCursor(tc.line, len(tc.line), func(string) bool { return true })
		if w.value != tc.value || w.kind != tc.kind || w.quote != tc.quote {
			t.Errorf("%q: word %q kind %d quote %q; want %q kind %d quote %q", tc.line, w.value, w.kind, w.quote, tc.value, tc.kind, tc.quote)
		}
	}
}

func TestQuoteFor(t *testing.T) {
	for _, tc := range []struct {
		value string
		q     byte
		final bool
		want  string
	}{
		{"plain.txt", 0, true, "plain.txt"},
		{"My Documents/", 0, false, `My\ Documents/`},
		{"a'b (1).txt", 0, true, `a\'b\ \(1\).txt`},
		{"~/x y", 0, true, `~/x\ y`},
		{"it's", '\'', true, `'it'\''s'`},
		{`say "hi" $x`, '"', true, `"say \"hi\" \$x"`},
		{"open", '"', false, `"open`},
	} {
		if got := quoteFor(tc.value, tc.q, tc.final); got != tc.want {
			t.Errorf("quoteFor(%q, %q, %v) = %s, want %s", tc.value, tc.q, tc.final, got, tc.want)
		}
	}
}
