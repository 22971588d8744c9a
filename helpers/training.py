"""A plain training loop with a progress bar that returns what happened as a ``history`` dict.

You give it four things you can read in the notebook: the ``model``, a ``loss_fn(model, batch)`` that returns
a scalar loss tensor, a ``batches_fn()`` that returns an iterable of batches for one epoch, and an
``optimizer``. The loop is the textbook one::

    loss = loss_fn(model, batch)
    optimizer.zero_grad()
    loss.backward()
    clip_grad_norm_(...)          # only when clip is given
    optimizer.step()

``history`` holds lists: ``step`` and ``train_loss`` (one per step), ``seconds`` (time since the start, one
per step), ``grad_norm`` (the norm *before* clipping, one per step, only when ``clip`` is given), and
``eval_step`` plus one list per key that ``eval_fn(model)`` returns, recorded at each evaluation. Pass it to
``plots.training_curves(history)``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

import torch
from tqdm.auto import tqdm


def _positive_int(value: object, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name}: got {value!r}; expected an int >= 1")


def _evaluate(model: torch.nn.Module, eval_fn: Callable, step: int, history: dict[str, list]) -> dict:
    model.eval()
    with torch.no_grad():
        metrics = eval_fn(model)
    model.train()
    if not isinstance(metrics, dict):
        raise ValueError(f"eval_fn: returned {type(metrics).__name__}; expected a dict of name → number, "
                         "e.g. {'val_loss': 0.42}")
    history["eval_step"].append(step)
    for key, value in metrics.items():
        history.setdefault(key, []).append(float(value))
    return metrics


def train(
    model: torch.nn.Module,
    loss_fn: Callable[[torch.nn.Module, Any], torch.Tensor],
    batches_fn: Callable[[], Iterable[Any]],
    optimizer: torch.optim.Optimizer,
    steps: int | None = None,
    epochs: int | None = None,
    eval_fn: Callable[[torch.nn.Module], dict[str, float]] | None = None,
    eval_every: int | None = None,
    clip: float | None = None,
    progress: bool = True,
    desc: str = "training",
) -> dict[str, list]:
    """Train for exactly ``steps`` optimizer steps or ``epochs`` passes over ``batches_fn()``.

    ``eval_fn(model)`` runs under ``torch.no_grad()`` in eval mode every ``eval_every`` steps (default: at
    the end of every epoch) and always after the last step. The model is left in eval mode.
    """
    if (steps is None) == (epochs is None):
        raise ValueError(f"steps/epochs: got steps={steps!r}, epochs={epochs!r}; "
                         "expected exactly one of them")
    if steps is not None:
        _positive_int(steps, "steps")
    if epochs is not None:
        _positive_int(epochs, "epochs")
    if eval_every is not None:
        _positive_int(eval_every, "eval_every")
    if clip is not None and not (isinstance(clip, int | float) and clip > 0):
        raise ValueError(f"clip: got {clip!r}; expected None or a number > 0")
    if not callable(batches_fn):
        raise ValueError(f"batches_fn: got {type(batches_fn).__name__}; expected a function that returns "
                         "the batches of one epoch (e.g. lambda: loader)")
    if eval_fn is not None and not callable(eval_fn):
        raise ValueError(f"eval_fn: got {type(eval_fn).__name__}; expected None or a function of the model")

    history: dict[str, list] = {"step": [], "train_loss": [], "seconds": []}
    if clip is not None:
        history["grad_norm"] = []
    if eval_fn is not None:
        history["eval_step"] = []
    start = time.perf_counter()
    bar = tqdm(total=steps, desc=desc, disable=not progress, leave=True)
    step, epoch = 0, 0
    model.train()
    while (steps is not None and step < steps) or (epochs is not None and epoch < epochs):
        n_batches = 0
        for batch in batches_fn():
            n_batches += 1
            loss = loss_fn(model, batch)
            if not isinstance(loss, torch.Tensor) or loss.dim() != 0:
                shape = tuple(loss.shape) if isinstance(loss, torch.Tensor) else type(loss).__name__
                raise ValueError(f"loss_fn: returned {shape}; expected a scalar loss tensor (e.g. .mean())")
            optimizer.zero_grad()
            loss.backward()
            if clip is not None:
                norm = torch.nn.utils.clip_grad_norm_(model.parameters(), clip)  # norm before clipping
                history["grad_norm"].append(float(norm))
            optimizer.step()
            step += 1
            history["step"].append(step)
            history["train_loss"].append(float(loss.detach()))
            history["seconds"].append(time.perf_counter() - start)
            bar.update(1)
            bar.set_postfix(loss=f"{history['train_loss'][-1]:.4f}", refresh=False)
            last = steps is not None and step >= steps
            if eval_fn is not None and eval_every is not None and (step % eval_every == 0 or last):
                _evaluate(model, eval_fn, step, history)
            if last:
                break
        if n_batches == 0:
            bar.close()
            raise ValueError("batches_fn: returned no batches; expected at least one batch per epoch")
        epoch += 1
        finished = (steps is not None and step >= steps) or (epochs is not None and epoch >= epochs)
        evaluated = bool(history.get("eval_step")) and history["eval_step"][-1] == step
        if eval_fn is not None and not evaluated and (eval_every is None or finished):
            _evaluate(model, eval_fn, step, history)
    bar.close()
    model.eval()
    return history
