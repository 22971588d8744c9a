"""Backpropagation through time, measured: how the gradient ‖∂L/∂h_t‖ shrinks or grows on its way back.

Letters used in shapes: B = batch, T = time steps, E = input size, H = hidden size.

For a loss L at the last step T, the chain rule multiplies one Jacobian per step:

    ∂L/∂h_t = ∂L/∂h_T · ∂h_T/∂h_{T-1} ⋯ ∂h_{t+1}/∂h_t,    ∂h_k/∂h_{k-1} = diag(1 − h_k²) · W_hh  (tanh RNN)

so the size of W_hh, measured by its spectral radius ρ (largest |eigenvalue|), decides whether the product
fades (ρ < 1), holds (ρ ≈ 1) or blows up (ρ > 1; tanh's slope ≤ 1 can only shrink it). These functions run a
cell by hand (``helpers.rnn_cells.unroll``), keep the gradient of every h_t and return the norms.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from .exercises import Check, NotWritten, check_experiment, run_checks
from .rnn_cells import lstm_step, unroll, weights_of


def spectral_radius(W: torch.Tensor) -> float:
    """The largest absolute eigenvalue of a square matrix."""
    if W.dim() != 2 or W.shape[0] != W.shape[1]:
        raise ValueError(f"W: got shape {tuple(W.shape)}; expected a square (H, H) matrix")
    return float(torch.linalg.eigvals(W.detach()).abs().max())


def scale_to_radius(W: torch.Tensor, rho: float) -> torch.Tensor:
    """``W`` rescaled so that its spectral radius is ``rho``."""
    if rho < 0:
        raise ValueError(f"rho: got {rho}; expected a spectral radius ≥ 0")
    return W * (rho / spectral_radius(W))


def grad_norms_through_time(
    cell: str,
    w: dict[str, torch.Tensor],
    xs: torch.Tensor,
    loss_of_last: Callable[[torch.Tensor], torch.Tensor],
) -> torch.Tensor:
    """‖∂L/∂h_t‖ for t = 1 … T, where L = ``loss_of_last(h_T)``; xs (B, T, E) → (T,)."""
    B, H = xs.shape[0], w["W_hh"].shape[1]
    h0 = torch.zeros(B, H, dtype=xs.dtype, requires_grad=True)  # so every h_t is in the autograd graph
    run = unroll(cell, xs, w, h0=h0, keep_graph=True)
    loss = loss_of_last(run.steps[-1])
    if not isinstance(loss, torch.Tensor) or loss.dim() != 0:
        raise ValueError("loss_of_last: expected a function of h_T (B, H) that returns a scalar tensor")
    loss.backward()
    return torch.stack([h.grad.norm() for h in run.steps]).detach()  # (T,)


def lstm_state_grad_norms(
    w: dict[str, torch.Tensor],
    xs: torch.Tensor,
    loss_of_last: Callable[[torch.Tensor], torch.Tensor],
) -> dict[str, torch.Tensor]:
    """‖∂L/∂h_t‖ and ‖∂L/∂c_t‖ for t = 1 … T of an LSTM run by hand, L = ``loss_of_last(h_T)``: {"h": (T,), "c": (T,)}.

    Each is the full gradient at that step (through every later step), like ``grad_norms_through_time``.
    """
    if xs.dim() != 3:
        raise ValueError(f"xs: got shape {tuple(xs.shape)}; expected (B, T, E)")
    if w["W_ih"].shape[0] != 4 * w["W_hh"].shape[1]:
        raise ValueError(f"w: got W_ih of shape {tuple(w['W_ih'].shape)}; expected an LSTM's (4H, E)")
    B, T, _ = xs.shape
    H = w["W_hh"].shape[1]
    h = torch.zeros(B, H, dtype=xs.dtype, requires_grad=True)
    c = torch.zeros(B, H, dtype=xs.dtype, requires_grad=True)
    hs, cs = [], []
    for t in range(T):
        h, c, _ = lstm_step(xs[:, t], h, c, w)
        h.retain_grad()
        c.retain_grad()
        hs.append(h)
        cs.append(c)
    loss = loss_of_last(h)
    if not isinstance(loss, torch.Tensor) or loss.dim() != 0:
        raise ValueError("loss_of_last: expected a function of h_T (B, H) that returns a scalar tensor")
    loss.backward()
    return {"h": torch.stack([v.grad.norm() for v in hs]).detach(),
            "c": torch.stack([v.grad.norm() for v in cs]).detach()}


def random_rnn(rho: float, hidden: int = 64, input_size: int = 16, seed: int = 0) -> dict[str, torch.Tensor]:
    """Weights of a random tanh RNN whose W_hh has spectral radius ``rho`` (zero biases)."""
    gen = torch.Generator().manual_seed(seed)
    W_hh = scale_to_radius(torch.randn(hidden, hidden, generator=gen) / hidden**0.5, rho)  # (H, H)
    W_ih = torch.randn(hidden, input_size, generator=gen) / input_size**0.5  # (H, E)
    zeros = torch.zeros(hidden)
    return {"W_ih": W_ih, "W_hh": W_hh, "b_ih": zeros, "b_hh": zeros}


def radius_grad_norms(
    rho: float, length: int = 50, hidden: int = 64, input_size: int = 16, input_scale: float = 0.01, seed: int = 0
) -> torch.Tensor:
    """‖∂L/∂h_t‖ (length,) for a random tanh RNN of spectral radius ``rho`` with L = sum of h_T.

    The inputs are small (``input_scale``) so tanh starts near its straight part and ρ alone sets the pace.
    """
    if length < 1:
        raise ValueError(f"length: got {length}; expected at least 1 time step")
    w = random_rnn(rho, hidden, input_size, seed)
    gen = torch.Generator().manual_seed(seed + 1)
    xs = torch.randn(1, length, input_size, generator=gen) * input_scale  # (1, T, E)
    return grad_norms_through_time("rnn", w, xs, lambda h_T: h_T.sum())


def check_gradient_ratio(fn) -> object:
    """Exercise: ``fn(rho, steps)`` predicts ‖∂L/∂h_{T−steps}‖ / ‖∂L/∂h_T‖ for a linear RNN, W_hh = ρ · rotation."""
    cases = [(0.5, 10), (0.9, 50), (1.0, 30), (1.2, 20)]

    def measured(rho: float, steps: int) -> float:
        gen = torch.Generator().manual_seed(3)
        Q, _ = torch.linalg.qr(torch.randn(8, 8, generator=gen))  # a rotation: it keeps every length
        h = torch.randn(1, 8, generator=gen, requires_grad=True)
        hs = [h]
        for _ in range(steps):
            hs.append(hs[-1] @ (rho * Q).T)  # linear RNN, no input: h_t = W h_{t-1}
        hs[-1].sum().backward()
        g_T = torch.ones(8).norm()  # ∂L/∂h_T for L = sum(h_T)
        return float(h.grad.norm() / g_T)

    def close(rho: float, steps: int) -> tuple[bool, str]:
        got, want = fn(rho, steps), measured(rho, steps)
        if got is None or got is Ellipsis:
            raise NotWritten("your function returns nothing yet: write the ratio and `return` it")
        ok = abs(float(got) - want) <= 1e-3 * want  # relative: the ratios span many orders of magnitude
        return ok, f"got {float(got):.4g}; the measured ratio is {want:.4g}"

    return run_checks("Exercise: predict the gradient", [
        Check(f"ρ = {rho}, {steps} steps back matches the measured ratio", lambda r=rho, s=steps: close(r, s),
              hints=("follow the gradient one step back: what does it get multiplied by, and what does that do to "
                     "its length?",
                     "each step back multiplies by Wᵀ; a rotation keeps lengths, so each step scales by ρ alone"))
        for rho, steps in cases
    ], todo="write `gradient_ratio(rho, steps)` as a formula and `return` it")


def lstm_gradient_reach(forget_bias: float, steps: int = 60, seed: int = 0) -> float:
    """‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ of an untrained ``nn.LSTM(16, 64)`` whose forget gate starts at bias ``forget_bias``.

    L = sum(h_T) over a batch of 8 random sequences of ``steps`` steps; PyTorch starts every bias near 0.
    """
    if isinstance(forget_bias, bool) or not isinstance(forget_bias, int | float):
        raise ValueError(f"forget_bias: got {forget_bias!r}; expected a number such as 1.0")
    if steps < 2:
        raise ValueError(f"steps: got {steps}; expected at least 2 time steps")
    torch.manual_seed(seed)
    module = torch.nn.LSTM(16, 64, batch_first=True)
    w = {k: v.detach().clone() for k, v in weights_of(module).items()}
    H = w["W_hh"].shape[1]
    w["b_ih"][H:2 * H] += forget_bias  # PyTorch's blocks: input, forget, candidate, output
    xs = torch.randn(8, steps, 16, generator=torch.Generator().manual_seed(seed + 1))  # (B, T, E)
    norms = grad_norms_through_time("lstm", w, xs, lambda h_T: h_T.sum())  # (T,)
    return float(norms[0] / norms[-1])


FORGET_CHOICES = ("about the same", "about a thousand times more", "a billion times more or beyond")


def check_forget_bias_experiment(prediction: object, forget_bias: object, steps: int = 60) -> object:
    """Experiment: with the forget gate's bias at 3 instead of 0, how much more gradient reaches 60 steps back?"""
    base: list[float] = []

    def baseline() -> float:
        if not base:
            base.append(lstm_gradient_reach(0.0, steps))
        return base[0]

    def verdict(reach: float) -> str:
        gain = reach / baseline()
        return FORGET_CHOICES[0] if gain < 10 else FORGET_CHOICES[1] if gain < 1e6 else FORGET_CHOICES[2]

    return check_experiment(
        f"Experiment: the forget gate's starting bias, {steps} steps back",
        prediction, FORGET_CHOICES, forget_bias, 3.0, "set forget_bias to 3.0",
        lambda: lstm_gradient_reach(float(forget_bias), steps), (0.01, 0.9), verdict,
        what=f"the share of the gradient that survives {steps} steps back",
        reference=lambda reach: f"with bias 0: {baseline():.1e}, so {reach / baseline():.0e} times more",
    )
