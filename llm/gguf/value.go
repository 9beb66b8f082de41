package gguf

import (
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"

	"github.com/llamashell/lsh/llm/internal/pages"
)

// ValueType is the type tag of a metadata value (enum gguf_type).
type ValueType uint32

// The metadata value types.
const (
	TypeUint8   ValueType = 0
	TypeInt8    ValueType = 1
	TypeUint16  ValueType = 2
	TypeInt16   ValueType = 3
	TypeUint32  ValueType = 4
	TypeInt32   ValueType = 5
	TypeFloat32 ValueType = 6
	TypeBool    ValueType = 7
	TypeString  ValueType = 8
	TypeArray   ValueType = 9
	TypeUint64  ValueType = 10
	TypeInt64   ValueType = 11
	TypeFloat64 ValueType = 12
)

var valueTypeNames = [...]string{"uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "bool", "string", "array", "uint64", "int64", "float64"}

// String returns the GGUF spec's name of the type.
func (t ValueType) String() string {
	if int(t) < len(valueTypeNames) {
		return valueTypeNames[t]
	}
	return fmt.Sprintf("value-type(%d)", uint32(t))
}

// size is the encoded size of a scalar of type t; 0 for strings, arrays and
// unknown types.
func (t ValueType) size() int {
	switch t {
	case TypeUint8, TypeInt8, TypeBool:
		return 1
	case TypeUint16, TypeInt16:
		return 2
	case TypeUint32, TypeInt32, TypeFloat32:
		return 4
	case TypeUint64, TypeInt64, TypeFloat64:
		return 8
	}
	return 0
}

// minSize is the fewest bytes one value of type t can take in a file; it
// bounds how many elements an array can claim before a byte is read.
func (t ValueType) minSize() int {
	switch t {
	case TypeString:
		return 8 // the length prefix
	case TypeArray:
		return 12 // element type and length
	}
	return t.size()
}

// Value is one metadata value. Scalars and strings are decoded when the file
// is opened; arrays stay encoded in the mapped file and are decoded on demand
// (a vocabulary of 150k strings is only materialised by the tokenizer that
// needs it).
type Value struct {
	Type ValueType
	num  uint64 // scalar bits: integers zero/sign-extended, floats as IEEE bits
	str  string
	arr  *Array
}

// Array is an encoded metadata array. It refers to the mapped file: decode it
// before the File is closed.
type Array struct {
	Elem ValueType
	Len  int
	raw  []byte // the encoded elements, exactly
}

// Uint returns an unsigned integer value, or ok=false for other types or a
// negative signed value.
func (v Value) Uint() (uint64, bool) {
	switch v.Type {
	case TypeUint8, TypeUint16, TypeUint32, TypeUint64:
		return v.num, true
	case TypeInt8, TypeInt16, TypeInt32, TypeInt64:
		if int64(v.num) >= 0 {
			return v.num, true
		}
	}
	return 0, false
}

// Int returns an integer value of any integer type (uint64 above MaxInt64
// fails).
func (v Value) Int() (int64, bool) {
	switch v.Type {
	case TypeInt8, TypeInt16, TypeInt32, TypeInt64:
		return int64(v.num), true
	case TypeUint8, TypeUint16, TypeUint32, TypeUint64:
		if v.num <= math.MaxInt64 {
			return int64(v.num), true
		}
	}
	return 0, false
}

// Float returns a float value; integers convert too.
func (v Value) Float() (float64, bool) {
	switch v.Type {
	case TypeFloat32:
		return float64(math.Float32frombits(uint32(v.num))), true
	case TypeFloat64:
		return math.Float64frombits(v.num), true
	}
	if i, ok := v.Int(); ok {
		return float64(i), true
	}
	return 0, false
}

// Bool returns a bool value.
func (v Value) Bool() (bool, bool) { return v.num != 0, v.Type == TypeBool }

// String returns a string value.
func (v Value) String() (string, bool) { return v.str, v.Type == TypeString }

// Array returns an array value.
func (v Value) Array() (*Array, bool) { return v.arr, v.Type == TypeArray && v.arr != nil }

// Interface returns the value as a plain Go value: uint64, int64, float64,
// bool, string, or for arrays a []any (decoded, possibly large).
func (v Value) Interface() any {
	switch v.Type {
	case TypeUint8, TypeUint16, TypeUint32, TypeUint64:
		return v.num
	case TypeInt8, TypeInt16, TypeInt32, TypeInt64:
		return int64(v.num)
	case TypeFloat32, TypeFloat64:
		f, _ := v.Float()
		return f
	case TypeBool:
		return v.num != 0
	case TypeString:
		return v.str
	case TypeArray:
		vals, err := v.arr.Values()
		if err != nil {
			return nil
		}
		out := make([]any, len(vals))
		for i, e := range vals {
			out[i] = e.Interface()
		}
		return out
	}
	return nil
}

// Strings decodes an array of strings. Their bytes are copied out of the
// file into one allocation that all of them share: a vocabulary's 32k–150k
// tokens are then one object for the garbage collector, and one run of
// fresh pages (populated at once) rather than as many small allocations
// faulting in page after page.
func (a *Array) Strings() ([]string, error) {
	if a.Elem != TypeString {
		return nil, fmt.Errorf("array of %s, not of string", a.Elem)
	}
	d := decoder{buf: a.raw}
	total := 0
	for range a.Len {
		n, err := d.count("string length", 1)
		if err != nil {
			return nil, err
		}
		d.pos += n
		total += n
	}
	text := pages.Make[byte](total)
	d = decoder{buf: a.raw}
	for off := 0; off < total; {
		n, _ := d.count("string length", 1) // checked above
		off += copy(text[off:], d.buf[d.pos:d.pos+n])
		d.pos += n
	}
	all := unsafe.String(unsafe.SliceData(text), total) // text is never written again
	out := pages.Make[string](a.Len)
	d = decoder{buf: a.raw}
	off := 0
	for i := range out {
		n, _ := d.count("string length", 1)
		d.pos += n
		out[i] = all[off : off+n]
		off += n
	}
	return out, nil
}

// Float32s decodes an array of float32.
func (a *Array) Float32s() ([]float32, error) {
	if a.Elem != TypeFloat32 {
		return nil, fmt.Errorf("array of %s, not of float32", a.Elem)
	}
	out := pages.Make[float32](a.Len)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(a.raw[4*i:]))
	}
	return out, nil
}

