package tokenizer

import (
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/llamashell/lsh/llm/gguf"
	"github.com/llamashell/lsh/llm/internal/pages"
)

// The metadata keys read.
const (
	keyModel       = "tokenizer.ggml.model"
	keyPre         = "tokenizer.ggml.pre"
	keyTokens      = "tokenizer.ggml.tokens"
	keyScores      = "tokenizer.ggml.scores"
	keyTokenType   = "tokenizer.ggml.token_type"
	keyMerges      = "tokenizer.ggml.merges"
	keyAddBOS      = "tokenizer.ggml.add_bos_token"
	keyAddEOS      = "tokenizer.ggml.add_eos_token"
	keySpacePrefix = "tokenizer.ggml.add_space_prefix"
)

// FromGGUF builds the tokenizer described by f's tokenizer.ggml.* metadata.
// It reads metadata only (no tensor data), so a vocab-only GGUF works. The
// file may be closed afterwards.
func FromGGUF(f *gguf.File) (*Tokenizer, error) {
	t, err := load(f)
	if err != nil {
		if f.Path == "" {
			return nil, fmt.Errorf("tokenizer: %w", err)
		}
		return nil, fmt.Errorf("tokenizer: %s: %w", f.Path, err)
	}
	return t, nil
}

func load(f *gguf.File) (*Tokenizer, error) {
	if _, ok := f.Get(keyTokens); !ok {
		return nil, fmt.Errorf("model has no tokenizer (%s missing)", keyTokens)
	}
	model, ok, err := getString(f, keyModel)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%s missing: cannot tell which tokenizer the vocabulary is for", keyModel)
	}
	t := &Tokenizer{model: model, bos: NoToken, eos: NoToken, eot: NoToken, eom: NoToken,
		unk: NoToken, sep: NoToken, pad: NoToken, mask: NoToken}
	for i := range t.fim {
		t.fim[i] = NoToken
	}
	switch model {
	case "llama":
		// llama.cpp's SPM defaults.
		t.kind = SPM
		t.bos, t.eos, t.unk = 1, 2, 0
		t.addBOS, t.addSpacePrefix = true, true
	case "gpt2":
		t.kind = BPE
		t.bos, t.eos = 11, 11 // llama.cpp's BPE defaults
		pre, _, err := getString(f, keyPre)
		if err != nil {
			return nil, err
		}
		pt, known := preTokenizers()[pre]
		if !known {
			return nil, fmt.Errorf("unknown pre-tokenizer type %q (%s); supported: %s", pre, keyPre, supportedPre())
		}
		t.pre = pre
		t.stages = pt.stages
		t.ignoreMerges, t.addBOS, t.cleanSpaces = pt.ignoreMerges, pt.addBOS, pt.cleanSpaces
		if pt.noBOS {
			t.bos = NoToken
		}
	case "none", "no_vocab":
		return nil, fmt.Errorf("model has no vocabulary (%s = %q)", keyModel, model)
	default:
		return nil, fmt.Errorf("unsupported tokenizer model %q (%s); supported: \"llama\" (SentencePiece) and \"gpt2\" (byte-level BPE)", model, keyModel)
	}
	if v, ok, err := getBool(f, keySpacePrefix); err != nil {
		return nil, err
	} else if ok {
		t.addSpacePrefix = v
	}

	// The phases below depend on one another only through the token index:
	// the merge lines are decoded while the index is built, then resolved
	// against it while the special tokens and pieces are worked out.
	var lines []string
	var mergeErr error
	var decoding, resolving sync.WaitGroup
	if t.kind == BPE {
		arr, err := mergesArray(f)
		if err != nil {
			return nil, err
		}
		decoding.Go(func() {
			if lines, mergeErr = arr.Strings(); mergeErr != nil {
				mergeErr = fmt.Errorf("%s: %w", keyMerges, mergeErr)
			}
		})
	}
	err = t.loadTokens(f)
	decoding.Wait()
	if err == nil {
		err = mergeErr
	}
	if err != nil {
		return nil, err
	}
	if t.kind == BPE {
		resolving.Go(func() { t.loadMerges(lines) })
	}
	err = t.loadSpecial(f)
	resolving.Wait()
	if err != nil {
		return nil, err
	}
	return t, nil
}

