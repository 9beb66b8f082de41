package cmdline

import (
	"fmt"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"
)

// words parses a simple command line and evaluates its words.
func words(t *testing.T, line string) []Word {
	t.Helper()
	f, err := Parse(line)
	if err != nil || len(f.Stmts) != 1 {
		t.Fatalf("Parse(%q): %v", line, err)
	}
	c, ok := f.Stmts[0].Cmd.(*syntax.CallExpr)
	if !ok {
		t.Fatalf("%q is not a simple command", line)
	}
	return Words(Source{Text: line}, c.Args, Env{})
}

func TestWord(t *testing.T) {
	cases := []struct {
		word                 string
		value, path, ifEmpty string
		static, glob         bool
	}{
		{`plain`, "plain", "plain", "plain", true, false},
		{`'a b'`, "a b", "a b", "a b", true, false},
		{`"a\$b"`, "a$b", "a$b", "a$b", true, false},
		{`a\ b`, "a b", "a b", "a b", true, false},
		{`\*`, "*", "*", "*", true, false},
		{`*.go`, "*.go", "*.go", "*.go", true, true},
		{`'*'.go`, "*.go", "*.go", "*.go", true, false},
		{`$'\x72m'`, "rm", "rm", "rm", true, false},
		{`~`, "~", "~", "~", true, false},
		{`~/x`, "~/x", "~/x", "~/x", true, false},
		{`$HOME/x`, "$HOME/x", "~/x", "~/x", true, false},
		{`"$DIR/"*`, "$DIR/*", "$DIR/*", "/*", false, true},
		{`${D:-/tmp}/x`, "${D:-/tmp}/x", "${D:-/tmp}/x", "/tmp/x", false, false},
		{`$(pwd)/x`, "$(pwd)/x", "$(pwd)/x", "$(pwd)/x", false, false},
		{`$(pwd)/$X`, "$(pwd)/$X", "$(pwd)/$X", Unknown + "/", false, false},
	}
	for _, tc := range cases {
		w := words(t, "cmd "+tc.word)[1]
		if w.Value != tc.value || w.Path != tc.path || w.IfEmpty != tc.ifEmpty || w.Static != tc.static || w.Glob != tc.glob {
			t.Errorf("%s: got value %q path %q ifEmpty %q static %v glob %v", tc.word, w.Value, w.Path, w.IfEmpty, w.Static, w.Glob)
		}
	}
	if w := words(t, `cmd "${X:?}/"*`)[1]; !w.Guarded {
		t.Errorf("${X:?} not seen as guarded")
	}
	if w := words(t, `cmd $(ls) <(date)`); len(w[1].Nested) != 1 || len(w[2].Nested) != 1 {
		t.Errorf("substitutions not recorded")
	}
	lookup := Env{Lookup: func(n string) (string, bool) { return "/srv", n == "ROOT" }}
	f, _ := Parse(`cmd $ROOT/x`)
	if w := NewWord(Source{Text: `cmd $ROOT/x`}, f.Stmts[0].Cmd.(*syntax.CallExpr).Args[1], lookup); w.Value != "/srv/x" || !w.Static {
		t.Errorf("known variable not substituted: %+v", w)
	}
}

// render shows a split as "opt:r opt:f=x op:a sub:reset --" for comparison.
func render(a Args) string {
	var parts []string
	for _, it := range a.Items {
		switch it.Kind {
		case Option:
			s := "opt:" + it.Name
			if it.HasValue {
				s += "=" + it.Value
			}
			parts = append(parts, s)
		case Operand:
			parts = append(parts, "op:"+a.Words[it.Word].Value)
		case Subcommand:
			parts = append(parts, "sub:"+it.Name)
		case EndOfOptions:
			parts = append(parts, "--")
		}
	}
	return strings.Join(parts, " ")
}

