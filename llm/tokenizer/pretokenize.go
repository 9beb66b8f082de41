package tokenizer

import "sync"

// Byte-level BPE first splits text into words with the regular expressions of
// the model's Hugging Face pre-tokenizer; merges never cross a word boundary.
// Those expressions need lookahead (\s+(?!\S)), which Go's regexp lacks, so
// each is written here as a hand-made scanner that reproduces, split for
// split, what llama.cpp produces (its own hand-made llama3 and gpt2 scanners,
// and std::regex for the others).
//
// A scanner works on a fragment of code points cps[ini:end] whose classes
// are in cls, and appends the end index (in code points) of every word it
// finds to ends; the last end is always end. Several scanners can run in a
// row, each splitting the words the previous one produced, as llama.cpp
// applies a list of expressions.

// splitter splits the fragment cps[ini:end].
type splitter func(cps []rune, cls []uint8, ini, end int, ends []int32) []int32

// preTokenizer is one tokenizer.ggml.pre value and what llama.cpp sets for it.
type preTokenizer struct {
	stages       []splitter
	ignoreMerges bool // emit a word that is a whole token as that token
	addBOS       bool // default of tokenizer.ggml.add_bos_token
	cleanSpaces  bool // detokenize removes spaces before punctuation
	noBOS        bool // the default BOS id is unset
}

var (
	// (?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
	stagesLlama3 = []splitter{splitLlama3}
	// The same with \p{N} (one digit per word) in place of \p{N}{1,3}.
	stagesQwen2 = []splitter{splitQwen2}
	// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)
	stagesGPT2 = []splitter{splitGPT2}
	// \p{N}, then GPT-2's.
	stagesStarcoder = []splitter{splitEachNumber, splitGPT2}
	// [\p{P}\$\+<=>\^~\|]+, GPT-2's, \p{N}+, [0-9][0-9][0-9]
	stagesDefault = []splitter{splitPunctRuns, splitGPT2, splitNumberRuns, splitDigitTriples}
	// [\p{P}\$\+<=>\^~\|`]+, GPT-2's, [0-9][0-9][0-9]
	stagesFalcon = []splitter{splitPunctRunsBacktick, splitGPT2, splitDigitTriples}
)

// preTokenizers maps tokenizer.ggml.pre to its pre-tokenizer, following
// llama.cpp's llama_vocab::impl::load. An absent key means "default".
// The map is built on first use: every lsh start links this package, few
// load a model.
var preTokenizers = sync.OnceValue(func() map[string]preTokenizer {
	m := map[string]preTokenizer{}
	add := func(p preTokenizer, names ...string) {
		for _, n := range names {
			m[n] = p
		}
	}
	add(preTokenizer{stages: stagesDefault, cleanSpaces: true}, "", "default")
	// Llama 3 and relatives.
	add(preTokenizer{stages: stagesLlama3, ignoreMerges: true, addBOS: true, cleanSpaces: true},
		"llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2")
	add(preTokenizer{stages: stagesLlama3, cleanSpaces: true}, "dbrx", "smaug-bpe")
	add(preTokenizer{stages: stagesLlama3, cleanSpaces: true, noBOS: true}, "glm4", "chatglm-bpe")
	// Qwen 2 / 2.5 and relatives.
	add(preTokenizer{stages: stagesQwen2}, "qwen2", "deepseek-r1-qwen", "hunyuan")
	add(preTokenizer{stages: stagesQwen2, cleanSpaces: true}, "megrez", "stablelm2")
	// GPT-2 style.
	add(preTokenizer{stages: stagesGPT2, cleanSpaces: true},
		"gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "a.x-4.0", "mellum", "mpt", "olmo", "jais", "exaone4")
	add(preTokenizer{stages: stagesGPT2}, "trillion", "granite-docling")
	// StarCoder style (SmolLM, SmolLM2): digits one by one, then GPT-2.
	add(preTokenizer{stages: stagesStarcoder, cleanSpaces: true}, "starcoder", "refact", "codeshell", "exaone", "minerva-7b")
	add(preTokenizer{stages: stagesStarcoder}, "smollm", "command-r")
	add(preTokenizer{stages: stagesFalcon, cleanSpaces: true}, "falcon")
	return m
})

// wordEnds splits cps into words with the given stages and returns the end
// index of each word; ends is reused.
func wordEnds(stages []splitter, cps []rune, cls []uint8, ends, tmp []int32) (out, spare []int32) {
	ends = append(ends[:0], int32(len(cps)))
	if len(cps) == 0 {
		return ends[:0], tmp
	}
	for _, split := range stages {
		tmp = tmp[:0]
		ini := 0
		for _, e := range ends {
			tmp = split(cps, cls, ini, int(e), tmp)
			ini = int(e)
		}
		ends, tmp = tmp, ends
	}
	return ends, tmp
}

// classAt returns the class of cps[pos], or 0 outside [ini, end).
func classAt(cls []uint8, ini, end, pos int) uint8 {
	if pos < ini || pos >= end {
		return 0
	}
	return cls[pos]
}

// cptAt returns cps[pos], or -1 outside [ini, end).
func cptAt(cps []rune, ini, end, pos int) rune {
	if pos < ini || pos >= end {
		return -1
	}
	return cps[pos]
}

func asciiLower(r rune) rune {
	if r >= 'A' && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}

// contraction returns the length of the contraction 's 't 're 've 'm 'll 'd
// at pos (0 if none), comparing letters case-insensitively when fold is set.
func contraction(cps []rune, ini, end, pos int, fold bool) int {
	if cps[pos] != '\'' || pos+1 >= end {
		return 0
	}
	low := func(r rune) rune {
		if fold {
			return asciiLower(r)
		}
		return r
	}
	c1 := low(cps[pos+1])
	if c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd' {
		return 2
	}
	if pos+2 < end {
		c2 := low(cps[pos+2])
		if c1 == 'r' && c2 == 'e' || c1 == 'v' && c2 == 'e' || c1 == 'l' && c2 == 'l' {
			return 3
		}
	}
	return 0
}

