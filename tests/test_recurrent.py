"""Recurrent cells by hand equal nn.RNN / nn.LSTM / nn.GRU; gradients through time; the memory task and the LM
helpers; the figures and explorers of lessons 01–02; every checker passes its solution and fails wrong answers."""

from __future__ import annotations

import pytest
import torch
from matplotlib.figure import Figure
from torch import nn

from helpers import bptt, memory_task, rnn_cells
from helpers.data import Vocab
from helpers.memory_models import (
    MemoryConfig,
    accuracy_by_lag,
    encode_fixed,
    memory_grad_norms,
    new_model,
    plot_accuracy_by_lag,
    train_memory_model,
)
from helpers.rnn_figures import (
    gates_explorer,
    gates_figure,
    grad_norm_panels,
    gradient_explorer,
    lines_over_time,
    radius_figure,
    state_heatmap,
    time_figure,
)
from helpers.rnn_lm import LMConfig, next_word_accuracy, states_over, top_k_next, train_lm

B, T, E, H = 2, 7, 3, 5  # every size different, so a transposed weight cannot hide


def _inputs(seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(B, T, E, generator=gen), torch.randn(B, H, generator=gen), torch.randn(B, H, generator=gen)


# ------------------------------------------------------------------------------------- cells by hand
@pytest.mark.parametrize("cell", rnn_cells.CELLS)
def test_unroll_equals_pytorch_on_copied_weights(cell):
    torch.manual_seed(1)
    module = rnn_cells.MODULES[cell](E, H, batch_first=True)
    xs, h0, c0 = _inputs()
    w = rnn_cells.weights_of(module)
    with torch.no_grad():
        if cell == "lstm":
            out, (h_n, c_n) = module(xs, (h0[None], c0[None]))
            run = rnn_cells.unroll(cell, xs, w, h0=h0, c0=c0)
            torch.testing.assert_close(run.c[:, -1], c_n[0])
        else:
            out, h_n = module(xs, h0[None])
            run = rnn_cells.unroll(cell, xs, w, h0=h0)
    assert run.h.shape == (B, T, H)
    torch.testing.assert_close(run.h, out)
    torch.testing.assert_close(run.h[:, -1], h_n[0])
    assert set(run.gates) == set(rnn_cells.GATES[cell])
    assert all(g.shape == (B, T, H) for g in run.gates.values())


def test_gates_are_between_zero_and_one_and_the_lstm_belt_follows_its_formula():
    torch.manual_seed(2)
    module = nn.LSTM(E, H, batch_first=True)
    xs, _, _ = _inputs(1)
    with torch.no_grad():
        run = rnn_cells.unroll("lstm", xs, rnn_cells.weights_of(module))
    for name in ("input", "forget", "output"):
        assert 0 <= run.gates[name].min() and run.gates[name].max() <= 1
    g = run.gates
    c_prev = torch.cat([torch.zeros(B, 1, H), run.c[:, :-1]], dim=1)
    torch.testing.assert_close(run.c, g["forget"] * c_prev + g["input"] * g["candidate"])
    torch.testing.assert_close(run.h, g["output"] * torch.tanh(run.c))


def test_gru_step_applies_the_reset_gate_after_the_product_like_pytorch():
    torch.manual_seed(3)
    cell = nn.GRUCell(E, H)
    x, h, _ = _inputs(2)
    x = x[:, 0]
    w = {"W_ih": cell.weight_ih, "W_hh": cell.weight_hh, "b_ih": cell.bias_ih, "b_hh": cell.bias_hh}
    with torch.no_grad():
        torch.testing.assert_close(rnn_cells.gru_step(x, h, w)[0], cell(x, h))


def test_weights_of_copies_and_handles_no_bias():
    module = nn.RNN(E, H, bias=False)
    w = rnn_cells.weights_of(module)
    assert torch.equal(w["b_ih"], torch.zeros(H)) and w["W_ih"].shape == (H, E)
    w["W_hh"].zero_()
    assert module.weight_hh_l0.abs().sum() > 0  # a copy, not a view
    assert rnn_cells.weights_of(nn.GRU(E, H))["W_hh"].shape == (3 * H, H)


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="module"):
        rnn_cells.weights_of(nn.Linear(E, H))
    with pytest.raises(ValueError, match="module"):
        rnn_cells.weights_of(nn.RNN(E, H, nonlinearity="relu"))
    with pytest.raises(ValueError, match="layer"):
        rnn_cells.weights_of(nn.RNN(E, H), layer=1)
    w = rnn_cells.weights_of(nn.RNN(E, H))
    with pytest.raises(ValueError, match="cell"):
        rnn_cells.unroll("transformer", torch.zeros(B, T, E), w)
    with pytest.raises(ValueError, match="xs"):
        rnn_cells.unroll("rnn", torch.zeros(T, E), w)
    with pytest.raises(ValueError, match="xs"):
        rnn_cells.unroll("rnn", torch.zeros(B, T, E + 1), w)
    with pytest.raises(ValueError, match="repeats"):
        rnn_cells.time_forward(nn.RNN(E, H), [4], repeats=0)