func TestSplit(t *testing.T) {
	cases := []struct{ line, want string }{
		{`rm -rf a`, "opt:r opt:f op:a"},
		{`rm -r -f -- -x`, "opt:r opt:f -- op:-x"},
		{`rm --recursive --force=yes a`, "opt:recursive opt:force=yes op:a"},
		{`rm a -rf`, "op:a opt:r opt:f"},
		{`tar -xzvf a.tgz -C /tmp`, "opt:x opt:z opt:v opt:f=a.tgz opt:C=/tmp"},
		{`tar xzf a.tgz`, "opt:x opt:z opt:f=a.tgz"},
		{`tar -C/tmp -xf a.tar`, "opt:C=/tmp opt:x opt:f=a.tar"},
		{`tar --file=a.tar --direc /tmp --fil b`, "opt:file=a.tar opt:directory=/tmp opt:fil op:b"},
		{`head -5 f`, "opt:5 op:f"},
		{`kill -9 -1`, "opt:9 op:-1"},
		{`kill -s KILL 1`, "opt:s=KILL op:1"},
		{`find / -name '*.go' -exec rm {} \; -print`, "op:/ opt:name=*.go opt:exec=rm {} opt:print"},
		{`find . \( -name a -o -name b \) -delete`, "op:. opt:( opt:name=a opt:o opt:name=b opt:) opt:delete"},
		{`dd if=/dev/zero of=/dev/sda bs=1M`, "opt:if=/dev/zero opt:of=/dev/sda opt:bs=1M"},
		{`git -C dir reset --hard HEAD`, "opt:C=dir sub:reset opt:hard op:HEAD"},
		{`git stash drop stash@{1}`, "sub:stash sub:drop op:stash@{1}"},
		{`docker system prune -a`, "sub:system sub:prune opt:a"},
		{`ssh -p 22 host rm -rf /`, "opt:p=22 op:host op:rm op:-rf op:/"},
		{`grep -e pat -r .`, "opt:e=pat opt:r op:."},
		{`ls -`, "op:-"},
	}
	for _, tc := range cases {
		ws := words(t, tc.line)
		if got := render(Split(ws[0].Value, ws[1:], LookupGrammar)); got != tc.want {
			t.Errorf("Split(%q)\n got %s\nwant %s", tc.line, got, tc.want)
		}
	}
}

func TestResolve(t *testing.T) {
	cases := []struct{ line, want string }{
		{`rm -rf x`, "rm [-rf x]"},
		{`/bin/rm x`, "rm [x]"},
		{`/usr/local/bin/rm x`, "rm [x]"},
		{`./rm x`, "./rm [x]"},
		{`/home/me/rm x`, "/home/me/rm [x]"},
		{`\rm x`, "rm [x]"},
		{`sudo -u bob env A=1 nice -n 5 timeout -s 9 10 rm x`, "sudo,env,nice,timeout rm [x]"},
		{`nohup setsid stdbuf -o0 rm x`, "nohup,setsid,stdbuf rm [x]"},
		{`command -v rm`, "command command [-v rm] nocommand"},
		{`xargs -0 -n1 rm -f`, "xargs rm [-f] appended"},
		{`xargs`, "xargs echo [] appended"},
		{`su -c 'rm x' root`, "su script=rm x"},
		{`watch -n 1 df -h`, "watch script=df -h"},
		{`env`, "env env [] nocommand"},
		{`$EDITOR f`, " [f]"},
	}
	for _, tc := range cases {
		c := Resolve(words(t, tc.line))
		var pre []string
		for _, p := range c.Prefixes {
			pre = append(pre, p.Name)
		}
		got := ""
		if len(pre) > 0 {
			got = strings.Join(pre, ",") + " "
		}
		if c.Script != nil {
			got += "script=" + c.Script.Value
		} else {
			var args []string
			for _, a := range c.Args {
				args = append(args, a.Value)
			}
			got += fmt.Sprintf("%s [%s]", c.Name, strings.Join(args, " "))
		}
		if c.Appended {
			got += " appended"
		}
		if c.NoCommand {
			got += " nocommand"
		}
		if got != tc.want {
			t.Errorf("Resolve(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

func TestParseErrorKeepsStatements(t *testing.T) {
	f, err := Parse("echo a; echo b; )")
	if err == nil || !strings.HasPrefix(err.Error(), "1:") {
		t.Fatalf("want a line:col error, got %v", err)
	}
	if f == nil || len(f.Stmts) != 2 {
		t.Fatalf("want the 2 statements before the error, got %v", f)
	}
}
