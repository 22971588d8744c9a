import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from helpers import plots
from helpers.widgets import Explorer, explorer


def pixels(fig):
    canvas = FigureCanvasAgg(fig)  # the figure was closed in pyplot, so render it on a fresh Agg canvas
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def draw(rho, steps):
    return plots.grad_norm_plot({f"ρ = {rho}": rho ** np.arange(steps)}, title=f"ρ = {rho}")


def make():
    controls = {"rho": widgets.FloatSlider(value=0.9, min=0.5, max=1.5, step=0.1),
                "steps": widgets.IntSlider(value=20, min=5, max=50)}
    return explorer(draw, controls, title="How ρ scales the gradient")


def test_default_figure_is_drawn_at_once():
    ex = make()
    assert isinstance(ex, Explorer) and ex.n_draws == 1
    assert ex.last_figure.axes[0].get_title() == "ρ = 0.9"
    assert ex.values() == {"rho": 0.9, "steps": 20}
    assert not plt.fignum_exists(ex.last_figure.number)  # not left open in pyplot


def test_changing_a_control_redraws_a_different_figure():
    ex = make()
    first = pixels(ex.last_figure)
    ex.controls["rho"].value = 1.2
    assert ex.n_draws == 2 and ex.last_error is None
    assert ex.last_figure.axes[0].get_title() == "ρ = 1.2"
    second = pixels(ex.last_figure)
    assert first.shape == second.shape and not np.array_equal(first, second)
    ex.controls["steps"].value = 40
    assert ex.n_draws == 3 and len(ex.last_figure.axes[0].lines[0].get_xdata()) == 40


def test_error_in_draw_is_reported_not_raised():
    def fragile(n):
        if n > 3:
            raise RuntimeError("too big")
        return plots.grad_norm_plot([1.0] * (n + 1))

    ex = explorer(fragile, {"n": widgets.IntSlider(value=1, min=0, max=5)})
    ex.controls["n"].value = 5  # the callback must not raise
    assert isinstance(ex.last_error, RuntimeError)
    ex.controls["n"].value = 2
    assert ex.last_error is None and ex.n_draws == 2


def test_display_without_a_frontend_does_not_fail(capsys):
    ex = make()
    ex._ipython_display_()  # outside IPython this prints reprs; it must simply work
    ex.controls["rho"].value = 1.0
    assert ex.n_draws == 2


@pytest.mark.parametrize(
    "draw_fn, controls, match",
    [
        ("not callable", {"x": widgets.IntSlider()}, "draw: got str"),
        (lambda x: None, {}, "controls: got"),
        (lambda x: None, {"x": 3}, "controls: 'x' is a int"),
        (lambda x: "no figure", {"x": widgets.IntSlider()}, "draw: returned str"),
    ],
)
def test_bad_input(draw_fn, controls, match):
    with pytest.raises(ValueError, match=match):
        explorer(draw_fn, controls)