// loadSpecial reads the special token ids, infers what llama.cpp infers
// from token texts, and precomputes what encoding and decoding look up.
func (t *Tokenizer) loadSpecial(f *gguf.File) error {
	if err := t.loadSpecialIDs(f); err != nil {
		return err
	}
	t.detectSpecialByText()
	t.applyNameAttrs(f)
	t.special = newSpecialMatcher(t)
	t.buildPieces()
	t.buildByteTables()
	return nil
}

func supportedPre() string {
	names := make([]string, 0, len(preTokenizers()))
	for n := range preTokenizers() {
		if n != "" {
			names = append(names, strconv.Quote(n))
		}
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// loadTokens reads the token texts, scores and types.
func (t *Tokenizer) loadTokens(f *gguf.File) error {
	arr, err := getArray(f, keyTokens, gguf.TypeString)
	if err != nil {
		return err
	}
	if arr.Len == 0 {
		return fmt.Errorf("%s is empty", keyTokens)
	}
	if arr.Len >= 1<<31 {
		return fmt.Errorf("%s has %d tokens, more than an int32 id can hold", keyTokens, arr.Len)
	}
	tokens, err := arr.Strings()
	if err != nil {
		return fmt.Errorf("%s: %w", keyTokens, err)
	}
	n := len(tokens)

	t.scores = pages.Make[float32](n)
	if v, ok := f.Get(keyScores); ok {
		a, isArr := v.Array()
		if !isArr || (a.Elem != gguf.TypeFloat32 && a.Elem != gguf.TypeInt32) {
			return fmt.Errorf("%s must be an array of float32 or int32, got %s", keyScores, describe(v))
		}
		if a.Len < n {
			return fmt.Errorf("%s has %d entries for %d tokens", keyScores, a.Len, n)
		}
		if a.Elem == gguf.TypeFloat32 {
			s, err := a.Float32s()
			if err != nil {
				return fmt.Errorf("%s: %w", keyScores, err)
			}
			copy(t.scores, s)
		} else {
			s, err := a.Ints()
			if err != nil {
				return fmt.Errorf("%s: %w", keyScores, err)
			}
			for i := range t.scores {
				t.scores[i] = float32(s[i])
			}
		}
	}

	t.types = pages.Make[TokenType](n)
	t.attrs = pages.Make[Attr](n)
	for i := range t.types {
		t.types[i] = TypeNormal
	}
	if v, ok := f.Get(keyTokenType); ok {
		a, isArr := v.Array()
		if !isArr || a.Elem != gguf.TypeInt32 {
			return fmt.Errorf("%s must be an array of int32, got %s", keyTokenType, describe(v))
		}
		if a.Len < n {
			return fmt.Errorf("%s has %d entries for %d tokens", keyTokenType, a.Len, n)
		}
		types, err := a.Ints()
		if err != nil {
			return fmt.Errorf("%s: %w", keyTokenType, err)
		}
		for i := range t.types {
			t.types[i] = TokenType(types[i])
		}
	}
	for i, ty := range t.types {
		switch ty {
		case TypeNormal:
			t.attrs[i] = AttrNormal
		case TypeUnknown:
			t.attrs[i] = AttrUnknown
		case TypeControl:
			t.attrs[i] = AttrControl
		case TypeUserDefined:
			t.attrs[i] = AttrUserDefined
		case TypeUnused:
			t.attrs[i] = AttrUnused
		case TypeByte:
			t.attrs[i] = AttrByte
		}
	}

	// The texts share one allocation (Array.Strings): the garbage
	// collector has one object to mark instead of 150k, for as long as the
	// tokenizer lives.
	for i, s := range tokens {
		if s == "" {
			// llama.cpp renames empty tokens so that they cannot match.
			tokens[i] = "[EMPTY_" + strconv.Itoa(i) + "]"
		}
	}
	t.tokens = tokens
	t.index = newTextIndex(tokens)
	for i, s := range tokens {
		if prev, dup := t.index.insert(int32(i)); dup {
			return fmt.Errorf("%s: token %q appears twice, as ids %d and %d", keyTokens, s, prev, i)
		}
	}
	return nil
}

// mergesArray returns tokenizer.ggml.merges, which a gpt2 tokenizer needs.
func mergesArray(f *gguf.File) (*gguf.Array, error) {
	if _, ok := f.Get(keyMerges); !ok {
		return nil, fmt.Errorf("%s missing: a gpt2 tokenizer needs its BPE merges", keyMerges)
	}
	return getArray(f, keyMerges, gguf.TypeString)
}

// loadMerges builds the merge table from the lines of
// tokenizer.ggml.merges ("left right", one per rank).
func (t *Tokenizer) loadMerges(lines []string) {
	// Resolving a line is three lookups in the read-only text index: spread
	// that over the cores, then insert in rank order.
	resolved := make([]resolvedMerge, len(lines))
	parallel(len(lines), func(lo, hi int) {
		var buf []byte
		for i := lo; i < hi; i++ {
			resolved[i] = t.resolveMerge(lines[i], &buf)
		}
	})
	t.merges = newPairTable(len(lines))
	for rank, r := range resolved {
		m := merge{rank: int32(rank), id: r.id}
		switch {
		case r.l != NoToken && r.r != NoToken:
			t.merges.add(pairKey(r.l, r.r), m) // the first rank wins
		case r.sp > 0:
			if t.strMerges == nil {
				t.strMerges = map[string]merge{}
			}
			if _, dup := t.strMerges[lines[rank]]; !dup { // "left right"
				t.strMerges[lines[rank]] = m
			}
		}
	}
}

// resolvedMerge is a merge line resolved to token ids: its halves l and r
// (NoToken if a half is not a token), the token the merged text spells,
// and where the line splits (0 if it merges nothing).
type resolvedMerge struct {
	l, r, id int32
	sp       int
}

func (t *Tokenizer) resolveMerge(line string, buf *[]byte) resolvedMerge {
	out := resolvedMerge{l: NoToken, r: NoToken, id: NoToken}
	// The halves are split at the first space after the first byte, as
	// llama.cpp does; a line without one merges nothing.
	if len(line) < 2 {
		return out
	}
	i := strings.IndexByte(line[1:], ' ')
	if i < 0 {
		return out
	}
	out.sp = i + 1
	left, right := line[:out.sp], line[out.sp+1:]
	out.l, _ = t.index.find(left)
	out.r, _ = t.index.find(right)
	*buf = append(append((*buf)[:0], left...), right...)
	out.id, _ = t.index.findBytes(*buf)
	return out
}

// parallel runs work over [0, n) split into one range per core.
func parallel(n int, work func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n/4096+1)
	if workers <= 1 {
		work(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() { work(n*w/workers, n*(w+1)/workers) })
	}
	wg.Wait()
}

// describe names a metadata value's type for error messages.
func describe(v gguf.Value) string {
	if a, ok := v.Array(); ok {
		return fmt.Sprintf("array of %d %s", a.Len, a.Elem)
	}
	return fmt.Sprintf("%s %v", v.Type, v.Interface())
}

func getString(f *gguf.File, key string) (string, bool, error) {
	v, ok := f.Get(key)
	if !ok {
		return "", false, nil
	}
	s, isStr := v.String()
	if !isStr {
		return "", false, fmt.Errorf("%s must be a string, got %s", key, describe(v))
	}
	return s, true, nil
}

func getBool(f *gguf.File, key string) (bool, bool, error) {
	v, ok := f.Get(key)
	if !ok {
		return false, false, nil
	}
	b, isBool := v.Bool()
	if !isBool {
		return false, false, fmt.Errorf("%s must be a bool, got %s", key, describe(v))
	}
	return b, true, nil
}

func getArray(f *gguf.File, key string, elem gguf.ValueType) (*gguf.Array, error) {
	v, _ := f.Get(key)
	a, ok := v.Array()
	if !ok || a.Elem != elem {
		return nil, fmt.Errorf("%s must be an array of %s, got %s", key, elem, describe(v))
	}
	return a, nil
}
