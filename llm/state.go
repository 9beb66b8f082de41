package llm

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unsafe"

	"github.com/llamashell/lsh/llm/internal/pages"
)

// State is a saved session prefix: its tokens and their keys and values,
// so a long fixed prompt (a system prompt) is evaluated once and restored
// into any number of sessions of the same model.
//
// Layout: K and V are each [Layers][len(Tokens)][KVDim] float32, one
// position's heads side by side (not the cache's own layout, which may
// change with the attention kernels: kvCache.get and put convert).
type State struct {
	Model  [32]byte // Fingerprint of the model that computed it
	Tokens []int32
	layers int
	dim    int
	k, v   []float32
}

// Bytes is the memory the state holds.
func (st *State) Bytes() int64 { return int64(len(st.k)+len(st.v))*4 + int64(len(st.Tokens))*4 }

// Save copies the first n tokens of the session and their keys and values
// (n = s.Len() saves everything).
func (s *Session) Save(n int) (*State, error) {
	if n < 0 || n > len(s.tokens) {
		return nil, fmt.Errorf("llm: cannot save %d tokens of a session holding %d", n, len(s.tokens))
	}
	c := s.kv
	st := &State{Model: s.model.fingerprint, Tokens: append([]int32(nil), s.tokens[:n]...), layers: c.layers, dim: c.dim,
		k: make([]float32, c.layers*n*c.dim), v: make([]float32, c.layers*n*c.dim)}
	pages.Populate(st.k)
	pages.Populate(st.v)
	for l := range c.layers {
		c.get(l, 0, n, st.k[l*n*c.dim:(l+1)*n*c.dim], st.v[l*n*c.dim:(l+1)*n*c.dim])
	}
	return st, nil
}

// Restore replaces the session's contents with st. The logits are
// cleared: feed at least one token (Prefill does) before sampling.
func (s *Session) Restore(st *State) error {
	c := s.kv
	n := len(st.Tokens)
	switch {
	case st.Model != s.model.fingerprint:
		return errors.New("llm: the saved state was computed by a different model")
	case st.layers != c.layers || st.dim != c.dim:
		return fmt.Errorf("llm: the saved state has %d layers × %d, the model %d × %d", st.layers, st.dim, c.layers, c.dim)
	case n > s.ctxSize:
		return fmt.Errorf("llm: the saved state holds %d tokens, more than the context of %d: %w", n, s.ctxSize, ErrContextFull)
	}
	c.reserve(n)
	for l := range c.layers {
		c.put(l, 0, st.k[l*n*c.dim:(l+1)*n*c.dim], st.v[l*n*c.dim:(l+1)*n*c.dim])
	}
	s.tokens = append(s.tokens[:0], st.Tokens...)
	s.logits = s.logits[:0]
	return nil
}

// stateMagic starts a serialised State.
const stateMagic = "LSHKV\x00\x00\x01"

// WriteTo serialises the state, little-endian:
//
//	magic "LSHKV\0\0\1" | model fingerprint [32]byte | layers u32 | KVDim u32 | n u32
//	tokens i32×n | K f32×layers·n·KVDim | V f32×layers·n·KVDim
func (st *State) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	hdr := make([]byte, 0, 64)
	hdr = append(hdr, stateMagic...)
	hdr = append(hdr, st.Model[:]...)
	hdr = binary.LittleEndian.AppendUint32(hdr, uint32(st.layers))
	hdr = binary.LittleEndian.AppendUint32(hdr, uint32(st.dim))
	hdr = binary.LittleEndian.AppendUint32(hdr, uint32(len(st.Tokens)))
	written, err := bw.Write(hdr)
	n := int64(written)
	toks := make([]uint32, len(st.Tokens))
	for i, t := range st.Tokens {
		toks[i] = uint32(t)
	}
	if err == nil {
		err = writeWords(bw, toks)
	}
	for _, xs := range [][]float32{st.k, st.v} {
		if err == nil {
			err = writeWords(bw, unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(xs))), len(xs)))
		}
	}
	if err == nil {
		err = bw.Flush()
	}
	n += int64(len(st.Tokens)+len(st.k)+len(st.v)) * 4
	return n, err
}

// ReadState reads a State written by WriteTo, checking its header; the
// model match is checked by Restore.
func ReadState(r io.Reader) (*State, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	hdr := make([]byte, len(stateMagic)+32+12)
	if _, err := io.ReadFull(br, hdr); err != nil {
		return nil, fmt.Errorf("llm: reading saved state header: %w", err)
	}
	if string(hdr[:len(stateMagic)]) != stateMagic {
		return nil, errors.New("llm: not a saved lsh session state (bad magic)")
	}
	st := &State{}
	copy(st.Model[:], hdr[len(stateMagic):])
	p := hdr[len(stateMagic)+32:]
	layers, dim, n := binary.LittleEndian.Uint32(p), binary.LittleEndian.Uint32(p[4:]), binary.LittleEndian.Uint32(p[8:])
	if layers == 0 || layers > 1024 || dim == 0 || dim > 1<<16 || n > 1<<20 || uint64(layers)*uint64(dim)*uint64(n) > 1<<28 {
		return nil, fmt.Errorf("llm: saved state claims %d layers × %d floats × %d tokens: out of range", layers, dim, n)
	}
	st.layers, st.dim = int(layers), int(dim)
	st.Tokens = make([]int32, n)
	st.k = make([]float32, int(layers*dim)*int(n))
	st.v = make([]float32, len(st.k))
	toks := make([]uint32, n)
	if err := readWords(br, toks); err != nil {
		return nil, fmt.Errorf("llm: saved state truncated in its tokens: %w", err)
	}
	for i, t := range toks {
		st.Tokens[i] = int32(t)
	}
	for _, xs := range [][]float32{st.k, st.v} {
		if err := readWords(br, unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(xs))), len(xs))); err != nil {
			return nil, fmt.Errorf("llm: saved state truncated in its keys and values: %w", err)
		}
	}
	return st, nil
}

// writeWords writes 32-bit words little-endian, a chunk at a time: a
// prompt cache is megabytes, and a write call per float made restoring it
// the slowest part of a warm start.
func writeWords(w io.Writer, ws []uint32) error {
	var buf [1 << 14]byte
	for len(ws) > 0 {
		n := min(len(ws), len(buf)/4)
		for i, x := range ws[:n] {
			binary.LittleEndian.PutUint32(buf[4*i:], x)
		}
		if _, err := w.Write(buf[:4*n]); err != nil {
			return err
		}
		ws = ws[n:]
	}
	return nil
}

// readWords fills ws with little-endian 32-bit words read from r.
func readWords(r io.Reader, ws []uint32) error {
	var buf [1 << 14]byte
	for len(ws) > 0 {
		n := min(len(ws), len(buf)/4)
		if _, err := io.ReadFull(r, buf[:4*n]); err != nil {
			return err
		}
		for i := range ws[:n] {
			ws[i] = binary.LittleEndian.Uint32(buf[4*i:])
		}
		ws = ws[n:]
	}
	return nil
}
