import pytest
import torch

from helpers.training import train


def setup(seed=0):
    torch.manual_seed(seed)
    x = torch.randn(64, 3)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.3
    model = torch.nn.Linear(3, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    data = [(x[i : i + 16], y[i : i + 16]) for i in range(0, 64, 16)]  # 4 batches per epoch

    def loss_fn(m, batch):
        xb, yb = batch
        return torch.nn.functional.mse_loss(m(xb), yb)

    def eval_fn(m):
        assert not m.training and not torch.is_grad_enabled()
        return {"val_loss": loss_fn(m, (x, y)).item()}

    return model, loss_fn, (lambda: data), opt, eval_fn


def test_loss_decreases_and_history_keys():
    model, loss_fn, batches_fn, opt, eval_fn = setup()
    h = train(model, loss_fn, batches_fn, opt, steps=30, eval_fn=eval_fn, eval_every=10, progress=False)
    assert h["step"] == list(range(1, 31))
    assert len(h["train_loss"]) == len(h["seconds"]) == 30
    assert h["eval_step"] == [10, 20, 30] and len(h["val_loss"]) == 3
    assert h["val_loss"][-1] < h["val_loss"][0] and h["train_loss"][-1] < h["train_loss"][0] / 10
    assert "grad_norm" not in h and not model.training


def test_epochs_evaluate_at_each_epoch_end():
    model, loss_fn, batches_fn, opt, eval_fn = setup()
    h = train(model, loss_fn, batches_fn, opt, epochs=3, eval_fn=eval_fn, progress=False)
    assert h["step"][-1] == 12 and h["eval_step"] == [4, 8, 12]


def test_steps_cross_epoch_boundaries_and_final_eval():
    model, loss_fn, batches_fn, opt, eval_fn = setup()
    h = train(model, loss_fn, batches_fn, opt, steps=6, eval_fn=eval_fn, eval_every=4, progress=False)
    assert h["step"][-1] == 6 and h["eval_step"] == [4, 6]


def test_clip_records_norm_before_clipping():
    model, loss_fn, batches_fn, opt, _ = setup()
    h = train(model, loss_fn, batches_fn, opt, steps=5, clip=0.01, progress=True, desc="clip test")
    assert len(h["grad_norm"]) == 5 and max(h["grad_norm"]) > 0.01  # unclipped norms are recorded


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({}, "steps/epochs"),
        ({"steps": 2, "epochs": 2}, "steps/epochs"),
        ({"steps": 0}, "steps: got 0"),
        ({"epochs": -1}, "epochs: got -1"),
        ({"steps": 2, "eval_every": 0}, "eval_every: got 0"),
        ({"steps": 2, "clip": 0}, "clip: got 0"),
        ({"steps": 2, "eval_fn": 3}, "eval_fn: got int"),
        ({"steps": 2, "eval_fn": lambda m: 0.5}, "eval_fn: returned float"),
    ],
)
def test_bad_arguments(kwargs, match):
    model, loss_fn, batches_fn, opt, _ = setup()
    with pytest.raises(ValueError, match=match):
        train(model, loss_fn, batches_fn, opt, progress=False, **kwargs)


def test_bad_loss_and_batches():
    model, loss_fn, batches_fn, opt, _ = setup()
    with pytest.raises(ValueError, match="loss_fn: returned"):
        train(model, lambda m, b: m(b[0]), batches_fn, opt, steps=1, progress=False)
    with pytest.raises(ValueError, match="batches_fn: returned no batches"):
        train(model, loss_fn, lambda: [], opt, steps=1, progress=False)
    with pytest.raises(ValueError, match="batches_fn: got list"):
        train(model, loss_fn, batches_fn(), opt, steps=1, progress=False)
