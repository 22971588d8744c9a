"""Every exercise of lessons 00–08, driven through its own check cell three times: with the lesson's untouched
stub (told what to do, no hint), with a plausible wrong answer (the first failing case and a hint, never the
solution's code) and with the lesson's folded solution (every check passes).

The cells are read from the notebooks, so the stub, the check call and the solution tested here are the ones a
learner sees. What a check cell needs from the rest of its lesson (a trained model, a measured table) is
stood in for by ``STATE``: small models and fixed numbers, never the lesson's own training.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

import pytest

from helpers import exercises

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import classroom  # noqa: E402

STATE = {
    "00_welcome": """
from helpers import ngram
from helpers.corpus import load_pairs
train = [p.en for p in load_pairs("train")]
words = {w for s in train for w in s}
known = [p.en for p in load_pairs("valid")[:300] if set(p.en) <= words]
ppl_valid = {2: 11.66, 3: 9.59}
""",
    "01_rnn": """
import torch
from helpers import bptt, rnn_cells, rnn_lm
from helpers.data import Vocab
train_sents, known = rnn_lm.sentences("train"), rnn_lm.sentences("valid")[:300]
vocab = Vocab.build(train_sents)
known = [s for s in known if all(w in vocab.stoi for w in s)]
lm_cfg = rnn_lm.LMConfig()
ppl = {"RNN": 7.28, "bigram counts": 11.66, "trigram counts": 9.59}
""",
    "02_lstm_gru": "import torch\nfrom helpers import rnn_cells",
    "03_seq2seq": """
import zlib
import torch
import torch.nn.functional as F
from helpers import seq2seq as _s2s
from helpers.corpus import load_pairs
test = load_pairs("test")[:400]
model = src_vocab = tgt_vocab = None
_truth = {tuple(p.en): p.fr for p in test}
_by_words = {tuple(sorted(p.en)): p.fr for p in test}
def _translate(model, sents, src_vocab, tgt_vocab):  # stands in for the trained model: right on the sentences
    # it saw in order, and on about a third of the shuffled ones (which: a fixed hash of the words)
    return [_truth.get(tuple(s)) or (_by_words.get(tuple(sorted(s))) if zlib.crc32(" ".join(s).encode()) % 3 == 0
                                     else ["?"]) for s in sents]
s2s = type("s2s", (), {**{k: getattr(_s2s, k) for k in dir(_s2s) if not k.startswith("__")},
                       "translate": staticmethod(_translate)})
""",
    "04_attention": """
import torch
from helpers import seq2seq as s2s, seq2seq_attention
from helpers.corpus import load_pairs
test = load_pairs("test")[:40]
src_vocab, tgt_vocab = s2s.build_vocabs(test)
torch.manual_seed(0)
model = s2s.Seq2Seq(s2s.Seq2SeqConfig(len(src_vocab), len(tgt_vocab), 16, 16, attention="additive", attn_size=8,
                                      pad_id=src_vocab.pad_id)).eval()   # untrained: the band still holds
""",
    "05_transformer": """
import math
from types import SimpleNamespace
import torch
from helpers import self_attention
S = SimpleNamespace(steps=160, batch_size=64, warmup=20)
race_train = src_vocab = tgt_vocab = held_out = EDGES = None
best_lr = {"Transformer": 0.03}
runs = {"Transformer": [{"exact_match": 0.31}]}
def set_seed(seed):
    pass
def make_model(name):                      # stands in for section 8's translator: only its table of positions
    return SimpleNamespace(pe=torch.ones(4, 8))
def _evaluate(model, *args):
    return {"exact_match": 0.31 if model.pe.any() else 0.20}
seq2seq = SimpleNamespace(train_model=lambda *args, **kwargs: None, evaluate=_evaluate)
""",
    "06_gpt_bert": """
from types import SimpleNamespace
import torch
from helpers import sampling
S = SimpleNamespace(n_samples=200, top_k=5)
gpt = None
gpt_scores = {"T = 1.5": {"grammatical": 0.265}, "top-k 5": {"grammatical": 0.885}}
def sample_sentences(model, n, prompt=(), seed=0, temperature=1.0, top_k=None, top_p=None):
    share = 0.84 if top_k == 5 else 0.27   # stands in for the trained GPT
    return [True] * round(n * share) + [False] * (n - round(n * share))
def score(sents):                          # and for the recogniser
    return {"grammatical": sum(sents) / len(sents)}
""",
    "07_recipes": """
from helpers import context, finetune
from helpers.corpus import load_pairs
from helpers.transformer import TransformerConfig
train_sents = [p.en for p in load_pairs("train")]
vocab = finetune.build_vocab(train_sents)
cfg = TransformerConfig(vocab_size=len(vocab), d_model=64, n_heads=4, n_layers=2, d_ff=128, max_len=64, causal=False)
gaps, sizes = {16: 0.2}, [16]
data_hungry = {"GRU": {50: 0.5}, "Transformer": {50: 0.6}}
""",
    "08_real_llms": """
