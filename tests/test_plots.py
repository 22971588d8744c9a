import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from helpers import plots

EN = "the black cat sat".split()
FR = "le chat noir était assis".split()


def tick_texts(ax, axis="x"):
    ticks = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    return [t.get_text() for t in ticks]


def saved(fig, tmp_path, name):
    path = plots.save_png(fig, tmp_path / name)
    assert path.exists() and path.stat().st_size > 1000
    return path


def test_heatmap_2d_has_token_labels_title_and_is_closed(tmp_path):
    w = torch.softmax(torch.randn(len(FR), len(EN)), -1)
    fig = plots.attention_heatmap(w, EN, FR, title="Attention crosses", annotate=True)
    assert isinstance(fig, Figure)
    assert not plt.fignum_exists(fig.number)  # closed: the notebook displays it once
    ax = fig.axes[0]
    assert tick_texts(ax, "x") == EN and tick_texts(ax, "y") == FR
    assert ax.get_xlabel() and ax.get_ylabel()
    assert fig.get_suptitle() == "Attention crosses"
    assert any(a.get_ylabel() == "attention weight" for a in fig.axes)  # colourbar
    saved(fig, tmp_path, "heat.png")


def test_heatmap_heads_grid(tmp_path):
    w = np.random.default_rng(0).random((3, 4, 4))
    fig = plots.attention_heatmap(w, EN, EN, head_titles=["h0", "h1", "h2"], title="Heads differ")
    titles = [a.get_title() for a in fig.axes]
    assert {"h0", "h1", "h2"} <= set(titles)
    saved(fig, tmp_path, "heads.png")


def test_heatmap_into_given_axes_keeps_figure_open():
    fig, ax = plt.subplots()
    out = plots.attention_heatmap(np.eye(4), EN, EN, title="Diagonal", ax=ax)
    assert out is fig and plt.fignum_exists(fig.number) and ax.get_title() == "Diagonal"
    plt.close(fig)