def test_param_count_and_timing():
    assert rnn_cells.param_count(nn.RNN(E, H)) == H * E + H * H + 2 * H
    assert rnn_cells.param_count(nn.LSTM(E, H)) == 4 * (H * E + H * H + 2 * H)
    assert rnn_cells.param_count(nn.GRU(E, H)) == 3 * (H * E + H * H + 2 * H)
    seconds = rnn_cells.time_forward(nn.GRU(E, H, batch_first=True), [4, 8], batch_size=2, repeats=1)
    assert len(seconds) == 2 and all(s > 0 for s in seconds)
    assert len(rnn_cells.time_forward(nn.Linear(E, H), [4], batch_size=2)) == 1


# ------------------------------------------------------------------------------------- checkers
def _stub(*args):
    raise NotImplementedError


def _paper_gru(x, h, w):
    n_h = h.shape[1]
    a, b = x @ w["W_ih"].T + w["b_ih"], h @ w["W_hh"].T + w["b_hh"]
    r = torch.sigmoid(a[:, :n_h] + b[:, :n_h])
    z = torch.sigmoid(a[:, n_h:2 * n_h] + b[:, n_h:2 * n_h])
    n = torch.tanh(a[:, 2 * n_h:] + (r * h) @ w["W_hh"][2 * n_h:].T + w["b_hh"][2 * n_h:])
    return (1 - z) * n + z * h


def _gru_no_reset(x, h, w, keep_z=True):
    n_h = h.shape[1]
    a, b = x @ w["W_ih"].T + w["b_ih"], h @ w["W_hh"].T + w["b_hh"]
    z = torch.sigmoid(a[:, n_h:2 * n_h] + b[:, n_h:2 * n_h]) if keep_z else torch.zeros_like(h)
    n = torch.tanh(a[:, 2 * n_h:] + b[:, 2 * n_h:])
    return (1 - z) * n + z * h


@pytest.mark.parametrize("checker, solution, wrong", [
    (rnn_cells.check_rnn_step, lambda x, h, W_xh, W_hh, b: torch.tanh(x @ W_xh.T + h @ W_hh.T + b),
     [lambda x, h, W_xh, W_hh, b: torch.tanh(x @ W_xh.T + b),  # forgot the memory
      lambda x, h, W_xh, W_hh, b: x @ W_xh.T + h @ W_hh.T + b,  # forgot tanh
      lambda x, h, W_xh, W_hh, b: None]),  # forgot return
    (rnn_cells.check_rnn_param_count, lambda E, H: H * E + H * H + 2 * H,
     [lambda E, H: H * E + H * H + H, lambda E, H: H * E + H * H, lambda E, H: E * E + H * H + 2 * H]),
    (rnn_cells.check_lstm_param_count, lambda E, H: 4 * (H * E + H * H + 2 * H),
     [lambda E, H: 4 * (H * E + H * H + H), lambda E, H: 3 * (H * E + H * H + 2 * H), lambda E, H: H * E + H * H]),
    (rnn_cells.check_gru_no_reset, _gru_no_reset,
     [lambda x, h, w: rnn_cells.gru_step(x, h, w)[0],  # the full GRU
      lambda x, h, w: _gru_no_reset(x, h, w, keep_z=False),  # the update gate dropped instead
      lambda x, h, w: h]),
    (bptt.check_gradient_ratio, lambda rho, steps: rho**steps,
     [lambda rho, steps: rho * steps, lambda rho, steps: 0.0, lambda rho, steps: rho ** (steps + 1)]),
])
def test_checkers_pass_the_solution_and_fail_wrong_answers(checker, solution, wrong, capsys):
    assert checker(solution).passed
    for answer in wrong:
        assert not checker(answer).passed
    untouched = checker(_stub) if callable(solution) else checker(...)
    assert not untouched.passed
    assert "not written yet" in capsys.readouterr().out


