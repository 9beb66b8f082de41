package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// diffCase is one POSIX snippet for TestDifferential. differs, when set,
// says why lsh cannot match either reference shell; the same reason is in
// docs/compatibility.md, and the test checks that lsh still differs, so a
// fix is noticed and the entry removed.
type diffCase struct {
	name    string
	src     string
	stdin   string
	differs string
}

var diffCases = []diffCase{
	// Quoting.
	{name: "single-quotes", src: `echo 'single quoted $HOME'`},
	{name: "double-quotes-arith", src: `echo "double $((1+2)) quoted"`},
	{name: "backslash-space", src: `echo a\ b`},
	{name: "mixed-quotes", src: `echo "a\"b" 'c'\''d'`},
	{name: "field-splitting", src: `x='a  b'; echo "$x"; echo $x`},
	{name: "escapes-in-double", src: `echo "\$x \\ \a"`},
	{name: "printf-args", src: `printf '%s\n' "a b" c`},
	{name: "empty-quotes", src: `echo ''""x`},
	{name: "quote-kinds", src: `x=1; echo '$x' "$x" \$x`},
	{name: "quoted-at", src: `set -- "a b" c; for a in "$@"; do echo "[$a]"; done`},
	{name: "unquoted-star", src: `set -- "a b" c; for a in $*; do echo "[$a]"; done`},
	{name: "star-ifs", src: `set -- a b c; echo "$*"; IFS=,; echo "$*"`},
	{name: "nested-quotes-subst", src: `echo "$(echo "nested "quotes"")"`},
	{name: "ifs-split", src: `IFS=:; x=a:b:c; set -- $x; echo $#`},
	{name: "default-split", src: `x="a b"; set -- $x; echo $#`},

	// Parameter expansion.
	{name: "length", src: `x=hello; echo ${#x}`},
	{name: "default-values", src: `echo ${unset-default} ${unset:-d2}`},
	{name: "set-vs-null", src: `x=; echo "${x-set}" "${x:-empty}"`},
	{name: "assign-default", src: `echo ${y=assigned}; echo $y`},
	{name: "alternate", src: `x=abc; echo ${x:+alt} ${unset:+alt}.`},
	{name: "suffix-prefix", src: `f=path/to/file.tar.gz; echo ${f%.*} ${f%%.*} ${f#*/} ${f##*/}`},
	{name: "shortest-longest", src: `x=aaa; echo ${x%a} ${x%%a} ${x#a}`},
	{name: "error-if-unset", src: `(: ${unset?message}) 2>/dev/null; echo $?`},
	{name: "braces-concat", src: `x=foo; echo ${x}bar $x"bar"`},
	{name: "positional-ten", src: `set -- a b c d e f g h i j k; echo $1 ${10} ${11} $#`},
	{name: "shift", src: `set -- a b; shift; echo $# $1`},
	{name: "quoted-pattern", src: `x=abc; echo ${x#"a"}`},
	{name: "default-subst", src: `echo "${x:-$(echo fallback)}"`},
	{name: "unset-var", src: `unset x; echo ${x-unset}`},
	{name: "count-empty-args", src: `f() { echo $#; }; f "" ""`},
	{name: "count-and-all", src: `set -- a b c; echo "${#}" "${@}"`},

	// Arithmetic.
	{name: "arith-bases", src: `echo $((010 + 0x10))`},
	{name: "arith-ops", src: `i=5; echo $((i * 2 + 1)) $((i % 3)) $((i / 2)) $((-i))`},
	{name: "arith-compare", src: `echo $((1 < 2)) $((2 < 1)) $((1 == 1 && 0 || 1))`},
	{name: "arith-assign", src: `i=0; : $((i += 5)); echo $i`},
	{name: "arith-parens", src: `echo $(( (1 + 2) * 3 ))`},
	{name: "arith-bits", src: `x=3; echo $((x << 2)) $((x >> 1)) $((x & 1)) $((x | 4)) $((x ^ 1))`},
	{name: "arith-ternary", src: `echo $((7 > 3 ? 10 : 20))`},
	{name: "arith-64bit", src: `echo $((2147483647 + 1))`},
	{name: "arith-loop", src: `n=0; while [ $n -lt 3 ]; do n=$((n+1)); done; echo $n`},
	{name: "arith-subst", src: `echo $(( $(echo 3) + 1 ))`},
	{name: "arith-zero", src: `echo $((0)) $((-0))`},
	{name: "arith-reassign", src: `x=5; x=$((x-1)); echo $x`},
	{name: "arith-power", src: `a=2 b=3; echo $((a ** b))`},

	// Command substitution.
	{name: "subst-lines", src: `echo $(echo a; echo b)`},
	{name: "subst-trailing-newlines", src: `x=$(printf 'a\n\n\n'); echo "[$x]"`},
	{name: "backticks", src: "echo `echo backtick`"},
	{name: "subst-nested", src: `echo "$(echo "$(echo deep)")"`},
	{name: "subst-status", src: `x=$(exit 3); echo $?`},
	{name: "subst-empty", src: `[ "$(echo)" = "" ] && echo empty-subst`},
	{name: "subst-subshell", src: `echo $( (echo nested sub) )`},

	// Here-documents.
	{name: "heredoc-expand", src: "cat <<EOF\nhello $((1+1))\nEOF"},
	{name: "heredoc-quoted", src: "cat <<'EOF'\nno $expansion\nEOF"},
	{name: "heredoc-tabs", src: "cat <<-EOF\n\tindented\n\tEOF"},
	{name: "heredoc-vars", src: "x=1; cat <<EOF\n$x \\$x\nEOF"},
	{name: "heredoc-pipe", src: "cat <<EOF | tr a-z A-Z\nshout\nEOF"},
	{name: "heredoc-loop", src: "while read l; do echo \"<$l>\"; done <<EOF\na\nb\nEOF"},
	{name: "heredoc-two", src: "cat <<A; cat <<B\none\nA\ntwo\nB"},
	{name: "heredoc-empty", src: "cat <<EOF\nEOF\necho after"},

	// Functions.
	{name: "func-args", src: `f() { echo "args: $#: $*"; }; f a b c`},
	{name: "func-return", src: `f() { return 7; }; f; echo $?`},
	{name: "func-global", src: `f() { x=inner; }; x=outer; f; echo $x`},
	{name: "func-local", src: `f() { local x=in; echo $x; }; x=out; f; echo $x`},
	{name: "func-shift", src: `f() { echo $1; shift; echo $1; }; f a b; echo "$#"`},
	{name: "func-recursion", src: `fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(( $1 - 1 ))) )); fi; }; fact 5`},
	{name: "func-order", src: `f() { g; echo f; }; g() { echo g; }; f`},
	{name: "func-subshell-body", src: `f() ( echo subshell-body; exit 2 ); f; echo $?`},
	{name: "func-unset", src: `f() { echo 1; }; unset -f f; f 2>/dev/null; echo $?`},
	{name: "func-quoted-args", src: `f() { echo "$@"; }; f "a  b" c`},
	{name: "func-params-restored", src: `set -- outer; f() { set -- inner; echo $1; }; f; echo $1`},

	// Loops.
	{name: "for-list", src: `for i in 1 2 3; do echo $i; done`},
	{name: "for-continue", src: `for i in a b c; do [ $i = b ] && continue; echo $i; done`},
	{name: "break-two", src: `for i in 1 2 3; do for j in x y; do [ $j = y ] && break 2; echo $i$j; done; done`},
	{name: "until", src: `i=0; until [ $i -ge 3 ]; do echo $i; i=$((i+1)); done`},
	{name: "for-params", src: `set -- x y; for a; do echo $a; done`},
	{name: "for-empty-list", src: `for i in; do echo never; done; echo ok`},
	{name: "while-false-status", src: `while false; do :; done; echo $?`},
	{name: "while-break", src: `i=0; while :; do i=$((i+1)); [ $i -eq 5 ] && break; done; echo $i`},
	{name: "glob-no-match", src: `for f in /nonexistent/*; do echo "$f"; done`},
	{name: "brace-expansion", src: `echo {a,b}c`},
	{name: "for-seq", src: `for i in $(seq 3); do printf $i; done; echo`},
	{name: "loop-output-redirect", src: `for i in 1 2; do echo $i; done > out; cat out`},

	// case.
	{name: "case-star", src: `case abc in a*) echo star;; *) echo default;; esac`},
	{name: "case-class", src: `case x in [abc]) echo class;; [x-z]) echo range;; esac`},
	{name: "case-quoted", src: `case "a b" in "a b") echo quoted;; esac`},
	{name: "case-alternatives", src: `x=foo; case $x in f?o|bar) echo alt;; esac`},
	{name: "case-no-match", src: `case z in a) echo a;; esac; echo $?`},
	{name: "case-escaped-star", src: `case '*' in \*) echo literal-star;; esac`},
	{name: "case-empty", src: `case "" in "") echo empty;; esac`},
	{name: "case-dash-flags", src: `case $- in *c*) echo has-c;; *) echo no-c;; esac`},

	// Tests and conditionals.
	{name: "test-z-n", src: `[ -z "" ] && echo empty; [ -n "x" ] && echo nonempty`},
	{name: "test-and", src: `[ 1 -eq 1 -a 2 -gt 1 ] && echo and`},
	{name: "test-strings", src: `test abc = abc; echo $?; test abc != abc; echo $?`},
	{name: "test-not-exists", src: `[ ! -e /nonexistent ]; echo $?`},
	{name: "if-elif", src: `if [ -d / ]; then echo dir; elif true; then echo no; else echo no; fi`},
	{name: "and-or", src: `true && echo a || echo b; false && echo c || echo d`},
	{name: "negation", src: `! true; echo $?; ! false; echo $?`},
	{name: "test-numbers", src: `[ 10 -lt 9 ]; echo $?`},
	{name: "test-string-order", src: `[ "a" \< "b" ] && echo less`},
	{name: "if-false-status", src: `if false; then :; fi; echo $?`},
	{name: "test-file-types", src: `: > f; mkdir d; [ -f f ] && [ -d d ] && [ ! -f d ] && echo types`},

	// Redirections.
	{name: "redirect-append", src: `echo out > f; cat f; echo more >> f; cat f`},
	{name: "redirect-stderr", src: `echo err 1>&2 2>/dev/null`},
	{name: "group-redirect", src: `{ echo a; echo b; } > f; wc -l < f`},
	{name: "devnull-input", src: `cat < /dev/null; echo $?`},
	{name: "redirect-order", src: `echo x 2>&1 >/dev/null`},
	{name: "external-status", src: `ls /nonexistent 2>/dev/null; echo $?`},
	{name: "devnull-output", src: `echo hi > /dev/null; echo $?`},
	{name: "truncate", src: `: > empty; [ -s empty ]; echo $?`},
	{name: "pipe-into-group", src: `echo a | { read x; echo got $x; }`},
	{name: "subshell-stderr", src: `(echo sub; echo err >&2) 2>/dev/null`},
	{name: "redirect-bad-dir", src: `echo x > /nonexistent/dir/file 2>/dev/null; echo $?`},
	{name: "stderr-to-stdout", src: `ls /nonexistent 2>&1 | grep -c nonexistent`},
	{name: "input-from-file", src: `printf 'l1\nl2\n' > f; while read l; do echo "[$l]"; done < f`},
	{name: "fd3", src: `exec 3>f; echo hi >&3; cat f`,
		differs: "the interpreter only redirects file descriptors 0, 1 and 2"},

	// Subshells and grouping.
	{name: "subshell-vars", src: `x=1; (x=2; echo $x); echo $x`},
	{name: "subshell-exit", src: `(exit 4); echo $?`},
	{name: "group-pipe", src: `{ echo a; echo b; } | cat`},
	{name: "subshell-cd", src: `x=$(cd /; pwd); echo $x; cd /tmp; pwd`},
	{name: "subshell-cd-and", src: `(cd /tmp && pwd)`},
	{name: "group-vars", src: `a=1; { a=2; }; echo $a`},
	{name: "subshell-exit-pipe", src: `echo exit | (exit 9); echo $?`},

	// Pipelines.
	{name: "pipe-tr", src: `echo abc | tr b x`},
	{name: "pipe-status-last", src: `false | true; echo $?`},
	{name: "pipe-status-fail", src: `true | false; echo $?`},
	{name: "pipe-sort", src: `printf 'b\na\nc\n' | sort | head -n 2`},
	{name: "pipe-read-subshell", src: `echo hi | (read v; echo "v=$v")`},
	{name: "pipe-assign-scope", src: `x=5; echo hi | x=6; echo $x`,
		differs: "the interpreter runs the last command of a pipeline in the current shell"},
	{name: "pipe-read-scope", src: `echo a b | read x; echo "x=${x-unset}"`,
		differs: "the interpreter runs the last command of a pipeline in the current shell"},
	{name: "pipefail", src: `set -o pipefail 2>/dev/null; false | true; echo $?`},

	// Traps.
	{name: "trap-exit", src: `trap 'echo exiting' EXIT; echo body`},
	{name: "trap-exit-status", src: `trap 'echo on exit $?' EXIT; false`},
	{name: "trap-int-self", src: `trap 'echo int' INT; kill -INT $$; echo after`},
	{name: "trap-usr1", src: `trap 'echo usr1' USR1; kill -USR1 $$; echo done`},
	{name: "trap-reset-exit", src: `trap 'echo x' EXIT; trap - EXIT; echo none`},
	{name: "trap-list", src: `trap 'echo a' TERM; trap`},
	{name: "trap-exit-in-func", src: `f() { trap 'echo in-trap' EXIT; }; f; echo after-f`},
	{name: "trap-exit-code", src: `trap 'exit 5' USR1; kill -USR1 $$; echo not`},
	{name: "trap-ignore", src: `trap '' INT; kill -INT $$; echo ignored`},
	{name: "trap-subshell-exit", src: `(trap 'echo sub-exit' EXIT; echo in-sub); echo out`,
		differs: "the interpreter does not run an EXIT trap set in a ( ) subshell"},
	{name: "trap-in-loop", src: `trap 'echo caught' USR1; for i in 1 2; do kill -USR1 $$; echo $i; done`},
	{name: "trap-term-self", src: `trap 'echo term; exit 3' TERM; kill $$; echo not`},

	// set -e, -u and friends.
	{name: "errexit", src: `set -e; false; echo not reached`},
	{name: "errexit-or", src: `set -e; false || echo rescued; echo after`},
	{name: "errexit-if", src: `set -e; if false; then :; fi; echo ok`},
	{name: "errexit-negation", src: `set -e; ! true; echo still`},
	{name: "errexit-in-func", src: `set -e; f() { false; echo in-f; }; f; echo after`},
	{name: "errexit-subst-assign", src: `set -e; x=$(false); echo reached`},
	{name: "errexit-and", src: `set -e; false && true; echo after-and`},
	{name: "errexit-subshell", src: `set -e; (false); echo after-sub`},
	{name: "errexit-while", src: `set -e; while false; do :; done; echo loop-ok`},
	{name: "errexit-pipeline", src: `set -e; false | true; echo pipe-ok`},
	{name: "nounset", src: `set -u; echo ${undefined:-ok}; echo $undefined; echo not`,
		differs: "an unset parameter under set -u ends the shell with status 1 (dash 2, bash 127)"},
	{name: "nounset-set", src: `set -u; x=1; echo $x`},
	{name: "xtrace-stdout", src: `set -x; echo traced 2>/dev/null`},
	{name: "set-params", src: `set -- 1 2 3; echo $#; set --; echo $#`},
	{name: "noglob", src: `set -f; echo /*; set +f`},
	{name: "noexec", src: `set -n; echo not-run`},
	{name: "allexport", src: `set -a; x=exported; sh -c 'echo $x'`},
	{name: "set-flags", src: `set -e; case $- in *e*) echo has-e;; esac; set +e; case $- in *e*) echo still;; *) echo gone;; esac`},

	// read.
	{name: "read-fields", src: `echo "a b c" | { read x y; echo "$x|$y"; }`},
	{name: "read-two-lines", src: `printf 'one\ntwo\n' | { read a; read b; echo $b$a; }`},
	{name: "read-backslash", src: `echo 'a\b' | { read x; echo "$x"; }`},
	{name: "read-raw", src: `echo 'a\b' | { read -r x; echo "$x"; }`},
	{name: "read-trims", src: `echo "  lead trail  " | { read x; echo "[$x]"; }`},
	{name: "read-ifs", src: `printf 'x:y:z\n' | { IFS=: read a b c; echo $b; }`},
	{name: "read-no-newline", src: `printf 'no newline' | { read x; echo "$? $x"; }`},
	{name: "read-eof", src: `read x < /dev/null; echo $?`},
	{name: "read-loop", src: `printf 'l1\nl2\nl3\n' | while read l; do echo "[$l]"; done`},
	{name: "read-stdin", src: `read a; read b; echo "$b-$a"`, stdin: "first\nsecond\n"},
	{name: "cat-stdin", src: `cat; echo end`, stdin: "piped\n"},

	// printf.
	{name: "printf-formats", src: `printf '%d %s %c\n' 42 str xyz`},
	{name: "printf-width", src: `printf '%5s|%-5s|\n' ab cd`},
	{name: "printf-bases", src: `printf '%x %o %X\n' 255 8 255`},
	{name: "printf-zero-pad", src: `printf '%03d\n' 7`},
	{name: "printf-reuse", src: `printf '%s\n' a b c`},
	{name: "printf-no-newline", src: `printf 'no newline'; echo`},
	{name: "printf-b", src: `printf '%b\n' 'tab\there'`},
	{name: "printf-octal", src: `printf '\101\n'`},
	{name: "printf-float", src: `printf '%.2f\n' 3.14159`},
	{name: "printf-percent", src: `printf '%%\n'`},
	{name: "printf-pairs", src: `printf '%s=%d\n' a 1 b 2`},

	// Special parameters, builtins, exit statuses.
	{name: "status-param", src: `echo $?; false; echo $?`},
	{name: "export-child", src: `x=1; export x; sh -c 'echo $x'`},
	{name: "cd-dash", src: `cd /tmp && cd / && cd - >/dev/null && pwd`},
	{name: "pwd-oldpwd", src: `cd /; echo $PWD; cd /tmp; echo $OLDPWD`},
	{name: "tilde", src: `echo ~ | grep -c /`},
	{name: "command-v", src: `command -v cd; command -v nosuchcmd; echo $?`},
	{name: "type-status", src: `type true >/dev/null; echo $?`},
	{name: "not-found", src: `nosuchcommand 2>/dev/null; echo $?`},
	{name: "not-found-last", src: `nosuchcommand 2>/dev/null`},
	{name: "is-directory", src: `./ 2>/dev/null; echo $?`},
	{name: "not-executable", src: `echo 'echo hi' > s; ./s 2>/dev/null; echo $?`},
	{name: "script-no-shebang", src: `echo 'echo from script $1' > s; chmod +x s; ./s arg`},
	{name: "exit-wraps", src: `exit 300`},
	{name: "exit-status", src: `echo before; exit 7; echo after`},
	{name: "eval-assign", src: `eval 'x=evaluated'; echo $x`},
	{name: "eval-arith", src: `eval "echo \$((2+2))"`},
	{name: "indirect-command", src: `cmd=echo; $cmd indirect`},
	{name: "alias-next-line", src: "alias greet='echo hi'\ngreet"},
	{name: "getopts", src: `set -- -a -b val arg; while getopts ab: o; do echo "$o ${OPTARG-}"; done; shift $((OPTIND-1)); echo "$@"`},
	{name: "umask", src: `umask 027; umask`},
	{name: "umask-symbolic", src: `umask 022; umask -S`},
	{name: "umask-file", src: `umask 077; : > f; ls -l f | cut -c1-10`},
	{name: "wait-none", src: `wait; echo waited`},
	{name: "wait-pid", src: `sleep 0.1 & wait $!; echo $?`},
	{name: "wait-status", src: `(exit 3) & wait $!; echo $?`},
	{name: "bang-numeric", src: `true & echo $! | grep -c '^[0-9][0-9]*$'`},
	{name: "kill-bg", src: `sleep 5 & kill $!; wait $!; echo $?`},
	{name: "kill-list", src: `kill -l 130`},
	{name: "ulimit-file", src: `ulimit -f`},
	{name: "times-status", src: `times >/dev/null; echo $?`},
	{name: "shlvl", src: `echo $SHLVL | grep -c '^[0-9]'`},
	{name: "dollar-dollar", src: `[ "$$" = "$(echo $$)" ] && echo same-pid`},
	{name: "signal-status", src: `sh -c 'kill -TERM $$'; echo $?`},
	{name: "readonly", src: `readonly r=1; echo $r`},
	{name: "unset-var-status", src: `x=1; unset x; echo "${x:-gone}"`},
	{name: "colon-args", src: `: ignored args; echo $?`},
	{name: "hash-noop", src: `hash ls 2>/dev/null; ls / >/dev/null; echo $?`},
	{name: "exec-replaces", src: `exec echo replaced; echo not-reached`},
	{name: "dot-source", src: `echo 'y=sourced; return 4; y=no' > lib.sh; . ./lib.sh; echo $? $y`},
	{name: "comment", src: "echo visible # hidden\n# whole line\necho end"},
	{name: "line-continuation", src: "echo con\\\ntinued"},
	{name: "semicolon-newlines", src: "echo a;\necho b\n\necho c"},
	{name: "syntax-error-late", src: "echo first\nif then fi"},
	{name: "trailing-backslash", src: `echo a\`},
	{name: "printf-star-width", src: `printf '%*s|%-*d|\n' 5 ab 3 7`},
	{name: "printf-empty-char", src: `printf '[%c]\n' ''`},
	{name: "printf-char-code", src: `printf '%d %d\n' "'A" "'z"`},
	{name: "test-greater", src: `[ b \> a ] && echo greater; [ a \> b ] || echo not`},
	{name: "kill-zero-signal", src: `kill -0 $$ && echo alive`},
	{name: "trap-reset-numeric", src: `trap 'echo x' INT TERM; trap 2 15; trap`},
	{name: "wait-unknown", src: `wait 99999 2>/dev/null; echo $?`},
	{name: "eval-syntax-error", src: `eval 'if' 2>/dev/null; echo $?`},
	{name: "dot-args", src: `echo 'echo "$# $1"' > lib.sh; set -- outer; . ./lib.sh a b; echo $1`},
	{name: "exec-redirect", src: `(exec > out; echo hidden); cat out`},
	{name: "umask-in-subshell", src: `umask 022; (umask 077); umask`},
	{name: "command-builtin", src: `command echo via-command; builtin echo via-builtin`},
	{name: "type-function", src: `f() { :; }; type f >/dev/null && echo is-func`},
	{name: "set-e-status", src: `set -e; sh -c 'exit 5'; echo not`},
	{name: "jobs-empty", src: `jobs; echo $?`},
}

// shellResult is what a snippet did: its standard output and status.
type shellResult struct {
	stdout string
	status int
}

func runSnippet(t *testing.T, dir string, stdin string, name string, args ...string) shellResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "LC_ALL=C"}
	cmd.Stdin = bytes.NewReader([]byte(stdin))
	var out bytes.Buffer
	cmd.Stdout = &out
	err := cmd.Run()
	status := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		status = ee.ExitCode()
	case err != nil:
		t.Fatalf("%s: %v", name, err)
	}
	return shellResult{out.String(), status}
}

// TestDifferential runs each snippet under lsh -c, dash -c and
// bash --posix -c: lsh must match at least one of them byte for byte on
// standard output and exit status.
func TestDifferential(t *testing.T) {
	lsh, err := exec.LookPath("lsh")
	if err != nil {
		t.Fatalf("lsh is not in PATH (TestMain puts it there): %v", err)
	}
	type ref struct {
		name string
		args []string
	}
	var refs []ref
	for _, r := range []ref{{"dash", nil}, {"bash", []string{"--posix"}}} {
		if _, err := exec.LookPath(r.name); err != nil {
			t.Logf("%s is not installed: not comparing with it", r.name)
			continue
		}
		refs = append(refs, r)
	}
	if len(refs) == 0 {
		t.Skip("neither dash nor bash is installed")
	}
	if len(diffCases) < 150 {
		t.Errorf("only %d snippets; the issue asks for at least 150", len(diffCases))
	}
	seen := map[string]bool{}
	var matched, known atomic.Int32
	// The group returns when every parallel snippet has run.
	t.Run("snippets", func(t *testing.T) {
		for _, tc := range diffCases {
			if seen[tc.name] {
				t.Fatalf("two snippets named %q", tc.name)
			}
			seen[tc.name] = true
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				got := runSnippet(t, dir, tc.stdin, lsh, "-c", tc.src)
				match := ""
				var wants []string
				for _, r := range refs {
					rdir := filepath.Join(t.TempDir(), r.name)
					os.Mkdir(rdir, 0o755)
					want := runSnippet(t, rdir, tc.stdin, r.name, append(r.args, "-c", tc.src)...)
					if want == got && match == "" {
						match = r.name
					}
					wants = append(wants, r.name+": "+show(want))
				}
				switch {
				case tc.differs != "" && match != "":
					t.Errorf("listed as a known difference (%s) but now matches %s: remove it from the list and from docs/compatibility.md", tc.differs, match)
				case tc.differs != "":
					known.Add(1)
				case match == "":
					t.Errorf("lsh: %s\n%s\nsnippet:\n%s", show(got), joinLines(wants), tc.src)
				default:
					matched.Add(1)
				}
			})
		}
	})
	t.Logf("%d of %d snippets match dash or bash --posix; %d are known differences (docs/compatibility.md)", matched.Load(), len(diffCases), known.Load())
}

func show(r shellResult) string {
	return "status " + strconv.Itoa(r.status) + ", stdout " + strconv.Quote(r.stdout)
}

func joinLines(ss []string) string {
	var b bytes.Buffer
	for _, s := range ss {
		b.WriteString(s + "\n")
	}
	return b.String()
}
