#!/usr/bin/env python3
"""Generates pretokenize.json: the words each BPE pre-tokenizer splits a text
into, computed independently of the Go code with Python's re (which has
lookahead) from the original Hugging Face expressions.

Python's re has no \\p{..}, so, as llama.cpp does for std::regex, every
non-ASCII code point is first replaced by an ASCII stand-in of its class:
letter -> 'a', number -> '1', White_Space -> '\\v', punctuation -> '!',
anything else -> '`' (a symbol outside the default pre-tokenizer's
punctuation set). \\p{L} then is [A-Za-z], \\p{N} is [0-9], and re.ASCII makes
\\s exactly C's isspace. Splits map back one code point per character.

Run: python3 pretokenize_gen.py > pretokenize.json
"""
import json
import re
import unicodedata

WS = {0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000} | set(range(0x2000, 0x200B))


def collapse(text):
    out = []
    for ch in text:
        cp = ord(ch)
        if cp < 128:
            out.append(ch)
        elif cp in WS:
            out.append("\v")
        else:
            cat = unicodedata.category(ch)
            out.append({"L": "a", "N": "1", "P": "!"}.get(cat[0], "`"))
    return "".join(out)


L, N = "A-Za-z", "0-9"
LLAMA3 = (r"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n{L}{N}]?[{L}]+|[{N}]{{1,3}}"
          r"| ?[^\s{L}{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+").format(L=L, N=N)
QWEN2 = LLAMA3.replace("[0-9]{1,3}", "[0-9]")
GPT2 = r"'s|'t|'re|'ve|'m|'ll|'d| ?[{L}]+| ?[{N}]+| ?[^\s{L}{N}]+|\s+(?!\S)".format(L=L, N=N)
# [\p{P}\$\+<=>\^~\|]+ : ASCII punctuation plus those symbols (all but `), and '!' stands for non-ASCII \p{P}
PUNCT = r"[!-#%-*,-/:;?@\[-\]_{}$+<=>^~|]+"
STAGES = {
    "llama3": [LLAMA3],
    "qwen2": [QWEN2],
    "gpt2": [GPT2],
    "starcoder": [r"[0-9]", GPT2],
    "default": [PUNCT, GPT2, r"[0-9]+", r"[0-9][0-9][0-9]"],
}

TEXTS = [
    "Hello world", " Hello", "  Hello", "   Hello  ", "a  b", "a   b", "a \n b", "a\n\nb",
    "a \n\n  b", "\n", " \n", "\n ", " ", "  ", "   ", "\t\tx", "x\t\t", "x \t y", "x\t \ty",
    "don't", "DON'T", "we'Ve", "I'll", "'s", "'", "''", "x'", "'re'", " 'll",
    "abc123def", "12345678", "1 22 333 4444", "a1", " 1", "  1", "1.5e10",
    "!!!", " !!!", "a!!!\n\n", "a !\r\n", "foo.bar(baz)", "if (x) {\n\treturn;\n}\n",
    "x  \n", "   \n   ", "a\r\nb", "a \r\n\r\n b", "$HOME/bin", "<|eot|>", "C:\\Users\\me",
    "`cmd` && ls", "~/x_y", "...", "a\x0bb\x0cc",
    "héllo wörld", "3.14", "Привет, мир", "日本語のテスト", "١٢٣ abc", "a\u00a0b", "x\u3000y",
    "a\u00a0 b", "🦙🐧 ok", "e\u0301t\u00e9", "²³ x", "« quoted »", "tab\u2003em",
    "  \u00a0\n", "k\u2028l",
]


def split(stages, text):
    coll = collapse(text)
    frags = [(0, len(coll))]
    for pat in stages:
        rx = re.compile(pat, re.ASCII)
        out = []
        for a, b in frags:
            pos = a
            for m in rx.finditer(coll, a, b):
                if m.start() > pos:
                    out.append((pos, m.start()))
                out.append((m.start(), m.end()))
                pos = m.end()
            if pos < b:
                out.append((pos, b))
        frags = out
    return [text[a:b] for a, b in frags]


print(json.dumps([{"text": t, "words": {k: split(v, t) for k, v in STAGES.items()}} for t in TEXTS],
                 ensure_ascii=False, indent=1))
