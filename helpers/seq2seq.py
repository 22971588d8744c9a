"""A GRU encoder–decoder for the tiny world's English→French, with or without attention.

Letters used in shapes: B = batch, S = source (English) length, T = target (French) length, E = embedding
size, H = hidden size, V = target vocabulary size, k = number of candidates shown.

* The **encoder** reads the English ids with a bidirectional GRU (H/2 units each way) and returns every
  state h_i (B, S, H) and the **context vector** (B, H): the forward GRU's last state beside the backward
  GRU's first, i.e. both directions' summaries of the whole sentence.
* The **decoder** is a GRU started from the context vector. At step t its state s_t is combined with a
  vector c_t to predict the next French word: without attention c_t is the same context vector at every
  step (the bottleneck); with attention c_t = Σ_i α_{t,i} h_i is recomputed at every step
  (``helpers.seq2seq_attention``). The only difference between the two models is where c_t comes from.
* Under teacher forcing the decoder reads the whole true French prefix at once (one GRU call); otherwise,
  and when translating, it runs one step per token, carrying its state (incremental decoding).

Targets are ``<s> fr …`` in and ``fr … </s>`` out; padding is masked in the encoder (packed sequences), in
attention (weight 0 on padded source positions) and in the loss.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from . import metrics, plots, training
from .data import Vocab, pad_batch
from .exercises import Check, Result, equal, run_checks
from .seq2seq_attention import SCORES, make_attention
from .tinyworld import Pair, detokenize, tokenize

ATTENTIONS = (None,) + SCORES


@dataclass
class Seq2SeqConfig:
    """Sizes of one encoder–decoder; ``attention`` is None (fixed context) or one of the score names."""

    src_vocab_size: int
    tgt_vocab_size: int
    emb_size: int = 64
    hidden_size: int = 128
    attention: str | None = None
    attn_size: int = 64
    pad_id: int = 0

    def __post_init__(self):
        for name in ("src_vocab_size", "tgt_vocab_size", "emb_size", "hidden_size", "attn_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}: got {value!r}; expected an int >= 1")
        if self.hidden_size % 2:
            raise ValueError(f"hidden_size: got {self.hidden_size}; expected an even number "
                             "(each direction of the encoder gets half)")
        if self.attention not in ATTENTIONS:
            raise ValueError(f"attention: got {self.attention!r}; expected one of {ATTENTIONS}")


class Encoder(nn.Module):
    """English ids (B, S) and mask (B, S) → states h (B, S, H) and the context vector (B, H)."""

    def __init__(self, vocab_size: int, emb_size: int, hidden_size: int, pad_id: int = 0):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb_size, padding_idx=pad_id)
        self.gru = nn.GRU(emb_size, hidden_size // 2, batch_first=True, bidirectional=True)

    def forward(self, src: torch.Tensor, src_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        B, S = src.shape
        lengths = src_mask.sum(1).cpu()  # (B,) real tokens per sentence
        packed = pack_padded_sequence(self.embed(src), lengths, batch_first=True, enforce_sorted=False)
        out, h_n = self.gru(packed)  # h_n: (2, B, H/2) — forward's last real step, backward's first
        states, _ = pad_packed_sequence(out, batch_first=True, total_length=S)  # (B, S, H), zeros at padding
        return states, torch.cat([h_n[0], h_n[1]], dim=-1)  # (B, S, H), (B, H)


class Decoder(nn.Module):
    """Steps of the decoder: previous words (B, T) and state (B, H) → logits (B, T, V), new state, α or None.

    Under teacher forcing all T previous words are known, so the GRU reads them in one call; when
    translating, T = 1 and the returned state is fed back at the next step (incremental decoding).
    """

    def __init__(self, cfg: Seq2SeqConfig):
        super().__init__()
        H = cfg.hidden_size
        self.embed = nn.Embedding(cfg.tgt_vocab_size, cfg.emb_size, padding_idx=cfg.pad_id)
        self.gru = nn.GRU(cfg.emb_size, H, batch_first=True)
        self.attention = None if cfg.attention is None else make_attention(cfg.attention, H, H, cfg.attn_size)
        self.combine = nn.Linear(2 * H, H)  # [s_t; c_t] → H
        self.out = nn.Linear(H, cfg.tgt_vocab_size)

    def forward(self, y_prev, state, states, src_mask, context):
        s, state = self.gru(self.embed(y_prev), state[None])  # s: (B, T, H) = s_1 … s_T; state: (1, B, H)
        if self.attention is None:
            c, alpha = context[:, None, :].expand_as(s), None  # the same c at every step: (B, T, H)
        else:
            c, alpha = self.attention(s, states, src_mask)  # c_t = Σ_i α_{t,i} h_i: (B, T, H), α (B, T, S)
        logits = self.out(torch.tanh(self.combine(torch.cat([s, c], dim=-1))))  # (B, T, V)
        return logits, state[0], alpha


class Seq2Seq(nn.Module):
    """Encoder + decoder. ``forward`` trains; ``greedy`` translates one token per step."""

    def __init__(self, cfg: Seq2SeqConfig):
        super().__init__()
        self.cfg = cfg
        self.encoder = Encoder(cfg.src_vocab_size, cfg.emb_size, cfg.hidden_size, cfg.pad_id)
        self.decoder = Decoder(cfg)

    def start(self, src, src_mask):
        """Encode: the states h (B, S, H), the context vector (B, H), and the decoder's first state (= context)."""
        states, context = self.encoder(src, src_mask)
        return states, context, context

    def forward(self, src, src_mask, tgt_in, teacher_forcing: float = 1.0):
        """Logits (B, T, V) for every target position and α (B, T, S) (None without attention).

        With probability ``teacher_forcing`` a step reads the true previous word, else the model's own
        previous guess (one coin per step for the whole batch). 1.0 feeds the whole true prefix at once.
        """
        if not 0.0 <= teacher_forcing <= 1.0:
            raise ValueError(f"teacher_forcing: got {teacher_forcing!r}; expected a probability in [0, 1]")
        states, context, state = self.start(src, src_mask)
        if teacher_forcing == 1.0:
            logits, _, alpha = self.decoder(tgt_in, state, states, src_mask, context)
            return logits, alpha
        steps, alphas = [], []
        y = tgt_in[:, :1]  # (B, 1): <s>
        for t in range(tgt_in.shape[1]):
            if t > 0:
                use_truth = bool(torch.rand(()) < teacher_forcing)
                y = tgt_in[:, t:t + 1] if use_truth else steps[-1].argmax(-1).detach()
            logit, state, alpha = self.decoder(y, state, states, src_mask, context)  # (B, 1, V)
            steps.append(logit)
            alphas.append(alpha)
        return torch.cat(steps, 1), None if alphas[0] is None else torch.cat(alphas, 1)

    @torch.no_grad()
    def greedy(self, src, src_mask, bos_id: int, eos_id: int, max_len: int, k: int = 0):
        """Translate greedily, one decoder step per token, carrying the decoder state.

        Returns ids (B, L), α (B, L, S) or None, and — when k > 0 — the top-k (probabilities, ids) at each
        step, each (B, L, k). Stops when every sentence has produced ``</s>`` or after ``max_len`` steps.
        """
        states, context, state = self.start(src, src_mask)
        B = src.shape[0]
        y = torch.full((B, 1), bos_id, dtype=torch.long, device=src.device)
        done = torch.zeros(B, dtype=torch.bool, device=src.device)
        ids, alphas, top_p, top_i = [], [], [], []
        for _ in range(max_len):
            logit, state, alpha = self.decoder(y, state, states, src_mask, context)  # one step: (B, 1, V)
            y = logit.argmax(-1)  # (B, 1)
            ids.append(y)
            alphas.append(alpha)
            if k:
                p, i = torch.softmax(logit, -1).topk(k, dim=-1)  # (B, 1, k)
                top_p.append(p)
                top_i.append(i)
            done |= y[:, 0] == eos_id
            if bool(done.all()):
                break
        out = torch.cat(ids, 1), None if alphas[0] is None else torch.cat(alphas, 1)
        return out + ((torch.cat(top_p, 1), torch.cat(top_i, 1)) if k else ())


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


