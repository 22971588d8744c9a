"""Recurrent cells written out by hand (RNN, LSTM, GRU), checked against PyTorch's own on copied weights.

Letters used in shapes: B = batch, T = time steps, E = input (embedding) size, H = hidden size.

Every step function takes one time step ``x`` (B, E), the previous state and a dict ``w`` of weights in
PyTorch's own layout, so the cell by hand and ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` run on the same numbers
(``weights_of(module)`` copies them out):

    w["W_ih"] (G·H, E)    w["W_hh"] (G·H, H)    w["b_ih"] (G·H,)    w["b_hh"] (G·H,)

G is the number of blocks stacked in each matrix: 1 for the RNN, 4 for the LSTM (input, forget, candidate,
output: PyTorch's i, f, g, o) and 3 for the GRU (reset, update, candidate: PyTorch's r, z, n).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch
from torch import nn

from .exercises import Check, equal, run_checks

CELLS = ("rnn", "lstm", "gru")
GATES = {"rnn": (), "lstm": ("input", "forget", "candidate", "output"), "gru": ("reset", "update", "candidate")}
BLOCKS = {"rnn": 1, "lstm": 4, "gru": 3}
MODULES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def _cell_name(cell: str) -> str:
    if cell not in CELLS:
        raise ValueError(f"cell: got {cell!r}; expected one of {', '.join(CELLS)}")
    return cell


def cell_of(module: nn.Module) -> str:
    """'rnn', 'lstm' or 'gru' for an ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU``."""
    for name, cls in MODULES.items():
        if isinstance(module, cls):
            return name
    raise ValueError(f"module: got {type(module).__name__}; expected nn.RNN, nn.LSTM or nn.GRU")


def weights_of(module: nn.Module, layer: int = 0) -> dict[str, torch.Tensor]:
    """Copies of one layer's weights of an ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU``, keyed W_ih, W_hh, b_ih, b_hh."""
    cell = cell_of(module)
    if not 0 <= layer < module.num_layers:
        raise ValueError(f"layer: got {layer}; expected 0 <= layer < {module.num_layers}")
    if cell == "rnn" and module.nonlinearity != "tanh":
        raise ValueError(f"module: got nonlinearity={module.nonlinearity!r}; expected 'tanh' (the cell here)")
    H = module.hidden_size
    w = {"W_ih": getattr(module, f"weight_ih_l{layer}"), "W_hh": getattr(module, f"weight_hh_l{layer}")}
    G = BLOCKS[cell]
    if module.bias:
        w["b_ih"], w["b_hh"] = getattr(module, f"bias_ih_l{layer}"), getattr(module, f"bias_hh_l{layer}")
    else:
        w["b_ih"] = w["b_hh"] = torch.zeros(G * H)
    return {k: v.detach().clone() for k, v in w.items()}


def rnn_step(x: torch.Tensor, h: torch.Tensor, w: dict[str, torch.Tensor]) -> torch.Tensor:
    """h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh); x (B, E), h (B, H) → (B, H)."""
    return torch.tanh(x @ w["W_ih"].T + w["b_ih"] + h @ w["W_hh"].T + w["b_hh"])


def lstm_step(
    x: torch.Tensor, h: torch.Tensor, c: torch.Tensor, w: dict[str, torch.Tensor]
) -> tuple[torch.Tensor, torch.Tensor, dict[str, torch.Tensor]]:
    """One LSTM step: x (B, E), h and c (B, H) → new h, new c and the gates, each (B, H)."""
    z = x @ w["W_ih"].T + w["b_ih"] + h @ w["W_hh"].T + w["b_hh"]  # (B, 4H): the four blocks side by side
    zi, zf, zg, zo = z.chunk(4, dim=1)  # 4 × (B, H)
    i, f, o = torch.sigmoid(zi), torch.sigmoid(zf), torch.sigmoid(zo)  # gates, between 0 and 1
    g = torch.tanh(zg)  # candidate values, between -1 and 1
    c = f * c + i * g  # the conveyor belt: keep a share f of the old memory, add a share i of the new
    h = o * torch.tanh(c)  # what the cell shows of its memory
    return h, c, {"input": i, "forget": f, "candidate": g, "output": o}


