"""Building blocks for exercise checkers: run checks on the learner's code and teach from what they got wrong.

How to write a checker (one per exercise, in the module that teaches the idea, with a test)::

    def check_softmax(fn):
        x = torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 5.0]])
        return run_checks("Exercise 1: softmax", [
            equal("matches torch.softmax on a (2, 3) input", lambda: fn(x), torch.softmax(x, -1),
                  hints=("a probability is a share of a total: what is each row's total?",
                         "torch.exp, then a sum over the last axis that keeps its dimension")),
        ], todo="write `softmax(x)`: exponentiate, then normalise each row")

A checker never raises on the learner's code. It prints one line per check, "✅" or "❌", and a final line
that is "All N checks passed." only when all did. Three cases:

* an untouched stub (it raises ``NotImplementedError``, returns ``None`` or ``...``, or a value is still ``...``)
  gets one "✏️ not written yet" line that says what to do, and no hint;
* a failed attempt names the first failing case with what was expected and what came back (shapes and a
  few values), and gives one hint from a ladder: the idea on the first failed run of that checker, the tool
  (which function, which axis) on a later one. Hints never hold the solution's code;
* a correct answer passes every check.

Attempts are counted per checker title in this kernel (``reset_attempts`` forgets them). The ``Result`` it
returns shows nothing more in a notebook, so a checker call may end a cell; ``Result.score(points)`` is the
number nbgrader reads as partial credit in a graded copy (tools/classroom.py writes those).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

NOT_WRITTEN = "✏️ not written yet"


class NotWritten(Exception):
    """Raised inside a check when the learner's answer is still the stub (the message says what to do)."""


@dataclass
class Check:
    """One check: ``test()`` calls the learner's code and returns ``ok`` or ``(ok, detail)``.

    ``hints`` is the ladder for this check, gentlest first: the idea (which concept, which shape), then the
    tool (which function or axis). A single string is a ladder of one.
    """

    description: str
    test: Callable[[], bool | tuple[bool, str]]
    hints: str | Sequence[str] = ()

    def ladder(self) -> tuple[str, ...]:
        return (self.hints,) if isinstance(self.hints, str) else tuple(self.hints)


@dataclass
class Result:
    """What ``run_checks`` found: ``passed`` is True only when every check passed."""

    title: str
    passed: bool
    n_passed: int
    n_total: int
    lines: list[str] = field(default_factory=list)
    written: bool = True

    def __str__(self) -> str:
        return "\n".join(self.lines)

    def __bool__(self) -> bool:
        return self.passed

    def score(self, points: float = 1.0) -> float:
        """The share of checks passed, times ``points`` (0 for an untouched stub)."""
        if points <= 0:
            raise ValueError(f"points: got {points!r}; expected a positive number")
        return round(points * self.n_passed / self.n_total, 4) if self.written else 0.0

    def _ipython_display_(self) -> None:
        """Show nothing: ``run_checks`` already printed the report."""


_attempts: dict[str, int] = {}


def attempts(title: str) -> int:
    """How many failed runs the checker ``title`` has seen in this kernel."""
    return _attempts.get(title, 0)


def reset_attempts(title: str | None = None) -> None:
    """Forget the failed runs of one checker (or of all): the hint ladder starts again at the idea."""
    if title is None:
        _attempts.clear()
    else:
        _attempts.pop(title, None)


def _values(arr: np.ndarray, n: int = 4) -> list:
    flat = arr.reshape(-1)[:n]
    return np.round(flat.astype(float), 4).tolist() if arr.dtype.kind in "fc" else flat.tolist()