# ------------------------------------------------------------------------------------------ data
@dataclass
class Batch:
    """Padded ids and masks: src (B, S), tgt_in / tgt_out (B, T) with masks True on real tokens."""

    src: torch.Tensor
    src_mask: torch.Tensor
    tgt_in: torch.Tensor
    tgt_out: torch.Tensor
    tgt_mask: torch.Tensor

    def to(self, device: torch.device | str) -> Batch:
        """The same batch on ``device`` (where the model is: a GPU when there is one)."""
        return Batch(*(x.to(device) for x in (self.src, self.src_mask, self.tgt_in, self.tgt_out, self.tgt_mask)))


def build_vocabs(pairs: Sequence[Pair]) -> tuple[Vocab, Vocab]:
    """English and French vocabularies from ``pairs`` (use the training split)."""
    if len(pairs) == 0:
        raise ValueError("pairs: got an empty list; expected training pairs")
    return Vocab.build(p.en for p in pairs), Vocab.build(p.fr for p in pairs)


def make_batch(pairs: Sequence[Pair], src_vocab: Vocab, tgt_vocab: Vocab) -> Batch:
    """Encode and pad a list of pairs: English as is, French as ``<s> fr`` in and ``fr </s>`` out."""
    if len(pairs) == 0:
        raise ValueError("pairs: got an empty list; expected at least one pair")
    return _pad_encoded([encode_pair(p, src_vocab, tgt_vocab) for p in pairs], src_vocab.pad_id, tgt_vocab.pad_id)


def encode_pair(pair: Pair, src_vocab: Vocab, tgt_vocab: Vocab) -> tuple[list[int], list[int]]:
    """(English ids, French ids with <s> in front and </s> at the end)."""
    return src_vocab.encode(pair.en), tgt_vocab.encode(pair.fr, add_bos=True, add_eos=True)


def _pad_encoded(encoded: Sequence[tuple[list[int], list[int]]], src_pad: int, tgt_pad: int) -> Batch:
    src, src_mask, _ = pad_batch([e[0] for e in encoded], src_pad)   # (B, S)
    tgt_in, tgt_mask, _ = pad_batch([e[1][:-1] for e in encoded], tgt_pad)  # <s> fr …: (B, T)
    tgt_out, _, _ = pad_batch([e[1][1:] for e in encoded], tgt_pad)  # fr … </s>: (B, T)
    return Batch(src, src_mask, tgt_in, tgt_out, tgt_mask)


def length_batches(lengths: Sequence[int], batch_size: int, generator: torch.Generator | None = None):
    """Index lists of similar lengths (little padding), in a shuffled order: sort, chunk, shuffle the chunks."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size: got {batch_size!r}; expected an int >= 1")
    if len(lengths) == 0:
        raise ValueError("lengths: got an empty list; expected one length per item")
    noise = torch.rand(len(lengths), generator=generator).tolist()  # random order among equal lengths
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], noise[i]))
    chunks = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    return [chunks[j] for j in torch.randperm(len(chunks), generator=generator).tolist()]


def masked_cross_entropy(logits: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over real target tokens only: logits (B, T, V), targets and mask (B, T)."""
    if logits.dim() != 3 or targets.shape != logits.shape[:2] or mask.shape != targets.shape:
        raise ValueError(f"logits/targets/mask: got shapes {tuple(logits.shape)}, {tuple(targets.shape)}, "
                         f"{tuple(mask.shape)}; expected (B, T, V), (B, T), (B, T)")
    loss = F.cross_entropy(logits.transpose(1, 2), targets, reduction="none")  # (B, T)
    return (loss * mask).sum() / mask.sum()


