"""Figures of recurrent cells (states, gates, gradients through time) and the explorers that redraw them.

Letters used in shapes: T = time steps (tokens), H = hidden units, K = lines drawn.

Every figure function returns a matplotlib ``Figure`` closed in pyplot, like ``helpers.plots``: it shows once,
as the value of the cell's last line. The explorers wrap them with ``helpers.widgets.explorer``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from . import plots
from .bptt import radius_grad_norms
from .recurrent import Unrolled
from .widgets import Explorer, explorer

SIGNED_CMAP, GATE_CMAP = "RdBu_r", "viridis"  # both readable to colour-blind eyes


def _array(values: object, name: str, ndim: int) -> np.ndarray:
    if hasattr(values, "detach"):
        values = values.detach().cpu().numpy()
    arr = np.asarray(values, dtype=float)
    if arr.ndim != ndim:
        want = "(T, H)" if ndim == 2 else "(T,)"
        raise ValueError(f"{name}: got shape {arr.shape}; expected {want} (for a batch, pick one example)")
    return arr


def state_heatmap(
    values: object,
    tokens: Sequence[str],
    title: str = "Hidden state after each word",
    ax: Axes | None = None,
    signed: bool = True,
    label: str = "hidden state value",
) -> Figure:
    """A (T, H) array as a heatmap: one row per token (labelled), one column per unit.

    ``signed`` values (states, in -1 … 1) use a red–blue map centred on 0; gates (0 … 1) use viridis.
    """
    v = _array(values, "values", 2)
    T, H = v.shape
    if len(tokens) != T:
        raise ValueError(f"tokens: got {len(tokens)} tokens for {T} rows of values; expected one token per row")
    lim = max(1.0, float(np.abs(v).max())) if signed else 1.0
    with plt.rc_context(plots.COURSE_RC):
        own = ax is None
        if own:
            fig, ax = plt.subplots(figsize=(min(12.0, 2.5 + 0.16 * H), 1.4 + 0.36 * T), layout="constrained")
        fig = ax.figure
        im = ax.imshow(v, cmap=SIGNED_CMAP if signed else GATE_CMAP, vmin=-lim if signed else 0.0, vmax=lim,
                       aspect="auto", interpolation="nearest")
        ax.grid(False)
        ax.set_yticks(range(T), labels=list(tokens))
        ax.set(xlabel="unit", ylabel="token", title=title)
        fig.colorbar(im, ax=ax, label=label, shrink=0.9)
    if own:
        plt.close(fig)
    return fig


_PANELS = {
    "lstm": [("input", "input gate i (add new)"), ("forget", "forget gate f (keep old)"),
             ("output", "output gate o (show)"), ("c", "cell state c (the conveyor belt)")],
    "gru": [("reset", "reset gate r (use old memory for the candidate)"),
            ("update", "update gate z (keep old)"), ("h", "hidden state h (the only memory)")],
    "rnn": [("h", "hidden state h")],
}


def gates_figure(run: Unrolled, tokens: Sequence[str], title: str | None = None) -> Figure:
    """Gates and memory of one sentence, a heatmap each (tokens × units): LSTM i, f, o, c; GRU r, z, h."""
    if not isinstance(run, Unrolled):
        raise ValueError(f"run: got {type(run).__name__}; expected the Unrolled result of recurrent.unroll")
    panels = _PANELS[run.cell]
    T, H = run.h.shape[1], run.h.shape[2]
    if len(tokens) != T:
        raise ValueError(f"tokens: got {len(tokens)} tokens for {T} time steps; expected one token per step")
    with plt.rc_context(plots.COURSE_RC):
        fig, axes = plt.subplots(len(panels), 1, figsize=(min(12.0, 3.0 + 0.14 * H), len(panels) * (1.1 + 0.3 * T)),
                                 layout="constrained", squeeze=False)
        for ax, (key, name) in zip(axes[:, 0], panels, strict=True):
            values = {"h": run.h, "c": run.c}.get(key, run.gates.get(key))[0]  # (T, H) of the first example
            signed = key in ("h", "c")
            state_heatmap(values, tokens, title=name, ax=ax, signed=signed,
                          label="value" if signed else "gate (0 = shut, 1 = open)")
        if title:
            fig.suptitle(title, fontsize=13, fontweight="bold")
    plt.close(fig)
    return fig


def lines_over_time(
    values: object,
    labels: Sequence[str],
    tokens: Sequence[str] | None = None,
    title: str = "State over time",
    ylabel: str = "value",
    mark: int | None = None,
) -> Figure:
    """K lines (K, T) against time step, e.g. one memory unit over the same lag for each key; ``mark`` a step."""
    v = _array(values, "values", 2)
    K, T = v.shape
    if len(labels) != K:
        raise ValueError(f"labels: got {len(labels)} labels for {K} lines; expected one label per line")
    if tokens is not None and len(tokens) != T:
        raise ValueError(f"tokens: got {len(tokens)} tokens for {T} time steps; expected one per step")
    with plt.rc_context(plots.COURSE_RC):
        fig, ax = plt.subplots(figsize=(9.0, 4.5), layout="constrained")
        for k in range(K):
            ax.plot(np.arange(T), v[k], label=labels[k], linewidth=1.8)
        if mark is not None:
            ax.axvline(mark, color="gray", linestyle=":", linewidth=1.5)
        if tokens is not None:
            every = max(1, T // 16)
            ax.set_xticks(range(0, T, every), labels=[tokens[t] for t in range(0, T, every)])
        ax.set(title=title, xlabel="time step", ylabel=ylabel)
        ax.legend(ncol=min(K, 4), fontsize=9, loc="best")
    plt.close(fig)
    return fig


def time_figure(
    lengths: Sequence[int], seconds: Mapping[str, Sequence[float]], title: str = "Forward time grows with length"
) -> Figure:
    """Measured forward time (ms) against sequence length, one line per model."""
    if not seconds:
        raise ValueError("seconds: got an empty dict; expected model name → one time per length")
    for name, values in seconds.items():
        if len(values) != len(lengths):
            raise ValueError(f"seconds: {name!r} has {len(values)} times for {len(lengths)} lengths; "
                             "expected one time per length")
    with plt.rc_context(plots.COURSE_RC):
        fig, ax = plt.subplots(layout="constrained")
        for name, values in seconds.items():
            ax.plot(list(lengths), [1000 * v for v in values], marker="o", label=name)
        ax.set(title=title, xlabel="sequence length T (tokens)", ylabel="forward time (ms)")
        ax.set_ylim(bottom=0)
        ax.legend()
    plt.close(fig)
    return fig


def _verdict(rho: float) -> str:
    if rho < 0.95:
        return "vanishes"
    if rho <= 1.05:
        return "roughly holds"
    return "explodes"


def radius_figure(rhos: Sequence[float], length: int = 50, highlight: float | None = None) -> Figure:
    """‖∂L/∂h_t‖ against t for a random tanh RNN at each spectral radius (log axis); ``highlight`` one in bold."""
    if len(rhos) == 0:
        raise ValueError("rhos: got an empty list; expected at least one spectral radius")
    norms = {f"ρ = {rho:g}": radius_grad_norms(rho, length).numpy() for rho in rhos}
    if highlight is None:
        title = "Gradient vanishes when ρ < 1 and explodes when ρ > 1"
    else:
        title = f"ρ = {highlight:g}: going back in time the gradient {_verdict(highlight)}"
    with plt.rc_context(plots.COURSE_RC):
        fig, ax = plt.subplots(layout="constrained")
        plots.grad_norm_plot(norms, title=title, ax=ax, xlabel="time step t (the loss is at the last step)")
        for line, rho in zip(ax.get_lines(), rhos, strict=True):
            if highlight is not None:
                line.set_alpha(1.0 if rho == highlight else 0.35)
                line.set_linewidth(3.0 if rho == highlight else 1.5)
    plt.close(fig)
    return fig


def gradient_explorer(rho: float = 1.0, length: int = 50) -> Explorer:
    """Sliders for the spectral radius and the sequence length; the gradient-norm plot redraws."""

    def draw(rho: float, length: int) -> Figure:
        rhos = sorted({0.5, 1.0, 1.5, round(rho, 2)})
        return radius_figure(rhos, length, highlight=round(rho, 2))

    controls = {
        "rho": widgets.FloatSlider(value=rho, min=0.3, max=2.0, step=0.05, description="radius ρ",
                                   continuous_update=False),
        "length": widgets.IntSlider(value=length, min=10, max=150, step=10, description="length T",
                                    continuous_update=False),
    }
    return explorer(draw, controls, title="How the spectral radius of W_hh scales the gradient through time")


def gates_explorer(
    runs_for: Mapping[str, object], sentences: Sequence[str], cell: str | None = None
) -> Explorer:
    """Pick a cell type and a sentence; the gate heatmaps redraw. ``runs_for[cell](words)`` returns an Unrolled."""
    if not runs_for:
        raise ValueError("runs_for: got an empty dict; expected cell name → function(words) → Unrolled")
    if not sentences:
        raise ValueError("sentences: got an empty list; expected at least one sentence")
    names = list(runs_for)

    def draw(cell: str, sentence: str) -> Figure:
        words = sentence.split()
        return gates_figure(runs_for[cell](words), words, title=f"{cell.upper()} gates over “{sentence}”")

    controls = {
        "cell": widgets.Dropdown(options=names, value=cell or names[0], description="cell"),
        "sentence": widgets.Dropdown(options=list(sentences), value=sentences[0], description="sentence",
                                     layout=widgets.Layout(width="480px")),
    }
    return explorer(draw, controls, title="Gates at work: pick a cell type and a sentence")
