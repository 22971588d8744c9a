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
from .rnn_cells import Unrolled
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
    time_on_x: bool = False,
    colorbar: bool = True,
) -> Figure:
    """A (T, H) array as a heatmap with one labelled row per token and one column per unit (``time_on_x``: the
    other way round, time running left to right).

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
            size = (2.5 + 0.16 * H, 1.4 + 0.36 * T) if not time_on_x else (2.5 + 0.5 * T, 1.5 + 0.1 * H)
            fig, ax = plt.subplots(figsize=(min(12.0, size[0]), min(9.0, size[1])), layout="constrained")
        fig = ax.figure
        im = ax.imshow(v.T if time_on_x else v, cmap=SIGNED_CMAP if signed else GATE_CMAP,
                       vmin=-lim if signed else 0.0, vmax=lim, aspect="auto", interpolation="nearest")
        ax.grid(False)
        if time_on_x:
            ax.set_xticks(range(T), labels=list(tokens), rotation=45, ha="right", rotation_mode="anchor")
            ax.set(xlabel="token", ylabel="unit", title=title)
        else:
            ax.set_yticks(range(T), labels=list(tokens))
            ax.set(xlabel="unit", ylabel="token", title=title)
        if colorbar:
            fig.colorbar(im, ax=ax, label=label, shrink=0.9)
    if own:
        plt.close(fig)
    return fig


_PANELS = {
    "lstm": [("input", "input gate i\n(add new)"), ("forget", "forget gate f\n(keep old)"),
             ("output", "output gate o\n(show)"), ("c", "cell state c\n(the conveyor belt)")],
    "gru": [("reset", "reset gate r\n(old memory in the candidate)"), ("update", "update gate z\n(keep old)"),
            ("h", "hidden state h\n(the only memory)")],
    "rnn": [("h", "hidden state h")],
}


def gates_figure(
    run: Unrolled, tokens: Sequence[str], title: str | None = None, units: int | None = None
) -> Figure:
    """Gates and memory over one sentence, side by side, time left to right: LSTM i, f, o, c; GRU r, z, h.

    ``units`` shows only the first so many units (default: all), large enough to read each gate.
    """
    if not isinstance(run, Unrolled):
        raise ValueError(f"run: got {type(run).__name__}; expected the Unrolled result of rnn_cells.unroll")
    panels = _PANELS[run.cell]
    T, H = run.h.shape[1], run.h.shape[2]
    if len(tokens) != T:
        raise ValueError(f"tokens: got {len(tokens)} tokens for {T} time steps; expected one token per step")
    if units is not None and not 1 <= units <= H:
        raise ValueError(f"units: got {units}; expected a number of units from 1 to {H}")
    H = H if units is None else units
    with plt.rc_context(plots.COURSE_RC):
        width = len(panels) * (1.2 + 0.32 * T) + 1.6
        fig, axes = plt.subplots(1, len(panels), figsize=(min(14.0, width), min(8.0, 2.2 + 0.08 * H)),
                                 layout="constrained", squeeze=False)
        for k, (ax, (key, name)) in enumerate(zip(axes[0], panels, strict=True)):
            values = {"h": run.h, "c": run.c}.get(key, run.gates.get(key))[0, :, :H]  # (T, H) of the first example
            signed = key in ("h", "c")
            last_gate = not signed and (k + 1 == len(panels) or panels[k + 1][0] in ("h", "c"))
            state_heatmap(values, tokens, title=name, ax=ax, signed=signed, time_on_x=True,
                          colorbar=signed or last_gate, label="value" if signed else "gate (0 shut, 1 open)")
            if k:
                ax.set_ylabel("")
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


def grad_norm_panels(
    panels: Mapping[str, Mapping[str, object]],
    title: str = "Gradient norm through time",
    ylabel: str = "‖∂L/∂h_t‖ / ‖∂L/∂h_T‖",
    xlabel: str = "time step t (the loss is at the last step)",
) -> Figure:
    """Side-by-side gradient-norm plots on one shared log axis: panel title → {line name → norms (T,)}."""
    if not panels:
        raise ValueError("panels: got an empty dict; expected panel title → {name: norms}")
    with plt.rc_context(plots.COURSE_RC):
        fig, axes = plt.subplots(1, len(panels), figsize=(6.0 * len(panels), 4.5), layout="constrained",
                                 sharey=True, squeeze=False)
        for k, (ax, (name, norms)) in enumerate(zip(axes[0], panels.items(), strict=True)):
            plots.grad_norm_plot(norms, title=name, ylabel=ylabel if k == 0 else "", xlabel=xlabel, ax=ax)
        fig.suptitle(title, fontsize=13, fontweight="bold")
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


def unrolled_diagram(words: Sequence[str], title: str = "One cell, unrolled: the same weights at every step"
                     ) -> Figure:
    """The RNN unrolled over ``words``: each word's vector x_t and the previous state h_{t-1} enter the same
    cell (W_xh, W_hh, b), which writes h_t; h_t goes up to the output and right to the next step."""
    words = list(words)
    if not words or not all(isinstance(w, str) for w in words):
        raise ValueError(f"words: got {words!r}; expected a non-empty list of word strings")
    T = len(words)
    arrow = {"arrowstyle": "-|>", "color": "black", "lw": 1.4, "mutation_scale": 14}
    with plt.rc_context(plots.COURSE_RC):
        fig, ax = plt.subplots(figsize=(1.55 * (T + 1) + 0.6, 3.9), layout="constrained")
        box = {"boxstyle": "round,pad=0.45", "facecolor": plots.OKABE_ITO[5], "edgecolor": "black", "alpha": 0.9}
        ax.text(0, 1, "$h_0 = 0$", ha="center", va="center", fontsize=11)
        for t, w in enumerate(words, start=1):
            x = 1.55 * t
            ax.text(x, 1, "tanh($W_{xh}x_t$\n$+ W_{hh}h_{t-1} + b$)".replace("_t", f"_{{{t}}}")
                    .replace("_{t-1}", f"_{{{t - 1}}}"), ha="center", va="center", fontsize=8, bbox=box)
            ax.text(x, -0.35, f"$x_{{{t}}}$\n“{w}”", ha="center", va="top", fontsize=10)
            ax.annotate("", xy=(x, 0.68), xytext=(x, -0.3), arrowprops=arrow)  # the word enters
            ax.annotate("", xy=(x, 2.05), xytext=(x, 1.32), arrowprops=arrow)  # h_t goes up
            ax.text(x, 2.15, f"$h_{{{t}}}$", ha="center", va="bottom", fontsize=11)
            ax.annotate("", xy=(x - 0.62, 1), xytext=(x - 1.55 + (0.25 if t == 1 else 0.62), 1),
                        arrowprops=arrow)  # h_{t-1} comes in from the left
            ax.text(x - 0.78, 1.1, f"$h_{{{t - 1}}}$", ha="center", va="bottom", fontsize=9, color="0.3")
        ax.text(1.55 * (T + 1) / 2, -1.35, "every box holds the same $W_{xh}$, $W_{hh}$ and $b$: one cell, "
                "applied once per word, left to right", ha="center", va="center", fontsize=10, style="italic")
        ax.set_xlim(-0.5, 1.55 * T + 0.9)
        ax.set_ylim(-1.6, 2.6)
        ax.axis("off")
        ax.set_title(title)
    plt.close(fig)
    return fig


_DIAGRAMS: dict[str, dict] = {
    # boxes: (x, y, text, colour index); ops: (x, y, symbol); wires: ((x0, y0), (x1, y1), ...) polylines ending
    # in an arrow; labels: (x, y, text). The belt / memory line runs along the top, inputs enter at the bottom.
    "lstm": {
        "title": "The LSTM cell: three gates and a cell state c running along the top",
        "boxes": [(2.0, 2.0, "forget gate\n$f_t = \\sigma(\\cdot)$", 0),
                  (3.9, 2.0, "input gate\n$i_t = \\sigma(\\cdot)$", 1),
                  (5.6, 2.0, "candidate\n$g_t = \\tanh(\\cdot)$", 2),
                  (7.5, 2.0, "output gate\n$o_t = \\sigma(\\cdot)$", 4)],
        "ops": [(2.0, 4.6, "×"), (4.75, 3.5, "×"), (4.75, 4.6, "+"), (8.9, 3.5, "tanh"), (8.9, 2.0, "×")],
        "wires": [((0.2, 4.6), (1.75, 4.6)), ((2.25, 4.6), (4.5, 4.6)), ((5.0, 4.6), (10.4, 4.6)),
                  ((2.0, 2.45), (2.0, 4.35)), ((3.9, 2.45), (3.9, 3.5), (4.5, 3.5)),
                  ((5.6, 2.45), (5.6, 3.5), (5.0, 3.5)),
                  ((4.75, 3.75), (4.75, 4.35)), ((8.9, 4.6), (8.9, 3.8)), ((8.9, 3.2), (8.9, 2.3)),
                  ((7.5 + 0.75, 2.0), (8.65, 2.0)), ((8.9, 1.7), (8.9, 0.6), (10.4, 0.6)),
                  ((0.2, 0.6), (7.5, 0.6), (7.5, 1.55)), ((2.0, 0.6), (2.0, 1.55)), ((3.9, 0.6), (3.9, 1.55)),
                  ((5.6, 0.6), (5.6, 1.55)), ((1.2, -0.4), (1.2, 0.6))],
        "labels": [(0.2, 4.8, "$c_{t-1}$"), (10.4, 4.8, "$c_t$"), (0.2, 0.8, "$h_{t-1}$"), (10.4, 0.8, "$h_t$"),
                   (1.2, -0.6, "$x_t$"), (6.0, 5.2, "$c_t = f_t \\odot c_{t-1} + i_t \\odot g_t$   "
                                                   "$h_t = o_t \\odot \\tanh(c_t)$")],
    },
    "gru": {
        "title": "The GRU cell: two gates, and the hidden state h is the only memory",
        "boxes": [(2.0, 2.0, "update gate\n$z_t = \\sigma(\\cdot)$", 1),
                  (3.9, 2.0, "reset gate\n$r_t = \\sigma(\\cdot)$", 0),
                  (6.4, 2.0, "candidate $n_t = \\tanh(W_{in} x_t$\n$+ r_t \\odot (W_{hn} h_{t-1} + b_{hn}))$", 2)],
        "ops": [(7.6, 4.6, "×"), (8.9, 4.6, "+"), (8.9, 3.4, "×"), (5.4, 3.4, "1−")],
        "wires": [((0.2, 4.6), (7.35, 4.6)), ((7.85, 4.6), (8.65, 4.6)), ((9.15, 4.6), (10.4, 4.6)),
                  ((2.0, 2.45), (2.0, 3.9), (7.6, 3.9), (7.6, 4.35)), ((2.0, 3.4), (5.15, 3.4)),
                  ((5.65, 3.4), (8.65, 3.4)), ((7.45, 2.0), (8.9, 2.0), (8.9, 3.15)), ((8.9, 3.65), (8.9, 4.35)),
                  ((4.4, 2.0), (5.3, 2.0)),
                  ((1.2, 4.6), (1.2, 0.6), (2.0, 0.6), (2.0, 1.55)), ((2.0, 0.6), (3.9, 0.6), (3.9, 1.55)),
                  ((3.9, 0.6), (6.4, 0.6), (6.4, 1.55)), ((1.2, -0.4), (1.2, 0.6))],
        "labels": [(0.2, 4.8, "$h_{t-1}$"), (10.4, 4.8, "$h_t$"), (1.2, -0.6, "$x_t$"), (7.95, 4.0, "$z_t$"),
                   (6.6, 3.5, "$1 - z_t$"), (4.85, 2.1, "$r_t$"),
                   (6.0, 5.2, "$h_t = (1 - z_t) \\odot n_t + z_t \\odot h_{t-1}$")],
    },
}


def cell_diagram(cell: str, title: str | None = None) -> Figure:
    """A schematic of one LSTM or GRU step: gates as boxes, element-wise operations as circles, the memory
    (the LSTM's cell state c, the GRU's hidden state h) running along the top, inputs entering from below."""
    if cell not in _DIAGRAMS:
        raise ValueError(f"cell: got {cell!r}; expected 'lstm' or 'gru'")
    spec = _DIAGRAMS[cell]
    arrow = {"arrowstyle": "-|>", "color": "black", "lw": 1.3, "mutation_scale": 12}
    with plt.rc_context(plots.COURSE_RC):
        fig, ax = plt.subplots(figsize=(10.5, 5.2), layout="constrained")
        for points in spec["wires"]:
            for (x0, y0), (x1, y1) in zip(points[:-2], points[1:-1], strict=True):
                ax.plot([x0, x1], [y0, y1], color="black", lw=1.3)
            ax.annotate("", xy=points[-1], xytext=points[-2], arrowprops=arrow)
        for x, y, text, colour in spec["boxes"]:
            ax.text(x, y, text, ha="center", va="center", fontsize=10,
                    bbox={"boxstyle": "round,pad=0.4", "facecolor": plots.OKABE_ITO[colour], "alpha": 0.35,
                          "edgecolor": "black"})
        for x, y, symbol in spec["ops"]:
            ax.text(x, y, symbol, ha="center", va="center", fontsize=11 if len(symbol) > 1 else 14,
                    bbox={"boxstyle": "circle,pad=0.25", "facecolor": "white", "edgecolor": "black"})
        for x, y, text in spec["labels"]:
            ax.text(x, y, text, ha="center", va="bottom", fontsize=12 if len(text) < 12 else 11)
        ax.set_xlim(-0.3, 10.9)
        ax.set_ylim(-1.0, 5.8)
        ax.axis("off")
        ax.set_title(title or spec["title"])
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
        plots.grad_norm_plot(norms, title=title, ax=ax, xlabel="time step t (the loss is at the last step)",
                            ylabel=r"$\|\partial L/\partial h_t\|$", first_step=1)
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
    runs_for: Mapping[str, object], sentences: Sequence[str], cell: str | None = None, units: int = 32
) -> Explorer:
    """Pick a cell type, a sentence and how many units to show; the gate heatmaps redraw.

    ``runs_for[cell](words)`` returns the ``Unrolled`` states and gates of that cell over the words.
    """
    if not runs_for:
        raise ValueError("runs_for: got an empty dict; expected cell name → function(words) → Unrolled")
    if not sentences:
        raise ValueError("sentences: got an empty list; expected at least one sentence")
    names = list(runs_for)

    def draw(units: int, cell: str, sentence: str) -> Figure:
        words = sentence.split()
        return gates_figure(runs_for[cell](words), words, units=units,
                            title=f"{cell.upper()} over “{sentence}”: the first {units} units")

    H = runs_for[names[0]](sentences[0].split()).h.shape[2]  # the hidden size sets the slider's range
    step = max(1, H // 8)
    controls = {
        "units": widgets.IntSlider(value=min(units, H), min=step, max=H, step=step, description="units shown",
                                   continuous_update=False),
        "cell": widgets.Dropdown(options=names, value=cell or names[0], description="cell"),
        "sentence": widgets.Dropdown(options=list(sentences), value=sentences[0], description="sentence",
                                     layout=widgets.Layout(width="480px")),
    }
    return explorer(draw, controls, title="Gates at work: pick a cell type and a sentence")
