"""One look for every figure of the course.

Convention (read this once):

* Every function here returns a matplotlib ``Figure`` and never calls ``plt.show()``.
* A figure it creates is made with ``plt.subplots`` and then *closed* in pyplot before it is returned, so
  Jupyter's inline backend does not show it by itself. It is shown exactly once when it is the value of the
  cell's last line, or wherever you call ``display(fig)``::

      plots.training_curves(history, title="Validation loss flattens after 200 steps")   # last line: shown

      fig = plots.grad_norm_plot(norms)     # kept for later: nothing shown ...
      display(fig)                          # ... until you display it

  ``plt.show()`` does not show these figures (they are no longer in pyplot), so there is never a double image.
* Functions that take ``ax=`` draw into your axes instead and return ``ax.figure``, which stays open: that
  figure is yours and the inline backend shows it at the end of the cell as usual.
* The look lives in ``COURSE_RC`` and is applied with ``plt.rc_context`` inside each function; importing this
  module changes nothing. Call ``use_course_style()`` to give your own inline figures the same look.

Colour: ``viridis`` for heatmaps and the Okabe–Ito palette for lines; both stay readable to colour-blind eyes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"]

COURSE_RC = {
    "figure.dpi": 100, "figure.figsize": (7.0, 4.5),  # inline size; readable on a projector
    "font.size": 12, "axes.titlesize": 13, "axes.titleweight": "bold", "axes.labelsize": 12,
    "xtick.labelsize": 11, "ytick.labelsize": 11, "legend.fontsize": 11, "legend.frameon": False,
    "axes.grid": True, "grid.alpha": 0.3, "axes.spines.top": False, "axes.spines.right": False,
    "axes.prop_cycle": cycler(color=OKABE_ITO), "lines.linewidth": 2.0, "lines.markersize": 6,
    "image.cmap": "viridis",
}


def use_course_style() -> None:
    """Apply the course look to every later figure in this kernel (a visible, explicit call)."""
    plt.rcParams.update(COURSE_RC)


def _new(ax: Axes | None, figsize: tuple[float, float] | None = None) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return fig, ax


def _done(fig: Figure, own: bool) -> Figure:
    if own:
        plt.close(fig)  # displayed once, by the notebook, not again by the inline backend
    return fig


def _to_numpy(x: object, name: str) -> np.ndarray:
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    try:
        return np.asarray(x, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name}: got {type(x).__name__} that is not numeric ({err}); "
                         "expected numbers") from err


def attention_heatmap(
    weights: object,
    x_labels: Sequence[str],
    y_labels: Sequence[str],
    title: str | None = None,
    ax: Axes | None = None,
    annotate: bool = False,
    cmap: str = "viridis",
    head_titles: Sequence[str] | None = None,
    xlabel: str = "source / keys",
    ylabel: str = "target / queries",
    vmax: float | None = None,
    colorbar_label: str = "attention weight",
) -> Figure:
    """Attention weights as a heatmap, rows = queries (``y_labels``), columns = keys (``x_labels``).

    ``weights`` is (rows, cols) or (heads, rows, cols), a tensor or an array; heads are drawn side by side
    on one colour scale (0 to ``vmax``, default the largest weight).
    """
    w = _to_numpy(weights, "weights")
    if w.ndim not in (2, 3):
        raise ValueError(f"weights: got shape {w.shape}; expected (rows, cols) or (heads, rows, cols) "
                         "(for a batch, pick one example, e.g. weights[0])")
    W = w[None] if w.ndim == 2 else w  # (H, rows, cols)
    H, R, C = W.shape
    if len(x_labels) != C:
        raise ValueError(f"x_labels: got {len(x_labels)} x-labels for a matrix with {C} columns; "
                         "expected one label per column")
    if len(y_labels) != R:
        raise ValueError(f"y_labels: got {len(y_labels)} y-labels for a matrix with {R} rows; "
                         "expected one label per row")
    if head_titles is not None and len(head_titles) != H:
        raise ValueError(f"head_titles: got {len(head_titles)} titles for {H} heads; expected one per head")
    if ax is not None and H > 1:
        raise ValueError(f"ax: got an Axes for {H} heads; expected ax=None (each head gets its own panel)")
    vmax = float(np.nanmax(W)) if vmax is None else vmax
    with plt.rc_context(COURSE_RC):
        if ax is not None:
            fig, axes = ax.figure, [ax]
        else:
            ncols = min(H, 4)
            nrows = math.ceil(H / ncols)
            cell = 0.42  # inches per token
            panel_w, panel_h = max(2.6, cell * C + 0.9), max(2.5, cell * R + 1.2)
            fig, grid = plt.subplots(nrows, ncols, figsize=(panel_w * ncols + 0.8, panel_h * nrows),
                                     layout="constrained", squeeze=False)
            axes = list(grid.flat)
            for extra in axes[H:]:
                extra.set_visible(False)
        for h in range(H):
            a = axes[h]
            im = a.imshow(W[h], cmap=cmap, vmin=0.0, vmax=vmax, aspect="equal", interpolation="nearest")
            a.grid(False)
            a.set_xticks(range(C), labels=list(x_labels), rotation=45, ha="right", rotation_mode="anchor")
            a.set_yticks(range(R), labels=list(y_labels))
            a.set_xlabel(xlabel)
            a.set_ylabel(ylabel if h % 4 == 0 else "")
            if head_titles is not None:
                a.set_title(head_titles[h], fontsize=12, fontweight="normal")
            if annotate:
                for (r, c), v in np.ndenumerate(W[h]):  # white text on dark cells, black on light
                    a.text(c, r, f"{v:.2f}", ha="center", va="center", fontsize=9,
                           color="white" if v < 0.6 * vmax else "black")
        fig.colorbar(im, ax=axes[:H], label=colorbar_label, shrink=0.9)
        if title is not None and ax is None:
            fig.suptitle(title, fontsize=13, fontweight="bold")
        elif title is not None:
            ax.set_title(title)
    return _done(fig, own=ax is None)


def _series(data: object, name: str) -> dict[str, np.ndarray]:
    items = data.items() if isinstance(data, Mapping) else [("", data)]
    out = {}
    for key, values in items:
        arr = _to_numpy(values, name)
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(f"{name}: series {key!r} has shape {arr.shape}; "
                             "expected a non-empty 1-D sequence")
        out[str(key)] = arr
    if not out:
        raise ValueError(f"{name}: got an empty dict; expected at least one series")
    return out


def grad_norm_plot(
    norms: Mapping[str, Sequence[float]] | Sequence[float],
    title: str = "Gradient norm across time steps",
    ylabel: str = "‖∂L/∂h_t‖",
    xlabel: str = "time step t",
    ax: Axes | None = None,
    first_step: int = 0,
) -> Figure:
    """One line per series of gradient norms against time step (numbered from ``first_step``), log y-axis."""
    series = _series(norms, "norms")
    with plt.rc_context(COURSE_RC):
        fig, ax_ = _new(ax)
        for label, values in series.items():
            steps = np.arange(first_step, first_step + len(values))
            ax_.plot(steps, values, marker="o", markersize=3, label=label or None)
        ax_.set_yscale("log")
        ax_.set(title=title, xlabel=xlabel, ylabel=ylabel)
        if any(series):
            ax_.legend()
    return _done(fig, own=ax is None)


_X_KEYS = ("step", "eval_step", "epoch")


def training_curves(
    history: Mapping[str, object],
    keys: Sequence[str] = ("train_loss", "val_loss"),
    title: str = "Training curves",
    ylabel: str = "loss",
    ax: Axes | None = None,
    labels: Mapping[str, str] | None = None,
) -> Figure:
    """Plot ``keys`` of one history (dict of lists) or of several (dict of name → history).

    ``labels`` maps a key to its legend name (default: the key itself).

    The x-axis of each series is the first of ``history["step"]``, ``["eval_step"]``, ``["epoch"]`` whose
    length matches, else 1, 2, 3 …. Keys missing from a history are skipped.
    """
    if not isinstance(history, Mapping) or not history:
        raise ValueError(f"history: got {type(history).__name__}; expected a non-empty dict of lists "
                         "(or a dict of name → history)")
    several = all(isinstance(v, Mapping) for v in history.values())
    runs = dict(history) if several else {"": history}
    found = [k for k in keys if any(k in run for run in runs.values())]
    if not found:
        have = sorted({k for run in runs.values() for k in run})
        raise ValueError(f"keys: got {list(keys)}, none of which is in history; expected some of {have}")
    styles = ["-", "--", ":", "-."]
    xlabel = "step"
    with plt.rc_context(COURSE_RC):
        fig, ax_ = _new(ax)
        for r, (name, run) in enumerate(runs.items()):
            for k, key in enumerate(keys):
                if key not in run:
                    continue
                y = _to_numpy(run[key], f"history[{key!r}]")
                xkey = next((x for x in _X_KEYS if x in run and len(run[x]) == len(y)), None)
                x = np.asarray(run[xkey]) if xkey else np.arange(1, len(y) + 1)
                xlabel = {"eval_step": "step", None: "epoch"}.get(xkey, xkey)
                shown = (labels or {}).get(key, key)
                label = f"{name}: {shown}" if name else shown
                ax_.plot(x, y, linestyle=styles[k % len(styles)], color=OKABE_ITO[r % len(OKABE_ITO)],
                         label=label, marker="o" if len(y) <= 30 else None, markersize=4)
        ax_.set(title=title, xlabel=xlabel, ylabel=ylabel)
        ax_.legend()
    return _done(fig, own=ax is None)


def accuracy_by_length(
    results: Mapping[str, Mapping[str, float]],
    title: str = "Accuracy by sentence length",
    ylabel: str = "accuracy",
    xlabel: str = "source length (tokens)",
    chance: float | None = None,
    ax: Axes | None = None,
) -> Figure:
    """One line per model: accuracy in each length bucket (``{"model": {"3–8": 0.9, …}}``)."""
    if not isinstance(results, Mapping) or not results:
        raise ValueError(f"results: got {results!r:.60}; expected a non-empty dict of model → "
                         "{bucket label: accuracy}")
    buckets: list[str] = []
    for model, by_bucket in results.items():
        if not isinstance(by_bucket, Mapping) or not by_bucket:
            raise ValueError(f"results: model {model!r} has {by_bucket!r:.60}; expected a non-empty dict "
                             "of bucket label → accuracy")
        buckets += [b for b in by_bucket if b not in buckets]
    x = np.arange(len(buckets))
    with plt.rc_context(COURSE_RC):
        fig, ax_ = _new(ax)
        top = 0.0
        for model, by_bucket in results.items():
            y = np.array([by_bucket.get(b, np.nan) for b in buckets], dtype=float)
            top = max(top, float(np.nanmax(y)))
            ax_.plot(x, y, marker="o", label=model)
        if chance is not None:
            ax_.axhline(chance, color="gray", linestyle="--", linewidth=1.5, label="chance")
        ax_.set_xticks(x, labels=buckets)
        if top <= 1.0:
            ax_.set_ylim(0, 1.05)
        ax_.set(title=title, xlabel=xlabel, ylabel=ylabel)
        ax_.legend()
    return _done(fig, own=ax is None)


def bar_top_k(
    labels: Sequence[str],
    probs: object,
    title: str = "Most likely next words",
    highlight: str | None = None,
    horizontal: bool = True,
    ax: Axes | None = None,
    value_label: str = "probability",
) -> Figure:
    """Bar chart of the top-k next-token probabilities, most likely first; ``highlight`` one label."""
    p = _to_numpy(probs, "probs")
    if p.ndim != 1 or p.size == 0:
        raise ValueError(f"probs: got shape {p.shape}; expected a non-empty 1-D sequence")
    if len(labels) != len(p):
        raise ValueError(f"labels: got {len(labels)} labels for {len(p)} probabilities; expected one per bar")
    if highlight is not None and highlight not in labels:
        raise ValueError(f"highlight: got {highlight!r}; expected one of the labels {list(labels)}")
    colors = [OKABE_ITO[1] if lab == highlight else OKABE_ITO[0] for lab in labels]
    pos = np.arange(len(p))
    with plt.rc_context(COURSE_RC):
        fig, ax_ = _new(ax, figsize=(6.5, 0.45 * len(p) + 1.5) if horizontal else None)
        if horizontal:
            ax_.barh(pos, p, color=colors)
            ax_.set_yticks(pos, labels=list(labels))
            ax_.invert_yaxis()  # most likely on top
            ax_.set(xlabel=value_label, ylabel="token")
            ax_.set_xlim(0, max(1e-9, float(p.max())) * 1.18)
            ax_.grid(axis="y", visible=False)
            for i, v in enumerate(p):
                ax_.text(v, i, f" {v:.2f}", va="center", fontsize=10)
        else:
            ax_.bar(pos, p, color=colors)
            ax_.set_xticks(pos, labels=list(labels), rotation=45, ha="right", rotation_mode="anchor")
            ax_.set(ylabel=value_label, xlabel="token")
            ax_.set_ylim(0, max(1e-9, float(p.max())) * 1.15)
            ax_.grid(axis="x", visible=False)
            for i, v in enumerate(p):
                ax_.text(i, v, f"{v:.2f}", ha="center", va="bottom", fontsize=10)
        ax_.set_title(title)
    return _done(fig, own=ax is None)


def encoder_decoder_diagram(n_layers: int = 2) -> Figure:
    """The encoder–decoder Transformer (pre-LayerNorm, as this course builds it) as a block diagram."""
    if isinstance(n_layers, bool) or not isinstance(n_layers, int) or n_layers < 1:
        raise ValueError(f"n_layers: got {n_layers!r}; expected an int >= 1")
    from matplotlib.patches import FancyBboxPatch

    colours = {"attn": "#56B4E9", "cross": "#E69F00", "mlp": "#009E73", "io": "#FFFFFF", "emb": "#CC79A7"}
    with plt.rc_context(COURSE_RC):
        fig, ax = plt.subplots(figsize=(10, 7.2), layout="constrained")
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 9.7)
        ax.axis("off")

        def box(x, y, text, kind, w=3.6, h=0.62):
            ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.04",
                                        facecolor=colours[kind], edgecolor="black", linewidth=1.2,
                                        alpha=0.9 if kind != "io" else 1.0))
            ax.text(x, y, text, ha="center", va="center", fontsize=10.5)

        def arrow(x0, y0, x1, y1, **kw):
            ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                        arrowprops=dict(arrowstyle="-|>", color="black", lw=1.4, **kw))

        enc_x, dec_x = 2.4, 7.4
        enc = [(0.5, "English tokens", "io"), (1.5, "embedding + sinusoidal positions", "emb"),
               (3.0, "LayerNorm → self-attention\n(padding mask) → + residual", "attn"),
               (4.3, "LayerNorm → MLP → + residual", "mlp"), (5.6, "final LayerNorm", "io")]
        dec = [(0.5, "French so far: <s> w₁ … w_t", "io"), (1.5, "embedding + sinusoidal positions", "emb"),
               (3.0, "LayerNorm → causal self-attention\n→ + residual", "attn"),
               (4.5, "LayerNorm → cross-attention\n(queries: French; keys, values:\nencoder) → + residual",
                "cross"),
               (6.0, "LayerNorm → MLP → + residual", "mlp"), (7.3, "final LayerNorm → linear", "io"),
               (8.5, "softmax: the next French word", "io")]
        for items, x in ((enc, enc_x), (dec, dec_x)):
            for k, (y, text, kind) in enumerate(items):
                box(x, y, text, kind, h=0.62 if "\n" not in text else (0.95 if text.count("\n") == 1 else 1.2))
                if k:
                    prev_y, prev_text = items[k - 1][0], items[k - 1][1]
                    top = prev_y + (0.31 if "\n" not in prev_text else (0.475 if prev_text.count("\n") == 1 else 0.6))
                    bottom = y - (0.31 if "\n" not in text else (0.475 if text.count("\n") == 1 else 0.6))
                    arrow(x, top, x, bottom)
        for x, y0, y1 in ((enc_x, 2.3, 4.85), (dec_x, 2.3, 6.55)):  # the repeated layers
            ax.add_patch(FancyBboxPatch((x - 2.05, y0), 4.1, y1 - y0, boxstyle="round,pad=0.05", facecolor="none",
                                        edgecolor="gray", linestyle="--", linewidth=1.5))
            side = -1 if x == enc_x else 1
            ax.text(x + side * 2.15, (y0 + y1) / 2, f"× {n_layers}", ha="right" if side < 0 else "left",
                    va="center", fontsize=13,
                    fontweight="bold", color="dimgray")
        ax.text(enc_x, 6.3, "ENCODER: reads all the English at once", ha="center", fontsize=11,
                fontweight="bold")
        ax.text(dec_x, 9.3, "DECODER: writes French one word at a time", ha="center", fontsize=11, fontweight="bold")
        ax.annotate("", xy=(dec_x - 1.85, 4.5), xytext=(enc_x, 5.91),
                    arrowprops=dict(arrowstyle="-|>", color=colours["cross"], lw=2.5,
                                    connectionstyle="arc3,rad=-0.25"))
        ax.text(3.9, 7.0, "encoder output: keys and values of\nevery decoder layer's cross-attention",
                ha="center", fontsize=10, color="#9a6a00")
        ax.set_title("The encoder–decoder Transformer: three kinds of attention, no recurrence")
    return _done(fig, own=True)


def save_png(fig: Figure, path: str | Path, dpi: int = 100) -> Path:
    """Save ``fig`` as a PNG at ``path`` (folders created, tight bounding box); return the path."""
    if not isinstance(fig, Figure):
        raise ValueError(f"fig: got {type(fig).__name__}; expected a matplotlib Figure")
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ValueError(f"path: got {str(path)!r}; expected a file name ending in .png")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, bbox_inches="tight", facecolor="white")
    return path