from types import SimpleNamespace
import torch
from helpers import bpe, kv_cache
from helpers.corpus import load_pairs
train_pairs, test_pairs = load_pairs("train")[:1500], load_pairs("test")[:60]
S = SimpleNamespace(bpe_vocab=150)
ours = bpe.train_bpe([" ".join(p.en) for p in train_pairs] + [" ".join(p.fr) for p in train_pairs], S.bpe_vocab)
""",
}

WRONG = {  # (lesson, exercise number): the exercise cells as a learner might get them wrong
    ("00_welcome", 1): ["def next_word_probs_from_counts(counts, word):\n    return dict(counts.get(word, {}))"],
    ("00_welcome", 2): ["def gru_lm_parameters(V, E, H):\n    return V * E + 4 * (E * H + H * H + 2 * H) + H * V + V"],
    ("00_welcome", 3): ['prediction = "the trigram still wins"', "n_train = 3000"],
    ("01_rnn", 1): ["def rnn_step_batch(x, h, W_xh, W_hh, b):\n    return torch.tanh(x @ W_xh.T + b)"],
    ("01_rnn", 2): ["def rnn_param_count(E, H):\n    return H * E + H * H + H"],
    ("01_rnn", 3): ["def gradient_ratio(rho, steps):\n    return rho * steps"],
    ("01_rnn", 4): ['prediction = "between the trigram and the bigram counts"', "small_hidden = 16"],
    ("02_lstm_gru", 1): ["def lstm_param_count(E, H):\n    return 3 * (H * E + H * H + 2 * H)"],
    ("02_lstm_gru", 2): ["def gru_no_reset_step(x, h, w):\n    return rnn_cells.gru_step(x, h, w)[0]"],
    ("02_lstm_gru", 3): ['prediction = "about the same"', "forget_bias = 1.0"],
    ("03_seq2seq", 1): ["def masked_loss(logits, targets, mask):\n"
                        "    return F.cross_entropy(logits.transpose(1, 2), targets)"],
    ("03_seq2seq", 2): ["def greedy(model, src, src_mask, bos_id, eos_id, max_len):\n"
                        "    return model.greedy(src, src_mask, bos_id, -1, max_len)[0][0].tolist()"],
    ("03_seq2seq", 4): ['prediction = "about as often: the context is a bag of words"', "shuffle_source = False"],
    ("03_seq2seq", 3): ["def beam_search(model, src, src_mask, bos_id, eos_id, max_len, beam):\n"
                        "    return model.greedy(src, src_mask, bos_id, eos_id, max_len)[0][0].tolist()"],
    ("04_attention", 1): ["def dot_score(s, h):\n    return h @ s.transpose(1, 2)"],
    ("04_attention", 2): ["def masked_softmax(scores, mask):\n"
                          "    return torch.softmax(scores.masked_fill(~mask[:, None, :], 0.0), -1)"],
    ("04_attention", 3): ['prediction = "about the same"', 'test_attention = "learned"'],
    ("05_transformer", 1): ["def my_causal_mask(T):\n    return torch.ones(T, T, dtype=torch.bool).triu()"],
    ("05_transformer", 2): ["def my_attention(q, k, v):\n    return torch.softmax(q @ k.transpose(-2, -1), -1) @ v"],
    ("05_transformer", 4): ['prediction = "near zero: without order there is no translation"', "use_positions = True"],
    ("05_transformer", 3): ["def my_alibi(T, n_heads):\n"
                            "    s = torch.tensor([2.0 ** (-8 * h / n_heads) for h in range(n_heads)])\n"
                            "    p = torch.arange(T)\n"
                            "    return -s[:, None, None] * (p[:, None] - p[None, :]).abs()"],
    ("06_gpt_bert", 1): ["def my_top_k(logits, k):\n"
                         "    return logits.masked_fill(logits < logits.topk(k, dim=-1).values[..., -1:], 0.0)"],
    ("06_gpt_bert", 2): ["def my_mask_tokens(ids, mask_id, low, high):\n"
                         "    picked = torch.rand(ids.shape) < 0.15\n"
                         "    return ids.masked_fill(picked, mask_id), torch.where(picked, ids, -100)"],
    ("06_gpt_bert", 3): ['prediction = "in between"', "hot_top_k = 50"],
    ("07_recipes", 1): ["def my_chunks(tokens, size, overlap):\n"
                        "    return [(s, list(tokens[s:s + size])) for s in range(0, len(tokens), size - overlap)]"],
    ("07_recipes", 2): ["def my_best_step(eval_steps, val_losses):\n"
                        "    return min(range(len(val_losses)), key=lambda i: val_losses[i])"],
    ("07_recipes", 3): ['prediction = "about the same"', "clear_grads = True"],
    ("08_real_llms", 1): ["def my_merge(symbols, pair):\n"
                          "    out, i = [], 0\n"
                          "    while i < len(symbols):\n"
                          "        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:\n"
                          "            out.append(symbols[i] + symbols[i + 1])\n"
                          "        else:\n"
                          "            out.append(symbols[i])\n"
                          "        i += 1\n"
                          "    return out"],
    ("08_real_llms", 2): ["def my_update(past, k, v):\n"
                          "    if past is None:\n"
                          "        return k, v\n"
                          "    return torch.cat([past[0], k], dim=-1), torch.cat([past[1], v], dim=-1)"],
    ("08_real_llms", 3): ["my_ratio_guess = 1.2\nmy_unk_guess = False",
                          'en_bpe = bpe.train_bpe([" ".join(p.en) for p in train_pairs]\n'
                          '                       + [" ".join(p.fr) for p in train_pairs], S.bpe_vocab)'],
    ("07_recipes", 4): ['results = {"pretrained_gap": gaps[sizes[0]], "data_hungry": data_hungry}\n'
                        'choices = {"few labels, sentence classification": "scratch", "continue a story": "bert",\n'
                        '           "tiny data, train from scratch": "gru", "a document longer than the window": '
                        '"truncate"}'],
}


def cases() -> list[tuple[str, int, list[str], str, list[str]]]:
    """(lesson, exercise number, stub cells, check cell, solution blocks) for every exercise of 00–08."""
    out = []
    for path in classroom.lessons():
        if path.stem not in STATE:
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        for k, (cells, check, sol) in enumerate(classroom.exercises(nb), 1):
            out.append((path.stem, k, [classroom.source(nb["cells"][i]) for i in cells],
                        classroom.source(nb["cells"][check]), classroom.solution_blocks(nb["cells"][sol])))
    return out


CASES = cases()


def run_exercise(lesson: str, cells: list[str], check: str) -> exercises.Result:
    """Run the lesson's stand-in state, the exercise cells and the check cell; return the checker's Result."""
    ns: dict = {}
    exec(STATE[lesson], ns)  # noqa: S102 - the course's own cells
    for src in cells:
        exec(src, ns)  # noqa: S102
    tree = ast.parse(check)
    exec(compile(ast.Module(tree.body[:-1], []), "<check>", "exec"), ns)  # noqa: S102
    return eval(compile(ast.Expression(tree.body[-1].value), "<check>", "eval"), ns)  # noqa: S307


def code_lines(blocks: list[str], shown: list[str]) -> list[str]:
    """The solution's own code lines: stripped, comments cut, at least 12 characters, not already shown."""
    seen = "\n".join(shown)
    lines = [ln.split("#")[0].strip() for b in blocks for ln in b.splitlines()]
    return [ln for ln in lines if len(ln) >= 12 and ln not in seen]


