package explain

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"time"

	"github.com/llamashell/lsh/internal/lazy"
)

// manualTimeout bounds one man or --help run.
const manualTimeout = 3 * time.Second

// manualLimit caps the text read from man or --help.
const manualLimit = 256 << 10

// noHelp lists tools whose --help lsh never runs, whatever they are: a
// tool that ignored --help would do its job instead. It and the other
// patterns of this file are compiled on first use, not at every lsh start.
var noHelp = lazy.Value[*regexp.Regexp]{Build: func() *regexp.Regexp {
	return regexp.MustCompile(`^(rm|mkfs.*|mke2fs|mkswap|wipefs|shred|dd|reboot|shutdown|halt|poweroff|init|telinit|kill.*|pkill|fdisk|sfdisk|sgdisk|gdisk|cfdisk|parted|format|userdel|crontab|iptables.*|nft|blkdiscard|truncate|srm|sudo|su|doas|pkexec)$`)
}}

// safeTool matches names lsh will look up: no paths, no options.
var safeTool = lazy.Value[*regexp.Regexp]{Build: func() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._+-]*$`)
}}

// SystemManual reads a tool's documentation on this machine: its manual
// page through `man -P cat`, or else the output of `TOOL --help` when the
// tool is installed. It never runs anything else: the name must be a plain
// command name, dangerous tools are never asked for --help, the tool runs
// with no input, in the temporary directory, for at most a few seconds.
func SystemManual(tool string) (string, string, error) {
	if !safeTool.Get().MatchString(tool) {
		return "", "", fmt.Errorf("explain: %q is not a plain command name", tool)
	}
	env := append(os.Environ(), "MANWIDTH=100", "LC_ALL=C", "LANG=C", "MAN_KEEP_FORMATTING=", "MANPAGER=cat", "PAGER=cat")
	if man, err := exec.LookPath("man"); err == nil {
		if out, err := run(env, man, "-P", "cat", tool); err == nil && len(bytes.TrimSpace(out)) > 0 {
			return stripOverstrike(string(out)), "man", nil
		}
	}
	if noHelp.Get().MatchString(tool) {
		return "", "", fmt.Errorf("explain: lsh does not run %s --help", tool)
	}
	path, err := exec.LookPath(tool)
	if err != nil {
		return "", "", fmt.Errorf("explain: %s is not installed: %w", tool, err)
	}
	out, err := run(env, path, "--help")
	if len(bytes.TrimSpace(out)) == 0 {
		if err == nil {
			err = errors.New("no output")
		}
		return "", "", fmt.Errorf("explain: %s --help: %w", tool, err)
	}
	// Many tools print --help and exit non-zero; the text is what counts.
	return string(out), "--help", nil
}

// run runs a program with no input and a deadline, returning at most
// manualLimit bytes of its output.
func run(env []string, name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), manualTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	cmd.Dir = os.TempDir()
	var out limited
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return out.Bytes(), err
}

// limited is a buffer that drops what goes past manualLimit.
type limited struct{ bytes.Buffer }

func (l *limited) Write(p []byte) (int, error) {
	if room := manualLimit - l.Len(); room > 0 {
		l.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// stripOverstrike removes the backspace bold and underline of old man
// output ("N\bNA\bAM\bME").
func stripOverstrike(s string) string {
	if !strings.Contains(s, "\b") {
		return s
	}
	var b []rune
	for _, r := range s {
		if r == '\b' {
			if len(b) > 0 {
				b = b[:len(b)-1]
			}
			continue
		}
		b = append(b, r)
	}
	return string(b)
}

// optionLine matches the head of an option description in man or --help
// text: "  -a, --all   text" or "  -f FILE, --file=FILE".
var optionLine = lazy.Value[*regexp.Regexp]{Build: func() *regexp.Regexp {
	return regexp.MustCompile(`^\s{1,12}(-{1,2}[A-Za-z0-9?#][-A-Za-z0-9_#]*(?:[ =]\[?[A-Za-z<][-A-Za-z_<>.|]*\]?)?(?:,\s*-{1,2}[A-Za-z0-9?#][-A-Za-z0-9_#]*(?:[ =]\[?[A-Za-z<][-A-Za-z_<>.|]*\]?)?)*)(?:\s{2,}|\t|$)(.*)$`)
}}

// parseManual builds a Tool from man or --help text: the NAME line's
// summary and each option's first line of description.
func parseManual(name, text, from string) *Tool {
	t := &Tool{Name: name, From: from}
	lines := strings.Split(strings.ReplaceAll(text, "\u2010", "-"), "\n")
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "NAME" {
			for j := i + 1; j < len(lines) && j < i+4; j++ {
				l := strings.TrimSpace(lines[j])
				if _, s, ok := strings.Cut(l, " - "); ok {
					t.Summary = strings.TrimSpace(s)
					break
				}
			}
			break
		}
	}
	if t.Summary == "" && from == "--help" {
		// Usage: TOOL … then, usually, a sentence saying what it does.
		for _, l := range lines {
			l = strings.TrimSpace(l)
			if l != "" && !strings.HasPrefix(strings.ToLower(l), "usage") && !strings.HasPrefix(l, "-") && !strings.HasPrefix(l, "or:") {
				t.Summary = strings.TrimSuffix(l, ".")
				break
			}
		}
	}
	for i := 0; i < len(lines); i++ {
		m := optionLine.Get().FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		desc := strings.TrimSpace(m[2])
		if desc == "" && i+1 < len(lines) {
			desc = strings.TrimSpace(lines[i+1])
		}
		if desc == "" || strings.HasPrefix(desc, "-") {
			continue
		}
		if k := strings.Index(desc, ". "); k > 0 {
			desc = desc[:k]
		}
		o := Option{Meaning: strings.TrimSuffix(desc, ".")}
		for _, f := range strings.Split(m[1], ",") {
			f = strings.TrimSpace(f)
			form, arg := f, ""
			if k := strings.IndexAny(f, " ="); k > 0 {
				form, arg = f[:k], strings.Trim(f[k+1:], "[]<>")
				if strings.Contains(f, "[") {
					o.Optional = true
				}
			}
			o.Forms = append(o.Forms, form)
			if arg != "" {
				o.Arg = arg
			}
		}
		t.Options = append(t.Options, o)
		addToGrammar(&t.Grammar, o)
	}
	if t.Summary == "" && len(t.Options) == 0 {
		return nil
	}
	if t.Summary == "" {
		t.Summary = "a command documented by its " + from
	}
	return t
}
