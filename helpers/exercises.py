"""Building blocks for exercise checkers: run checks on the learner's code, say what is right and wrong.

How to write a checker (one per exercise, in the module that teaches the idea, with a test)::

    def check_softmax(fn):
        x = torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 5.0]])
        return run_checks("Exercise 1: softmax", [
            equal("matches torch.softmax on a (2, 3) input", lambda: fn(x), torch.softmax(x, -1),
                  hint="exponentiate, then divide by the sum over the last dimension"),
            Check("rows sum to 1", lambda: bool(torch.allclose(fn(x).sum(-1), torch.ones(2))),
                  hint="divide by .sum(dim=-1, keepdim=True)"),
        ])

A checker never raises on the learner's code. It prints one line per check, starting with "✅" or "❌",
a "💡 hint:" line under each failure, and a final line that is "All N checks passed." only when all did.
An untouched stub (it raises ``NotImplementedError``) gets one "not written yet" line and the first hint.
The ``Result`` it returns shows nothing more in a notebook, so a checker call may end a cell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch


@dataclass
class Check:
    """One check: ``test()`` calls the learner's code and returns ``ok`` or ``(ok, detail)``."""

    description: str
    test: Callable[[], bool | tuple[bool, str]]
    hint: str = ""


@dataclass
class Result:
    """What ``run_checks`` found: ``passed`` is True only when every check passed."""

    title: str
    passed: bool
    n_passed: int
    n_total: int
    lines: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(self.lines)

    def __bool__(self) -> bool:
        return self.passed

    def _ipython_display_(self) -> None:
        """Show nothing: ``run_checks`` already printed the report."""


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
            vals = np.round(arr.astype(float), 4).tolist() if arr.dtype.kind in "fc" else arr.tolist()
            return f"{kind}{vals} of shape {tuple(arr.shape)}"
        return f"{kind} of shape {tuple(arr.shape)}"
    text = repr(x)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _as_array(x: Any) -> np.ndarray | None:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    if isinstance(x, np.ndarray):
        return x
    return None


def equal(
    description: str, compute: Callable[[], Any], expected: Any, hint: str = "", atol: float = 1e-5
) -> Check:
    """A check that ``compute()`` equals ``expected`` (tensors/arrays: same shape, close to ``atol``)."""

    def test() -> tuple[bool, str]:
        got = compute()
        if got is None or got is Ellipsis:
            return False, f"your code returned {short(got)}; did you forget to `return` the result?"
        exp_arr, got_arr = _as_array(expected), _as_array(got)
        if exp_arr is not None:
            if got_arr is None:
                return False, f"got {type(got).__name__} {short(got)}; expected a {short(expected)}"
            if got_arr.shape != exp_arr.shape:
                return False, f"got shape {tuple(got_arr.shape)}; expected shape {tuple(exp_arr.shape)}"
            if not np.allclose(got_arr.astype(float), exp_arr.astype(float), atol=atol, rtol=1e-4):
                return False, f"got {short(got)}; expected {short(expected)}"
            return True, ""
        if isinstance(expected, float) and isinstance(got, int | float):
            ok = abs(got - expected) <= atol
        else:
            ok = got == expected
        return bool(ok), "" if ok else f"got {short(got)}; expected {short(expected)}"

    return Check(description, test, hint)


def run_checks(title: str, checks: Sequence[Check]) -> Result:
    """Run ``checks`` in order, print the report and return a ``Result``; never raises on learner code."""
    if len(checks) == 0:
        raise ValueError("checks: got an empty list; expected at least one Check")
    for i, c in enumerate(checks):
        if not isinstance(c, Check):
            raise ValueError(f"checks: item {i} is a {type(c).__name__}; expected a Check")
    lines = [title]
    n_passed = 0
    for c in checks:
        try:
            outcome = c.test()
        except NotImplementedError:
            lines.append("❌ not written yet: your code still raises NotImplementedError. Replace the "
                         "`raise NotImplementedError` line with your code and run this cell again.")
            if c.hint:
                lines.append(f"💡 hint: {c.hint}")
            n_passed = 0
            break
        except Exception as err:  # the learner's code may raise anything
            outcome = (False, f"your code raised {type(err).__name__}: {err}")
        ok, detail = outcome if isinstance(outcome, tuple) else (outcome, "")
        if ok:
            n_passed += 1
            lines.append(f"✅ {c.description}")
        else:
            lines.append(f"❌ {c.description}" + (f": {detail}" if detail else ""))
            if c.hint:
                lines.append(f"💡 hint: {c.hint}")
    n = len(checks)
    noun = "check" if n == 1 else "checks"
    lines.append(f"All {n} {noun} passed." if n_passed == n else f"{n_passed} of {n} {noun} passed.")
    print("\n".join(lines))
    return Result(title, n_passed == n, n_passed, n, lines)
