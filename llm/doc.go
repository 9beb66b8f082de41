// Package llm runs llama-family language models (architectures llama and
// qwen2: TinyLlama, Llama 2/3/3.2, SmolLM2, Qwen2/2.5) from GGUF files, in
// pure Go, matching llama.cpp's numerics.
//
// Load maps a model and binds its tensors; the weights stay in the memory
// map in whatever quant type each tensor has. A Session holds a KV cache
// and evaluates tokens, one at a time or as a batch; Generate samples
// (greedy, temperature, top-k, top-p, min-p, repeat penalty, seed) and
// streams decoded text, stopping at end-of-generation tokens or stop
// strings; a context.Context cancels between tokens and between layers.
// Save and Restore keep the KV state of a prompt prefix, in memory or
// serialised.
//
// docs/engine.md describes the forward pass, the memory layout, the
// agreement with llama.cpp and the sampler chain.
package llm