def gru_step(
    x: torch.Tensor, h: torch.Tensor, w: dict[str, torch.Tensor]
) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """One GRU step in PyTorch's convention: x (B, E), h (B, H) → new h and the gates, each (B, H)."""
    H = h.shape[1]
    a = x @ w["W_ih"].T + w["b_ih"]  # (B, 3H): the input's share of r, z, n
    b = h @ w["W_hh"].T + w["b_hh"]  # (B, 3H): the memory's share of r, z, n
    r = torch.sigmoid(a[:, :H] + b[:, :H])  # reset gate
    z = torch.sigmoid(a[:, H:2 * H] + b[:, H:2 * H])  # update gate
    n = torch.tanh(a[:, 2 * H:] + r * b[:, 2 * H:])  # candidate: r scales W_hn h + b_hn, after the product
    h = (1 - z) * n + z * h  # z near 1 keeps the old memory, near 0 takes the candidate
    return h, {"reset": r, "update": z, "candidate": n}


@dataclass
class Unrolled:
    """A cell run over a sequence: hidden states h (B, T, H), cell states c (LSTM only), gates (B, T, H) each."""

    cell: str
    h: torch.Tensor
    c: torch.Tensor | None = None
    gates: dict[str, torch.Tensor] = field(default_factory=dict)
    steps: list[torch.Tensor] = field(default_factory=list)  # h_t as computed, in the autograd graph


def unroll(
    cell: str,
    xs: torch.Tensor,
    w: dict[str, torch.Tensor],
    h0: torch.Tensor | None = None,
    c0: torch.Tensor | None = None,
    keep_graph: bool = False,
) -> Unrolled:
    """Run the cell by hand over ``xs`` (B, T, E), one step at a time; ``keep_graph`` keeps each h_t's gradient."""
    cell = _cell_name(cell)
    if xs.dim() != 3:
        raise ValueError(f"xs: got shape {tuple(xs.shape)}; expected (B, T, E) (batch first, like batch_first=True)")
    B, T, E = xs.shape
    GH, E_w = w["W_ih"].shape
    H = GH // BLOCKS[cell]
    if E_w != E:
        raise ValueError(f"xs: got input size E={E}; expected E={E_w}, the width of w['W_ih'] ({GH}, {E_w})")
    h = torch.zeros(B, H, dtype=xs.dtype) if h0 is None else h0
    c = torch.zeros(B, H, dtype=xs.dtype) if c0 is None else c0
    hs, cs, steps = [], [], []
    gates: dict[str, list[torch.Tensor]] = {name: [] for name in GATES[cell]}
    for t in range(T):
        x = xs[:, t]  # (B, E)
        if cell == "rnn":
            h, g = rnn_step(x, h, w), {}
        elif cell == "lstm":
            h, c, g = lstm_step(x, h, c, w)
            cs.append(c)
        else:
            h, g = gru_step(x, h, w)
        if keep_graph and h.requires_grad:
            h.retain_grad()
        steps.append(h)
        hs.append(h)
        for name, value in g.items():
            gates[name].append(value)
    return Unrolled(
        cell=cell,
        h=torch.stack(hs, dim=1),  # (B, T, H)
        c=torch.stack(cs, dim=1) if cs else None,
        gates={name: torch.stack(v, dim=1) for name, v in gates.items()},
        steps=steps if keep_graph else [],
    )