def short(x: Any, limit: int = 80) -> str:
    """A short readable form of a value for a check's message (tensors by shape and a few values)."""
    if x is None:
        return "None"
    if x is Ellipsis:
        return "... (the stub's placeholder)"
    if isinstance(x, torch.Tensor | np.ndarray):
        arr = x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else x
        kind = "tensor" if isinstance(x, torch.Tensor) else "array"
        if arr.size <= 6:
            return f"{kind}{_values(arr, 6)} of shape {tuple(arr.shape)}"
        return f"{kind} of shape {tuple(arr.shape)} starting {_values(arr)}"
    text = repr(x)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _as_array(x: Any) -> np.ndarray | None:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    if isinstance(x, np.ndarray):
        return x
    return None


def require_written(value: Any, todo: str) -> Any:
    """``value`` itself, or ``NotWritten(todo)`` if it is still the stub's ``...`` (or ``None``, or holds ``...``)."""
    if value is None or value is Ellipsis:
        raise NotWritten(todo)
    if isinstance(value, dict) and any(v is Ellipsis for v in value.values()):
        raise NotWritten(todo)
    if isinstance(value, list | tuple) and any(v is Ellipsis for v in value):
        raise NotWritten(todo)
    return value


def first_difference(got: np.ndarray, expected: np.ndarray, atol: float = 1e-5) -> str:
    """Where two arrays of one shape first differ: the index and both values."""
    bad = ~np.isclose(got.astype(float), expected.astype(float), atol=atol, rtol=1e-4, equal_nan=True)
    if not bad.any():
        return ""
    idx = tuple(int(i) for i in np.argwhere(bad)[0])
    g, e = got[idx], expected[idx]
    fmt = (lambda v: f"{float(v):.4g}") if got.dtype.kind in "fc" or expected.dtype.kind in "fc" else repr
    return f"first difference at index {idx}: got {fmt(g)}, expected {fmt(e)}"


def equal(
    description: str, compute: Callable[[], Any], expected: Any, hints: str | Sequence[str] = (), atol: float = 1e-5
) -> Check:
    """A check that ``compute()`` equals ``expected`` (tensors/arrays: same shape, close to ``atol``)."""

    def test() -> tuple[bool, str]:
        got = compute()
        if got is None or got is Ellipsis:
            raise NotWritten("it returns nothing yet: write it and `return` the result")
        exp_arr, got_arr = _as_array(expected), _as_array(got)
        if exp_arr is not None:
            if got_arr is None:
                return False, f"got {type(got).__name__} {short(got)}; expected a {short(expected)}"
            if got_arr.shape != exp_arr.shape:
                return False, f"got shape {tuple(got_arr.shape)}; expected shape {tuple(exp_arr.shape)}"
            if got_arr.dtype.kind == "b" and exp_arr.dtype.kind == "b":
                ok = bool((got_arr == exp_arr).all())
            else:
                ok = np.allclose(got_arr.astype(float), exp_arr.astype(float), atol=atol, rtol=1e-4, equal_nan=True)
            if not ok:
                return False, (f"got {short(got)}; expected {short(expected)}; "
                               + first_difference(got_arr, exp_arr, atol))
            return True, ""
        if isinstance(expected, float) and isinstance(got, int | float):
            ok = abs(got - expected) <= atol
        else:
            ok = got == expected
        return bool(ok), "" if ok else f"got {short(got)}; expected {short(expected)}"

    return Check(description, test, hints)