def train_model(model: Seq2Seq, pairs: Sequence[Pair], src_vocab: Vocab, tgt_vocab: Vocab, steps: int,
                batch_size: int = 64, lr: float = 3e-3, teacher_forcing: float = 1.0, clip: float = 1.0,
                seed: int = 0, progress: bool = False, decay: bool = True, eval_fn=None,
                eval_every: int | None = None, warmup: int = 0) -> dict[str, list]:
    """Adam for ``steps`` steps on length-bucketed batches; returns ``training.train``'s history.

    With ``decay`` the learning rate falls linearly from ``lr`` to ``lr / 20`` over the run; with ``warmup``
    it first rises linearly from ``lr / warmup`` to ``lr`` over the first ``warmup`` steps.
    """
    if isinstance(warmup, bool) or not isinstance(warmup, int) or not 0 <= warmup < steps:
        raise ValueError(f"warmup: got {warmup!r}; expected an int in [0, steps)")
    gen = torch.Generator().manual_seed(seed)
    device = next(model.parameters()).device
    lengths = [len(p.en) for p in pairs]
    encoded = [encode_pair(p, src_vocab, tgt_vocab) for p in pairs]  # once, not every epoch

    def batches_fn():
        for idx in length_batches(lengths, batch_size, gen):
            b = _pad_encoded([encoded[i] for i in idx], src_vocab.pad_id, tgt_vocab.pad_id)
            yield b.to(device)

    opt = torch.optim.Adam(model.parameters(), lr=lr)
    done = [0]

    def loss_fn(m, b):
        scale = min(1.0, (done[0] + 1) / warmup) if warmup else 1.0
        if decay or warmup:  # this step's learning rate
            opt.param_groups[0]["lr"] = lr * scale * ((1 - 0.95 * done[0] / steps) if decay else 1.0)
        done[0] += 1
        logits, _ = m(b.src, b.src_mask, b.tgt_in, teacher_forcing)
        return masked_cross_entropy(logits, b.tgt_out, b.tgt_mask)

    return training.train(model, loss_fn, batches_fn, opt, steps=steps, clip=clip, progress=progress,
                          eval_fn=eval_fn, eval_every=eval_every, desc=f"teacher forcing {teacher_forcing:g}")


def reference_loss(model: Seq2Seq, pairs: Sequence[Pair], src_vocab: Vocab, tgt_vocab: Vocab) -> float:
    """Masked cross-entropy on ``pairs`` with the true French prefix fed in (the same yardstick for every model)."""
    b = make_batch(pairs, src_vocab, tgt_vocab)
    device = next(model.parameters()).device
    with torch.no_grad():
        logits, _ = model(b.src.to(device), b.src_mask.to(device), b.tgt_in.to(device))
    return float(masked_cross_entropy(logits, b.tgt_out.to(device), b.tgt_mask.to(device)))


# ------------------------------------------------------------------------------------------ translating
def translate(model: Seq2Seq, sentences: Sequence[Sequence[str]], src_vocab: Vocab, tgt_vocab: Vocab,
              batch_size: int = 250, max_len: int | None = None, with_attention: bool = False):
    """Greedy translations (token lists) of English token lists; with α (L, S) per sentence if asked."""
    if isinstance(sentences, str) or any(isinstance(s, str) for s in sentences):
        raise ValueError("sentences: got a string; expected a list of token lists (use tinyworld.tokenize)")
    if len(sentences) == 0 or any(len(s) == 0 for s in sentences):
        raise ValueError("sentences: got an empty list or an empty sentence; expected token lists")
    model.eval()
    device = next(model.parameters()).device
    order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
    outs: list = [None] * len(sentences)
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        src, mask, lengths = pad_batch([src_vocab.encode(sentences[i]) for i in idx], src_vocab.pad_id)
        L = max_len or 2 * int(lengths.max()) + 10
        ids, alpha = model.greedy(src.to(device), mask.to(device), tgt_vocab.bos_id, tgt_vocab.eos_id, L)
        for row, i in enumerate(idx):
            words = tgt_vocab.decode(ids[row])
            if with_attention:
                a = None if alpha is None else alpha[row, : len(words) + 1, : len(sentences[i])].cpu()
                outs[i] = (words, a)
            else:
                outs[i] = words
    return outs


def attention_on_reference(model: Seq2Seq, pairs: Sequence[Pair], src_vocab: Vocab, tgt_vocab: Vocab,
                           batch_size: int = 100):
    """α (len(fr), len(en)) for each pair when the decoder reads the true French (teacher forcing)."""
    model.eval()
    device = next(model.parameters()).device
    out = []
    for start in range(0, len(pairs), batch_size):  # in chunks: α is (B, T, S) and additive scores (B, T, S, A)
        chunk = pairs[start:start + batch_size]
        b = make_batch(chunk, src_vocab, tgt_vocab)
        with torch.no_grad():
            _, alpha = model(b.src.to(device), b.src_mask.to(device), b.tgt_in.to(device))
        if alpha is None:
            raise ValueError("model: got a model without attention; expected cfg.attention to be set")
        out += [alpha[n, : len(p.fr), : len(p.en)].cpu() for n, p in enumerate(chunk)]
    return out


def evaluate(model: Seq2Seq, pairs: Sequence[Pair], src_vocab: Vocab, tgt_vocab: Vocab,
             edges: Sequence[int], max_len: int | None = None) -> dict:
    """Exact match and token accuracy, overall and by English-length bucket (``metrics.accuracy_by_bucket``).

    ``max_len`` caps the French words written per sentence (default: ``translate``'s, twice the English + 10).
    """
    refs = [p.fr for p in pairs]
    preds = translate(model, [p.en for p in pairs], src_vocab, tgt_vocab, max_len=max_len)
    exact = [pr == r for pr, r in zip(preds, refs, strict=True)]
    tok = [metrics.token_accuracy([pr], [r]) for pr, r in zip(preds, refs, strict=True)]
    lengths = [len(p.en) for p in pairs]
    return {
        "exact_match": metrics.exact_match(preds, refs),
        "token_accuracy": metrics.token_accuracy(preds, refs),
        "exact_by_length": metrics.accuracy_by_bucket(exact, lengths, edges),
        "token_by_length": metrics.accuracy_by_bucket(tok, lengths, edges),
        "counts": _bucket_counts(lengths, edges),
        "preds": preds,
    }


def _bucket_counts(lengths: Sequence[int], edges: Sequence[int]) -> dict[str, int]:
    labels = metrics.bucket_labels(edges)
    counts = dict.fromkeys(labels, 0)
    for n in lengths:
        counts[labels[int(np.searchsorted(edges, n, side="right")) - 1]] += 1
    return {k: v for k, v in counts.items() if v}