@pytest.mark.parametrize(
    "weights, xl, yl, kwargs, match",
    [
        (np.ones((5, 4)), EN + ["x"], FR, {}, "x_labels: got 5 x-labels for a matrix with 4 columns"),
        (np.ones((5, 4)), EN, FR[:4], {}, "y_labels: got 4 y-labels for a matrix with 5 rows"),
        (np.ones((2, 2, 5, 4)), EN, FR, {}, "weights: got shape"),
        (np.ones(4), EN, FR, {}, "weights: got shape"),
        (np.ones((2, 5, 4)), EN, FR, {"head_titles": ["a"]}, "head_titles: got 1"),
        (np.ones((2, 5, 4)), EN, FR, {"ax": "an axes"}, "ax: got an Axes for 2 heads"),
    ],
)
def test_heatmap_bad_input(weights, xl, yl, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plots.attention_heatmap(weights, xl, yl, **kwargs)


def test_grad_norm_plot_log_axis_and_legend(tmp_path):
    fig = plots.grad_norm_plot({"ρ = 0.9": 0.9 ** np.arange(20), "ρ = 1.1": 1.1 ** np.arange(20)},
                               title="Gradient vanishes when ρ < 1")
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "time step t" and ax.get_ylabel() == "‖∂L/∂h_t‖"
    assert ax.lines[0].get_xdata()[0] == 0
    one = plots.grad_norm_plot([1.0, 0.5], first_step=1)
    assert list(one.axes[0].lines[0].get_xdata()) == [1, 2]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["ρ = 0.9", "ρ = 1.1"]
    saved(fig, tmp_path, "grad.png")
    fig = plots.grad_norm_plot(torch.linspace(1, 0.1, 10))  # a single series
    assert len(fig.axes[0].lines) == 1


@pytest.mark.parametrize("norms", [[], {}, {"a": np.ones((2, 2))}, "abc"])
def test_grad_norm_plot_bad_input(norms):
    with pytest.raises(ValueError, match="norms"):
        plots.grad_norm_plot(norms)


def test_training_curves_one_and_several_histories(tmp_path):
    h = {"step": [1, 2, 3, 4], "train_loss": [4, 3, 2, 1], "eval_step": [2, 4], "val_loss": [3.5, 2.5]}
    fig = plots.training_curves(h, title="Loss falls")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "step" and ax.get_ylabel() == "loss" and ax.get_title() == "Loss falls"
    val = [line for line in ax.lines if line.get_label() == "val_loss"][0]
    assert list(val.get_xdata()) == [2, 4]  # plotted at the evaluation steps
    saved(fig, tmp_path, "curves.png")
    fig = plots.training_curves({"RNN": h, "LSTM": {"train_loss": [2, 1]}})
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["RNN: train_loss", "RNN: val_loss", "LSTM: train_loss"]
    assert fig.axes[0].get_xlabel() == "epoch"  # the last run had no steps: 1, 2, 3 …


def test_training_curves_bad_input():
    with pytest.raises(ValueError, match="keys: got"):
        plots.training_curves({"loss": [1, 2]})
    with pytest.raises(ValueError, match="history: got"):
        plots.training_curves({})


def test_accuracy_by_length(tmp_path):
    res = {"seq2seq": {"3–8": 0.9, "9–14": 0.6, "40+": 0.2}, "attention": {"3–8": 0.9, "9–14": 0.85}}
    fig = plots.accuracy_by_length(res, chance=0.1, title="Attention holds up on long sentences")
    ax = fig.axes[0]
    assert tick_texts(ax) == ["3–8", "9–14", "40+"]
    assert ax.get_xlabel() == "source length (tokens)" and ax.get_ylabel() == "accuracy"
    assert "chance" in [t.get_text() for t in ax.get_legend().get_texts()]
    saved(fig, tmp_path, "acc.png")


@pytest.mark.parametrize("results", [{}, {"m": {}}, [0.5]])
def test_accuracy_by_length_bad_input(results):
    with pytest.raises(ValueError, match="results"):
        plots.accuracy_by_length(results)


@pytest.mark.parametrize("horizontal", [True, False])
def test_bar_top_k(tmp_path, horizontal):
    labels, probs = ["brown", "red", "lazy"], torch.tensor([0.6, 0.3, 0.1])
    fig = plots.bar_top_k(labels, probs, title="brown wins", highlight="brown", horizontal=horizontal)
    ax = fig.axes[0]
    assert tick_texts(ax, "y" if horizontal else "x") == labels and ax.get_title() == "brown wins"
    colours = {p.get_facecolor() for p in ax.patches}
    assert len(colours) == 2  # the highlighted bar stands out
    saved(fig, tmp_path, f"bar_{horizontal}.png")


@pytest.mark.parametrize(
    "labels, probs, kwargs, match",
    [
        (["a", "b"], [0.5], {}, "labels: got 2 labels for 1 probabilities"),
        (["a"], [[0.5]], {}, "probs: got shape"),
        (["a"], [0.5], {"highlight": "z"}, "highlight: got 'z'"),
        (["a"], ["x"], {}, "probs: got"),
    ],
)
def test_bar_top_k_bad_input(labels, probs, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plots.bar_top_k(labels, probs, **kwargs)


def test_save_png_bad_input(tmp_path):
    fig = plots.grad_norm_plot([1.0, 0.5])
    with pytest.raises(ValueError, match="path: got"):
        plots.save_png(fig, tmp_path / "x.jpg")
    with pytest.raises(ValueError, match="fig: got"):
        plots.save_png("not a figure", tmp_path / "x.png")


def test_use_course_style_is_explicit():
    before = plt.rcParams["font.size"]
    with plt.rc_context():
        plots.use_course_style()
        assert plt.rcParams["image.cmap"] == "viridis"
    assert plt.rcParams["font.size"] == before


def test_encoder_decoder_diagram(tmp_path):
    fig = plots.encoder_decoder_diagram(n_layers=3)
    assert isinstance(fig, Figure) and not plt.fignum_exists(fig.number)
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "× 3" in texts and "cross-attention" in texts and "causal self-attention" in texts
    assert plots.save_png(fig, tmp_path / "diagram.png").stat().st_size > 10_000
    for bad in (0, 1.5, True):
        with pytest.raises(ValueError, match="n_layers"):
            plots.encoder_decoder_diagram(n_layers=bad)
