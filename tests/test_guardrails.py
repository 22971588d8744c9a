import pytest
import torch

from helpers import guardrails
from helpers.finetune import build_vocab
from helpers.transformer import TransformerConfig, TransformerLM


def test_validate_catches_false_and_ungrammatical_sentences():
    assert guardrails.validate("the dog chased the ball .") == guardrails.Verdict(True, [])
    assert guardrails.validate("the dog chased the ball .".split()).ok
    v = guardrails.validate("the ball chased the cat .")
    assert not v.ok and v.problems == ["a ball cannot chase"]
    assert "a cat cannot bark" in guardrails.validate("the cat barked .").problems
    assert guardrails.validate("ball the chased .").problems == ["not grammatical"]
    with pytest.raises(ValueError, match="sentence"):
        guardrails.validate(42)


class Scripted(torch.nn.Module):
    """A 'model' that always puts its mass on the next word of a fixed sentence."""

    def __init__(self, vocab, words):
        super().__init__()
        self.vocab, self.words = vocab, words

    def forward(self, ids):
        T = ids.shape[1]
        logits = torch.full((1, T, len(self.vocab)), -1e9)
        nxt = self.words[T - 1] if T - 1 < len(self.words) else "</s>"
        logits[0, -1, self.vocab.stoi[nxt]] = 0.0
        return logits


def test_generate_follows_the_model_and_stops_at_the_full_stop():
    vocab = build_vocab(["the ball chased the cat . dog".split()])
    model = Scripted(vocab, "the ball chased the cat . the".split())
    assert guardrails.generate(model, vocab) == "the ball chased the cat .".split()
    assert guardrails.generate(model, vocab, max_new=2) == ["the", "ball"]
    with pytest.raises(ValueError, match="prompt"):
        guardrails.generate(model, vocab, "the ball")
    with pytest.raises(ValueError, match="temperature"):
        guardrails.generate(model, vocab, temperature=0)
    with pytest.raises(ValueError, match="top_k"):
        guardrails.generate(model, vocab, top_k=0)


def test_guarded_generate_refuses_false_output_and_accepts_true():
    vocab = build_vocab(["the ball chased the cat . dog".split()])
    bad = Scripted(vocab, "the ball chased the cat .".split())
    sentence, log = guardrails.guarded_generate(bad, vocab, tries=3)
    assert sentence is None and len(log) == 3 and all(not v.ok for _, v in log)
    good = Scripted(vocab, "the cat chased the ball .".split())
    sentence, log = guardrails.guarded_generate(good, vocab, tries=3)
    assert sentence == "the cat chased the ball .".split() and len(log) == 1
    with pytest.raises(ValueError, match="tries"):
        guardrails.guarded_generate(good, vocab, tries=0)


def test_generate_with_a_real_gpt_respects_max_len_and_top_k():
    torch.manual_seed(0)
    vocab = build_vocab(["the cat sat on the mat .".split()])
    gpt = TransformerLM(TransformerConfig(vocab_size=len(vocab), d_model=16, n_heads=2, n_layers=1, max_len=6))
    g = torch.Generator().manual_seed(0)
    out = guardrails.generate(gpt, vocab, ["the"], max_new=50, top_k=3, generator=g)
    assert 1 <= len(out) <= 5 and all(t in vocab for t in out) and "<pad>" not in out