def time_translation(model: Seq2Seq, pairs: Sequence[Pair], src_vocab: Vocab, tgt_vocab: Vocab) -> float:
    """Seconds to translate ``pairs`` greedily (a rough speed figure; it varies with the machine)."""
    start = time.perf_counter()
    translate(model, [p.en for p in pairs], src_vocab, tgt_vocab)
    return time.perf_counter() - start


# ------------------------------------------------------------------------------------------ figures
def decoding_trace(model: Seq2Seq, tokens: Sequence[str], src_vocab: Vocab, tgt_vocab: Vocab, k: int = 5,
                   max_len: int = 60) -> dict:
    """Greedy decoding of one sentence, step by step: chosen words, top-k words and probabilities, α."""
    if isinstance(tokens, str) or len(tokens) == 0:
        raise ValueError(f"tokens: got {tokens!r:.40}; expected a non-empty list of English tokens")
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= len(tgt_vocab):
        raise ValueError(f"k: got {k!r}; expected an int between 1 and {len(tgt_vocab)}")
    model.eval()
    device = next(model.parameters()).device
    src, mask, _ = pad_batch([src_vocab.encode(tokens)], src_vocab.pad_id)
    ids, alpha, p, i = model.greedy(src.to(device), mask.to(device), tgt_vocab.bos_id, tgt_vocab.eos_id,
                                    max_len, k=k)
    chosen = [tgt_vocab.itos[j] for j in ids[0].tolist()]
    return {
        "source": list(tokens),
        "chosen": chosen,
        "top_words": [[tgt_vocab.itos[j] for j in row] for row in i[0].tolist()],
        "top_probs": p[0].cpu().numpy(),  # (L, k)
        "alpha": None if alpha is None else alpha[0].cpu().numpy(),  # (L, S)
    }


def plot_decoding_steps(trace: dict, title: str | None = None) -> Figure:
    """One column per decoder step: its top-k candidates (best on top), coloured by probability."""
    probs, words, chosen = trace["top_probs"], trace["top_words"], trace["chosen"]
    L, k = probs.shape
    with plt.rc_context(plots.COURSE_RC):
        # narrow columns and large text: the figure is shown scaled to the page width, so inches cost font size
        fig, ax = plt.subplots(figsize=(max(6.0, 0.92 * L + 1.3), 0.62 * k + 1.5), layout="constrained")
        im = ax.imshow(probs.T, cmap="viridis", vmin=0, vmax=1, aspect="auto")
        for t in range(L):
            for r in range(k):
                ax.text(t, r, f"{words[t][r]}\n{probs[t, r]:.2f}", ha="center", va="center", fontsize=10.5,
                        color="black" if probs[t, r] > 0.6 else "white", linespacing=1.1)
        ax.grid(False)
        ax.set_xticks(range(L), labels=[f"{t + 1}" for t in range(L)])
        ax.set_yticks(range(k), labels=[f"#{r + 1}" for r in range(k)])
        ax.set(xlabel="decoder step (the top word is chosen and fed to the next step)", ylabel="rank")
        fig.colorbar(im, ax=ax, label="probability", shrink=0.9, fraction=0.025, pad=0.01)
        ax.set_title(title or f"Greedy decoding: <s> → {' '.join(chosen)}")
    plt.close(fig)
    return fig


def plot_attention_step(trace: dict, step: int) -> Figure:
    """α at one decoder step as bars over the source words, and the whole α matrix with that row marked."""
    alpha, chosen, source = trace["alpha"], trace["chosen"], trace["source"]
    if alpha is None:
        raise ValueError("trace: got a trace without attention; expected one from an attention model")
    L = len(chosen)
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise ValueError(f"step: got {step!r}; expected an int >= 0")
    t = min(step, L - 1)
    with plt.rc_context(plots.COURSE_RC):
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.8), layout="constrained",
                                       gridspec_kw={"width_ratios": [1, 1.2]})
        colors = [plots.OKABE_ITO[1] if j == int(alpha[t].argmax()) else plots.OKABE_ITO[0]
                  for j in range(len(source))]
        ax1.bar(range(len(source)), alpha[t], color=colors)
        ax1.set_xticks(range(len(source)), labels=source, rotation=45, ha="right", rotation_mode="anchor")
        ax1.set_ylim(0, 1.05)
        ax1.set(xlabel="English word", ylabel="attention weight α")
        ax1.set_title(f"Step {t + 1} of {L}: writes '{chosen[t]}'")
        plots.attention_heatmap(alpha, source, chosen, ax=ax2, xlabel="English (source)",
                                ylabel="French (generated)", vmax=1.0)
        ax2.add_patch(plt.Rectangle((-0.5, t - 0.5), len(source), 1, fill=False, edgecolor="#D55E00", lw=2.5))
        ax2.set_title("All steps (this one boxed)")
    plt.close(fig)
    return fig


def _message_figure(text: str) -> Figure:
    with plt.rc_context(plots.COURSE_RC):
        fig, ax = plt.subplots(figsize=(7, 1.6))
        ax.axis("off")
        ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True)
    plt.close(fig)
    return fig


def sentence_tokens(text: str, src_vocab: Vocab) -> tuple[list[str], list[str]]:
    """Tokens of an English sentence, and those the vocabulary does not know."""
    if not isinstance(text, str):
        raise ValueError(f"text: got {type(text).__name__}; expected a string")
    tokens = tokenize(text)
    return tokens, [t for t in tokens if t not in src_vocab]


def draw_decoding(model: Seq2Seq, src_vocab: Vocab, tgt_vocab: Vocab, sentence: str, k: int = 5) -> Figure:
    """The explorer's figure: the top-k candidates at every greedy step for an English sentence."""
    tokens, unknown = sentence_tokens(sentence, src_vocab)
    if not tokens or unknown:
        return _message_figure(f"Not in the tiny world's vocabulary: {', '.join(unknown) or '(empty)'}.\n"
                               "Try words from the training sentences.")
    trace = decoding_trace(model, tokens, src_vocab, tgt_vocab, k=k)
    return plot_decoding_steps(trace, title=f"{detokenize(tokens)} → {detokenize(trace['chosen'][:-1], 'fr')}")