# ------------------------------------------------------------------------------------- gradients through time
def test_scale_to_radius_and_radius_grad_norms():
    W = torch.randn(16, 16, generator=torch.Generator().manual_seed(0))
    assert abs(bptt.spectral_radius(bptt.scale_to_radius(W, 0.7)) - 0.7) < 1e-4
    vanish, hold, explode = (bptt.radius_grad_norms(rho, length=40) for rho in (0.5, 1.0, 1.5))
    assert vanish.shape == (40,)
    assert vanish[0] / vanish[-1] < 1e-6 < 10 < explode[0] / explode[-1]
    assert 0.01 < hold[0] / hold[-1] < 10
    with pytest.raises(ValueError, match="W"):
        bptt.spectral_radius(torch.zeros(3, 4))
    with pytest.raises(ValueError, match="rho"):
        bptt.scale_to_radius(W, -1.0)
    with pytest.raises(ValueError, match="length"):
        bptt.radius_grad_norms(1.0, length=0)


def test_grad_norms_through_time_ends_with_the_direct_gradient():
    torch.manual_seed(4)
    module = nn.LSTM(E, H, batch_first=True)
    xs, _, _ = _inputs(3)
    readout = torch.randn(H)
    norms = bptt.grad_norms_through_time("lstm", rnn_cells.weights_of(module), xs, lambda h: (h @ readout).sum())
    assert norms.shape == (T,)
    torch.testing.assert_close(norms[-1], readout.norm() * B**0.5)  # ∂L/∂h_T = readout for every example
    with pytest.raises(ValueError, match="loss_of_last"):
        bptt.grad_norms_through_time("rnn", rnn_cells.weights_of(nn.RNN(E, H)), xs, lambda h: h)


# ------------------------------------------------------------------------------------- the memory task
def test_encode_fixed_pads_every_sequence_on_the_left_to_the_same_length():
    rows = [("a1?", "a"), ("b1234?", "b")]
    ids, keys, lags = encode_fixed(rows, length=10)
    assert ids.shape == (2, 10)
    assert ids[0, -3].item() == memory_task.VOCAB.index("a") and ids[1, -6].item() == memory_task.VOCAB.index("b")
    assert (ids[:, 0] == memory_task.VOCAB.index("0")).all()
    assert lags.tolist() == [1, 4] and keys.tolist() == [0, 1]
    with pytest.raises(ValueError, match="length"):
        encode_fixed(rows, length=4)


def test_memory_model_trains_evaluates_and_leaves_the_global_rng_alone():
    config = MemoryConfig(hidden=8, embed=4, length=12, batch_size=16, steps=3)
    rows = [r for r in memory_task.load("train") if len(r[0]) <= 12][:64]
    state = torch.random.get_rng_state()
    assert torch.equal(new_model("gru", config).rnn.weight_hh_l0, new_model("gru", config).rnn.weight_hh_l0)
    model, history = train_memory_model("lstm", config, rows=rows, progress=False)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert len(history["train_loss"]) == 3 and len(history["grad_norm"]) == 3
    acc = accuracy_by_lag(model, rows, config.length)
    assert set(acc) == {len(s) - 2 for s, _ in rows} and all(0 <= a <= 1 for a in acc.values())
    assert memory_grad_norms(model, rows[:8], config.length).shape == (config.length,)
    lines = plot_accuracy_by_lag({"LSTM": acc, "RNN": acc}).axes[0].get_lines()
    assert lines[0].get_linestyle() != lines[1].get_linestyle()  # equal scores stay visible
    with pytest.raises(ValueError, match="config.lr"):
        train_memory_model("lstm", MemoryConfig(lr={"rnn": 0.1}), rows=rows, progress=False)
    with pytest.raises(ValueError, match="cell"):
        new_model("transformer", config)


