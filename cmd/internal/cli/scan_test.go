package cli

import "testing"

func TestNeedsFull(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want bool
	}{
		{"true", false},
		{"echo hi; ls -l | wc -l", false},
		{"for i in $(seq 1000); do :; done", false},
		{"", false},
		// lsh-full's builtins, wherever the word is: a false yes only
		// costs time.
		{"model list", true},
		{"cd /tmp && diagnose", true},
		{"x=1; explain ls", true},
		{"echo hi | llama summarise", true},
		{"why", true},
		{"f() { model bench; }", true},
		{"echo model", true},
		{"cat model.gguf", true},
		// Not the word: longer names.
		{"ls models", false},
		{"echo remodel modeler my_model", false},
		{"why-not", false},
		// "? TEXT" requests, at the start of a command.
		{"? find big files", true},
		{"ls; ? what now", true},
		{"true && ?\tx", true},
		{"?", true},
		{"(? x)", true},
		{"ls ?", true},
		// A glob or a parameter is not a request.
		{"ls ?.txt", false},
		{"echo $?", false},
		{"echo a?b", false},
		// The guard, however it is turned on.
		{"set -o guard", true},
		{"set -o pipefail", false},
	} {
		if got := needsFull([]byte(tt.src)); got != tt.want {
			t.Errorf("needsFull(%q) = %v, want %v", tt.src, got, tt.want)
		}
	}
}
