package grammar

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// FromSchema compiles a JSON Schema into a Program accepting the compact
// JSON texts (no whitespace between elements, properties in the schema's
// order) that the schema allows. It is how `model serve` honours an
// OpenAI-style response_format, and how lsh's intent schema becomes its
// decoding constraint.
//
// The subset, chosen for fixed-shape outputs a small model can be held to:
//
//	object   properties (all required: OpenAI's strict mode), written in
//	         the order the schema lists them; additionalProperties false or absent
//	string   maxLength (counted in bytes of JSON text; default 256),
//	         minLength ≥ 1 (a visible character is required), enum, const,
//	         and x-lsh-first-word: a list of words the string must begin with
//	array    items, minItems, maxItems (default and at most 16)
//	boolean, null; enum and const of any JSON values
//	anyOf / oneOf whose alternatives begin with different constant text
//	         (objects whose first property is a distinct const or enum)
//
// Annotations (title, description, $schema, default, examples) are
// ignored. Anything else — numbers and integers, $ref, patterns, free-form
// objects, optional properties — is an error naming the place in the
// schema (a JSON pointer) and the keyword.
func FromSchema(schema []byte) (*Program, error) {
	v, err := parseOrdered(schema)
	if err != nil {
		return nil, fmt.Errorf("grammar: schema: %w", err)
	}
	b := NewBuilder()
	c := compiler{b: b}
	start := c.compile(v, "", b.End())
	if c.err != nil {
		return nil, c.err
	}
	return b.Build(start)
}

type compiler struct {
	b   *Builder
	err error
}

func (c *compiler) fail(path, format string, args ...any) Node {
	if c.err == nil {
		if path == "" {
			path = "/"
		}
		c.err = fmt.Errorf("grammar: schema at %s: %s", path, fmt.Sprintf(format, args...))
	}
	return c.b.End()
}

// annotations are keywords that do not constrain the text.
var annotations = map[string]bool{
	"title": true, "description": true, "$schema": true, "$id": true, "default": true, "examples": true,
	"$comment": true, "strict": true, "additionalProperties": true, "required": true,
}

func (c *compiler) compile(v any, path string, next Node) Node {
	if c.err != nil {
		return next
	}
	s, ok := v.(*object)
	if !ok {
		if b, isBool := v.(bool); isBool && b {
			return c.fail(path, "the schema `true` (any value) is not supported: give the value's type")
		}
		return c.fail(path, "a schema must be an object")
	}
	for _, k := range s.keys {
		switch k {
		case "type", "properties", "items", "minItems", "maxItems", "maxLength", "minLength", "enum", "const",
			"anyOf", "oneOf", "x-lsh-first-word":
		default:
			if !annotations[k] {
				return c.fail(path+"/"+k, "keyword %q is not supported", k)
			}
		}
	}
	if cv, ok := s.get("const"); ok {
		return c.b.Lit(compact(cv), next)
	}
	if ev, ok := s.get("enum"); ok {
		vals, ok := ev.([]any)
		if !ok || len(vals) == 0 {
			return c.fail(path+"/enum", "enum must be a non-empty array")
		}
		alts := make([]Alt, len(vals))
		for i, x := range vals {
			alts[i] = Alt{Text: compact(x), Next: next}
		}
		return c.b.Choice(alts...)
	}
	for _, key := range []string{"anyOf", "oneOf"} {
		if av, ok := s.get(key); ok {
			list, ok := av.([]any)
			if !ok || len(list) == 0 {
				return c.fail(path+"/"+key, "%s must be a non-empty array", key)
			}
			alts := make([]Alt, len(list))
			for i, x := range list {
				alts[i] = Alt{Next: c.compile(x, fmt.Sprintf("%s/%s/%d", path, key, i), next)}
			}
			return c.b.Choice(alts...)
		}
	}
	tv, _ := s.get("type")
	typ, _ := tv.(string)
	switch typ {
	case "object":
		return c.object(s, path, next)
	case "string":
		spec := StringSpec{MaxBytes: 256}
		if n, ok := c.count(s, "maxLength", path); ok {
			spec.MaxBytes = n
		}
		if n, ok := c.count(s, "minLength", path); ok && n > 0 {
			spec.NonBlank = true
		}
		if wv, ok := s.get("x-lsh-first-word"); ok {
			list, ok := wv.([]any)
			if !ok {
				return c.fail(path+"/x-lsh-first-word", "must be an array of strings")
			}
			for _, w := range list {
				ws, ok := w.(string)
				if !ok {
					return c.fail(path+"/x-lsh-first-word", "must be an array of strings")
				}
				spec.FirstWord = append(spec.FirstWord, ws)
			}
		}
		if spec.MaxBytes < 1 {
			return c.fail(path+"/maxLength", "must be at least 1")
		}
		return c.b.String(spec, next)
	case "array":
		iv, ok := s.get("items")
		if !ok {
			return c.fail(path, "an array needs items")
		}
		lo, hi := 0, 16
		if n, ok := c.count(s, "minItems", path); ok {
			lo = n
		}
		if n, ok := c.count(s, "maxItems", path); ok {
			hi = n
		}
		if hi > 16 || lo > hi {
			return c.fail(path, "items must be bounded: 0 ≤ minItems ≤ maxItems ≤ 16 (got %d, %d)", lo, hi)
		}
		// tail(i) is what may follow once i items are written.
		tail := c.b.Lit("]", next)
		for i := hi - 1; i >= 0; i-- {
			item := c.compile(iv, path+"/items", tail)
			if i > 0 {
				item = c.b.Lit(",", item)
			}
			if i >= lo {
				tail = c.b.Choice(Alt{Text: "]", Next: next}, Alt{Next: item})
			} else {
				tail = item
			}
		}
		if hi == 0 {
			return c.b.Lit("[]", next)
		}
		return c.b.Lit("[", tail)
	case "boolean":
		return c.b.Choice(Alt{"true", next}, Alt{"false", next})
	case "null":
		return c.b.Lit("null", next)
	case "":
		return c.fail(path, "a schema needs a type (or const, enum, anyOf, oneOf)")
	}
	return c.fail(path+"/type", "type %q is not supported", typ)
}