# ------------------------------------------------------------------------------------- the language model
@pytest.fixture(scope="module")
def tiny_lm():
    sents = [s.split() for s in ("the cat sat on the mat .", "the dog ran away .", "the cat ran away .")]
    vocab = Vocab.build(sents)
    model, history = train_lm("gru", LMConfig(embed=4, hidden=6, steps=5, batch_size=2), vocab, sents,
                              progress=False)
    return model, vocab, sents, history


def test_language_model_helpers(tiny_lm):
    model, vocab, sents, history = tiny_lm
    assert len(history["train_loss"]) == 5
    assert 0 <= next_word_accuracy(model, vocab, sents) <= 1
    words, probs = top_k_next(model, vocab, "the cat".split(), k=3)
    assert len(words) == 3 and probs == sorted(probs, reverse=True)
    with pytest.raises(ValueError, match="prefix"):
        top_k_next(model, vocab, "the cat")


def test_states_over_match_the_model_after_the_start_token(tiny_lm):
    model, vocab, _, _ = tiny_lm
    words = "the dog sat on the mat .".split()
    run = states_over(model, vocab, words)
    ids = torch.tensor([vocab.encode(words, add_bos=True)])
    with torch.no_grad():
        out, _ = model.rnn(model.embed(ids))
    assert run.h.shape == (1, len(words), 6) and set(run.gates) == {"reset", "update", "candidate"}
    torch.testing.assert_close(run.h, out[:, 1:])
    with pytest.raises(ValueError, match="words"):
        states_over(model, vocab, "the dog")


# ------------------------------------------------------------------------------------- figures and explorers
def test_figures_and_their_bad_input():
    tokens = "the cat sat".split()
    assert isinstance(state_heatmap(torch.rand(3, 5), tokens), Figure)
    assert isinstance(state_heatmap(torch.rand(3, 5), tokens, signed=False), Figure)
    with pytest.raises(ValueError, match="tokens"):
        state_heatmap(torch.rand(4, 5), tokens)
    with pytest.raises(ValueError, match="values"):
        state_heatmap(torch.rand(2, 3, 5), tokens)
    for cell, n_panels in (("lstm", 4), ("gru", 3), ("rnn", 1)):
        module = rnn_cells.MODULES[cell](E, H, batch_first=True)
        with torch.no_grad():
            run = rnn_cells.unroll(cell, torch.randn(1, 3, E), rnn_cells.weights_of(module))
        fig = gates_figure(run, tokens, title=cell)
        assert len([ax for ax in fig.axes if ax.get_label() != "<colorbar>"]) == n_panels
    with pytest.raises(ValueError, match="tokens"):
        gates_figure(run, tokens[:2])
    with pytest.raises(ValueError, match="units"):
        gates_figure(run, tokens, units=H + 1)
    assert isinstance(lines_over_time(torch.rand(2, 6), ["a", "b"], list("abcdef"), mark=2), Figure)
    with pytest.raises(ValueError, match="labels"):
        lines_over_time(torch.rand(2, 6), ["a"])
    assert isinstance(time_figure([1, 2], {"rnn": [0.1, 0.2]}), Figure)
    with pytest.raises(ValueError, match="seconds"):
        time_figure([1, 2], {"rnn": [0.1]})
    fig = grad_norm_panels({"before": {"RNN": torch.rand(5)}, "after": {"RNN": torch.rand(5), "GRU": torch.rand(5)}})
    assert len(fig.axes) == 2
    with pytest.raises(ValueError, match="panels"):
        grad_norm_panels({})
    fig = radius_figure([0.5, 1.5], length=10, highlight=1.5)
    assert len(fig.axes[0].get_lines()) == 2
    with pytest.raises(ValueError, match="rhos"):
        radius_figure([])


