package promptfmt

import (
	"testing"
	"time"
)

func TestShortDir(t *testing.T) {
	for _, tc := range []struct{ dir, home, want string }{
		{"/home/ada", "/home/ada", "~"},
		{"/home/ada/src", "/home/ada", "~/src"},
		{"/home/ada/src", "/home/ada/", "~/src"},
		{"/home/adam", "/home/ada", "/home/adam"},
		{"/etc", "/home/ada", "/etc"},
		{"/etc", "", "/etc"},
		{"/x", "/", "/x"},
	} {
		if got := ShortDir(tc.dir, tc.home); got != tc.want {
			t.Errorf("ShortDir(%q, %q) = %q, want %q", tc.dir, tc.home, got, tc.want)
		}
	}
}

func TestBaseDir(t *testing.T) {
	for _, tc := range []struct{ dir, home, want string }{
		{"/home/ada", "/home/ada", "~"},
		{"/home/ada", "/home/ada/", "~"},
		{"/home/ada/src", "/home/ada", "src"},
		{"/", "/home/ada", "/"},
		{"/", "/", "/"},
		{"/etc/ssh", "", "ssh"},
	} {
		if got := BaseDir(tc.dir, tc.home); got != tc.want {
			t.Errorf("BaseDir(%q, %q) = %q, want %q", tc.dir, tc.home, got, tc.want)
		}
	}
}

// The fixed escapes expand here; the others are the caller's, and those
// it does not know stay as written, as bash leaves them.
func TestExpand(t *testing.T) {
	now := time.Date(2025, 5, 26, 14, 5, 9, 0, time.UTC)
	value := func(c byte) (string, bool) {
		if c == 'u' {
			return "ada", true
		}
		return "", false
	}
	for _, tc := range []struct{ format, want string }{
		{`plain $ `, `plain $ `},
		{`\u@\s:\A\$ `, `ada@lsh:14:05\$ `},
		{`\t \T \@ \d`, `14:05:09 02:05:09 02:05 PM Mon May 26`},
		{`a\nb\rc`, "a\nb\rc"},
		{`\[\e[1m\]x\a\\`, "\x1b[1mx\x07\\"},
		{`\101\0611\x`, `A11\x`},
		{`trailing\`, `trailing\`},
	} {
		if got := Expand(tc.format, now, value); got != tc.want {
			t.Errorf("Expand(%q) = %q, want %q", tc.format, got, tc.want)
		}
	}
}
