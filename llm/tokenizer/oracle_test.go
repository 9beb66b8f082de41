package tokenizer

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// shellCase is one case of shell-strings-*.json, recorded with
// llama-tokenize (see testdata/vocab/README.md).
type shellCase struct {
	Text              string  `json:"text"`
	IDs               []int32 `json:"ids"`                  // add BOS, parse special
	IDsNoBOS          []int32 `json:"ids_no_bos"`           // parse special
	IDsNoParseSpecial []int32 `json:"ids_no_parse_special"` // add BOS
}

// TestShellStrings checks shell-flavoured strings (commands, tabs, accents,
// CJK, emoji with ZWJ and variation selectors, literal "<s>") in all three
// modes against llama-tokenize, and that decoding gives the text back.
func TestShellStrings(t *testing.T) {
	for _, c := range []struct{ vocab, gguf string }{
		{"llama-spm", filepath.Join(vocabDir, "ggml-vocab-llama-spm.gguf")},
		{"stories260K", filepath.Join(modelDir, "stories260K.gguf")},
	} {
		t.Run(c.vocab, func(t *testing.T) {
			tok := loadFile(t, c.gguf)
			data, err := os.ReadFile(filepath.Join(vocabDir, "shell-strings-"+c.vocab+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var file struct {
				Cases []shellCase `json:"cases"`
			}
			if err := json.Unmarshal(data, &file); err != nil {
				t.Fatal(err)
			}
			if len(file.Cases) < 20 {
				t.Fatalf("only %d cases", len(file.Cases))
			}
			for _, sc := range file.Cases {
				for _, m := range []struct {
					name                     string
					addSpecial, parseSpecial bool
					want                     []int32
				}{
					{"default", true, true, sc.IDs},
					{"no BOS", false, true, sc.IDsNoBOS},
					{"no parse special", true, false, sc.IDsNoParseSpecial},
				} {
					if got := tok.Encode(sc.Text, m.addSpecial, m.parseSpecial); !slices.Equal(got, m.want) {
						t.Errorf("%q (%s):\n got  %v\n want %v", sc.Text, m.name, got, m.want)
					}
				}
				// Decoding gives the text back: SentencePiece's added
				// space is removed again...
				got, err := tok.Decode(tok.Encode(sc.Text, false, false))
				if err != nil {
					t.Fatal(err)
				}
				if got != sc.Text {
					t.Errorf("Decode(Encode(%q)) = %q", sc.Text, got)
				}
				// ...except after a BOS: llama_detokenize only strips the
				// first token's space, and with remove_special it skips the
				// BOS but no longer strips.
				got, err = tok.DecodeWith(sc.IDsNoParseSpecial, DecodeOptions{RemoveSpecial: true})
				if err != nil {
					t.Fatal(err)
				}
				if sc.Text != "" && got != " "+sc.Text {
					t.Errorf("DecodeWith(RemoveSpecial) of %q gave %q, want a leading space", sc.Text, got)
				}
			}
		})
	}
}

// trace is the part of a greedy-decoding oracle the tokenizer can check.
type trace struct {
	BOS  int32 `json:"bos_id"`
	EOS  int32 `json:"eos_id"`
	Runs []struct {
		Prompt            string   `json:"prompt"`
		PromptIDs         []int32  `json:"prompt_ids"`
		GeneratedIDs      []int32  `json:"generated_ids"`
		GeneratedTextHex  string   `json:"generated_text_hex"`
		GeneratedPieces   []string `json:"generated_pieces_hex"`
		GeneratedPiecesTx string   `json:"generated_text_pieces"`
	} `json:"runs"`
}

// TestTraces checks, for the stories260K and tiny-random-q4km greedy runs
// recorded with llama.cpp: the prompt ids (llama_tokenize with add_special),
// each generated token's piece (llama_token_to_piece with special=true), the
// detokenized bytes, and what a streaming printer shows (the trace's text
// of the pieces, invalid UTF-8 replaced as Python does). The random model
// generates broken UTF-8 and BOS tokens mid-text, which exercises both.
func TestTraces(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(tracesDir, "*-greedy*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no traces in %s (%v)", tracesDir, err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			model := strings.Split(filepath.Base(path), "-greedy")[0]
			tok := loadFile(t, filepath.Join(modelDir, model+".gguf"))
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var tr trace
			if err := json.Unmarshal(data, &tr); err != nil {
				t.Fatal(err)
			}
			if tok.BOS() != tr.BOS || tok.EOS() != tr.EOS {
				t.Errorf("BOS, EOS = %d, %d; trace says %d, %d", tok.BOS(), tok.EOS(), tr.BOS, tr.EOS)
			}
			for _, run := range tr.Runs {
				if got := tok.Encode(run.Prompt, true, false); !slices.Equal(got, run.PromptIDs) {
					t.Errorf("Encode(%q) = %v, want %v", run.Prompt, got, run.PromptIDs)
				}
				var streamed strings.Builder
				s := tok.NewStream()
				s.RenderSpecial = true
				for i, id := range run.GeneratedIDs {
					if got := hex.EncodeToString(tok.Piece(id, true)); got != run.GeneratedPieces[i] {
						t.Errorf("%q: piece of token %d (%d) = %s, want %s", run.Prompt, i, id, got, run.GeneratedPieces[i])
					}
					out, err := s.Next(id)
					if err != nil {
						t.Fatal(err)
					}
					streamed.WriteString(out)
				}
				streamed.WriteString(s.Flush())
				if streamed.String() != run.GeneratedPiecesTx {
					t.Errorf("%q: streamed %q, want %q", run.Prompt, streamed.String(), run.GeneratedPiecesTx)
				}
				got, err := tok.Decode(run.GeneratedIDs)
				if err != nil {
					t.Fatal(err)
				}
				if got := hex.EncodeToString([]byte(got)); got != run.GeneratedTextHex {
					t.Errorf("%q: Decode = %s, want %s", run.Prompt, got, run.GeneratedTextHex)
				}
			}
		})
	}
}
