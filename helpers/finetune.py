"""Pretraining then fine-tuning: a labelled task from the tiny world, the two training loops, and the
labels-vs-accuracy experiment of lesson 07.

Letters used in shapes: B = batch, T = the longest sentence in the batch, C = d_model, V = vocabulary size,
K = number of classes.

The labelled task: *does the sentence mention a place?* ("the dog went to the park ." → 1, "the cat sat on
the mat ." → 0). The label comes from the tokens and ``helpers.lexicon`` (a noun whose kind is "place"). The
two loops have the seed's shape::

    for batch in pretraining_data:                  for batch in labeled_data:
        logits = model(batch.tokens)                    reprs = model(batch.tokens)
        loss = cross_entropy(logits, batch.targets)     preds = head(reprs)
        loss.backward()                                 loss = cross_entropy(preds, batch.labels)
        optimizer.step()                                loss.backward()
                                                        optimizer.step()
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from . import sampling
from .data import DEFAULT_SPECIALS, Vocab, pad_batch
from .lexicon import NOUN_BY_EN
from .transformer import TransformerLM

MASK = "[MASK]"  # spelled as in lesson 06
SPECIALS = DEFAULT_SPECIALS + (MASK,)
CLASSES = ("no place", "place")  # label 0, label 1


# ------------------------------------------------------------------------------------------ the labelled task
def place_label(tokens: Sequence[str]) -> int:
    """1 if the sentence mentions a place (store, house, garden, park, school, city, river), else 0."""
    if isinstance(tokens, str):
        raise ValueError(f"tokens: got the string {tokens[:30]!r}; expected a list of tokens")
    return int(any(w in NOUN_BY_EN and NOUN_BY_EN[w].kind == "place" for w in tokens))


def labelled_examples(sentences: Sequence[Sequence[str]]) -> list[tuple[list[str], int]]:
    """(tokens, label) for every sentence: does it mention a place?"""
    return [(list(s), place_label(s)) for s in sentences]


def balanced_subset(examples: Sequence[tuple[list[str], int]], n: int, seed: int = 0) -> list[tuple[list[str], int]]:
    """``n`` examples, half of each class (the first ``n // 2`` of a seeded shuffle of each class)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 2 or n % 2:
        raise ValueError(f"n: got {n!r}; expected an even int >= 2 (half of each class)")
    rng = random.Random(seed)
    out = []
    for label in range(len(CLASSES)):
        pool = [e for e in examples if e[1] == label]
        if len(pool) < n // 2:
            raise ValueError(f"n: got {n}, but only {len(pool)} examples have label {label}; expected n <= "
                             f"{2 * len(pool)}")
        rng.shuffle(pool)
        out += pool[: n // 2]
    rng.shuffle(out)
    return out


def build_vocab(sentences: Sequence[Sequence[str]]) -> Vocab:
    """The English vocabulary with the specials and ``[MASK]``."""
    return Vocab.build(sentences, specials=SPECIALS)


# ------------------------------------------------------------------------------------------ batches
@dataclass
class Batch:
    """What one step sees: ``tokens`` (B, T), ``mask`` (B, T) True where real, and ``targets`` (B, T) for the
    masked language model (-100 where nothing is to be predicted) or ``labels`` (B,) for a classifier."""

    tokens: torch.Tensor
    mask: torch.Tensor
    targets: torch.Tensor | None = None
    labels: torch.Tensor | None = None


def mask_tokens(ids: torch.Tensor, mask: torch.Tensor, vocab: Vocab, p: float = 0.15,
                generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """BERT's corruption: pick ``p`` of the real tokens; of those 80% → [MASK], 10% → a random word, 10% kept.

    Returns (inputs (B, T), targets (B, T)) with targets = -100 where the loss ignores the position.
    """
    if ids.shape != mask.shape:
        raise ValueError(f"mask: got shape {tuple(mask.shape)}; expected the shape of ids {tuple(ids.shape)}")
    if not 0.0 < p < 1.0:
        raise ValueError(f"p: got {p!r}; expected a fraction in (0, 1)")
    # helpers.sampling holds the recipe (lesson 06); random words come from the real words, not the specials
    return sampling.mask_tokens(ids, mask, vocab.stoi[MASK], len(vocab.specials), len(vocab), p, generator)


def pretraining_data(sentences: Sequence[Sequence[str]], vocab: Vocab, steps: int, batch_size: int = 64,
                     seed: int = 0) -> Iterator[Batch]:
    """``steps`` batches of randomly drawn sentences, corrupted for the masked language model."""
    g = torch.Generator().manual_seed(seed)
    encoded = [vocab.encode(s) for s in sentences]
    for _ in range(steps):
        idx = torch.randint(len(encoded), (batch_size,), generator=g).tolist()
        ids, mask, _ = pad_batch([encoded[i] for i in idx], vocab.pad_id)
        inputs, targets = mask_tokens(ids, mask, vocab, generator=g)
        yield Batch(inputs, mask, targets=targets)


def next_token_data(sentences: Sequence[Sequence[str]], vocab: Vocab, steps: int, batch_size: int = 64,
                    seed: int = 0) -> Iterator[Batch]:
    """``steps`` batches for a GPT: tokens = <s> w1 … wn, targets = w1 … wn </s> (-100 under padding)."""
    g = torch.Generator().manual_seed(seed)
    encoded = [vocab.encode(s, add_bos=True, add_eos=True) for s in sentences]
    for _ in range(steps):
        idx = torch.randint(len(encoded), (batch_size,), generator=g).tolist()
        ids, mask, _ = pad_batch([encoded[i] for i in idx], vocab.pad_id)
        targets = ids[:, 1:].masked_fill(~mask[:, 1:], -100)  # (B, T-1): the next token at every position
        yield Batch(ids[:, :-1], mask[:, :-1], targets=targets)


def labelled_batches(examples: Sequence[tuple[list[str], int]], vocab: Vocab, batch_size: int = 32,
                     shuffle: bool = True, generator: torch.Generator | None = None) -> Iterator[Batch]:
    """One pass over ``examples`` as classifier batches."""
    order = torch.randperm(len(examples), generator=generator).tolist() if shuffle else range(len(examples))
    order = list(order)
    for start in range(0, len(order), batch_size):
        chunk = [examples[i] for i in order[start:start + batch_size]]
        ids, mask, _ = pad_batch([vocab.encode(s) for s, _ in chunk], vocab.pad_id)
        yield Batch(ids, mask, labels=torch.tensor([y for _, y in chunk]))


# ------------------------------------------------------------------------------------------ models
class Encoder(nn.Module):
    """Sentence representation: the encoder's hidden states averaged over the real tokens, (B, T) → (B, C)."""

    def __init__(self, lm: TransformerLM):
        super().__init__()
        self.lm = lm

    def forward(self, tokens: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        h = self.lm.encode(tokens, mask)  # (B, T, C)
        m = mask[..., None].float()  # (B, T, 1)
        return (h * m).sum(1) / m.sum(1)  # (B, C)


class GRUEncoder(nn.Module):
    """The recurrent alternative: embeddings → GRU → mean of the hidden states over real tokens, (B, H).

    The GRU is ``nn.GRU``'s weights run step by step with ``rnn_cells.gru_step`` (equal to ``nn.GRU``; tested),
    so that ``torch.func.vmap`` can train several GRUs at once (``finetune_grid``).
    """

    def __init__(self, vocab_size: int, d_model: int = 64, pad_id: int = 0, hidden: int | None = None):
        super().__init__()
        hidden = d_model if hidden is None else hidden
        if isinstance(hidden, bool) or not isinstance(hidden, int) or hidden < 1:
            raise ValueError(f"hidden: got {hidden!r}; expected an int >= 1 (the GRU's state size)")
        self.hidden = hidden
        self.emb = nn.Embedding(vocab_size, d_model, padding_idx=pad_id)
        self.gru = nn.GRU(d_model, hidden, batch_first=True)

    def forward(self, tokens: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        from .rnn_cells import gru_step

        x = self.emb(tokens)  # (B, T, C)
        w = {"W_ih": self.gru.weight_ih_l0, "W_hh": self.gru.weight_hh_l0, "b_ih": self.gru.bias_ih_l0,
             "b_hh": self.gru.bias_hh_l0}
        h = x.new_zeros(x.shape[0], self.hidden)  # (B, H)
        states = []
        for t in range(x.shape[1]):
            h, _ = gru_step(x[:, t], h, w)
            states.append(h)
        hs = torch.stack(states, 1)  # (B, T, H); padding comes last, so real states never see it
        m = mask[..., None].float()  # (B, T, 1)
        return (hs * m).sum(1) / m.sum(1)  # (B, H)


def used_params(encoder: nn.Module) -> int:
    """Parameters a sentence vector depends on (an ``Encoder`` leaves its language-model head unused)."""
    return sum(p.numel() for n, p in encoder.named_parameters() if not n.startswith("lm.head."))


def pretrain(model: nn.Module, pretraining_data: Iterator[Batch], lr: float = 3e-3) -> list[float]:
    """The seed's pretraining loop; returns the loss of every step."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    model.train()
    losses = []
    for batch in pretraining_data:
        logits = model(batch.tokens, batch.mask)  # (B, T, V)
        loss = F.cross_entropy(logits.flatten(0, 1), batch.targets.flatten(), ignore_index=-100)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    return losses


def pretraining_losses(cfg, sents: Sequence[Sequence[str]], vocab: Vocab, steps: int = 60, clear_grads: bool = True,
                       seed: int = 0) -> list[float]:
    """The pretraining loop on a fresh ``TransformerLM(cfg)``, with or without ``optimizer.zero_grad()``."""
    from .env import set_seed
    from .transformer import TransformerLM

    if not isinstance(clear_grads, bool):
        raise ValueError(f"clear_grads: got {clear_grads!r}; expected True or False")
    set_seed(seed)
    model = TransformerLM(cfg)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    model.train()
    losses = []
    for batch in pretraining_data(sents, vocab, steps=steps):
        logits = model(batch.tokens, batch.mask)  # (B, T, V)
        loss = F.cross_entropy(logits.flatten(0, 1), batch.targets.flatten(), ignore_index=-100)
        if clear_grads:
            optimizer.zero_grad()
        loss.backward()  # without zero_grad, this adds to every gradient of the steps before
        optimizer.step()
        losses.append(loss.item())
    return losses


ZERO_GRAD_CHOICES = ("lower: the summed gradients take bigger steps", "about the same",
                     "higher: every step repeats all the old gradients too")


def check_zero_grad_experiment(prediction: object, clear_grads: object, cfg, sents: Sequence[Sequence[str]],
                               vocab: Vocab, steps: int = 60) -> object:
    """Experiment: the pretraining loop without ``optimizer.zero_grad()``; the mean loss of its last 10 steps."""
    from .exercises import check_experiment

    clean: list[float] = []

    def baseline() -> float:
        if not clean:
            clean.append(sum(pretraining_losses(cfg, sents, vocab, steps)[-10:]) / 10)
        return clean[0]

    def measure() -> float:
        return sum(pretraining_losses(cfg, sents, vocab, steps, clear_grads=clear_grads)[-10:]) / 10

    def verdict(loss: float) -> str:
        return ZERO_GRAD_CHOICES[2] if loss > baseline() + 0.3 else ZERO_GRAD_CHOICES[0] \
            if loss < baseline() - 0.3 else ZERO_GRAD_CHOICES[1]

    return check_experiment(
        f"Experiment: pretraining without zero_grad, {steps} steps",
        prediction, ZERO_GRAD_CHOICES, clear_grads, False, "set clear_grads to False", measure, (4.6, 7.0),
        verdict, what=f"the mean loss of the last 10 of {steps} steps",
        reference=lambda loss: f"with zero_grad: {baseline():.2f}",
    )


@torch.no_grad()
def evaluate(model: nn.Module, head: nn.Module, examples: Sequence[tuple[list[str], int]], vocab: Vocab
             ) -> tuple[float, float]:
    """(mean loss, accuracy) of the classifier ``head(model(·))`` on ``examples``."""
    model.eval()
    head.eval()
    total_loss, correct = 0.0, 0
    for batch in labelled_batches(examples, vocab, batch_size=256, shuffle=False):
        preds = head(model(batch.tokens, batch.mask))  # (B, K)
        total_loss += F.cross_entropy(preds, batch.labels, reduction="sum").item()
        correct += (preds.argmax(-1) == batch.labels).sum().item()
    return total_loss / len(examples), correct / len(examples)


def finetune(model: nn.Module, head: nn.Module, train: Sequence[tuple[list[str], int]],
             valid: Sequence[tuple[list[str], int]], vocab: Vocab, steps: int = 60, lr: float = 1e-3,
             batch_size: int = 32, freeze: bool = False, eval_every: int = 5, seed: int = 0) -> dict[str, list]:
    """The seed's fine-tuning loop for ``steps`` steps. ``freeze`` trains the head only.

    Returns a history (``step``, ``train_loss``, ``eval_step``, ``val_loss``, ``val_acc``) and, under ``best``,
    the step with the lowest validation loss (early stopping); the model and head are left at that step.
    """
    if not train:
        raise ValueError("train: got no examples; expected at least one labelled sentence")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps: got {steps!r}; expected an int >= 1")
    for p in model.parameters():
        p.requires_grad_(not freeze)
    params = list(head.parameters()) + ([] if freeze else list(model.parameters()))
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    g = torch.Generator().manual_seed(seed)
    hist: dict[str, list] = {"step": [], "train_loss": [], "eval_step": [], "val_loss": [], "val_acc": []}
    best_loss, best_state = float("inf"), None
    step = 0
    while step < steps:
        for batch in labelled_batches(train, vocab, batch_size, generator=g):
            model.train(not freeze)
            head.train()
            reprs = model(batch.tokens, batch.mask)  # (B, C)
            preds = head(reprs)  # (B, K)
            loss = F.cross_entropy(preds, batch.labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            step += 1
            hist["step"].append(step)
            hist["train_loss"].append(loss.item())
            if step % eval_every == 0 or step == steps:
                vl, va = evaluate(model, head, valid, vocab)
                hist["eval_step"].append(step)
                hist["val_loss"].append(vl)
                hist["val_acc"].append(va)
                if vl < best_loss:
                    best_loss = vl
                    best_state = (copy.deepcopy(model.state_dict()), copy.deepcopy(head.state_dict()), step)
            if step == steps:
                break
    for p in model.parameters():
        p.requires_grad_(True)
    model.load_state_dict(best_state[0])
    head.load_state_dict(best_state[1])
    hist["best"] = [best_state[2]]
    return hist


# ------------------------------------------------------------------------------------------ experiments
def labels_vs_accuracy(make_encoder, train: Sequence[tuple[list[str], int]], valid: Sequence[tuple[list[str], int]],
                       test: Sequence[tuple[list[str], int]], vocab: Vocab, sizes: Sequence[int],
                       seeds: Sequence[int] = (0, 1), d_model: int = 64, **finetune_kw) -> dict[int, list[float]]:
    """Test accuracy after fine-tuning ``make_encoder(seed)`` + a fresh linear head on ``n`` balanced labels,
    for every ``n`` in ``sizes`` and every seed: {n: [accuracy per seed]}."""
    if not sizes:
        raise ValueError("sizes: got an empty list; expected label counts such as [8, 32, 128]")
    out: dict[int, list[float]] = {}
    for n in sizes:
        out[n] = []
        for seed in seeds:
            torch.manual_seed(seed)
            model, head = make_encoder(seed), nn.Linear(d_model, len(CLASSES))
            finetune(model, head, balanced_subset(train, n, seed=seed), valid, vocab, seed=seed, **finetune_kw)
            out[n].append(evaluate(model, head, test, vocab)[1])
    return out


def adamw_step(params: Sequence[torch.Tensor], grads: Sequence[torch.Tensor], state: dict, lr: torch.Tensor,
               betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.01) -> None:
    """One AdamW step on stacked weights (M, ...) with one learning rate per model, ``lr`` (M,).

    Elementwise, so it equals ``torch.optim.AdamW`` run on each model alone (tested). ``state`` starts as {}.
    """
    if lr.dim() != 1 or any(p.shape[0] != lr.shape[0] for p in params):
        raise ValueError(f"lr: got shape {tuple(lr.shape)}; expected (M,) with M the first size of every weight")
    state["t"] = t = state.get("t", 0) + 1
    b1, b2 = betas
    for i, (p, g) in enumerate(zip(params, grads, strict=True)):
        m, v = state.setdefault(i, (torch.zeros_like(p), torch.zeros_like(p)))
        r = lr.view(-1, *[1] * (p.dim() - 1))  # (M, 1, ...)
        with torch.no_grad():
            p.mul_(1 - r * weight_decay)
            m.mul_(b1).add_(g, alpha=1 - b1)
            v.mul_(b2).addcmul_(g, g, value=1 - b2)
            denom = (v.sqrt() / (1 - b2 ** t) ** 0.5).add_(eps)
            p.sub_(r / (1 - b1 ** t) * m / denom)


def clip_per_model(grads: Sequence[torch.Tensor], max_norm: float) -> tuple[list[torch.Tensor], torch.Tensor]:
    """Clip stacked gradients (M, ...) model by model, as ``clip_grad_norm_`` would on each model alone.

    Returns the clipped gradients and each model's norm before clipping, (M,).
    """
    if isinstance(max_norm, bool) or not isinstance(max_norm, int | float) or max_norm <= 0:
        raise ValueError(f"max_norm: got {max_norm!r}; expected a number > 0")
    norms = torch.stack([g.pow(2).flatten(1).sum(1) for g in grads]).sum(0).sqrt()  # (M,) each model's norm
    scale = (max_norm / (norms + 1e-6)).clamp(max=1.0)
    return [g * scale.view(-1, *[1] * (g.dim() - 1)) for g in grads], norms


def _padded(examples: Sequence[tuple[list[str], int]], vocab: Vocab) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    ids, mask, _ = pad_batch([vocab.encode(s) for s, _ in examples], vocab.pad_id)
    return ids, mask, torch.tensor([y for _, y in examples])


def finetune_grid(make_encoder, train: Sequence[tuple[list[str], int]], vocab: Vocab, sizes: Sequence[int],
                  seeds: Sequence[int], lrs: Sequence[float], steps: int, evals: dict, width: int = 64,
                  batch_size: int = 16, freeze: bool = False) -> dict[str, dict]:
    """Fine-tune one model per (learning rate, label count, seed), all at once with ``torch.func.vmap``.

    Model (lr, n, seed) is ``make_encoder(seed)`` + a fresh ``nn.Linear(width, 2)`` (both made after
    ``torch.manual_seed(seed)``), trained for ``steps`` AdamW steps of ``batch_size`` sentences cycled from its
    own ``balanced_subset(train, n, seed)``; ``freeze`` trains the head only. No early stopping: the model of
    the last step is scored. ``evals`` names labelled sets to score on, e.g. {"dev": dev, "test": test}.

    Returns {name: {(lr, n): [accuracy per seed]}} for every set in ``evals``.
    """
    from torch.func import functional_call, stack_module_state, vmap

    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps: got {steps!r}; expected an int >= 1")
    if not sizes or not seeds or not lrs:
        raise ValueError("sizes: sizes, seeds and lrs must each be non-empty lists")
    grid = [(lr, n, seed) for lr in lrs for n in sizes for seed in seeds]
    encoders, heads = [], []
    for _, _, seed in grid:
        torch.manual_seed(seed)
        encoders.append(make_encoder(seed).eval())
        heads.append(nn.Linear(width, len(CLASSES)))
    enc_p, enc_b = stack_module_state(encoders)
    enc_p = {k: v for k, v in enc_p.items() if not k.startswith("lm.head.")}
    head_p, _ = stack_module_state(heads)
    base, base_head = copy.deepcopy(encoders[0]).to("meta"), copy.deepcopy(heads[0]).to("meta")
    trained = list(head_p.values()) + ([] if freeze else list(enc_p.values()))
    if freeze:
        for v in enc_p.values():
            v.requires_grad_(False)
    lr_t = torch.tensor([lr for lr, _, _ in grid], dtype=torch.float32)

    enc_all = {**enc_p, **enc_b}  # the weights vmap maps over (buffers too, untrained)

    def classify(ep, hp, tokens, mask):
        return functional_call(base_head, hp, (functional_call(base, ep, (tokens, mask)),))

    # every model's own labelled sentences, cycled in seeded shuffles
    all_ids, all_mask, all_y = _padded(train, vocab)
    index = {id(e): i for i, e in enumerate(train)}
    orders = []
    for _, n, seed in grid:
        rows = [index[id(e)] for e in balanced_subset(train, n, seed=seed)]
        g = torch.Generator().manual_seed(seed)
        need = -(-steps * batch_size // n)
        orders.append(torch.cat([torch.tensor(rows)[torch.randperm(n, generator=g)]
                                 for _ in range(need)])[:steps * batch_size])
    orders = torch.stack(orders)  # (M, ≥ steps * batch_size)
    if freeze:  # a frozen encoder gives every model the same sentence vectors: compute them once
        if any(not torch.equal(v[0], v[i]) for v in enc_all.values() for i in range(1, len(grid))):
            raise ValueError("freeze: make_encoder returned different weights for different seeds; a frozen "
                             "grid expects one encoder shared by every model")
        with torch.no_grad():
            feats = torch.cat([encoders[0](all_ids[i:i + 1024], all_mask[i:i + 1024])
                               for i in range(0, len(all_ids), 1024)])  # (N, C)

    def head_only(hp, x):
        return functional_call(base_head, hp, (x,))

    state: dict = {}
    for step in range(steps):
        rows = orders[:, step * batch_size:(step + 1) * batch_size]  # (M, B)
        if freeze:
            logits = vmap(head_only)(head_p, feats[rows])  # (M, B, K)
        else:
            T = int(all_mask[rows].sum(-1).max())
            tokens, mask = all_ids[rows][..., :T], all_mask[rows][..., :T]
            logits = vmap(classify)(enc_all, head_p, tokens, mask)  # (M, B, K)
        loss = F.cross_entropy(logits.flatten(0, 1), all_y[rows].flatten(), reduction="sum") / batch_size
        adamw_step(trained, torch.autograd.grad(loss, trained), state, lr_t)
    out: dict[str, dict] = {}
    with torch.no_grad():
        for name, examples in evals.items():
            ids, mask, y = _padded(examples, vocab)
            if freeze:
                x = encoders[0](ids, mask)
                correct = vmap(head_only, in_dims=(0, None))(head_p, x).argmax(-1).eq(y).float().mean(-1)
            else:
                correct = torch.cat([vmap(classify, in_dims=(0, 0, None, None))(
                    {k: v[i:i + 8] for k, v in enc_all.items()}, {k: v[i:i + 8] for k, v in head_p.items()},
                    ids, mask).argmax(-1).eq(y).float().mean(-1) for i in range(0, len(grid), 8)])
            out[name] = {}
            for (lr, n, _), acc in zip(grid, correct.tolist(), strict=True):
                out[name].setdefault((lr, n), []).append(acc)
    return out


def best_step(eval_steps: Sequence[int], val_losses: Sequence[float]) -> int:
    """Early stopping: the step whose validation loss is lowest (the earliest one on a tie)."""
    if len(eval_steps) != len(val_losses) or not eval_steps:
        raise ValueError(f"val_losses: got {len(val_losses)} losses for {len(eval_steps)} steps; expected one "
                         "loss per evaluated step, at least one")
    return eval_steps[min(range(len(val_losses)), key=lambda i: (val_losses[i], i))]


def check_best_step(fn) -> object:
    """Exercise: early stopping — return the step with the lowest validation loss."""
    from .exercises import equal, run_checks

    return run_checks("Exercise 2: early stopping", [
        equal("U-shaped curve: the bottom", lambda: fn([5, 10, 15, 20], [0.9, 0.4, 0.6, 0.8]), 10,
              hints=("the best step is where the validation loss is lowest; the answer is a step, not a loss",
                     "find the position of the smallest loss (min over positions, with the loss as the key)")),
        equal("still falling: the last step", lambda: fn([5, 10, 15], [0.9, 0.5, 0.3]), 15,
              hints="the lowest loss may be at the very end"),
        equal("a tie: the earlier step", lambda: fn([1, 2, 3, 4], [0.7, 0.2, 0.2, 0.5]), 2,
              hints="on a tie keep the earliest step (fewer steps, less overfitting)"),
        equal("returns a step, not an index", lambda: fn([50, 100, 150], [0.3, 0.1, 0.2]), 100,
              hints="return the step itself (from eval_steps), not its position in the list"),
    ], todo="write `my_best_step` and `return` the best step")


CAPSTONE_TASKS = ("few labels, sentence classification", "continue a story", "tiny data, train from scratch",
                  "a document longer than the window")


def capstone_answers(results: dict) -> dict[str, str]:
    """The choice each measurement in ``results`` supports (see ``check_capstone``)."""
    hungry = results["data_hungry"]  # {"GRU": {n: acc}, "Transformer": {n: acc}}
    tiny = min(hungry["GRU"])
    return {
        CAPSTONE_TASKS[0]: "pretrained" if results["pretrained_gap"] > 0 else "scratch",
        CAPSTONE_TASKS[1]: "gpt",
        CAPSTONE_TASKS[2]: "gru" if hungry["GRU"][tiny] >= hungry["Transformer"][tiny] else "transformer",
        CAPSTONE_TASKS[3]: "chunks",
    }


def check_capstone(choices: dict, results: dict) -> object:
    """Capstone: one choice per task, each backed by what this notebook (or an earlier one) measured."""
    from .exercises import Check, NotWritten, run_checks

    right = capstone_answers(results)
    options = {"pretrained", "scratch", "gpt", "bert", "gru", "transformer", "chunks", "truncate"}
    hints = {
        CAPSTONE_TASKS[0]: "look at the labels-vs-accuracy figure at the fewest labels",
        CAPSTONE_TASKS[1]: "which personality was trained to predict the next token? (06_gpt_bert.ipynb)",
        CAPSTONE_TASKS[2]: "look at the GRU-vs-Transformer bars at the tiny data size",
        CAPSTONE_TASKS[3]: "which strategy found the needle wherever it was?",
    }

    def one(task):
        def test():
            if not isinstance(choices, dict):
                return False, f"got {type(choices).__name__}; expected a dict task → choice"
            got = choices.get(task, ...)
            if got is ... or got is None:
                raise NotWritten("replace each ... with one of the choices, in quotes")
            got = str(got).strip().lower()
            if got not in options:
                return False, f"got {got!r}; expected one of {sorted(options)}"
            return got == right[task], "" if got == right[task] else f"got {got!r}; the run says otherwise"
        return Check(task, test, hints[task])

    return run_checks("Capstone: which model for which task?", [one(t) for t in CAPSTONE_TASKS])