def draw_attention_step(model: Seq2Seq, src_vocab: Vocab, tgt_vocab: Vocab, sentence: str, step: int) -> Figure:
    """The explorer's figure: α over the English words at one decoder step, and the word written there."""
    tokens, unknown = sentence_tokens(sentence, src_vocab)
    if not tokens or unknown:
        return _message_figure(f"Not in the tiny world's vocabulary: {', '.join(unknown) or '(empty)'}.")
    return plot_attention_step(decoding_trace(model, tokens, src_vocab, tgt_vocab, k=1), step)


# ------------------------------------------------------------------------------------------ exercises
def check_masked_loss(fn) -> Result:
    """Exercise: ``fn(logits, targets, mask)`` = mean cross-entropy over real (mask True) tokens only."""
    g = torch.Generator().manual_seed(3)
    logits = torch.randn(3, 5, 7, generator=g)  # (B, T, V)
    targets = torch.randint(0, 7, (3, 5), generator=g)
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 0, 0, 0]], dtype=torch.bool)
    expected = masked_cross_entropy(logits, targets, mask)
    plain = F.cross_entropy(logits.transpose(1, 2), targets)
    return run_checks("Exercise: mask the loss on padding", [
        equal("returns the mean over the 9 real tokens", lambda: fn(logits, targets, mask), expected,
              hints=("average over the real tokens only: a loss per position first, then a mean that counts "
                     "only the positions the mask keeps",
                     "F.cross_entropy wants the classes on axis 1 and can return one loss per position "
                     "(its `reduction` argument); the mask is True on real tokens")),
        Check("differs from the plain mean over all 15 positions (padding ignored)",
              lambda: bool(abs(float(fn(logits, targets, mask)) - float(plain)) > 1e-4),
              hints="padded positions must not count, neither in the sum nor in the number you divide by"),
        Check("a changed logit at a padded position changes nothing",
              lambda: bool(torch.isclose(fn(logits.index_put((torch.tensor([2]), torch.tensor([4])),
                                                             torch.full((1, 7), 9.0)), targets, mask),
                                         fn(logits, targets, mask))),
              hints="a padded position's loss must be removed before it is added to anything"),
    ], todo="write `masked_loss` and `return` the mean loss over the real tokens")


def check_greedy(fn) -> Result:
    """Exercise: ``fn(model, src, src_mask, bos_id, eos_id, max_len)`` → the greedy ids, one step per token."""
    torch.manual_seed(8)
    model = Seq2Seq(Seq2SeqConfig(11, 9, emb_size=6, hidden_size=8, attention=None)).eval()
    with torch.no_grad():  # sharper weights, so the greedy words differ from step to step: [1, 4, 6, 7, 6, 7]
        model.decoder.embed.weight.mul_(3)
        model.decoder.out.weight.mul_(4)
    src = torch.tensor([[4, 5, 6, 7, 8]])
    mask = torch.ones_like(src, dtype=torch.bool)
    ref = model.greedy(src, mask, bos_id=2, eos_id=-1, max_len=6)[0][0].tolist()  # no stop: 6 ids
    eos = ref[2]
    stop = ref[: ref.index(eos) + 1]
    as_list = lambda x: x.tolist() if isinstance(x, torch.Tensor) else x if x is None or x is ... else list(x)  # noqa: E731
    return run_checks("Exercise: greedy decoding", [
        equal("picks the most likely word at every step (no </s> met)",
              lambda: as_list(fn(model, src, mask, 2, -1, 6)), ref,
              hints=("each step: take the most likely word, write it down, and feed it (and the new state) back "
                     "as the next input",
                     "the most likely id is an argmax over the vocabulary axis of the logits; the next input "
                     "must have shape (1, 1)")),
        equal("stops right after writing </s>", lambda: as_list(fn(model, src, mask, 2, eos, 6)), stop,
              hints="</s> itself belongs in the output; stop right after writing it"),
    ], todo="write `greedy` and `return` the list of ids it wrote")


@torch.no_grad()
def beam_search(model: Seq2Seq, src: torch.Tensor, src_mask: torch.Tensor, bos_id: int, eos_id: int, max_len: int,
                beam: int) -> list[int]:
    """Beam search for one sentence (B = 1): the ids of the most probable translation found (sum of log-probs).

    Each step extends every live hypothesis by its ``beam`` most likely next words, keeps the ``beam`` best
    candidates overall, and sets aside those that end in ``</s>``. It stops when none is live or after
    ``max_len`` steps; the best finished or live hypothesis wins (the first one on a tie).
    """
    if src.shape[0] != 1:
        raise ValueError(f"src: got a batch of {src.shape[0]}; expected one sentence (1, S)")
    if isinstance(beam, bool) or not isinstance(beam, int) or beam < 1:
        raise ValueError(f"beam: got {beam!r}; expected a whole number ≥ 1")
    states, context, state = model.start(src, src_mask)
    live, done = [([], 0.0, state)], []  # (ids, log-prob, decoder state)
    for _ in range(max_len):
        candidates = []
        for ids, score, st in live:
            y = torch.tensor([[ids[-1] if ids else bos_id]], device=src.device)  # (1, 1)
            logits, new_state, _ = model.decoder(y, st, states, src_mask, context)  # (1, 1, V)
            logp = torch.log_softmax(logits[0, -1], -1)  # (V,)
            top = logp.topk(beam)
            for p, i in zip(top.values.tolist(), top.indices.tolist(), strict=True):
                candidates.append((ids + [i], score + p, new_state))
        candidates.sort(key=lambda c: -c[1])  # stable: the first on a tie
        kept = candidates[:beam]
        done += [c for c in kept if c[0][-1] == eos_id]
        live = [c for c in kept if c[0][-1] != eos_id]
        if not live:
            break
    return max(done + live, key=lambda c: c[1])[0]


