package synth

import (
	"fmt"
	"sort"
	"strings"

	"github.com/llamashell/lsh/llm/gguf"
)

// FileType is a `--type` of model synth: a llama.cpp file type
// (general.file_type) and the tensor type its mix starts from.
type FileType struct {
	Name    string    // "q4_k_m", "q8_0", "f16"
	ID      uint32    // llama_ftype
	Default gguf.Type // llama_ftype_get_default_type
}

// FileTypes are the types model synth writes.
var FileTypes = []FileType{
	{"q4_k_m", 15, gguf.Q4_K},
	{"q8_0", 7, gguf.Q8_0},
	{"f16", 1, gguf.F16},
}

// FileTypeByName returns the file type called name (case-insensitive).
func FileTypeByName(name string) (FileType, error) {
	for _, f := range FileTypes {
		if strings.EqualFold(f.Name, name) {
			return f, nil
		}
	}
	return FileType{}, fmt.Errorf("unknown type %q (known: q4_k_m, q8_0, f16)", name)
}

// fill is how a tensor's random values are drawn.
type fill int

const (
	fillNormal    fill = iota // N(0, 1/√cols): weight matrices, embeddings
	fillNorm                  // 1 + N(0, 0.1²): RMS norm weights
	fillBias                  // N(0, 0.1²)
	fillRopeFreqs             // computed, not random
)

// Tensor is one tensor of a planned file.
type Tensor struct {
	Name string
	Dims []uint64 // ggml ne: Dims[0] is the row length
	Type gguf.Type
	fill fill
}

// Bytes is the tensor's size in the file.
func (t *Tensor) Bytes() uint64 {
	n := uint64(1)
	for _, d := range t.Dims {
		n *= d
	}
	return n / uint64(t.Type.BlockSize()) * uint64(t.Type.TypeSize())
}

// Plan lists the tensors of shape s written as file type ft, in the order
// llama-quantize writes them (tensors outside blocks by name, then block by
// block, by name within a block), each with the type llama-quantize's
// llama_tensor_get_type gives it.
func Plan(s Shape, ft FileType) ([]Tensor, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	hd := s.headDim()
	q, kv := uint64(s.Heads*hd), uint64(s.HeadsKV*hd)
	E, F, V := uint64(s.Embed), uint64(s.FFN), uint64(s.Vocab)
	top := []Tensor{
		{Name: "token_embd.weight", Dims: []uint64{E, V}},
		{Name: "output_norm.weight", Dims: []uint64{E}, fill: fillNorm},
	}
	if !s.Tied {
		top = append(top, Tensor{Name: "output.weight", Dims: []uint64{E, V}})
	}
	if s.Llama3Rope != nil {
		top = append(top, Tensor{Name: "rope_freqs.weight", Dims: []uint64{uint64(hd / 2)}, fill: fillRopeFreqs})
	}
	sortByName(top)
	plan := top
	for l := range s.Layers {
		p := fmt.Sprintf("blk.%d.", l)
		blk := []Tensor{
			{Name: p + "attn_norm.weight", Dims: []uint64{E}, fill: fillNorm},
			{Name: p + "attn_q.weight", Dims: []uint64{E, q}},
			{Name: p + "attn_k.weight", Dims: []uint64{E, kv}},
			{Name: p + "attn_v.weight", Dims: []uint64{E, kv}},
			{Name: p + "attn_output.weight", Dims: []uint64{q, E}},
			{Name: p + "ffn_norm.weight", Dims: []uint64{E}, fill: fillNorm},
			{Name: p + "ffn_gate.weight", Dims: []uint64{E, F}},
			{Name: p + "ffn_up.weight", Dims: []uint64{E, F}},
			{Name: p + "ffn_down.weight", Dims: []uint64{F, E}},
		}
		if s.Arch == "qwen2" {
			blk = append(blk,
				Tensor{Name: p + "attn_q.bias", Dims: []uint64{q}, fill: fillBias},
				Tensor{Name: p + "attn_k.bias", Dims: []uint64{kv}, fill: fillBias},
				Tensor{Name: p + "attn_v.bias", Dims: []uint64{kv}, fill: fillBias})
		}
		sortByName(blk)
		plan = append(plan, blk...)
	}
	for i := range plan {
		t, err := tensorType(&plan[i], ft, s.Layers, s.Tied)
		if err != nil {
			return nil, err
		}
		plan[i].Type = t
	}
	return plan, nil
}

func sortByName(ts []Tensor) { sort.Slice(ts, func(i, j int) bool { return ts[i].Name < ts[j].Name }) }

// tensorType is llama-quantize's choice for one tensor (llama_tensor_get_type
// and its shape fallback) for the file types synth writes. Layer-dependent
// choices use the tensor's block number, which is what llama-quantize's
// attn_v and ffn_down counters amount to for these dense models.
func tensorType(t *Tensor, ft FileType, layers int, tied bool) (gguf.Type, error) {
	if len(t.Dims) < 2 {
		return gguf.F32, nil // 1-D tensors are never quantized
	}
	if ft.Default == gguf.F16 {
		return gguf.F16, nil // convert_hf_to_gguf --outtype f16 writes every matrix as F16
	}
	cols := int(t.Dims[0])
	typ := ft.Default
	layer := -1
	fmt.Sscanf(t.Name, "blk.%d.", &layer)
	moreBits := func(i int) bool { return i < layers/8 || i >= 7*layers/8 || (i-layers/8)%3 == 2 }
	isQ4KM := ft.ID == 15
	switch {
	case t.Name == "output.weight" || (tied && t.Name == "token_embd.weight"):
		if cols%typ.BlockSize() != 0 {
			typ = gguf.Q8_0
		} else if typ != gguf.Q8_0 {
			typ = gguf.Q6_K
		}
	case strings.HasSuffix(t.Name, "attn_v.weight"):
		if isQ4KM && moreBits(layer) {
			typ = gguf.Q6_K
		}
	case strings.Contains(t.Name, "ffn_down"):
		if isQ4KM && moreBits(layer) {
			typ = gguf.Q6_K
		}
	}
	if cols%typ.BlockSize() != 0 { // tensor_type_fallback
		switch typ {
		case gguf.Q4_K:
			typ = gguf.Q5_0
		case gguf.Q5_K:
			typ = gguf.Q5_1
		case gguf.Q6_K:
			typ = gguf.Q8_0
		default:
			return 0, fmt.Errorf("tensor %s: rows of %d elements do not fit %s and no fallback is defined", t.Name, cols, typ)
		}
		if cols%typ.BlockSize() != 0 {
			typ = gguf.F16
		}
	}
	return typ, nil
}