func splitLlama3(cps []rune, cls []uint8, ini, end int, ends []int32) []int32 {
	return splitLlama3Digits(cps, cls, ini, end, ends, 3)
}

func splitQwen2(cps []rune, cls []uint8, ini, end int, ends []int32) []int32 {
	return splitLlama3Digits(cps, cls, ini, end, ends, 1)
}

// splitLlama3Digits is the Llama 3 expression with numbers cut into groups of
// at most maxDigits.
func splitLlama3Digits(cps []rune, cls []uint8, ini, end int, ends []int32, maxDigits int) []int32 {
	prev := ini
	emit := func(e int) {
		if e > prev {
			ends = append(ends, int32(e))
		}
		prev = e
	}
	for pos := ini; pos < end; {
		c := cps[pos]
		cl := cls[pos]

		// (?i:'s|'t|'re|'ve|'m|'ll|'d)
		if n := contraction(cps, ini, end, pos, true); n > 0 {
			pos += n
			emit(pos)
			continue
		}
		// [^\r\n\p{L}\p{N}]?\p{L}+
		if c != '\r' && c != '\n' && cl&cNumber == 0 && (cl&cLetter != 0 || classAt(cls, ini, end, pos+1)&cLetter != 0) {
			pos++
			for classAt(cls, ini, end, pos)&cLetter != 0 {
				pos++
			}
			emit(pos)
			continue
		}
		// \p{N}{1,maxDigits}
		if cl&cNumber != 0 {
			start := pos
			for classAt(cls, ini, end, pos)&cNumber != 0 {
				pos++
				if pos-start >= maxDigits {
					emit(pos)
					start = pos
				}
			}
			emit(pos)
			continue
		}
		// ' ?[^\s\p{L}\p{N}]+[\r\n]*'; a space at the fragment's end also
		// lands here, alone, which is what \s+ would give it.
		c2 := cl
		if c == ' ' {
			c2 = classAt(cls, ini, end, pos+1)
		}
		if c2&(cSpace|cLetter|cNumber) == 0 {
			if c == ' ' {
				pos++
			}
			for c2&(cSpace|cLetter|cNumber) == 0 && c2 != 0 {
				pos++
				c2 = classAt(cls, ini, end, pos)
			}
			for r := cptAt(cps, ini, end, pos); r == '\r' || r == '\n'; r = cptAt(cps, ini, end, pos) {
				pos++
			}
			emit(pos)
			continue
		}
		// Whitespace: \s*[\r\n]+ takes the run up to its last line break;
		// otherwise \s+(?!\S) leaves the last space to the next word, unless
		// the run ends the fragment.
		n, lastBreak := 0, -1
		for classAt(cls, ini, end, pos+n)&cSpace != 0 {
			if r := cps[pos+n]; r == '\r' || r == '\n' {
				lastBreak = pos + n + 1
			}
			n++
		}
		switch {
		case lastBreak >= 0:
			pos = lastBreak
		case n > 1 && pos+n < end:
			pos += n - 1
		case n > 0:
			pos += n
		default:
			pos++
		}
		emit(pos)
	}
	return ends
}