def sequence_logprob(model: Seq2Seq, src: torch.Tensor, src_mask: torch.Tensor, bos_id: int, ids: list[int]) -> float:
    """The sum of log-probabilities the model gives to ``ids`` as the translation of ``src`` (B = 1)."""
    tgt_in = torch.tensor([[bos_id] + list(ids[:-1])], device=src.device)  # (1, L)
    with torch.no_grad():
        logits, _ = model(src, src_mask, tgt_in)  # (1, L, V)
    logp = torch.log_softmax(logits[0], -1)  # (L, V)
    return float(logp[torch.arange(len(ids)), torch.tensor(ids)].sum())


def check_beam_search(fn) -> Result:
    """Exercise: ``fn(model, src, src_mask, bos_id, eos_id, max_len, beam)`` → the ids beam search finds."""
    torch.manual_seed(2)  # a model whose greedy path never ends, while a short translation is far more probable
    model = Seq2Seq(Seq2SeqConfig(11, 9, emb_size=6, hidden_size=8, attention=None)).eval()
    with torch.no_grad():
        model.decoder.embed.weight.mul_(3)
        model.decoder.out.weight.mul_(2)
    src = torch.tensor([[4, 5, 6, 7, 8]])
    mask = torch.ones_like(src, dtype=torch.bool)
    eos = 3
    greedy_ids = model.greedy(src, mask, bos_id=2, eos_id=eos, max_len=8)[0][0].tolist()
    want = beam_search(model, src, mask, 2, eos, 8, 3)
    as_list = lambda x: x.tolist() if isinstance(x, torch.Tensor) else x if x is None or x is ... else list(x)  # noqa: E731

    def at_least_greedy() -> tuple[bool, str]:
        got = as_list(fn(model, src, mask, 2, eos, 8, 3))
        mine, theirs = (sequence_logprob(model, src, mask, 2, ids) for ids in (got, greedy_ids))
        return mine >= theirs - 1e-5, f"your beam's log-probability {mine:.3f} is below greedy's {theirs:.3f}"

    return run_checks("Exercise: beam search", [
        equal("a beam of 1 is greedy decoding", lambda: as_list(fn(model, src, mask, 2, eos, 8, 1)), greedy_ids,
              hints=("with one hypothesis kept per step, beam search must write exactly what greedy writes",
                     "carry (ids, summed log-probability, decoder state) per hypothesis; log_softmax over the "
                     "vocabulary gives the log-probabilities to add")),
        equal(f"a beam of 3 finds {want} (greedy wrote {greedy_ids})",
              lambda: as_list(fn(model, src, mask, 2, eos, 8, 3)), want,
              hints=("extend every live hypothesis, then rank all the candidates together and keep the best 3; a "
                     "hypothesis that ends in </s> is set aside, finished",
                     "topk on each hypothesis' log-probabilities, one list of all candidates sorted by total "
                     "score; at the end the best of finished and live wins")),
        Check("here, the translation it returns is at least as probable as greedy's", at_least_greedy,
              hints="compare hypotheses by the sum of their log-probabilities, not by the last word's"),
    ], todo="write `beam_search` and `return` the list of ids of the best hypothesis")


SHUFFLE_CHOICES = ("almost never: without the order the context is useless",
                   "in between: some sentences survive the shuffle",
                   "about as often: the context is a bag of words")


def shuffled(sentence: Sequence[str], rng: random.Random) -> list[str]:
    """The sentence's words in a random order, its final punctuation kept last."""
    body = list(sentence[:-1])
    rng.shuffle(body)
    return body + list(sentence[-1:])


def check_shuffle_experiment(prediction: object, shuffle_source: object, pairs: Sequence[Pair],
                             translate, lengths: tuple[int, int] = (3, 7)) -> Result:
    """Experiment: translate the short test sentences with their English words shuffled.

    ``translate(token lists)`` → greedy translations (the trained model's). The measurement is the exact match
    on the ``pairs`` whose English has ``lengths[0]``–``lengths[1]`` tokens, with each sentence's words shuffled
    (seeded) when ``shuffle_source`` is True; the verdict compares it with the unshuffled exact match.
    """
    from .exercises import check_experiment, short

    if not callable(translate):
        raise ValueError(f"translate: got {type(translate).__name__}; expected a function of token lists")
    chosen = [p for p in pairs if lengths[0] <= len(p.en) <= lengths[1]]
    if not chosen:
        raise ValueError(f"pairs: none has {lengths[0]}–{lengths[1]} English tokens; expected some short sentences")
    refs = [p.fr for p in chosen]
    plain: list[float] = []

    def exact(sources: list[list[str]]) -> float:
        return metrics.exact_match(translate(sources), refs)

    def measure() -> float:
        if not isinstance(shuffle_source, bool):
            raise ValueError(f"shuffle_source: got {short(shuffle_source)}; expected True or False")
        plain.append(exact([list(p.en) for p in chosen]))
        rng = random.Random(0)
        return exact([shuffled(p.en, rng) if shuffle_source else list(p.en) for p in chosen])

    def verdict(value: float) -> str:
        kept = value / plain[-1] if plain and plain[-1] > 0 else 0.0
        return SHUFFLE_CHOICES[0] if kept < 0.2 else SHUFFLE_CHOICES[2] if kept > 0.8 else SHUFFLE_CHOICES[1]

    return check_experiment(
        f"Exercise: shuffle the English words (experiment), on the {len(chosen)} test sentences of "
        f"{lengths[0]}–{lengths[1]} tokens",
        prediction, SHUFFLE_CHOICES, shuffle_source, True, "set shuffle_source to True", measure, (0.15, 0.62),
        verdict, what="the exact match with shuffled English",
        reference=lambda _: f"the same sentences unshuffled: {plain[-1]:.3g}")


