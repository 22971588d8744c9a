"""Explorers: a plotting function plus a few controls that redraw it.

How to write an explorer
------------------------
1. Write (and test) a plain function that takes the control values as keyword arguments and returns a
   matplotlib ``Figure`` — usually a function of ``helpers.plots``.
2. Make one widget per argument, keyed by the argument's name, and hand both to ``explorer``::

       def draw(rho, steps):
           return plots.grad_norm_plot({f"ρ = {rho}": rho ** np.arange(steps)})

       explorer(draw, {"rho": widgets.FloatSlider(value=0.9, min=0.5, max=1.5, step=0.05,
                                                   continuous_update=False),
                       "steps": widgets.IntSlider(value=30, min=5, max=100)},
                title="How ρ scales the gradient")

3. End the cell with that call (or ``display(ex)`` if you kept it in a variable ``ex``).

What happens: ``explorer`` draws the figure for the controls' starting values at once. Displaying the
explorer shows the controls, then that figure as an ordinary image output (so GitHub, a PDF export and nbval
all see a figure, even with no widget frontend), then an ``Output`` widget. When a control changes, the
figure is redrawn into the ``Output`` and the static image is blanked, so only one figure shows. Old figures
are closed. An error in ``draw`` is printed in the ``Output`` instead of vanishing into the browser console.

Only APIs present in both ipywidgets 7.7 (Colab) and 8 are used: ``observe(..., names="value")``,
``Output``, ``VBox``, ``HBox``, ``HTML``. Set ``continuous_update=False`` on sliders whose figure is slow.

Tests drive an explorer without a frontend: set ``ex.controls["rho"].value = 1.1`` and read ``ex.n_draws``
and ``ex.last_figure``.
"""

from __future__ import annotations

import html
import traceback
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import HTML, clear_output, display
from matplotlib.figure import Figure


class Explorer:
    """Controls + a figure that ``draw(**values)`` redraws whenever a control's value changes."""

    def __init__(self, draw: Callable[..., Figure], controls: Mapping[str, Any], title: str | None = None):
        if not callable(draw):
            raise ValueError(f"draw: got {type(draw).__name__}; expected a function returning a Figure")
        if not isinstance(controls, Mapping) or not controls:
            raise ValueError(f"controls: got {controls!r:.60}; expected a non-empty dict of name → widget")
        for name, control in controls.items():
            if not (hasattr(control, "value") and hasattr(control, "observe")):
                raise ValueError(f"controls: {name!r} is a {type(control).__name__}; expected an ipywidgets "
                                 "control with a .value (IntSlider, FloatSlider, Dropdown, Text, …)")
        self.draw = draw
        self.controls: dict[str, Any] = dict(controls)
        self.title = title
        self.output = widgets.Output()
        header = [widgets.HTML(f"<b>{html.escape(title)}</b>")] if title else []
        self.controls_box = widgets.VBox(header + [widgets.HBox(list(self.controls.values()))])
        self.n_draws = 0
        self.last_figure: Figure | None = None
        self.last_error: BaseException | None = None
        self._static = None  # display handle of the static default figure
        self._figure()  # the default figure, drawn now so errors show at once
        for control in self.controls.values():
            control.observe(self._on_change, names="value")

    def values(self) -> dict[str, Any]:
        """The controls' current values, keyed by argument name."""
        return {name: control.value for name, control in self.controls.items()}

    def _figure(self) -> Figure:
        fig = self.draw(**self.values())
        if not isinstance(fig, Figure):
            raise ValueError(f"draw: returned {type(fig).__name__}; expected a matplotlib Figure")
        plt.close(fig)  # no pyplot bookkeeping: we display it ourselves, once
        if self.last_figure is not None and self.last_figure is not fig:
            plt.close(self.last_figure)
        self.n_draws += 1
        self.last_figure = fig
        return fig

    def redraw(self) -> Figure:
        """Draw with the current values into the ``Output`` and blank the static figure."""
        fig = self._figure()
        with self.output:
            clear_output(wait=True)
            display(fig)
        if self._static is not None:
            self._static.update(HTML(""))
            self._static = None
        return fig

    def _on_change(self, change: dict) -> None:
        try:
            self.redraw()
            self.last_error = None
        except Exception as err:  # a callback's exception would otherwise vanish into the JS console
            self.last_error = err
            with self.output:
                clear_output(wait=True)
                print("".join(traceback.format_exception_only(type(err), err)).strip())

    def _ipython_display_(self) -> None:
        display(self.controls_box)
        self._static = display(self.last_figure, display_id=True)
        display(self.output)


def explorer(draw: Callable[..., Figure], controls: Mapping[str, Any], title: str | None = None) -> Explorer:
    """Make an explorer; end the cell with this call to show it (see the module docstring)."""
    return Explorer(draw, controls, title)
