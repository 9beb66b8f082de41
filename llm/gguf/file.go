// Package gguf reads and writes GGUF files, the model format of llama.cpp.
//
// A GGUF file is, in little-endian order:
//
//	magic "GGUF" | version u32 | tensor count u64 | metadata count u64
//	metadata:     key string | value type u32 | value          (× metadata count)
//	tensor infos: name string | n_dims u32 | dims u64×n_dims | type u32 | offset u64  (× tensor count)
//	padding to general.alignment (default 32)
//	tensor data:  each tensor at data start + its offset, offsets aligned
//
// where a string is a u64 byte length and the bytes. Version 1 (u32 counts)
// is obsolete and refused; versions 2 and 3 are read.
//
// Open maps the file into memory: tensor data is never copied into the Go
// heap, so opening a multi-GB model costs a few milliseconds. Every count,
// length and offset is checked against the file size before it is used.
package gguf

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// Magic is the first four bytes of every GGUF file.
const Magic = "GGUF"

// DefaultAlignment is the tensor data alignment when general.alignment is
// absent.
const DefaultAlignment = 32

// maxDims is ggml's GGML_MAX_DIMS.
const maxDims = 4

// KV is one metadata entry.
type KV struct {
	Key   string
	Value Value
}

// TensorInfo describes one tensor. Dims are ggml's ne[]: Dims[0] is the
// number of elements in a row (contiguous in memory), Dims[1] the number of
// rows, and so on.
type TensorInfo struct {
	Name   string
	Dims   []uint64
	Type   Type
	Offset uint64 // from the start of the data section
	Size   uint64 // bytes
}

// Elements returns the number of elements in the tensor.
func (t *TensorInfo) Elements() uint64 {
	n := uint64(1)
	for _, d := range t.Dims {
		n *= d
	}
	return n
}

// Rows returns the number of rows: the product of every dimension but the
// first.
func (t *TensorInfo) Rows() uint64 {
	n := uint64(1)
	for _, d := range t.Dims[1:] {
		n *= d
	}
	return n
}

// File is an open GGUF file.
type File struct {
	Path      string
	Version   uint32
	KV        []KV // in file order
	Tensors   []TensorInfo
	Alignment int
	// DataOffset is where tensor data starts, from the start of the file.
	DataOffset int64
	// Size is the file's length in bytes.
	Size int64

	kv      map[string]int
	tensors map[string]int
	data    []byte // the whole file, mapped
	unmap   func() error
	huge    bool // data is read in 2 MiB pages (see mapFile)
}

// Open maps and parses the GGUF file at path.
func Open(path string) (*File, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fd.Close()
	st, err := fd.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("gguf: %s is a directory", path)
	}
	if st.Size() < 4 {
		return nil, fmt.Errorf("gguf: %s: not a GGUF file (%d bytes)", path, st.Size())
	}
	data, unmap, huge, err := mapFile(fd, st.Size())
	if err != nil {
		return nil, fmt.Errorf("gguf: %s: %w", path, err)
	}
	f, err := parse(data)
	if err != nil {
		unmap()
		return nil, fmt.Errorf("gguf: %s: %w", path, err)
	}
	f.Path, f.unmap, f.huge = path, unmap, huge
	return f, nil
}

// Parse reads a GGUF file held in memory. The File refers to data, which
// must stay unchanged while the File is used.
func Parse(data []byte) (*File, error) {
	f, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("gguf: %w", err)
	}
	return f, nil
}

// HugePages reports whether the mapping reads the file in 2 MiB pages
// (now, or as it is read back from disk after Open dropped its small
// folios from the page cache): see mapFile.
func (f *File) HugePages() bool { return f.huge }

// HugeMapped is how many bytes of the file are mapped in 2 MiB pages at
// this moment (Linux only).
func (f *File) HugeMapped() (int64, error) { return hugeMapped(f.data) }

// Header is the file's bytes before the tensor data (its metadata and
// tensor infos), read through the mapping: a read(2) of them after Open
// dropped the file's small folios would bring them back as small folios
// (see mapFile).
func (f *File) Header() []byte { return f.data[:min(f.DataOffset, int64(len(f.data)))] }