# ------------------------------------------------------------------------------------------ lesson 03's yardsticks
def greedy_outputs(model: Seq2Seq, pairs: Sequence[Pair], src_vocab: Vocab, tgt_vocab: Vocab,
                   batch_size: int = 250, max_len: int | None = None) -> dict:
    """Free-running greedy translations of ``pairs`` and whether each one ended with ``</s>``.

    Returns ``preds`` (token lists, specials stripped), ``ended`` (True where ``</s>`` was written before the
    length cap: twice the English length + 10 unless ``max_len``), and the mean ``out_len`` / ``ref_len`` in
    French tokens.
    """
    if len(pairs) == 0:
        raise ValueError("pairs: got an empty list; expected at least one pair")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size: got {batch_size!r}; expected an int >= 1")
    model.eval()
    device = next(model.parameters()).device
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i].en))
    preds: list = [None] * len(pairs)
    ended: list = [False] * len(pairs)
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        src, mask, lengths = pad_batch([src_vocab.encode(pairs[i].en) for i in idx], src_vocab.pad_id)
        L = max_len or 2 * int(lengths.max()) + 10
        ids, _ = model.greedy(src.to(device), mask.to(device), tgt_vocab.bos_id, tgt_vocab.eos_id, L)
        for row, i in enumerate(idx):
            row_ids = ids[row].tolist()
            ended[i] = tgt_vocab.eos_id in row_ids
            preds[i] = tgt_vocab.decode(ids[row])
    return {"preds": preds, "ended": ended,
            "out_len": float(np.mean([len(p) for p in preds])),
            "ref_len": float(np.mean([len(p.fr) for p in pairs]))}


def free_running_scores(model: Seq2Seq, pairs: Sequence[Pair], src_vocab: Vocab, tgt_vocab: Vocab) -> dict[str, float]:
    """Greedy exact match (0–1) and corpus chrF (0–100) on ``pairs``: the model reads its own words, as at test time."""
    out = greedy_outputs(model, pairs, src_vocab, tgt_vocab)
    refs = [p.fr for p in pairs]
    return {"exact match": metrics.exact_match(out["preds"], refs), "chrF": metrics.chrf(out["preds"], refs)}


def bucket_counts(lengths: Sequence[int], edges: Sequence[int]) -> dict[str, int]:
    """How many of ``lengths`` fall in each bucket that ``edges`` start (every bucket listed, empty ones as 0)."""
    if len(lengths) == 0:
        raise ValueError("lengths: got an empty list; expected one length per sentence")
    labels = metrics.bucket_labels(edges)
    counts = dict.fromkeys(labels, 0)
    for n in lengths:
        b = int(np.searchsorted(edges, n, side="right")) - 1
        if b >= 0:
            counts[labels[b]] += 1
    return counts


def chrf_by_bucket(preds: Sequence[Sequence[str]], pairs: Sequence[Pair], edges: Sequence[int]) -> dict[str, float]:
    """Mean sentence chrF (sacrebleu, 0–100) within each English-length bucket."""
    if len(preds) != len(pairs):
        raise ValueError(f"preds: got {len(preds)} translations for {len(pairs)} pairs; expected one each")
    scores = [metrics.sentence_chrf(pr, p.fr) for pr, p in zip(preds, pairs, strict=True)]
    return metrics.accuracy_by_bucket(scores, [len(p.en) for p in pairs], edges)


def mark_wrong(pred: Sequence[str], ref: Sequence[str]) -> str:
    """The prediction with every word that differs from the reference at its position in [brackets].

    Words past the reference's end are bracketed too; a prediction shorter than the reference ends with
    ``[… n missing]``.
    """
    if isinstance(pred, str) or isinstance(ref, str):
        raise ValueError("pred/ref: got a string; expected token lists")
    words = [w if i < len(ref) and w == ref[i] else f"[{w}]" for i, w in enumerate(pred)]
    if len(pred) < len(ref):
        words.append(f"[… {len(ref) - len(pred)} missing]")
    return " ".join(words)


def plot_curves_by_setting(histories: dict[str, dict | Sequence[dict]], keys: Sequence[str], title: str,
                           xlabel: str = "training step") -> Figure:
    """One panel per ``key`` of the evaluation history (``eval_step`` on x), one colour per setting.

    A setting maps to one history or to a list of them (one per random seed): the mean is drawn as a line, the
    range over the seeds as a band, and every seed as a thin line.
    """
    if not histories:
        raise ValueError("histories: got none; expected name → training history (or a list of them)")
    runs = {name: [h] if isinstance(h, dict) else list(h) for name, h in histories.items()}
    for name, hs in runs.items():
        if not hs:
            raise ValueError(f"histories: {name!r} has no runs; expected at least one history")
        for h in hs:
            missing = [k for k in ("eval_step", *keys) if k not in h]
            if missing:
                raise ValueError(f"histories: {name!r} lacks {missing}; expected eval_fn to log them")
    with plt.rc_context(plots.COURSE_RC):
        fig, axes = plt.subplots(1, len(keys), figsize=(5.2 * len(keys), 4.0), layout="constrained", squeeze=False)
        for ax, key in zip(axes[0], keys, strict=True):
            for i, (name, hs) in enumerate(runs.items()):
                colour = plots.OKABE_ITO[i % len(plots.OKABE_ITO)]
                x = hs[0]["eval_step"]
                ys = np.array([h[key] for h in hs], dtype=float)  # (seeds, evaluations)
                label = (f"{name} (1 random seed)" if len(hs) == 1
                         else f"{name} (mean of {len(hs)} random seeds, range shaded)")
                ax.plot(x, ys.mean(0), marker="o", color=colour, label=label)
                if len(hs) > 1:
                    ax.fill_between(x, ys.min(0), ys.max(0), color=colour, alpha=0.2, linewidth=0)
                    for y in ys:
                        ax.plot(x, y, color=colour, linewidth=0.7, alpha=0.6)
            ax.set(xlabel=xlabel, ylabel=key)
            ax.legend(title="teacher forcing" if "never" in runs else None, fontsize=8)
        fig.suptitle(title)
    plt.close(fig)
    return fig