def test_explorers_draw_first_then_redraw_on_change():
    ex = gradient_explorer(rho=1.0, length=20)
    assert ex.n_draws == 1 and isinstance(ex.last_figure, Figure)
    ex.controls["rho"].value = 1.4
    assert ex.n_draws == 2 and ex.last_error is None
    assert "explodes" in ex.last_figure.axes[0].get_title()

    modules = {c: rnn_cells.MODULES[c](E, H, batch_first=True) for c in ("lstm", "gru")}

    def runs_for(cell):
        def run(words):
            with torch.no_grad():
                return rnn_cells.unroll(cell, torch.randn(1, len(words), E), rnn_cells.weights_of(modules[cell]))
        return run

    ex = gates_explorer({c: runs_for(c) for c in modules}, ["the cat sat .", "a dog ran away ."])
    assert ex.n_draws == 1 and ex.controls["units"].max == H
    ex.controls["cell"].value = "gru"
    ex.controls["sentence"].value = "a dog ran away ."
    ex.controls["units"].value = 2
    assert ex.n_draws == 4 and ex.last_error is None
    assert ex.last_figure.axes[0].get_images()[0].get_array().shape == (2, 5)  # 2 units × 5 tokens
    opened = gates_explorer({c: runs_for(c) for c in modules}, ["the cat sat ."], cell="gru")  # not the first
    assert opened.controls["cell"].value == "gru" and opened.n_draws == 1
    assert any(t.get_text().startswith("GRU") for t in opened.last_figure.texts)  # the chosen cell is drawn
    with pytest.raises(ValueError, match="sentences"):
        gates_explorer({"lstm": runs_for("lstm")}, [])


# ------------------------------------------------------------------------------------- issue 17 additions
def test_time_per_token_keeps_the_token_count_and_refuses_bad_lengths():
    per_token = rnn_cells.time_per_token(nn.RNN(E, H, batch_first=True), [2, 8], tokens=32, repeats=1)
    assert len(per_token) == 2 and all(s > 0 for s in per_token)
    assert len(rnn_cells.time_per_token(nn.Linear(E, H), [4], tokens=16, repeats=1)) == 1
    for bad in ([], [0], [64], [2.5]):
        with pytest.raises(ValueError, match="lengths"):
            rnn_cells.time_per_token(nn.Linear(E, H), bad, tokens=32)


def test_sentence_nll_is_the_training_loss_and_feeds_one_perplexity(tiny_lm):
    from helpers.metrics import perplexity
    from helpers.rnn_lm import lm_loss, sample, sentence_nll

    model, vocab, sents, _ = tiny_lm
    total, n = sentence_nll(model, vocab, sents)
    assert n == sum(len(s) + 1 for s in sents)  # every word and </s>, as next_word_accuracy scores
    ids = torch.tensor([vocab.encode(sents[1], add_bos=True, add_eos=True)])
    one, n_one = sentence_nll(model, vocab, [sents[1]])
    with torch.no_grad():
        assert one / n_one == pytest.approx(lm_loss(model, ids, vocab.pad_id).item(), rel=1e-5)
    assert 1 < perplexity(total, n) < len(vocab)
    with pytest.raises(ValueError, match="sents"):
        sentence_nll(model, vocab, [])
    written = sample(model, vocab, 4, temperature=0.7, max_new=6, seed=3)
    assert len(written) == 4 and written == sample(model, vocab, 4, temperature=0.7, max_new=6, seed=3)
    assert all(len(s) <= 6 and all(w in vocab.stoi for w in s) for s in written)
    with pytest.raises(ValueError, match="n"):
        sample(model, vocab, 0)