def test_every_exercise_of_every_lesson_is_covered():
    assert {(c[0], c[1]) for c in CASES} == set(WRONG)
    assert len({c[0] for c in CASES}) == len(classroom.lessons())


@pytest.mark.parametrize("lesson, k, stubs, check, blocks", CASES, ids=[f"{c[0][:2]}-ex{c[1]}" for c in CASES])
def test_stub_wrong_answer_and_solution(lesson, k, stubs, check, blocks, capsys):
    exercises.reset_attempts()
    experiment = "experiment" in check
    # the untouched stub, as the course has it and as nbgrader's student version has it: what to do, no hint
    raising = re.compile(r"^(\s*)raise NotImplementedError.*$", re.M)
    nbgrader_stubs = [raising.sub(lambda m: m[1] + classroom.CODE_STUB, s, count=1) for s in stubs]
    for version in (stubs, nbgrader_stubs):
        result = run_exercise(lesson, version, check)
        out = capsys.readouterr().out
        assert not result.passed and not result.written and result.score(3) == 0
        assert exercises.NOT_WRITTEN in out and "💡" not in out, out
    # a wrong answer: the first failing case with what came back, a hint (the idea, then the tool), no solution
    wrong = WRONG[(lesson, k)]
    solution_code = code_lines(blocks, stubs + [check] + wrong)
    outs = []
    for _ in range(2):
        result = run_exercise(lesson, wrong, check)
        outs.append(capsys.readouterr().out)
        assert not result.passed and result.written, outs[-1]
        assert "❌" in outs[-1]
        if not experiment:
            assert "💡 hint" in outs[-1], outs[-1]
    for line in solution_code:
        assert line not in "".join(outs), f"{lesson} exercise {k}: a hint or message shows the solution: {line}"
    if experiment:
        assert "🔎 measured" in outs[0]
    # the folded solution, put where the stub was (as nbgrader's solved version has it)
    assert len(blocks) == len(stubs)
    solved = [classroom.solved(s, b) for s, b in zip(stubs, blocks, strict=True)]
    result = run_exercise(lesson, solved, check)
    out = capsys.readouterr().out
    assert result.passed and result.score(4) == 4, out
    exercises.reset_attempts()
