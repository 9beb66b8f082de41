package cli

// needsFull reports whether the program src may call for what only
// lsh-full has: one of its builtins by name, a "? TEXT" request, or the
// guard option. It reads words, not syntax, and errs towards yes: a
// false yes costs one lsh-full start-up (the program runs the same); a
// false no (a name built at run time) reaches a stand-in builtin.
func needsFull(src []byte) bool {
	for i := 0; i < len(src); {
		c := src[i]
		if c == '?' && (i == 0 || isBreak(src[i-1])) && (i+1 == len(src) || isBlank(src[i+1])) {
			return true
		}
		if !isWordByte(c) {
			i++
			continue
		}
		j := i
		for j < len(src) && isWordByte(src[j]) {
			j++
		}
		if fullWord(src[i:j]) {
			return true
		}
		i = j
	}
	return false
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' }

// isBreak: what may come before a command word.
func isBreak(c byte) bool {
	return isBlank(c) || c == ';' || c == '&' || c == '|' || c == '(' || c == '{'
}

// fullWord reports whether w names one of lsh-full's builtins or the guard.
// (Comparing string(w) allocates nothing, so a 10 MB script scans fast.)
func fullWord(w []byte) bool {
	if string(w) == "guard" {
		return true
	}
	for _, name := range FullBuiltins {
		if string(w) == name {
			return true
		}
	}
	return false
}
