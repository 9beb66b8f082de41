package config

import (
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// The scan must find every key the TOML library finds, at the place the
// key is written: this is the oracle for positions in warnings and for
// edits.
func TestScanAgreesWithParser(t *testing.T) {
	docs := []string{
		fullConfig,
		"a = \"\"\"\nb = 1\n\"\"\"\nc = '''\n[d]\n'''\ne = 1\n",
		"s = \"quote \\\" and # not a comment\" # comment\nt = 'lit # x'\n",
		"arr = [\n  \"x = 1\", # c\n  { k = 1 },\n  [1, 2],\n]\nafter = true\n",
		"\"quoted key\" = 1\n'lit.key' = 2\ndotted . key = 3\n",
		"[t]\nx = 1\n[[arr]]\ny = 2\n[[arr]]\ny = 3\n[t2.sub]\nz = 1979-05-27 07:32:00Z\nw = 1\n",
		"inline = { a = 1, b = { c = \"}\" }, d = [1, {e = 2}] }\nnext = 1\n",
		"x = \"\"\"ends with quotes\"\"\"\"\"\ny = 2\n",
		"  indented = 1\n\t[ spaced . table ]\n  k = 'v'\n",
		"crlf = 1\r\nnext = 2\r\n",
	}
	for _, doc := range docs {
		var v map[string]any
		md, err := toml.Decode(doc, &v)
		if err != nil {
			t.Fatalf("bad test document %q: %v", doc, err)
		}
		lay := scan([]byte(doc))
		for _, k := range md.Keys() {
			typ := md.Type(k...)
			if typ == "Hash" || typ == "ArrayHash" {
				continue // tables have headers, not key = value lines
			}
			if len(k) > 1 {
				if pt := md.Type(k[:len(k)-1]...); pt == "Array" || pt == "ArrayHash" {
					continue // array elements have no path of their own
				}
			}
			e, ok := lay.find([]string(k))
			if !ok {
				t.Errorf("%q: key %v not found by scan", doc, k)
				continue
			}
			last := k[len(k)-1]
			at := doc[e.keyStart:]
			if !strings.Contains(at[:min(len(at), len(last)+40)], last) {
				t.Errorf("%q: key %v placed at %q", doc, k, at[:min(len(at), 20)])
			}
			lineStartOff := strings.LastIndex(doc[:e.keyStart], "\n") + 1
			if line := 1 + strings.Count(doc[:e.keyStart], "\n"); line != e.line || e.keyStart-lineStartOff+1 != e.col {
				t.Errorf("%q: key %v at %d:%d, scan says %d:%d", doc, k, line, e.keyStart-lineStartOff+1, e.line, e.col)
			}
		}
	}
}