def test_unrolled_diagram_draws_one_cell_per_word():
    from helpers.rnn_figures import unrolled_diagram

    fig = unrolled_diagram("the cat sat".split())
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert sum("tanh" in t for t in texts) == 3 and any("cat" in t for t in texts)
    with pytest.raises(ValueError, match="words"):
        unrolled_diagram([])


def test_hidden_size_experiment_needs_the_lessons_perplexity_table():
    from helpers import rnn_lm
    from helpers.data import Vocab

    sents = [["the", "cat", "sat", "."]] * 4
    vocab = Vocab.build(sents)
    with pytest.raises(ValueError, match="ppl"):
        rnn_lm.check_hidden_size_experiment("x", 4, rnn_lm.LMConfig(), vocab, sents, sents, {"RNN": 7.0})
    stub = rnn_lm.check_hidden_size_experiment(..., ..., rnn_lm.LMConfig(), vocab, sents, sents,
                                               {"RNN": 7.0, "bigram counts": 11.0, "trigram counts": 9.0})
    assert not stub.passed and not stub.written and "hint" not in str(stub)


def test_median_seconds_and_multiply_adds():
    assert rnn_cells.median_seconds(lambda: None, repeats=3) >= 0
    assert rnn_cells.multiply_adds_per_step("lstm", 3, 5, batch_size=2) == 2 * 4 * 5 * (3 + 5)
    assert rnn_cells.multiply_adds_per_step("rnn", 3, 5) == 5 * 8
    with pytest.raises(ValueError, match="repeats"):
        rnn_cells.median_seconds(lambda: None, repeats=0)
    with pytest.raises(ValueError, match="fn"):
        rnn_cells.median_seconds(3)
    with pytest.raises(ValueError, match="H"):
        rnn_cells.multiply_adds_per_step("gru", 3, 0)
    with pytest.raises(ValueError, match="cell"):
        rnn_cells.multiply_adds_per_step("tcn", 3, 5)


def test_lstm_state_grad_norms_match_autograd_through_nn_lstm():
    from helpers import bptt

    torch.manual_seed(0)
    module = nn.LSTM(3, 5, batch_first=True)
    xs = torch.randn(2, 7, 3)
    norms = bptt.lstm_state_grad_norms(rnn_cells.weights_of(module), xs, lambda h_T: h_T.sum())
    assert norms["h"].shape == norms["c"].shape == (7,)
    # the h norms equal the helper every lesson already uses
    torch.testing.assert_close(norms["h"], bptt.grad_norms_through_time("lstm", rnn_cells.weights_of(module), xs,
                                                                        lambda h_T: h_T.sum()))
    # at the last step L = sum(h_T) and h_T = o ⊙ tanh(c_T): ∂L/∂c_T = o ⊙ (1 − tanh² c_T)
    out, (h_n, c_n) = module(xs)
    with torch.no_grad():
        run = rnn_cells.unroll("lstm", xs, rnn_cells.weights_of(module))
    o = run.gates["output"][:, -1]
    torch.testing.assert_close(norms["c"][-1], (o * (1 - torch.tanh(c_n[0]) ** 2)).norm().detach())
    with pytest.raises(ValueError, match="w"):
        bptt.lstm_state_grad_norms(rnn_cells.weights_of(nn.GRU(3, 5)), xs, lambda h_T: h_T.sum())


def test_memory_lstm_state_grad_norms_refuses_other_cells():
    from helpers.memory_models import MemoryConfig, memory_lstm_state_grad_norms, new_model

    cfg = MemoryConfig(hidden=5, embed=3, length=8)
    rows = [("a01?", "a"), ("b2?", "b")]
    norms = memory_lstm_state_grad_norms(new_model("lstm", cfg), rows, cfg.length)
    assert norms["c"].shape == (8,)
    with pytest.raises(ValueError, match="model"):
        memory_lstm_state_grad_norms(new_model("gru", cfg), rows, cfg.length)


