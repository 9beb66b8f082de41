package gguf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
)

// Writer builds a GGUF v3 file: metadata in the order it was set, then tensor
// infos and data in the order they were added, each tensor's data aligned as
// llama.cpp aligns it. Tensor data can be streamed, so a multi-GB model is
// written without holding it in memory.
type Writer struct {
	kv      []KV
	keys    map[string]int
	tensors []pendingTensor
	names   map[string]bool
}

type pendingTensor struct {
	info  TensorInfo
	write func(io.Writer) error
}

// NewWriter returns an empty Writer.
func NewWriter() *Writer {
	return &Writer{keys: map[string]int{}, names: map[string]bool{}}
}

// Set sets a metadata value, replacing any earlier value of key in place.
func (w *Writer) Set(key string, v Value) {
	if i, ok := w.keys[key]; ok {
		w.kv[i].Value = v
		return
	}
	w.keys[key] = len(w.kv)
	w.kv = append(w.kv, KV{Key: key, Value: v})
}

// Alignment returns the alignment the file will use (general.alignment or
// the default).
func (w *Writer) Alignment() int {
	if i, ok := w.keys["general.alignment"]; ok {
		if a, ok := w.kv[i].Value.Uint(); ok && a > 0 && a&(a-1) == 0 {
			return int(a)
		}
	}
	return DefaultAlignment
}

// AddTensor adds a tensor whose bytes are data.
func (w *Writer) AddTensor(name string, t Type, dims []uint64, data []byte) error {
	return w.AddTensorFunc(name, t, dims, func(out io.Writer) error {
		_, err := out.Write(data)
		return err
	}, uint64(len(data)))
}

// AddTensorFunc adds a tensor whose bytes are produced by write when the file
// is written; write must produce exactly size bytes, which must be the size
// the type and dims imply.
func (w *Writer) AddTensorFunc(name string, t Type, dims []uint64, write func(io.Writer) error, size uint64) error {
	if w.names[name] {
		return fmt.Errorf("gguf: duplicate tensor %q", name)
	}
	if !t.Known() {
		return fmt.Errorf("gguf: tensor %q: unknown type %d", name, uint32(t))
	}
	if len(dims) == 0 || len(dims) > maxDims {
		return fmt.Errorf("gguf: tensor %q: %d dimensions (want 1 to %d)", name, len(dims), maxDims)
	}
	info := TensorInfo{Name: name, Dims: append([]uint64(nil), dims...), Type: t}
	if dims[0]%uint64(t.BlockSize()) != 0 {
		return fmt.Errorf("gguf: tensor %q: row of %d elements is not a multiple of %s's block size %d", name, dims[0], t, t.BlockSize())
	}
	info.Size = info.Elements() / uint64(t.BlockSize()) * uint64(t.TypeSize())
	if info.Size != size {
		return fmt.Errorf("gguf: tensor %q: %d bytes given, %s %v takes %d", name, size, t, dims, info.Size)
	}
	w.names[name] = true
	w.tensors = append(w.tensors, pendingTensor{info: info, write: write})
	return nil
}

// WriteTo writes the file to out.
func (w *Writer) WriteTo(out io.Writer) (int64, error) {
	cw := &countingWriter{w: bufio.NewWriterSize(out, 1<<20)}
	e := encoder{w: cw}
	e.raw([]byte(Magic))
	e.u32(3)
	e.u64(uint64(len(w.tensors)))
	e.u64(uint64(len(w.kv)))
	for _, kv := range w.kv {
		e.str(kv.Key)
		e.u32(uint32(kv.Value.Type))
		e.value(kv.Value)
	}
	align := uint64(w.Alignment())
	var off uint64
	for i := range w.tensors {
		t := &w.tensors[i].info
		t.Offset = off
		e.str(t.Name)
		e.u32(uint32(len(t.Dims)))
		for _, d := range t.Dims {
			e.u64(d)
		}
		e.u32(uint32(t.Type))
		e.u64(t.Offset)
		off = alignUp(off+t.Size, align)
	}
	e.pad(align)
	for _, t := range w.tensors {
		if e.err != nil {
			break
		}
		start := cw.n
		if err := t.write(cw); err != nil {
			return cw.n, fmt.Errorf("gguf: writing tensor %q: %w", t.info.Name, err)
		}
		if got := uint64(cw.n - start); got != t.info.Size {
			return cw.n, fmt.Errorf("gguf: tensor %q: wrote %d bytes, want %d", t.info.Name, got, t.info.Size)
		}
		e.pad(align)
	}
	if e.err == nil {
		e.err = cw.w.Flush()
	}
	return cw.n, e.err
}

