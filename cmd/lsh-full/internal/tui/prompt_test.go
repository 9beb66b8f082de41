package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/llamashell/lsh/intents/risk"
)

var promptTime = time.Date(2025, 5, 26, 14, 5, 9, 0, time.UTC)

func TestExpandFormat(t *testing.T) {
	f := Facts{Dir: "/home/ada/src/lsh", Home: "/home/ada", User: "ada", Host: "box.example.org",
		Branch: "main", Status: 127, Jobs: 2, Source: "qwen2.5-0.5b"}
	for _, tc := range []struct{ format, want string }{
		{`\u@\h:\w\$ `, "ada@box:~/src/lsh$ "},
		{`\H`, "box.example.org"},
		{`\W`, "lsh"},
		{`[\g]`, "[main]"},
		{`\?`, "127"},
		{`\S`, "qwen2.5-0.5b"},
		{`\j jobs`, "2 jobs"},
		{`\t \A \T \@ \d`, "14:05:09 14:05 02:05:09 02:05 PM Mon May 26"},
		{`\s`, "lsh"},
		{`a\nb`, "a\nb"},
		{`\\`, `\`},
		{`\[\e[1;32m\]\w\[\e[0m\]`, "\x1b[1;32m~/src/lsh\x1b[0m"},
		{`\101\102`, "AB"},
		{`\q kept`, `\q kept`},
		{`trailing\`, `trailing\`},
		{`$HOME $(date)`, `$HOME $(date)`},
	} {
		if got := ExpandFormat(tc.format, f, promptTime); got != tc.want {
			t.Errorf("ExpandFormat(%q) = %q, want %q", tc.format, got, tc.want)
		}
	}
	ok := f
	ok.Status, ok.Branch, ok.Root, ok.Dir = 0, "", true, "/home/ada"
	for _, tc := range []struct{ format, want string }{
		{`\?`, ""}, {`\g`, ""}, {`\$`, "#"}, {`\w`, "~"}, {`\W`, "~"},
	} {
		if got := ExpandFormat(tc.format, ok, promptTime); got != tc.want {
			t.Errorf("ExpandFormat(%q) with status 0, no repo, root, at home = %q, want %q", tc.format, got, tc.want)
		}
	}
}

func TestDefaultPrompt(t *testing.T) {
	st, _ := NewStyles(StyleOptions{Dark: true})
	for _, tc := range []struct {
		f       Facts
		natural bool
		want    string
	}{
		{Facts{Dir: "/home/ada/src", Home: "/home/ada", Source: "rules"}, false, "~/src rules ❯ "},
		{Facts{Dir: "/srv/x", Home: "/home/ada", Branch: "main", Status: 1, Source: "rules"}, false, "/srv/x main ✗1 rules ❯ "},
		{Facts{Dir: "/", Jobs: 2, Source: "qwen2.5-0.5b"}, false, "/ &2 qwen2.5-0.5b ❯ "},
		{Facts{Dir: "/root", Home: "/root", Root: true, Source: "rules"}, false, "~ rules # "},
		{Facts{Dir: "/tmp", Source: "rules"}, true, "/tmp rules ✦ "},
		{Facts{Dir: "/tmp", Format: `\w\$ `}, true, "/tmp$ "},
	} {
		if got := stripANSI(st.renderPrompt(tc.f, tc.natural, promptTime)); got != tc.want {
			t.Errorf("prompt for %+v (natural %v) = %q, want %q", tc.f, tc.natural, got, tc.want)
		}
	}
}

func TestStyles(t *testing.T) {
	dark, err := NewStyles(StyleOptions{Dark: true})
	if err != nil {
		t.Fatal(err)
	}
	light, _ := NewStyles(StyleOptions{Dark: false})
	if dark.Dir.Render("x") == light.Dir.Render("x") {
		t.Error("light and dark backgrounds get the same directory colour")
	}
	forced, _ := NewStyles(StyleOptions{Dark: false, Theme: ThemeDark})
	if forced.Dir.Render("x") != dark.Dir.Render("x") {
		t.Error("theme = dark did not override a light background")
	}
	none, _ := NewStyles(StyleOptions{Dark: true, Theme: ThemeNone})
	if got := none.Dir.Render("x"); strings.Contains(got, "38;") {
		t.Errorf("theme none has a colour: %q", got)
	}
	// Every risk level has a distinct badge.
	seen := map[string]risk.Level{}
	for _, l := range risk.Levels {
		b := dark.RiskBadge(l)
		if stripANSI(b) != " "+string(l)+" " {
			t.Errorf("badge for %s reads %q", l, stripANSI(b))
		}
		if other, dup := seen[b]; dup {
			t.Errorf("%s and %s have the same badge", l, other)
		}
		seen[b] = l
	}
	if got := stripANSI(dark.RiskBadge("made-up")); !strings.Contains(got, "made-up") {
		t.Errorf("unknown level badge = %q", got)
	}
}

func TestStyleOverrides(t *testing.T) {
	st, err := NewStyles(StyleOptions{Dark: true, Overrides: map[string]string{"dir": "#ff0000"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Dir.Render("x"); !strings.Contains(got, "255;0;0") {
		t.Errorf("dir override not applied: %q", got)
	}
	_, err = NewStyles(StyleOptions{Dark: true, Overrides: map[string]string{"dri": "#ff0000", "error": "red", "status": "300", "branch": "#abc"}})
	if err == nil {
		t.Fatal("bad overrides accepted")
	}
	for _, want := range []string{`colors.dri: no such colour`, `colors.error = "red"`, `colors.status = "300"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "colors.branch") {
		t.Errorf("a valid override was reported: %v", err)
	}
	if _, err := ParseTheme("solarized"); err == nil || !strings.Contains(err.Error(), "auto, dark, light, none") {
		t.Errorf("ParseTheme(solarized) = %v", err)
	}
	if th, err := ParseTheme(" Light "); err != nil || th != ThemeLight {
		t.Errorf("ParseTheme(Light) = %v, %v", th, err)
	}
}