def test_cell_diagram_draws_each_cells_gates_and_refuses_others():
    from helpers.rnn_figures import cell_diagram

    for cell, gates in (("lstm", ("forget gate", "input gate", "output gate")), ("gru", ("update gate", "reset gate"))):
        texts = " ".join(t.get_text() for t in cell_diagram(cell).axes[0].texts)
        assert all(g in texts for g in gates) and "candidate" in texts
    assert "forget" not in " ".join(t.get_text() for t in cell_diagram("gru").axes[0].texts)
    with pytest.raises(ValueError, match="cell"):
        cell_diagram("rnn")


# ------------------------------------------------------------------------------------- stacked language models
@pytest.mark.parametrize("cell", rnn_cells.CELLS)
def test_stacked_training_equals_train_lm_run_alone(cell):
    from dataclasses import replace

    from helpers.rnn_lm_stacked import train_lm_stacked

    sents = [s.split() for s in ("the cat sat on the mat .", "the dog ran away .", "a cat ran .",
                                 "the big dog sat on a mat near the cat .", "dogs ran .")]
    vocab = Vocab.build(sents)  # V = 15; E = 4, H = 6, B = 3 (every size different)
    config = LMConfig(embed=4, hidden=6, batch_size=3, steps=4)
    lrs, seeds = [0.003, 0.03, 0.01], [0, 1, 2]
    models, history = train_lm_stacked(cell, lrs, seeds, config, vocab, sents)
    assert history["train_loss"].shape == (4, 3)
    for k, (lr, seed) in enumerate(zip(lrs, seeds, strict=True)):
        alone, alone_history = train_lm(cell, replace(config, lr=lr, seed=seed), vocab, sents, progress=False)
        torch.testing.assert_close(history["train_loss"][:, k], torch.tensor(alone_history["train_loss"]))
        for (name, got), want in zip(models[k].state_dict().items(), alone.state_dict().values(), strict=True):
            torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-5, msg=lambda m, name=name: f"{name}: {m}")


def test_stacked_loss_equals_lm_loss_per_model():
    from helpers.rnn_lm import RecurrentLM, lm_loss
    from helpers.rnn_lm_stacked import _weights, stacked_lm_loss

    torch.manual_seed(0)
    models = [RecurrentLM("lstm", 11, 3, 5) for _ in range(2)]
    ids = torch.tensor([[[1, 4, 5, 2, 0], [1, 3, 2, 0, 0]], [[1, 6, 7, 8, 2], [1, 9, 2, 0, 0]]])  # (K=2, B=2, T=5)
    w = [torch.stack([_weights(m)[i] for m in models]) for i in range(7)]
    got = stacked_lm_loss("lstm", w, ids, pad_id=0)
    torch.testing.assert_close(got, torch.stack([lm_loss(m, ids[k], 0) for k, m in enumerate(models)]))
    with pytest.raises(ValueError, match="ids"):
        stacked_lm_loss("lstm", w, ids.flip(1), pad_id=0)  # shortest row first
    with pytest.raises(ValueError, match="cell"):
        stacked_lm_loss("transformer", w, ids, pad_id=0)


def test_stacked_training_rejects_bad_input():
    from helpers.rnn_lm_stacked import sweep_configs, train_lm_stacked

    sents = [["a", "b", "."]]
    vocab = Vocab.build(sents)
    with pytest.raises(ValueError, match="cell"):
        train_lm_stacked("tcn", [0.01], [0], LMConfig(steps=1), vocab, sents)
    with pytest.raises(ValueError, match="lrs"):
        train_lm_stacked("rnn", [0.01, -1.0], [0, 1], LMConfig(steps=1), vocab, sents)
    with pytest.raises(ValueError, match="seeds"):
        train_lm_stacked("rnn", [0.01, 0.03], [0], LMConfig(steps=1), vocab, sents)
    with pytest.raises(ValueError, match="train_sents"):
        train_lm_stacked("rnn", [0.01], [0], LMConfig(steps=1), vocab, [])
    assert sweep_configs([0.1, 0.2], [0, 1]) == ([0.1, 0.1, 0.2, 0.2], [0, 1, 0, 1])
    with pytest.raises(ValueError, match="lrs"):
        sweep_configs([], [0])
