package cli

import (
	"reflect"
	"slices"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		argv []string
		want Config
	}{
		{[]string{"lsh"}, Config{Argv0: "lsh"}},
		{[]string{"-lsh"}, Config{Argv0: "-lsh", Login: true}},
		{[]string{"/bin/-lsh", "-c", "x"}, Config{Argv0: "/bin/-lsh", Login: true, Command: true, Operands: []string{"x"}}},
		{[]string{"lsh", "-c", "echo", "name", "a"}, Config{Argv0: "lsh", Command: true, Operands: []string{"echo", "name", "a"}}},
		{[]string{"lsh", "-lc", "x"}, Config{Argv0: "lsh", Login: true, Command: true, Operands: []string{"x"}}},
		{[]string{"lsh", "-ec", "x"}, Config{Argv0: "lsh", Command: true, Set: []string{"-e"}, Operands: []string{"x"}}},
		{[]string{"lsh", "-o", "pipefail", "+x", "-s", "a"}, Config{Argv0: "lsh", Stdin: true, Set: []string{"-o", "pipefail", "+x"}, Operands: []string{"a"}}},
		{[]string{"lsh", "-c", "--", "x", "-y"}, Config{Argv0: "lsh", Command: true, Operands: []string{"x", "-y"}}},
		{[]string{"lsh", "-", "file"}, Config{Argv0: "lsh", Operands: []string{"file"}}},
		{[]string{"lsh", "script", "-c"}, Config{Argv0: "lsh", Operands: []string{"script", "-c"}}},
		{[]string{"lsh", "-i", "--login", "--norc", "--noprofile", "--plain"}, Config{Argv0: "lsh", Interactive: true, Login: true, NoRC: true, NoProfile: true, Plain: true}},
		{[]string{"lsh", "--yes", "-c", "x"}, Config{Argv0: "lsh", YesSet: true, Command: true, Operands: []string{"x"}}},
		{[]string{"lsh", "--yes=force", "--model", "m.gguf", "--source=rules", "--endpoint", "http://h/v1", "--json", "--dry-run", "-c", "x"},
			Config{Argv0: "lsh", Yes: "force", YesSet: true, Model: "m.gguf", Source: "rules", Endpoint: "http://h/v1", JSON: true, DryRun: true, Command: true, Operands: []string{"x"}}},
		{[]string{"lsh", "--help"}, Config{Argv0: "lsh", Help: true}},
		{[]string{"lsh", "--version"}, Config{Argv0: "lsh", Version: true}},
	} {
		got, err := Parse(tt.argv)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.argv, err)
			continue
		}
		if !equalConfig(*got, tt.want) {
			t.Errorf("Parse(%q) = %+v, want %+v", tt.argv, *got, tt.want)
		}
	}
}

// equalConfig compares two configs; a nil and an empty list are equal.
func equalConfig(a, b Config) bool {
	if !slices.Equal(a.Set, b.Set) || !slices.Equal(a.Operands, b.Operands) {
		return false
	}
	a.Set, b.Set, a.Operands, b.Operands = nil, nil, nil, nil
	return reflect.DeepEqual(a, b)
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct {
		argv []string
		want string
	}{
		{[]string{"lsh", "--bogus"}, "--bogus: invalid option"},
		{[]string{"lsh", "--help=yes"}, "--help: takes no value"},
		{[]string{"lsh", "--model"}, "--model: option requires an argument"},
		{[]string{"lsh", "-c"}, "-c: option requires an argument"},
		{[]string{"lsh", "-o"}, "-o: option requires an argument"},
		{[]string{"lsh", "+c", "x"}, "+c: invalid option"},
		{[]string{"lsh", "-Z"}, "-Z: invalid option"},
		{[]string{"lsh", "-o", "nosuch"}, "nosuch: invalid option name"},
		{[]string{"lsh", "--dry-run", "script"}, "--dry-run: needs -c LINE"},
	} {
		_, err := Parse(tt.argv)
		if err == nil {
			t.Errorf("Parse(%q): no error, want %q", tt.argv, tt.want)
			continue
		}
		if _, ok := err.(*UsageError); !ok || err.Error() != tt.want {
			t.Errorf("Parse(%q) = %T %q, want UsageError %q", tt.argv, err, err, tt.want)
		}
	}
}

func TestNatural(t *testing.T) {
	for _, argv := range [][]string{
		{"lsh", "--yes", "-c", "x"}, {"lsh", "--json", "-c", "x"}, {"lsh", "--dry-run", "-c", "x"},
		{"lsh", "--model", "m", "-c", "x"}, {"lsh", "--source", "rules", "-c", "x"}, {"lsh", "--endpoint", "u", "-c", "x"},
	} {
		c, err := Parse(argv)
		if err != nil || !c.Natural() {
			t.Errorf("Parse(%q): Natural() = false (err %v), want true: only lsh-full has that option", argv, err)
		}
	}
	c, _ := Parse([]string{"lsh", "-l", "--plain", "-o", "pipefail", "-c", "x"})
	if c.Natural() {
		t.Error("a plain shell command line reports Natural() = true")
	}
}