def plot_buckets(panels: dict[str, dict[str, dict[str, float]]], train_counts: dict[str, int], title: str,
                 rare: int = 100, extrapolation: str | None = None) -> Figure:
    """Scores by English-length bucket: one panel per metric, one line per model.

    ``panels`` maps a metric name to {model name: {bucket: value}}. Buckets with fewer than ``rare`` training
    sentences are shaded; the bucket named ``extrapolation`` (longer than any training sentence) is labelled.
    """
    if not panels:
        raise ValueError("panels: got none; expected metric → {model → {bucket → value}}")
    if isinstance(rare, bool) or not isinstance(rare, int) or rare < 0:
        raise ValueError(f"rare: got {rare!r}; expected an int >= 0")
    with plt.rc_context(plots.COURSE_RC):
        fig, axes = plt.subplots(1, len(panels), figsize=(5.6 * len(panels), 4.2), layout="constrained",
                                 squeeze=False)
        for ax, (metric, series) in zip(axes[0], panels.items(), strict=True):
            labels = list(next(iter(series.values())))
            for x, lab in enumerate(labels):
                if train_counts.get(lab, 0) < rare:
                    ax.axvspan(x - 0.5, x + 0.5, color="0.85", zorder=0)
                    note = ("longer than\nany training\nsentence" if lab == extrapolation
                            else f"only {train_counts.get(lab, 0)}\ntraining\nsentences")
                    ax.text(x, 0.97, note, transform=ax.get_xaxis_transform(), ha="center", va="top", fontsize=9,
                            color="0.3")
            for name, by_bucket in series.items():
                ax.plot(range(len(labels)), [by_bucket.get(lab, np.nan) for lab in labels], marker="o", label=name)
            ax.set_xticks(range(len(labels)), labels=labels)
            ax.set(xlabel="English sentence length (tokens)", ylabel=metric)
            ax.legend(loc="center right")
        fig.suptitle(title)
    plt.close(fig)
    return fig


def unrolled_diagram(src: Sequence[str], tgt: Sequence[str],
                     title: str = "Encoder → one context vector → decoder, unrolled over the words") -> Figure:
    """The encoder–decoder unrolled: a bidirectional GRU over ``src``, the context vector, a GRU writing ``tgt``.

    The decoder reads ``<s>`` and then each word it wrote; the context vector is its first state and is joined
    with its state s_t at every step before the word is predicted (``Decoder.combine``).
    """
    if isinstance(src, str) or isinstance(tgt, str) or len(src) == 0 or len(tgt) == 0:
        raise ValueError("src/tgt: got a string or an empty list; expected non-empty token lists")
    from matplotlib.patches import FancyBboxPatch

    S, T = len(src), len(tgt) + 1  # the decoder writes tgt and then </s>
    enc_c, dec_c, ctx_c = plots.OKABE_ITO[5], plots.OKABE_ITO[2], plots.OKABE_ITO[1]
    with plt.rc_context(plots.COURSE_RC):
        fig, ax = plt.subplots(figsize=(1.15 * (S + T) + 2.6, 4.4), layout="constrained")
        ax.axis("off")
        ax.set_xlim(-0.7, S + T + 1.5)
        ax.set_ylim(-0.5, 4.5)

        def box(x, y, text, colour, w=0.8, h=0.5):
            ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.03",
                                        facecolor=colour, edgecolor="black", linewidth=1.0))
            ax.text(x, y, text, ha="center", va="center", fontsize=9)

        def arrow(x0, y0, x1, y1, **kw):
            ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                        arrowprops=dict(arrowstyle="-|>", color=kw.pop("color", "black"), lw=1.1, **kw))

        for i, w in enumerate(src):  # encoder: words, forward row, backward row
            ax.text(i, 0, w, ha="center", va="center", fontsize=10)
            box(i, 1.1, "→ GRU", enc_c)
            box(i, 2.1, "← GRU", enc_c)
            arrow(i, 0.2, i, 0.85)
            ax.annotate("", xy=(i + 0.25, 1.85), xytext=(i + 0.12, 0.2), zorder=0,  # the backward GRU reads it too
                        arrowprops=dict(arrowstyle="-|>", color="0.55", lw=0.9))
            if i:
                arrow(i - 0.6, 1.1, i - 0.4, 1.1)
                arrow(i - 0.4, 2.1, i - 0.6, 2.1)
        cx = S + 0.4
        box(cx, 3.4, "context\nvector c", ctx_c, w=1.1, h=0.7)
        arrow(S - 0.6, 1.2, cx - 0.3, 3.05, connectionstyle="arc3,rad=0.2")  # forward: after the last word
        arrow(-0.4, 2.3, cx - 0.55, 3.45, connectionstyle="arc3,rad=-0.15")  # backward: after the first word
        inputs = ["<s>"] + list(tgt)
        outputs = list(tgt) + ["</s>"]
        x0 = S + 1.5
        arrow(cx + 0.1, 3.05, x0 - 0.45, 1.2, connectionstyle="arc3,rad=0.25")  # c is the decoder's first state
        ax.text(x0 - 0.75, 2.0, "start\nstate", ha="right", va="center", fontsize=8)
        for t in range(T):
            x = x0 + t
            ax.text(x, 0, inputs[t], ha="center", va="center", fontsize=10)
            box(x, 1.1, "GRU", dec_c)
            box(x, 2.05, "[s; c] → word", "white", w=0.9, h=0.4)
            ax.text(x, 2.75, outputs[t], ha="center", va="center", fontsize=10, fontweight="bold")
            arrow(x, 0.2, x, 0.85)
            arrow(x, 1.35, x, 1.85)
            arrow(x, 2.25, x, 2.6)
            arrow(cx + 0.55, 3.3, x + 0.3, 2.25, color=ctx_c, linestyle="--")  # the same c joins every step's s
            if t:
                arrow(x - 0.6, 1.1, x - 0.4, 1.1)
        ax.text(x0 + (T - 1) / 2, -0.35, "each input is the word written one step before", ha="center",
                fontsize=8, color="0.35", style="italic")
        ax.text((S - 1) / 2, 2.75, "ENCODER: reads both ways", ha="center", fontsize=10, fontweight="bold")
        ax.text(S + 1.5 + (T - 1) / 2, 3.9,
                "DECODER: c starts it and joins every step's state;\nit writes one word per step",
                ha="center", fontsize=10, fontweight="bold")
        ax.text(cx + 0.7, 3.55, "the same c at every step", ha="left", va="center", fontsize=9, color="#9a6a00")
        ax.set_title(title)
    plt.close(fig)
    return fig