def run_checks(title: str, checks: Sequence[Check], todo: str = "") -> Result:
    """Run ``checks`` in order, print the report and return a ``Result``; never raises on learner code.

    ``todo`` is what an untouched stub is told to do (one sentence); it never holds a hint.
    """
    if len(checks) == 0:
        raise ValueError("checks: got an empty list; expected at least one Check")
    for i, c in enumerate(checks):
        if not isinstance(c, Check):
            raise ValueError(f"checks: item {i} is a {type(c).__name__}; expected a Check")
    lines = [title]
    n_passed, failed = 0, []
    for c in checks:
        try:
            outcome = c.test()
        except NotImplementedError:
            return _not_written(title, lines, len(checks), todo or "replace `raise NotImplementedError` with "
                                "your code, then run this cell again")
        except NotWritten as stub:
            said = str(stub)
            return _not_written(title, lines, len(checks), f"{todo} ({said})" if todo and said else todo or said)
        except Exception as err:  # the learner's code may raise anything
            outcome = (False, f"your code raised {type(err).__name__}: {err}")
        ok, detail = outcome if isinstance(outcome, tuple) else (outcome, "")
        if ok:
            n_passed += 1
            lines.append(f"✅ {c.description}")
        else:
            lines.append(f"❌ {c.description}" + (f": {detail}" if detail else ""))
            failed.append(c)
    n = len(checks)
    noun = "check" if n == 1 else "checks"
    if failed:
        _attempts[title] = _attempts.get(title, 0) + 1
        ladder = next((c.ladder() for c in failed if c.ladder()), ())
        if ladder:
            rung = min(_attempts[title], len(ladder)) - 1
            more = " (run again after a change for a more concrete one)" if rung < len(ladder) - 1 else ""
            lines.append(f"💡 hint for the first ❌{more}: {ladder[rung]}")
    lines.append(f"All {n} {noun} passed." if n_passed == n else f"{n_passed} of {n} {noun} passed.")
    print("\n".join(lines))
    return Result(title, n_passed == n, n_passed, n, lines)


def _not_written(title: str, lines: list[str], n: int, todo: str) -> Result:
    lines = [*lines[:1], f"{NOT_WRITTEN}: {todo}", f"0 of {n} {'check' if n == 1 else 'checks'} passed."]
    print("\n".join(lines))
    return Result(title, False, 0, n, lines, written=False)


def check_experiment(
    title: str,
    prediction: Any,
    choices: Sequence[str],
    setting: Any,
    wanted: Any,
    setting_todo: str,
    measure: Callable[[], float],
    band: tuple[float, float],
    verdict: Callable[[float], str],
    what: str = "the measurement",
    reference: Callable[[float], str] | None = None,
) -> Result:
    """An experiment: a prediction written first, one setting changed, a short measurement that must lie in ``band``.

    The measurement runs only once the prediction and the setting are written (an untouched stub costs
    nothing). ``verdict(measured)`` says which of ``choices`` the run supports; it is printed beside the
    learner's prediction and not graded. ``reference(measured)``, if given, describes the run to compare
    with (e.g. the default setting's value); it is called only after the measurement.
    """
    if len(choices) < 2:
        raise ValueError(f"choices: got {list(choices)!r}; expected at least two answers to choose from")
    if not band[0] < band[1]:
        raise ValueError(f"band: got {band!r}; expected (low, high) with low < high")
    measured: list[float] = []
    options = " / ".join(repr(c) for c in choices)

    def predicted() -> tuple[bool, str]:
        require_written(prediction, f"first write your prediction in the `prediction` cell: one of {options}")
        ok = prediction in choices
        return ok, "" if ok else f"got {short(prediction)}; expected one of {options}"

    def changed() -> tuple[bool, str]:
        require_written(setting, setting_todo)
        return setting == wanted, "" if setting == wanted else f"got {short(setting)}; {setting_todo}"

    def in_band() -> tuple[bool, str]:
        measured.append(float(measure()))
        ok = band[0] <= measured[-1] <= band[1]
        return ok, f"measured {measured[-1]:.3g}" + ("" if ok else f"; a correct run gives {band[0]:g} to {band[1]:g}")

    result = run_checks(title, [
        Check("you wrote a prediction before running", predicted),
        Check("the one setting is changed as asked", changed),
        Check(f"{what} lies where a correct run puts it", in_band),
    ])
    if measured:
        said = verdict(measured[-1])
        compared = f" ({reference(measured[-1])})" if reference is not None else ""
        line = (f"🔎 measured {measured[-1]:.3g}{compared}: you predicted {prediction!r}; the run says {said!r}. "
                + ("As you expected." if said == prediction else "A surprise: the solution below says why."))
        print(line)
        result.lines.append(line)
    return result