// WriteFile writes the file to path atomically: to a temporary file in the
// same directory, renamed into place only when complete, so a failure never
// leaves a half-written model behind.
func (w *Writer) WriteFile(path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	_, err = w.WriteTo(tmp)
	if err == nil {
		// CreateTemp makes the file private; a model is as readable as any
		// file the person creates (umask applies to nothing here, so use
		// the conventional 0644).
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		// On disk before it gets its name: a crash cannot leave a model
		// cut short under the real name, and the page cache then holds
		// clean pages, which a later load may drop and read back in 2 MiB
		// folios (mmap_unix.go).
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

type countingWriter struct {
	w *bufio.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// encoder writes GGUF's encoding, remembering the first error.
type encoder struct {
	w   *countingWriter
	err error
	buf [8]byte
}

func (e *encoder) raw(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

func (e *encoder) u32(v uint32) {
	binary.LittleEndian.PutUint32(e.buf[:], v)
	e.raw(e.buf[:4])
}

func (e *encoder) u64(v uint64) {
	binary.LittleEndian.PutUint64(e.buf[:], v)
	e.raw(e.buf[:8])
}

func (e *encoder) str(s string) {
	e.u64(uint64(len(s)))
	e.raw([]byte(s))
}

func (e *encoder) pad(align uint64) {
	if n := alignUp(uint64(e.w.n), align) - uint64(e.w.n); n > 0 {
		e.raw(make([]byte, n))
	}
}

func (e *encoder) value(v Value) {
	switch v.Type {
	case TypeString:
		e.str(v.str)
	case TypeArray:
		e.u32(uint32(v.arr.Elem))
		e.u64(uint64(v.arr.Len))
		e.raw(v.arr.raw)
	default:
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], v.num)
		e.raw(b[:v.Type.size()])
	}
}

// Scalar and string values for Writer.Set.

// NewUint8 returns a uint8 value.
func NewUint8(v uint8) Value { return Value{Type: TypeUint8, num: uint64(v)} }

// NewInt32 returns an int32 value.
func NewInt32(v int32) Value { return Value{Type: TypeInt32, num: uint64(int64(v))} }

// NewUint32 returns a uint32 value.
func NewUint32(v uint32) Value { return Value{Type: TypeUint32, num: uint64(v)} }

// NewUint64 returns a uint64 value.
func NewUint64(v uint64) Value { return Value{Type: TypeUint64, num: v} }

// NewFloat32 returns a float32 value.
func NewFloat32(v float32) Value {
	return Value{Type: TypeFloat32, num: uint64(math.Float32bits(v))}
}

// NewBool returns a bool value.
func NewBool(v bool) Value {
	var n uint64
	if v {
		n = 1
	}
	return Value{Type: TypeBool, num: n}
}

// NewString returns a string value.
func NewString(s string) Value { return Value{Type: TypeString, str: s} }

// NewStringArray returns an array of strings.
func NewStringArray(ss []string) Value {
	n := 0
	for _, s := range ss {
		n += 8 + len(s)
	}
	raw := make([]byte, 0, n)
	for _, s := range ss {
		raw = binary.LittleEndian.AppendUint64(raw, uint64(len(s)))
		raw = append(raw, s...)
	}
	return Value{Type: TypeArray, arr: &Array{Elem: TypeString, Len: len(ss), raw: raw}}
}

// NewFloat32Array returns an array of float32.
func NewFloat32Array(fs []float32) Value {
	raw := make([]byte, 0, 4*len(fs))
	for _, f := range fs {
		raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(f))
	}
	return Value{Type: TypeArray, arr: &Array{Elem: TypeFloat32, Len: len(fs), raw: raw}}
}

// NewInt32Array returns an array of int32.
func NewInt32Array(is []int32) Value {
	raw := make([]byte, 0, 4*len(is))
	for _, v := range is {
		raw = binary.LittleEndian.AppendUint32(raw, uint32(v))
	}
	return Value{Type: TypeArray, arr: &Array{Elem: TypeInt32, Len: len(is), raw: raw}}
}

// NewArray returns an array of values that must all have type elem (nested
// arrays included).
func NewArray(elem ValueType, vals []Value) (Value, error) {
	if elem.minSize() == 0 {
		return Value{}, fmt.Errorf("gguf: array of unknown value type %d", uint32(elem))
	}
	var buf bytesWriter
	e := encoder{w: &countingWriter{w: bufio.NewWriter(&buf)}}
	for i, v := range vals {
		if v.Type != elem {
			return Value{}, fmt.Errorf("gguf: array element %d is %s, not %s", i, v.Type, elem)
		}
		e.value(v)
	}
	if e.err == nil {
		e.err = e.w.w.Flush()
	}
	if e.err != nil {
		return Value{}, e.err
	}
	return Value{Type: TypeArray, arr: &Array{Elem: elem, Len: len(vals), raw: buf.b}}, nil
}

type bytesWriter struct{ b []byte }

func (b *bytesWriter) Write(p []byte) (int, error) { b.b = append(b.b, p...); return len(p), nil }

// CopyFrom sets every metadata value of f and adds every tensor of f with its
// data, in f's order: writing the result reproduces a file written by
// llama.cpp byte for byte.
func (w *Writer) CopyFrom(f *File) error {
	if f.data == nil {
		return errors.New("gguf: CopyFrom a closed file")
	}
	for _, kv := range f.KV {
		w.Set(kv.Key, kv.Value)
	}
	for i := range f.Tensors {
		t := &f.Tensors[i]
		if err := w.AddTensor(t.Name, t.Type, t.Dims, f.Data(t)); err != nil {
			return err
		}
	}
	return nil
}