// Close releases the mapping. Tensor data and undecoded arrays obtained from
// the file must not be used afterwards.
func (f *File) Close() error {
	if f.unmap == nil {
		return nil
	}
	err := f.unmap()
	f.unmap, f.data = nil, nil
	return err
}

func parse(data []byte) (*File, error) {
	d := &decoder{buf: data}
	if len(data) < 4 || string(data[:4]) != Magic {
		return nil, errors.New("not a GGUF file (bad magic)")
	}
	d.pos = 4
	version, err := d.u32("version")
	if err != nil {
		return nil, err
	}
	if version == 1 {
		return nil, errors.New("GGUF version 1 is obsolete and not supported; convert the model again")
	}
	if version < 2 || version > 3 {
		return nil, fmt.Errorf("unsupported GGUF version %d (want 2 or 3)", version)
	}
	// A tensor info takes at least 8+4+8+4+8 bytes, a KV at least 8+4+1.
	nTensors, err := d.count("tensor count", 32)
	if err != nil {
		return nil, err
	}
	nKV, err := d.count("metadata count", 13)
	if err != nil {
		return nil, err
	}
	f := &File{Version: version, Size: int64(len(data)), data: data, Alignment: DefaultAlignment,
		kv: make(map[string]int, nKV), tensors: make(map[string]int, nTensors)}
	f.KV = make([]KV, 0, nKV)
	for i := 0; i < nKV; i++ {
		at := d.pos
		key, err := d.str()
		if err != nil {
			return nil, fmt.Errorf("metadata key %d: %w", i, err)
		}
		if _, dup := f.kv[key]; dup {
			return nil, &FormatError{int64(at), fmt.Sprintf("duplicate metadata key %q", key)}
		}
		t, err := d.u32("metadata value type")
		if err != nil {
			return nil, fmt.Errorf("metadata %q: %w", key, err)
		}
		v, err := d.value(ValueType(t), 0)
		if err != nil {
			return nil, fmt.Errorf("metadata %q: %w", key, err)
		}
		f.kv[key] = len(f.KV)
		f.KV = append(f.KV, KV{Key: key, Value: v})
	}
	if v, ok := f.Get("general.alignment"); ok {
		a, ok := v.Uint()
		if !ok || v.Type != TypeUint32 || a == 0 || a&(a-1) != 0 || a > 1<<20 {
			return nil, fmt.Errorf("general.alignment must be a power of two uint32, got %v (%s)", v.Interface(), v.Type)
		}
		f.Alignment = int(a)
	}
	f.Tensors = make([]TensorInfo, 0, nTensors)
	for i := 0; i < nTensors; i++ {
		ti, err := d.tensorInfo()
		if err != nil {
			return nil, fmt.Errorf("tensor info %d: %w", i, err)
		}
		if _, dup := f.tensors[ti.Name]; dup {
			return nil, fmt.Errorf("duplicate tensor name %q", ti.Name)
		}
		f.tensors[ti.Name] = len(f.Tensors)
		f.Tensors = append(f.Tensors, ti)
	}
	f.DataOffset = int64(alignUp(uint64(d.pos), uint64(f.Alignment)))
	if nTensors > 0 && f.DataOffset > f.Size {
		return nil, &FormatError{int64(d.pos), "file ends before the tensor data section"}
	}
	dataLen := uint64(f.Size - min(f.DataOffset, f.Size))
	for i := range f.Tensors {
		t := &f.Tensors[i]
		if t.Offset%uint64(f.Alignment) != 0 {
			return nil, fmt.Errorf("tensor %q: data offset %d is not a multiple of the alignment %d", t.Name, t.Offset, f.Alignment)
		}
		if t.Offset > dataLen || t.Size > dataLen-t.Offset {
			return nil, fmt.Errorf("tensor %q: data [%d, %d) lies past the end of the file (data section is %d bytes, starting at offset %d)",
				t.Name, t.Offset, t.Offset+t.Size, dataLen, f.DataOffset)
		}
	}
	return f, nil
}

