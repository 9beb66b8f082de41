package intents

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strings"

	"github.com/llamashell/lsh/llm"

	"github.com/llamashell/lsh/internal/lazy"
)

// The key-value state of a prompt's fixed opening is kept on disk so a new
// session (a new lsh) does not compute it again:
//
//	$XDG_CACHE_HOME/lsh/prompt-<key>.kv     llm.State.WriteTo's format
//	key = hex(SHA-256(cacheFormat | engineVersion | model fingerprint | KV cache type | opening's token ids))[:32]
//
// The fingerprint changes when the model file does (llm.Model.Fingerprint
// hashes its header and the start of every tensor), the cache type when
// the keys and values are kept in float16 instead of float32 (a state
// computed in one is not exactly the state of the other), the token ids when the
// prompt, the host's facts or the chat template do, and engineVersion when
// lsh is rebuilt from other sources (whose arithmetic may differ). A file
// that does not read back as the state of exactly those tokens for exactly
// this model is ignored and rewritten. At most keepCacheFiles files are
// kept; the least recently written go first.
const (
	cacheFormat    = "lsh-prompt-cache-1"
	keepCacheFiles = 8
)

// engineVersion identifies the build: the VCS revision lsh was built from
// (with "+dirty" for modified sources), or "devel" in tests and `go run`;
// read from the build information when first needed, not at start-up.
var engineVersion = lazy.Value[string]{Build: func() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	rev, dirty := "", ""
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev == "" {
		return "devel"
	}
	return rev + dirty
}}

// prefixKey names the cached state of ids computed by the model with
// fingerprint fp and a KV cache of type kv (llm.Model.KVCache).
func prefixKey(fp [32]byte, kv string, ids []int32) string {
	h := sha256.New()
	h.Write([]byte(cacheFormat + "\x00" + engineVersion.Get() + "\x00"))
	h.Write(fp[:])
	h.Write([]byte(kv + "\x00"))
	var b [4]byte
	for _, id := range ids {
		binary.LittleEndian.PutUint32(b[:], uint32(id))
		h.Write(b[:])
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func cacheFile(dir, key string) string { return filepath.Join(dir, "prompt-"+key+".kv") }

// loadPrefix reads the cached state of ids from dir. Any problem — no
// file, a truncated or foreign one, other tokens, another model — is an
// error, and the caller computes the state anew.
func loadPrefix(dir, key string, fp [32]byte, ids []int32) (*llm.State, error) {
	f, err := os.Open(cacheFile(dir, key))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := llm.ReadState(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name(), err)
	}
	if st.Model != fp || !slices.Equal(st.Tokens, ids) {
		return nil, fmt.Errorf("%s: the state of another model or prompt", f.Name())
	}
	return st, nil
}

// storePrefix writes st to dir atomically (a temporary file renamed into
// place, so a reader never sees half a file) and prunes old files.
func storePrefix(dir, key string, st *llm.State) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".prompt-*.tmp")
	if err != nil {
		return err
	}
	_, err = st.WriteTo(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), cacheFile(dir, key))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("intents: writing the prompt cache in %s: %w", dir, err)
	}
	pruneCache(dir)
	return nil
}

// pruneCache keeps the keepCacheFiles most recently written cache files.
func pruneCache(dir string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type file struct {
		path string
		mod  int64
	}
	var files []file
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), "prompt-") || !strings.HasSuffix(e.Name(), ".kv") {
			continue
		}
		if info, err := e.Info(); err == nil {
			files = append(files, file{filepath.Join(dir, e.Name()), info.ModTime().UnixNano()})
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].mod > files[j].mod })
	for _, f := range files[min(len(files), keepCacheFiles):] {
		os.Remove(f.path)
	}
}