func (c *compiler) object(s *object, path string, next Node) Node {
	if ap, ok := s.get("additionalProperties"); ok && ap != false {
		return c.fail(path+"/additionalProperties", "only false is supported: every property must be listed")
	}
	pv, _ := s.get("properties")
	props, _ := pv.(*object)
	if props == nil || len(props.keys) == 0 {
		if pv == nil {
			return c.fail(path, "free-form objects are not supported: list the properties")
		}
		return c.b.Lit("{}", next)
	}
	required := map[string]bool{}
	if rv, ok := s.get("required"); ok {
		list, _ := rv.([]any)
		for _, r := range list {
			if rs, ok := r.(string); ok {
				required[rs] = true
			}
		}
	}
	for _, k := range props.keys {
		if !required[k] {
			return c.fail(path+"/properties/"+k, "property %q is not required: optional properties are not supported (list it in required)", k)
		}
	}
	n := c.b.Lit("}", next)
	for i := len(props.keys) - 1; i >= 0; i-- {
		k := props.keys[i]
		n = c.compile(props.vals[i], path+"/properties/"+escapePointer(k), n)
		sep := ","
		if i == 0 {
			sep = "{"
		}
		n = c.b.Lit(sep+compact(k)+":", n)
	}
	return n
}

// count reads a non-negative integer keyword.
func (c *compiler) count(s *object, key, path string) (int, bool) {
	v, ok := s.get(key)
	if !ok {
		return 0, false
	}
	num, ok := v.(json.Number)
	if !ok {
		c.fail(path+"/"+key, "must be a number")
		return 0, false
	}
	n, err := strconv.Atoi(num.String())
	if err != nil || n < 0 || n > 1<<20 {
		c.fail(path+"/"+key, "must be a non-negative integer, not %s", num)
		return 0, false
	}
	return n, true
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// compact is v as compact JSON, with keys in their original order.
func compact(v any) string {
	var buf bytes.Buffer
	writeCompact(&buf, v)
	return buf.String()
}

func writeCompact(buf *bytes.Buffer, v any) {
	switch x := v.(type) {
	case *object:
		buf.WriteByte('{')
		for i, k := range x.keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeCompact(buf, k)
			buf.WriteByte(':')
			writeCompact(buf, x.vals[i])
		}
		buf.WriteByte('}')
	case []any:
		buf.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeCompact(buf, e)
		}
		buf.WriteByte(']')
	default:
		enc := json.NewEncoder(buf)
		enc.SetEscapeHTML(false)
		enc.Encode(x)
		buf.Truncate(buf.Len() - 1) // Encode's newline
	}
}

// object is a JSON object that remembers the order of its keys, which
// encoding/json's maps forget and a schema's properties need.
type object struct {
	keys []string
	vals []any
}

func (o *object) get(k string) (any, bool) {
	for i, key := range o.keys {
		if key == k {
			return o.vals[i], true
		}
	}
	return nil, false
}

// parseOrdered decodes JSON into *object, []any, string, json.Number,
// bool and nil.
func parseOrdered(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("text after the value at byte %d", dec.InputOffset())
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("at byte %d: %w", dec.InputOffset(), err)
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &object{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, fmt.Errorf("at byte %d: %w", dec.InputOffset(), err)
				}
				k, _ := kt.(string)
				if _, dup := o.get(k); dup {
					return nil, fmt.Errorf("at byte %d: duplicate key %q", dec.InputOffset(), k)
				}
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				o.keys, o.vals = append(o.keys, k), append(o.vals, v)
			}
			_, err := dec.Token()
			return o, err
		case '[':
			list := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
			_, err := dec.Token()
			return list, err
		}
		return nil, errors.New("unexpected delimiter")
	}
	return tok, nil
}
