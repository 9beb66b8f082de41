package store

import (
	"sort"
	"strings"
)

// Known is a recommended model that `model pull NAME` fetches by its short
// name. It is saved as NAME.gguf in the models folder, so the name pulled is
// the name to use.
type Known struct {
	Name        string // short name: `model pull qwen2.5-0.5b`
	Description string
	Publisher   string // who published this GGUF on Hugging Face
	License     string
	URL         string // the publisher's resolve/main URL
	Size        int64  // bytes
	// SHA256 of the file, hex. Each was cross-checked in several
	// independent public projects that pin the same file (and for most, the
	// Hugging Face LFS pointer); none was computed by us, as the files were
	// not downloaded here. Empty would mean "not verified" and skip the check.
	SHA256 string
}

// known is the table of docs/models.md; keep them in step.
var known = []Known{
	{
		Name: "qwen2.5-0.5b", Description: "Qwen2.5 0.5B Instruct, Q4_K_M (ChatML template)",
		Publisher: "Qwen", License: "Apache-2.0",
		URL:    "https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf",
		Size:   491400032,
		SHA256: "74a4da8c9fdbcd15bd1f6d01d621410d31c6fc00986f5eb687824e7b93d7a9db",
	},
	{
		Name: "qwen2.5-1.5b", Description: "Qwen2.5 1.5B Instruct, Q4_K_M (ChatML template)",
		Publisher: "Qwen", License: "Apache-2.0",
		URL:    "https://huggingface.co/Qwen/Qwen2.5-1.5B-Instruct-GGUF/resolve/main/qwen2.5-1.5b-instruct-q4_k_m.gguf",
		Size:   1117320736,
		SHA256: "6a1a2eb6d15622bf3c96857206351ba97e1af16c30d7a74ee38970e434e9407e",
	},
	{
		Name: "tinyllama", Description: "TinyLlama 1.1B Chat v1.0, Q4_K_M (Zephyr template; the benchmark shape)",
		Publisher: "TheBloke", License: "Apache-2.0",
		URL:    "https://huggingface.co/TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF/resolve/main/tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf",
		Size:   668788096,
		SHA256: "9fecc3b3cd76bba89d504f29b616eedf7da85b96540e490ca5824d3f7d2776a0",
	},
	{
		Name: "llama3.2-1b", Description: "Llama 3.2 1B Instruct, Q4_K_M (Llama 3 template)",
		Publisher: "bartowski", License: "Llama 3.2 Community License",
		URL:    "https://huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF/resolve/main/Llama-3.2-1B-Instruct-Q4_K_M.gguf",
		Size:   807694464,
		SHA256: "6f85a640a97cf2bf5b8e764087b1e83da0fdb51d7c9fab7d0fece9385611df83",
	},
	{
		Name: "smollm2-360m", Description: "SmolLM2 360M Instruct, Q4_K_M (ChatML template)",
		Publisher: "bartowski", License: "Apache-2.0",
		URL:    "https://huggingface.co/bartowski/SmolLM2-360M-Instruct-GGUF/resolve/main/SmolLM2-360M-Instruct-Q4_K_M.gguf",
		Size:   270590880,
		SHA256: "2fa3f013dcdd7b99f9b237717fa0b12d75bbb89984cc1274be1471a465bac9c2",
	},
	{
		Name: "smollm2-1.7b", Description: "SmolLM2 1.7B Instruct, Q4_K_M (ChatML template)",
		Publisher: "bartowski", License: "Apache-2.0",
		URL:    "https://huggingface.co/bartowski/SmolLM2-1.7B-Instruct-GGUF/resolve/main/SmolLM2-1.7B-Instruct-Q4_K_M.gguf",
		Size:   1055609824,
		SHA256: "77665ea4815999596525c636fbeb56ba8b080b46ae85efef4f0d986a139834d7",
	},
}

// Recommended returns the known models, smallest first.
func Recommended() []Known {
	out := append([]Known(nil), known...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Size < out[j].Size })
	return out
}

// LookupKnown finds a recommended model by its short name, ignoring case
// and a trailing ".gguf".
func LookupKnown(name string) (Known, bool) {
	name = strings.TrimSuffix(strings.ToLower(name), ".gguf")
	for _, k := range known {
		if k.Name == name {
			return k, true
		}
	}
	return Known{}, false
}
