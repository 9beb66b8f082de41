package gguf

import (
	"encoding/binary"
	"fmt"
)

// maxNesting bounds nested metadata arrays; real files nest at most once, and
// a hostile file must not recurse the reader off its stack.
const maxNesting = 8

// decoder reads GGUF's little-endian encoding from a byte slice, checking
// every length against what is left before using it: no count read from the
// file can make it allocate or index beyond the file.
type decoder struct {
	buf  []byte
	off  int // offset of buf[0] within the file, for error messages
	pos  int
	what string // what is being read, for error messages
}

// FormatError describes a malformed file: what was wrong and at which byte
// offset.
type FormatError struct {
	Offset int64
	Msg    string
}

func (e *FormatError) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg) }

func (d *decoder) errorf(format string, args ...any) error {
	return &FormatError{Offset: int64(d.off + d.pos), Msg: fmt.Sprintf(format, args...)}
}

func (d *decoder) need(n int, what string) error {
	if n < 0 || len(d.buf)-d.pos < n {
		return d.errorf("file ends inside %s (needs %d bytes, %d left)", what, n, len(d.buf)-d.pos)
	}
	return nil
}

func (d *decoder) u32(what string) (uint32, error) {
	if err := d.need(4, what); err != nil {
		return 0, err
	}
	v := binary.LittleEndian.Uint32(d.buf[d.pos:])
	d.pos += 4
	return v, nil
}

func (d *decoder) u64(what string) (uint64, error) {
	if err := d.need(8, what); err != nil {
		return 0, err
	}
	v := binary.LittleEndian.Uint64(d.buf[d.pos:])
	d.pos += 8
	return v, nil
}

// count reads a uint64 element count and checks that count elements of at
// least minSize bytes each fit in the rest of the file.
func (d *decoder) count(what string, minSize int) (int, error) {
	at := d.pos
	n, err := d.u64(what)
	if err != nil {
		return 0, err
	}
	left := uint64(len(d.buf) - d.pos)
	if minSize > 0 && n > left/uint64(minSize) {
		d.pos = at
		return 0, d.errorf("%s is %d, but only %d bytes are left in the file", what, n, left)
	}
	if n > 1<<40 {
		d.pos = at
		return 0, d.errorf("%s is %d, absurdly large", what, n)
	}
	return int(n), nil
}

// str reads a string. GGUF strings are not required to be UTF-8 (byte
// tokens of real vocabularies are not), so the bytes are kept as they are.
func (d *decoder) str() (string, error) {
	n, err := d.count("string length", 1)
	if err != nil {
		return "", err
	}
	s := string(d.buf[d.pos : d.pos+n])
	d.pos += n
	return s, nil
}

// skipStr advances over a string without copying it.
func (d *decoder) skipStr() error {
	n, err := d.count("string length", 1)
	if err != nil {
		return err
	}
	d.pos += n
	return nil
}

// value decodes one value of type t. Arrays keep a sub-slice of the encoded
// bytes; their elements are walked once to find the array's end.
func (d *decoder) value(t ValueType, depth int) (Value, error) {
	v := Value{Type: t}
	switch t {
	case TypeString:
		s, err := d.str()
		if err != nil {
			return v, err
		}
		v.str = s
	case TypeArray:
		if depth > maxNesting {
			return v, d.errorf("arrays nested more than %d deep", maxNesting)
		}
		et, err := d.u32("array element type")
		if err != nil {
			return v, err
		}
		elem := ValueType(et)
		if elem.minSize() == 0 {
			return v, d.errorf("array of unknown value type %d", et)
		}
		n, err := d.count("array length", elem.minSize())
		if err != nil {
			return v, err
		}
		start := d.pos
		switch elem {
		case TypeString:
			for i := 0; i < n; i++ {
				if err := d.skipStr(); err != nil {
					return v, err
				}
			}
		case TypeArray:
			for i := 0; i < n; i++ {
				if _, err := d.value(TypeArray, depth+1); err != nil {
					return v, err
				}
			}
		default:
			d.pos += n * elem.size() // count() checked it fits
		}
		v.arr = &Array{Elem: elem, Len: n, raw: d.buf[start:d.pos:d.pos]}
	default:
		size := t.size()
		if size == 0 {
			return v, d.errorf("unknown metadata value type %d", uint32(t))
		}
		if err := d.need(size, t.String()); err != nil {
			return v, err
		}
		v.num = scalarBits(t, d.buf[d.pos:])
		if t == TypeBool && v.num > 1 {
			return v, d.errorf("bool value %d is neither 0 nor 1", v.num)
		}
		d.pos += size
	}
	return v, nil
}