func (d *decoder) tensorInfo() (TensorInfo, error) {
	var t TensorInfo
	name, err := d.str()
	if err != nil {
		return t, err
	}
	t.Name = name
	at := d.pos
	nd, err := d.u32("dimension count")
	if err != nil {
		return t, err
	}
	if nd == 0 || nd > maxDims {
		d.pos = at
		return t, d.errorf("tensor %q has %d dimensions (want 1 to %d)", name, nd, maxDims)
	}
	t.Dims = make([]uint64, nd)
	elems := uint64(1)
	for i := range t.Dims {
		at := d.pos
		v, err := d.u64("dimension")
		if err != nil {
			return t, err
		}
		if v == 0 || v > 1<<40 || elems > (1<<50)/v {
			d.pos = at
			return t, d.errorf("tensor %q: dimension %d is %d, out of range", name, i, v)
		}
		t.Dims[i] = v
		elems *= v
	}
	at = d.pos
	ty, err := d.u32("tensor type")
	if err != nil {
		return t, err
	}
	t.Type = Type(ty)
	if !t.Type.Known() {
		d.pos = at
		return t, d.errorf("tensor %q has unknown type %d", name, ty)
	}
	if t.Dims[0]%uint64(t.Type.BlockSize()) != 0 {
		d.pos = at
		return t, d.errorf("tensor %q: row of %d elements is not a multiple of %s's block size %d", name, t.Dims[0], t.Type, t.Type.BlockSize())
	}
	t.Size = elems / uint64(t.Type.BlockSize()) * uint64(t.Type.TypeSize())
	if t.Offset, err = d.u64("tensor data offset"); err != nil {
		return t, err
	}
	return t, nil
}

func alignUp(n, a uint64) uint64 { return (n + a - 1) / a * a }

// Get returns the metadata value for key.
func (f *File) Get(key string) (Value, bool) {
	i, ok := f.kv[key]
	if !ok {
		return Value{}, false
	}
	return f.KV[i].Value, true
}

// Tensor returns the info of the named tensor.
func (f *File) Tensor(name string) (*TensorInfo, bool) {
	i, ok := f.tensors[name]
	if !ok {
		return nil, false
	}
	return &f.Tensors[i], true
}

// TensorData returns the bytes of the named tensor, straight from the
// mapping (valid until Close).
func (f *File) TensorData(name string) ([]byte, error) {
	t, ok := f.Tensor(name)
	if !ok {
		return nil, fmt.Errorf("gguf: %s: no tensor %q", f.Path, name)
	}
	return f.Data(t), nil
}

// Data returns the bytes of tensor t (valid until Close).
func (f *File) Data(t *TensorInfo) []byte {
	start := uint64(f.DataOffset) + t.Offset
	return f.data[start : start+t.Size : start+t.Size]
}

// Architecture returns general.architecture ("llama", "qwen2", …).
func (f *File) Architecture() string {
	s, _ := f.String("general.architecture")
	return s
}

// String returns a string metadata value.
func (f *File) String(key string) (string, bool) {
	v, ok := f.Get(key)
	if !ok {
		return "", false
	}
	return v.String()
}

// Uint returns an unsigned integer metadata value of any integer type.
func (f *File) Uint(key string) (uint64, bool) {
	v, ok := f.Get(key)
	if !ok {
		return 0, false
	}
	return v.Uint()
}

// Float returns a floating-point (or integer) metadata value.
func (f *File) Float(key string) (float64, bool) {
	v, ok := f.Get(key)
	if !ok {
		return 0, false
	}
	return v.Float()
}

// Bool returns a bool metadata value.
func (f *File) Bool(key string) (bool, bool) {
	v, ok := f.Get(key)
	if !ok {
		return false, false
	}
	return v.Bool()
}

// Array returns an array metadata value.
func (f *File) Array(key string) (*Array, bool) {
	v, ok := f.Get(key)
	if !ok {
		return nil, false
	}
	return v.Array()
}

// ArchKey returns the key for an architecture-specific hyperparameter:
// ArchKey("context_length") is "llama.context_length" in a llama file.
func (f *File) ArchKey(name string) string {
	return f.Architecture() + "." + strings.TrimPrefix(name, ".")
}