// splitGPT2 is GPT-2's expression.
func splitGPT2(cps []rune, cls []uint8, ini, end int, ends []int32) []int32 {
	prev := ini
	emit := func(e int) {
		if e > prev {
			ends = append(ends, int32(e))
		}
		prev = e
	}
	for pos := ini; pos < end; {
		c := cps[pos]
		// 's|'t|'re|'ve|'m|'ll|'d
		if n := contraction(cps, ini, end, pos, false); n > 0 {
			pos += n
			emit(pos)
			continue
		}
		c2 := cls[pos]
		if c == ' ' {
			c2 = classAt(cls, ini, end, pos+1)
		}
		// ' ?\p{L}+', ' ?\p{N}+', ' ?[^\s\p{L}\p{N}]+': one class after an
		// optional space.
		var want func(uint8) bool
		switch {
		case c2&cLetter != 0:
			want = func(k uint8) bool { return k&cLetter != 0 }
		case c2&cNumber != 0:
			want = func(k uint8) bool { return k&cNumber != 0 }
		case c2&(cSpace|cLetter|cNumber) == 0 && c2 != 0:
			want = func(k uint8) bool { return k&(cSpace|cLetter|cNumber) == 0 && k != 0 }
		}
		if want != nil {
			if c == ' ' {
				pos++
			}
			for want(classAt(cls, ini, end, pos)) {
				pos++
			}
			emit(pos)
			continue
		}
		n := 0
		for classAt(cls, ini, end, pos+n)&cSpace != 0 {
			n++
		}
		switch {
		case n > 1 && pos+n < end: // \s+(?!\S)
			pos += n - 1
		case n > 0: // \s+
			pos += n
		default:
			pos++
		}
		emit(pos)
	}
	return ends
}

// splitRuns makes a word of every maximal run of code points that match,
// and of every stretch between them (a regex_iterator over "[class]+").
func splitRuns(cps []rune, cls []uint8, ini, end int, ends []int32, match func(r rune, cl uint8) bool) []int32 {
	for pos := ini; pos < end; {
		in := match(cps[pos], cls[pos])
		for pos < end && match(cps[pos], cls[pos]) == in {
			pos++
		}
		ends = append(ends, int32(pos))
	}
	return ends
}

// defaultPunct is the ASCII part of [\p{P}\$\+<=>\^~\|]: ASCII punctuation
// and those symbols, which leaves out only the backtick.
func defaultPunct(r rune, cl uint8, backtick bool) bool {
	if r < 0x80 {
		return r > ' ' && r < 0x7F && cl&(cLetter|cNumber) == 0 && (r != '`' || backtick)
	}
	return cl&cPunct != 0 && cl&cSpace == 0
}

func splitPunctRuns(cps []rune, cls []uint8, ini, end int, ends []int32) []int32 {
	return splitRuns(cps, cls, ini, end, ends, func(r rune, cl uint8) bool { return defaultPunct(r, cl, false) })
}

func splitPunctRunsBacktick(cps []rune, cls []uint8, ini, end int, ends []int32) []int32 {
	return splitRuns(cps, cls, ini, end, ends, func(r rune, cl uint8) bool { return defaultPunct(r, cl, true) })
}

// splitNumberRuns is \p{N}+.
func splitNumberRuns(cps []rune, cls []uint8, ini, end int, ends []int32) []int32 {
	return splitRuns(cps, cls, ini, end, ends, func(_ rune, cl uint8) bool { return cl&cNumber != 0 })
}

// splitEachNumber is \p{N}: every number code point is a word of its own.
func splitEachNumber(cps []rune, cls []uint8, ini, end int, ends []int32) []int32 {
	for pos := ini; pos < end; {
		if cls[pos]&cNumber != 0 {
			pos++
		} else {
			for pos < end && cls[pos]&cNumber == 0 {
				pos++
			}
		}
		ends = append(ends, int32(pos))
	}
	return ends
}

// splitDigitTriples is [0-9][0-9][0-9] over ASCII digits: each match is a
// word, and so is each stretch between matches.
func splitDigitTriples(cps []rune, _ []uint8, ini, end int, ends []int32) []int32 {
	digit := func(i int) bool { return cps[i] >= '0' && cps[i] <= '9' }
	prev := ini
	for pos := ini; pos < end; {
		if pos+2 < end && digit(pos) && digit(pos+1) && digit(pos+2) {
			if pos > prev {
				ends = append(ends, int32(pos))
			}
			pos += 3
			ends = append(ends, int32(pos))
			prev = pos
			continue
		}
		pos++
	}
	if prev < end {
		ends = append(ends, int32(end))
	}
	return ends
}
