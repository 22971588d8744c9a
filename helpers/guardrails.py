"""Hallucination and guardrails: sample sentences from a small GPT, and a validator that checks them against
the tiny world's grammar and facts before they are shown.

Letters used in shapes: T = tokens so far, V = vocabulary size.

A language model learns which words tend to follow which; nothing in next-token training tells it what is
*true*. ``validate`` is the guardrail: it asks ``grammar.fact_errors`` (is it a sentence at all; do balls
chase, do cats bark) and says what is wrong. ``guarded_generate`` samples until the validator
accepts, and refuses (returns None) when no sample passes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import torch

from .data import BOS, EOS, Vocab
from .grammar import fact_errors
from .sampling import next_token_probs


@dataclass
class Verdict:
    """``ok`` when the sentence is grammatical and true to the world; ``problems`` says what is wrong."""

    ok: bool
    problems: list[str] = field(default_factory=list)


def validate(sentence: str | Sequence[str]) -> Verdict:
    """Check a sentence (a string or a token list) against the world's grammar and facts."""
    if not isinstance(sentence, str) and not (
            isinstance(sentence, Sequence) and all(isinstance(t, str) for t in sentence)):
        raise ValueError(f"sentence: got {type(sentence).__name__}; expected a string or a list of tokens")
    tokens = list(sentence) if not isinstance(sentence, str) else sentence
    problems = fact_errors(tokens)
    return Verdict(not problems, problems)


@torch.no_grad()
def generate(model: torch.nn.Module, vocab: Vocab, prompt: Sequence[str] = (), max_new: int = 30,
             temperature: float = 1.0, top_k: int | None = None,
             generator: torch.Generator | None = None) -> list[str]:
    """Continue ``prompt`` one sampled token at a time until ``</s>``, a full stop or ``max_new`` tokens.

    ``model(ids)`` must return logits (1, T, V) (a causal ``TransformerLM``). Returns the whole sentence.
    """
    if isinstance(prompt, str):
        raise ValueError(f"prompt: got the string {prompt[:30]!r}; expected a list of tokens (e.g. 'the ball'.split())")
    if not temperature > 0:
        raise ValueError(f"temperature: got {temperature!r}; expected a number > 0")
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
        raise ValueError(f"top_k: got {top_k!r}; expected None or an int >= 1")
    model.eval()
    ids = vocab.encode(list(prompt), add_bos=True)
    max_len = getattr(getattr(model, "cfg", None), "max_len", len(ids) + max_new)
    out = list(prompt)
    for _ in range(max_new):
        if len(ids) >= max_len:
            break
        logits = model(torch.tensor([ids]))[0, -1]  # (V,)
        logits[vocab.pad_id] = logits[vocab.stoi[BOS]] = float("-inf")
        probs = next_token_probs(logits, temperature, top_k)  # lesson 06's temperature and top-k
        nxt = int(torch.multinomial(probs, 1, generator=generator))
        if nxt == vocab.stoi[EOS]:
            break
        ids.append(nxt)
        out.append(vocab.itos[nxt])
        if out[-1] in (".", "?"):
            break
    return out


def guarded_generate(model: torch.nn.Module, vocab: Vocab, prompt: Sequence[str] = (), tries: int = 10,
                     **sampling) -> tuple[list[str] | None, list[tuple[list[str], Verdict]]]:
    """Sample up to ``tries`` sentences and return the first one ``validate`` accepts (or None: refuse),
    with every (sentence, verdict) tried."""
    if isinstance(tries, bool) or not isinstance(tries, int) or tries < 1:
        raise ValueError(f"tries: got {tries!r}; expected an int >= 1")
    log = []
    for _ in range(tries):
        sentence = generate(model, vocab, prompt, **sampling)
        verdict = validate(sentence)
        log.append((sentence, verdict))
        if verdict.ok:
            return sentence, log
    return None, log
