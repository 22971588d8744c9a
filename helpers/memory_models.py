"""Recurrent models on the long-lag memory task (``helpers.memory_task``): one model, one recipe, one plot.

Letters used in shapes: B = batch, T = time steps (``MemoryConfig.length``), E = embedding size, H = hidden size.

Lesson 01 trains the RNN with ``train_memory_model("rnn", config)``; lesson 02 calls the same function for
"lstm" and "gru" with the same config, and both lessons draw ``plot_accuracy_by_lag``. Every sequence is padded
on the left with noise to ``config.length`` tokens, so all of them take the same number of steps and the only
thing that changes from one to the next is the lag between the key and the question.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from torch import nn

from . import memory_task, plots
from .bptt import grad_norms_through_time, lstm_state_grad_norms
from .data import batches
from .rnn_cells import MODULES, weights_of
from .training import train

CHANCE = 1 / len(memory_task.KEYS)


@dataclass
class MemoryConfig:
    """Sizes and training recipe: the same for every cell type, but for the learning rate."""

    hidden: int = 64  # H
    embed: int = 16  # E
    length: int = 64  # T: every sequence padded on the left with noise to this many tokens
    batch_size: int = 64
    steps: int = 600
    # learning rate per cell, from a small sweep: at 0.01 the RNN learns nothing at all, and at 0.002 the LSTM
    # needs more steps to find the key
    lr: dict[str, float] = field(default_factory=lambda: {"rnn": 0.002, "lstm": 0.01, "gru": 0.01})
    clip: float = 1.0  # gradient-norm clipping (Pascanu et al. 2013)
    seed: int = 0


class MemoryModel(nn.Module):
    """Embedding → one recurrent layer → a linear read-out of the last hidden state that names the key."""

    def __init__(self, cell: str, hidden: int, embed: int):
        super().__init__()
        if cell not in MODULES:
            raise ValueError(f"cell: got {cell!r}; expected one of {', '.join(MODULES)}")
        self.cell = cell
        self.embed = nn.Embedding(len(memory_task.VOCAB), embed)
        self.rnn = MODULES[cell](embed, hidden, batch_first=True)
        self.out = nn.Linear(hidden, len(memory_task.KEYS))

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """ids (B, T) → logits over the keys (B, 8), read from the hidden state after the last token."""
        out, _ = self.rnn(self.embed(ids))  # (B, T, H)
        return self.out(out[:, -1])  # (B, 8)


def encode_fixed(rows: list[tuple[str, str]], length: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``memory_task.encode`` padded on the left with noise to exactly ``length`` tokens: ids (B, T), keys, lags."""
    ids, keys, lags = memory_task.encode(rows)
    if ids.shape[1] > length:
        raise ValueError(f"length: got {length} but a sequence has {ids.shape[1]} tokens; "
                         f"expected length >= the longest sequence (lag + 2)")
    pad = memory_task.VOCAB.index(memory_task.NOISE[0])
    return F.pad(ids, (length - ids.shape[1], 0), value=pad), keys, lags


def new_model(cell: str, config: MemoryConfig) -> MemoryModel:
    """A fresh model whose starting weights depend only on ``config.seed`` (the global RNG is left alone)."""
    with torch.random.fork_rng():
        torch.manual_seed(config.seed)
        return MemoryModel(cell, config.hidden, config.embed)


def train_memory_model(
    cell: str,
    config: MemoryConfig,
    rows: list[tuple[str, str]] | None = None,
    progress: bool = True,
) -> tuple[MemoryModel, dict[str, list]]:
    """Train a ``cell`` model on ``rows`` (default: data/memory/train.tsv, all lags mixed); return model, history."""
    rows = memory_task.load("train") if rows is None else rows
    if cell not in config.lr:
        raise ValueError(f"config.lr: has no learning rate for {cell!r}; "
                         f"expected a key for each of {', '.join(MODULES)}")
    model = new_model(cell, config)
    ids, keys, _ = encode_fixed(rows, config.length)  # (N, T), (N,)
    gen = torch.Generator().manual_seed(config.seed)

    def batches_fn():
        for idx in batches(len(rows), config.batch_size, shuffle=True, generator=gen):
            yield ids[idx], keys[idx]

    def loss_fn(m: MemoryModel, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        x, y = batch
        return F.cross_entropy(m(x), y)

    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr[cell])
    history = train(model, loss_fn, batches_fn, optimizer, steps=config.steps, clip=config.clip,
                    progress=progress, desc=f"{cell.upper()} on the memory task")
    return model, history


def accuracy_by_lag(model: MemoryModel, rows: list[tuple[str, str]], length: int) -> dict[int, float]:
    """Share of keys recalled, per lag: {lag: accuracy}."""
    ids, keys, lags = encode_fixed(rows, length)
    model.eval()
    with torch.no_grad():
        correct = model(ids).argmax(-1) == keys  # (N,)
    return {int(lag): float(correct[lags == lag].float().mean()) for lag in lags.unique()}


def plot_accuracy_by_lag(
    results: dict[str, dict[int, float]], title: str = "Recall of the key against the lag"
) -> Figure:
    """One line per model: accuracy against the lag, with chance (1 in 8) drawn dashed."""
    by_label = {name: {str(lag): acc for lag, acc in sorted(accs.items())} for name, accs in results.items()}
    fig = plots.accuracy_by_length(by_label, title=title, xlabel="lag: noise tokens between key and question",
                                   ylabel="accuracy (key recalled)", chance=CHANCE)
    ax = fig.axes[0]
    for k, line in enumerate(ax.get_lines()[: len(results)]):  # models that score alike would hide each other
        line.set_linestyle(["-", "--", ":", "-."][k % 4])
        line.set_marker("osD^"[k % 4])
        line.set_markersize(9 - 2 * (k % 3))
    with plt.rc_context(plots.COURSE_RC):
        ax.legend()
    return fig


def memory_grad_norms(model: MemoryModel, rows: list[tuple[str, str]], length: int) -> torch.Tensor:
    """‖∂L/∂h_t‖ for t = 1 … T (T,), L the cross-entropy of the answer, run by hand on the model's own weights."""
    ids, keys, _ = encode_fixed(rows, length)
    with torch.no_grad():
        xs = model.embed(ids)  # (B, T, E)
    return grad_norms_through_time(model.cell, weights_of(model.rnn), xs,
                                   lambda h_T: F.cross_entropy(model.out(h_T), keys))


def memory_lstm_state_grad_norms(
    model: MemoryModel, rows: list[tuple[str, str]], length: int
) -> dict[str, torch.Tensor]:
    """‖∂L/∂h_t‖ and ‖∂L/∂c_t‖ (T,) each of an LSTM ``model`` on ``rows``, run by hand on its own weights."""
    if model.cell != "lstm":
        raise ValueError(f"model: got a {model.cell.upper()} model; expected an LSTM (only it has a cell state c)")
    ids, keys, _ = encode_fixed(rows, length)
    with torch.no_grad():
        xs = model.embed(ids)  # (B, T, E)
    return lstm_state_grad_norms(weights_of(model.rnn), xs, lambda h_T: F.cross_entropy(model.out(h_T), keys))
