package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/llamashell/lsh/llm/gguf"
)

// Entry is one model in the models folder.
type Entry struct {
	Name     string // what to pass to --model or `model use`: the file name without ".gguf"
	Path     string
	Size     int64 // bytes on disk (so far, for a partial download)
	Modified time.Time

	// From the file's metadata; empty when Err is set.
	Arch   string
	Params uint64
	Quant  string // llama.cpp's file type name ("Q4_K_M"), else the type most bytes are in

	// Err is why a .gguf file does not open as a model: it is listed with
	// the reason, never skipped, so a person sees what is wrong.
	Err error
	// Partial is set for a download that has not finished (NAME.gguf.part).
	Partial *Partial
}

// Partial describes an unfinished download.
type Partial struct {
	URL   string // where it comes from, if known
	Total int64  // the full size, if known (0 otherwise)
}

// List returns the models in dir, by name. A folder that does not exist
// holds no models; that is not an error.
//
// Each file is opened (a memory map and a walk of its header, a few
// milliseconds even for GBs) to tell what it holds.
func List(dir string) ([]Entry, error) {
	des, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, de := range des {
		name := de.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		path := filepath.Join(dir, name)
		switch {
		case strings.HasSuffix(name, ".gguf"):
			e := Entry{Name: strings.TrimSuffix(name, ".gguf"), Path: path}
			st, err := os.Stat(path) // through symlinks
			if err != nil {
				e.Err = err
				out = append(out, e)
				continue
			}
			if st.IsDir() {
				continue
			}
			e.Size, e.Modified = st.Size(), st.ModTime()
			describe(&e)
			out = append(out, e)
		case strings.HasSuffix(name, ".gguf"+partSuffix):
			st, err := os.Stat(path)
			if err != nil || !st.Mode().IsRegular() {
				continue
			}
			final := strings.TrimSuffix(path, partSuffix)
			e := Entry{Name: strings.TrimSuffix(filepath.Base(final), ".gguf"), Path: path,
				Size: st.Size(), Modified: st.ModTime(), Partial: &Partial{}}
			if m, err := readMeta(final); err == nil {
				e.Partial.URL, e.Partial.Total = m.URL, m.Total
			}
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Partial == nil && out[j].Partial != nil
	})
	return out, nil
}

func describe(e *Entry) {
	f, err := gguf.Open(e.Path)
	if err != nil {
		e.Err = err
		return
	}
	defer f.Close()
	s := gguf.Summarize(f)
	e.Arch, e.Params = s.Architecture, s.Parameters
	e.Quant = s.FileType
	if e.Quant == "" && len(s.QuantMix) > 0 {
		e.Quant = s.QuantMix[0].Type
	}
	if e.Arch == "" {
		e.Err = errors.New("no general.architecture in the metadata: not a model lsh can run")
	}
}