// Ints decodes an array of any integer type into int64s.
func (a *Array) Ints() ([]int64, error) {
	size := a.Elem.size()
	if size == 0 || a.Elem == TypeFloat32 || a.Elem == TypeFloat64 || a.Elem == TypeBool {
		return nil, fmt.Errorf("array of %s, not of integers", a.Elem)
	}
	out := pages.Make[int64](a.Len)
	for i := range out {
		out[i] = int64(scalarBits(a.Elem, a.raw[i*size:]))
	}
	return out, nil
}

// Values decodes every element, including nested arrays.
func (a *Array) Values() ([]Value, error) {
	d := decoder{buf: a.raw}
	out := make([]Value, a.Len)
	for i := range out {
		v, err := d.value(a.Elem, 1)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// scalarBits reads a scalar of type t from b, sign-extending signed integers
// so that int64(bits) is the value.
func scalarBits(t ValueType, b []byte) uint64 {
	switch t {
	case TypeUint8, TypeBool:
		return uint64(b[0])
	case TypeInt8:
		return uint64(int64(int8(b[0])))
	case TypeUint16:
		return uint64(binary.LittleEndian.Uint16(b))
	case TypeInt16:
		return uint64(int64(int16(binary.LittleEndian.Uint16(b))))
	case TypeUint32, TypeFloat32:
		return uint64(binary.LittleEndian.Uint32(b))
	case TypeInt32:
		return uint64(int64(int32(binary.LittleEndian.Uint32(b))))
	default: // 64-bit types
		return binary.LittleEndian.Uint64(b)
	}
}