def param_count(module: nn.Module) -> int:
    """Number of trainable numbers in ``module``."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def time_forward(
    module: nn.Module, lengths: Sequence[int], batch_size: int = 32, repeats: int = 3
) -> list[float]:
    """Seconds one forward pass of ``module`` takes on random input of each length (best of ``repeats``)."""
    if repeats < 1:
        raise ValueError(f"repeats: got {repeats}; expected at least 1")
    E = module.input_size if hasattr(module, "input_size") else module.in_features
    seconds = []
    with torch.no_grad():
        for T in lengths:
            x = torch.randn(batch_size, int(T), E)  # (B, T, E)
            module(x)  # warm up
            best = float("inf")
            for _ in range(repeats):
                start = time.perf_counter()
                module(x)
                best = min(best, time.perf_counter() - start)
            seconds.append(best)
    return seconds


def time_per_token(
    module: nn.Module, lengths: Sequence[int], tokens: int = 8192, repeats: int = 5
) -> list[float]:
    """Seconds per token of one forward pass on ``tokens`` tokens in all, cut into sequences of each length:
    B = tokens // T sequences of T tokens, so B·T stays the same and only the length changes (best of
    ``repeats``)."""
    bad = [T for T in lengths if isinstance(T, bool) or not isinstance(T, int) or not 1 <= T <= tokens]
    if bad or not lengths:
        raise ValueError(f"lengths: got {list(lengths)}; expected whole numbers from 1 to tokens={tokens}")
    per_token = []
    for T in lengths:
        B = tokens // T
        seconds = time_forward(module, [T], batch_size=B, repeats=repeats)[0]  # x: (B, T, E)
        per_token.append(seconds / (B * T))
    return per_token


def median_seconds(fn: Callable[[], object], repeats: int = 5) -> float:
    """Median wall-clock seconds of ``repeats`` calls of ``fn()`` after one warm-up call (under ``no_grad``)."""
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats: got {repeats!r}; expected a whole number ≥ 1")
    if not callable(fn):
        raise ValueError(f"fn: got {type(fn).__name__}; expected a function of no arguments")
    times = []
    with torch.no_grad():
        fn()  # warm up
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def multiply_adds_per_step(cell: str, E: int, H: int, batch_size: int = 1) -> int:
    """Multiply-adds of one step's matrix products, B·G·H·(E + H): G blocks of W_ih x and W_hh h per example.

    The element-wise gates (sigmoids, tanh, products) add only O(B·G·H) and are left out.
    """
    cell = _cell_name(cell)
    for name, v in (("E", E), ("H", H), ("batch_size", batch_size)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"{name}: got {v!r}; expected a whole number ≥ 1")
    return batch_size * BLOCKS[cell] * H * (E + H)


# ----------------------------------------------------------------------------------------------- checkers
_E, _H, _B = 3, 5, 2  # every size different, so a transposed weight cannot hide


def _reference(cell: str) -> tuple[nn.Module, dict[str, torch.Tensor], torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(7)
    module = MODULES[cell](_E, _H, batch_first=True)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=gen) * 0.5)
    x = torch.randn(_B, _E, generator=gen)
    h = torch.randn(_B, _H, generator=gen) * 0.5
    return module, weights_of(module), x, h


def check_rnn_step(fn) -> object:
    """Exercise: ``fn(x, h, W_xh, W_hh, b)`` returns the next hidden state, like one step of ``nn.RNN``."""
    module, w, x, h = _reference("rnn")
    with torch.no_grad():
        want = module(x[:, None], h[None])[0][:, 0]  # (B, H)
    b = w["b_ih"] + w["b_hh"]
    return run_checks("Exercise: the RNN step", [
        equal(f"matches one step of nn.RNN({_E}, {_H}) on a batch of {_B}", lambda: fn(x, h, w["W_ih"], w["W_hh"], b),
              want, hints=("one row per example: the step of section 1 (input part + memory part + bias, squashed) "
                           "done for every row at once; check the shapes: x is (B, E) but W_xh is (H, E)",
                           "with examples as rows the weights multiply from the right, transposed (.T); "
                           "torch.tanh squashes")),
        Check("output is squashed into (-1, 1)", lambda: bool(fn(x * 50, h, w["W_ih"], w["W_hh"], b).abs().max() <= 1),
              hints=("the new state is squashed into (-1, 1)", "torch.tanh of the whole sum")),
        equal("the previous state matters (h = 0 gives a different answer)",
              lambda: fn(x, torch.zeros_like(h), w["W_ih"], w["W_hh"], b),
              torch.tanh(x @ w["W_ih"].T + b),
              hints=("the previous hidden state must enter the sum: it is the memory of the words before",
                     "h is (B, H) and W_hh is (H, H): multiply from the right, transposed")),
    ], todo="write `rnn_step_batch` and `return` the new hidden state (B, H)")


def check_rnn_param_count(fn) -> object:
    """Exercise: ``fn(E, H)`` returns the number of parameters of ``nn.RNN(E, H)``."""
    sizes = [(3, 5), (16, 64), (100, 7)]
    return run_checks("Exercise: parameters of an RNN layer", [
        equal(f"nn.RNN({E}, {H}) has {param_count(nn.RNN(E, H))} parameters", lambda E=E, H=H: fn(E, H),
              param_count(nn.RNN(E, H)),
              hints=("count each weight matrix and each bias vector of one step: what maps the input, what maps "
                     "the old state, what is added",
                     "the input weight is H × E, the recurrent one H × H; PyTorch keeps two bias vectors of H"))
        for E, H in sizes
    ], todo="write `rnn_param_count(E, H)` as a formula and `return` it")


def check_lstm_param_count(fn) -> object:
    """Exercise: ``fn(E, H)`` returns the number of parameters of ``nn.LSTM(E, H)``."""
    sizes = [(3, 5), (16, 64), (100, 7)]
    return run_checks("Exercise: parameters of an LSTM layer", [
        equal(f"nn.LSTM({E}, {H}) has {param_count(nn.LSTM(E, H))} parameters", lambda E=E, H=H: fn(E, H),
              param_count(nn.LSTM(E, H)),
              hints=("an LSTM computes several RNN-sized blocks side by side from the same x and h: how many?",
                     "four blocks (input, forget, candidate, output), each the size of one nn.RNN(E, H)"))
        for E, H in sizes
    ], todo="write `lstm_param_count(E, H)` as a formula and `return` it")


def check_gru_no_reset(fn) -> object:
    """Exercise: ``fn(x, h, w)`` is a GRU step with its reset gate removed; x (B, E), h (B, H) → the next h (B, H).

    The reference is ``nn.GRU`` itself with the reset gate jammed open (r = 1: its weights 0, its bias large).
    """
    module, w, x, h = _reference("gru")
    H = _H
    with torch.no_grad():
        full = module(x[:, None], h[None])[0][:, 0]  # (B, H): the GRU with its reset gate
        module.weight_ih_l0[:H].zero_()
        module.weight_hh_l0[:H].zero_()
        module.bias_ih_l0[:H].fill_(40.0)  # sigmoid(40) = 1 to float precision: the gate is always open
        module.bias_hh_l0[:H].zero_()
        want = module(x[:, None], h[None])[0][:, 0]  # (B, H)

    def ignores_reset() -> tuple[bool, str]:
        got = fn(x, h, w)
        same = torch.allclose(got, full, atol=1e-5)
        return not same, "that is the full GRU: the reset gate still scales the memory's part of the candidate"

    return run_checks("Exercise: a GRU without its reset gate", [
        equal(f"matches nn.GRU({_E}, {_H}) with its reset gate jammed open, on a batch of {_B}",
              lambda: fn(x, h, w), want,
              hints=("without the reset gate the candidate always sees all of the memory's part: everything else "
                     "(update gate, the mix of old and new) stays as in section 2",
                     "you still slice the (B, 3H) products into three blocks of H, but only the z and n blocks "
                     "are used; the r block is simply never computed")),
        Check("differs from the full GRU on the same weights (the reset gate is really gone)", ignores_reset,
              hints="with the reset gate, r multiplies the memory's part of the candidate; here nothing does"),
    ], todo="write `gru_no_reset_step` and `return` the new hidden state (B, H)")
