import pytest
import torch
from torch import nn

from helpers import finetune
from helpers.transformer import TransformerConfig, TransformerLM

SENTS = [
    "the dog went to the park .".split(),
    "the cat sat on the mat .".split(),
    "a bird sang in the garden .".split(),
    "the girls liked the cake .".split(),
    "the boy slept near the river .".split(),
    "the fox chased the ball .".split(),
]


@pytest.fixture(scope="module")
def vocab():
    return finetune.build_vocab(SENTS)


def test_place_label_from_the_lexicon():
    assert [finetune.place_label(s) for s in SENTS] == [1, 0, 1, 0, 1, 0]
    assert finetune.place_label("in a future city , the robots sang .".split()) == 1
    assert finetune.place_label("the cities".split()) == 1  # plurals count
    with pytest.raises(ValueError, match="tokens"):
        finetune.place_label("the dog went to the park .")


def test_balanced_subset_is_balanced_and_seeded():
    ex = finetune.labelled_examples(SENTS * 3)
    sub = finetune.balanced_subset(ex, 4, seed=0)
    assert sorted(y for _, y in sub) == [0, 0, 1, 1]
    assert sub == finetune.balanced_subset(ex, 4, seed=0)
    for bad in (3, 0, True, 2.0):
        with pytest.raises(ValueError, match="n:"):
            finetune.balanced_subset(ex, bad)
    with pytest.raises(ValueError, match="n:"):
        finetune.balanced_subset(ex, 100)


def test_mask_tokens_recipe(vocab):
    ids = torch.randint(len(vocab.specials), len(vocab), (200, 30))
    mask = torch.ones_like(ids, dtype=torch.bool)
    mask[:, 25:] = False
    inputs, targets = finetune.mask_tokens(ids, mask, vocab, generator=torch.Generator().manual_seed(0))
    chosen = targets != -100
    assert not chosen[:, 25:].any()  # padding is never a target
    assert abs(chosen[mask].float().mean().item() - 0.15) < 0.02
    assert torch.equal(targets[chosen], ids[chosen])
    masked = (inputs[chosen] == vocab.stoi[finetune.MASK]).float().mean().item()
    kept = (inputs[chosen] == ids[chosen]).float().mean().item()
    assert 0.75 < masked < 0.85 and 0.05 < kept < 0.16
    assert torch.equal(inputs[~chosen], ids[~chosen])
    with pytest.raises(ValueError, match="mask"):
        finetune.mask_tokens(ids, mask[:, :3], vocab)
    with pytest.raises(ValueError, match="p:"):
        finetune.mask_tokens(ids, mask, vocab, p=1.5)


def test_next_token_data_shifts_by_one(vocab):
    b = next(finetune.next_token_data(SENTS[:1], vocab, steps=1, batch_size=1))
    assert b.tokens[0, 0].item() == vocab.bos_id
    assert torch.equal(b.tokens[0, 1:], b.targets[0, :-1])
    assert b.targets[0, -1].item() == vocab.eos_id


def test_pretrain_lowers_the_loss_for_both_personalities(vocab):
    for causal, data in ((False, finetune.pretraining_data), (True, finetune.next_token_data)):
        torch.manual_seed(0)
        cfg = TransformerConfig(vocab_size=len(vocab), d_model=16, n_heads=2, n_layers=1, d_ff=32, causal=causal)
        losses = finetune.pretrain(TransformerLM(cfg), data(SENTS, vocab, steps=60, batch_size=16))
        assert len(losses) == 60 and sum(losses[-10:]) < sum(losses[:10])


def test_finetune_learns_and_keeps_the_best_step(vocab):
    torch.manual_seed(0)
    ex = finetune.labelled_examples(SENTS)
    cfg = TransformerConfig(vocab_size=len(vocab), d_model=16, n_heads=2, n_layers=1, d_ff=32, causal=False)
    enc, head = finetune.Encoder(TransformerLM(cfg)), nn.Linear(16, 2)
    hist = finetune.finetune(enc, head, ex, ex, vocab, steps=40, lr=1e-2, eval_every=5)
    assert hist["eval_step"][-1] == 40 and len(hist["train_loss"]) == 40
    best = hist["best"][0]
    assert hist["val_loss"][hist["eval_step"].index(best)] == min(hist["val_loss"])
    loss, acc = finetune.evaluate(enc, head, ex, vocab)
    assert acc == 1.0 and loss == pytest.approx(min(hist["val_loss"]), abs=1e-5)
    with pytest.raises(ValueError, match="steps"):
        finetune.finetune(enc, head, ex, ex, vocab, steps=0)
    with pytest.raises(ValueError, match="train"):
        finetune.finetune(enc, head, [], ex, vocab)


def test_freeze_leaves_the_encoder_untouched(vocab):
    torch.manual_seed(0)
    ex = finetune.labelled_examples(SENTS)
    cfg = TransformerConfig(vocab_size=len(vocab), d_model=16, n_heads=2, n_layers=1, d_ff=32, causal=False)
    enc, head = finetune.Encoder(TransformerLM(cfg)), nn.Linear(16, 2)
    before = {k: v.clone() for k, v in enc.state_dict().items()}
    finetune.finetune(enc, head, ex, ex, vocab, steps=10, lr=1e-2, freeze=True)
    assert all(torch.equal(before[k], v) for k, v in enc.state_dict().items())
    assert all(p.requires_grad for p in enc.parameters())  # unfrozen again afterwards


def test_gru_encoder_and_labels_vs_accuracy(vocab):
    ex = finetune.labelled_examples(SENTS)
    out = finetune.labels_vs_accuracy(lambda s: finetune.GRUEncoder(len(vocab), 8, vocab.pad_id), ex, ex, ex, vocab,
                                      sizes=[2, 4], seeds=(0, 1), d_model=8, steps=3)
    assert set(out) == {2, 4} and all(len(v) == 2 and all(0 <= a <= 1 for a in v) for v in out.values())
    with pytest.raises(ValueError, match="sizes"):
        finetune.labels_vs_accuracy(None, ex, ex, ex, vocab, sizes=[])


def test_best_step_and_its_checker(capsys):
    assert finetune.best_step([5, 10, 15], [0.5, 0.2, 0.2]) == 10
    with pytest.raises(ValueError, match="val_losses"):
        finetune.best_step([1, 2], [0.1])
    assert finetune.check_best_step(finetune.best_step).passed
    for wrong in (lambda s, v: v.index(min(v)),                     # an index, not a step
                  lambda s, v: s[-1],                               # the last step
                  lambda s, v: s[len(v) - 1 - v[::-1].index(min(v))]):  # the latest on a tie
        assert not finetune.check_best_step(wrong).passed

    def stub(s, v):
        raise NotImplementedError

    result = finetune.check_best_step(stub)
    assert not result.passed and "not written yet" in capsys.readouterr().out


def test_capstone_checker_follows_the_run(capsys):
    results = {"pretrained_gap": 0.1,
               "data_hungry": {"GRU": {32: 0.8, 1024: 0.9}, "Transformer": {32: 0.7, 1024: 0.95}}}
    right = finetune.capstone_answers(results)
    assert right[finetune.CAPSTONE_TASKS[2]] == "gru"
    assert finetune.check_capstone(dict(right), results).passed
    flipped = {"pretrained_gap": -0.1,
               "data_hungry": {"GRU": {32: 0.6, 1024: 0.9}, "Transformer": {32: 0.7, 1024: 0.95}}}
    assert not finetune.check_capstone(dict(right), flipped).passed  # the run decides
    wrong = dict(right, **{finetune.CAPSTONE_TASKS[1]: "bert"})
    assert not finetune.check_capstone(wrong, results).passed
    assert not finetune.check_capstone(dict(right, **{finetune.CAPSTONE_TASKS[3]: "banana"}), results).passed
    stub = {t: ... for t in finetune.CAPSTONE_TASKS}
    result = finetune.check_capstone(stub, results)
    assert not result.passed and "not written yet" in capsys.readouterr().out
    assert not finetune.check_capstone("gpt", results).passed


def test_gru_encoder_equals_torch_gru(vocab):
    torch.manual_seed(0)
    enc = finetune.GRUEncoder(len(vocab), d_model=6, pad_id=vocab.pad_id, hidden=5)
    ids = torch.randint(len(vocab), (3, 7))
    mask = torch.ones(3, 7, dtype=torch.bool)
    mask[1, 4:] = False
    ref, _ = enc.gru(enc.emb(ids))  # (B, T, H) from PyTorch's own GRU
    m = mask[..., None].float()
    torch.testing.assert_close(enc(ids, mask), (ref * m).sum(1) / m.sum(1))
    with pytest.raises(ValueError, match="hidden"):
        finetune.GRUEncoder(len(vocab), hidden=0)


def test_adamw_step_equals_torch_adamw_per_model():
    torch.manual_seed(0)
    w = torch.randn(3, 4, 2)  # three models' weights, stacked
    lrs = torch.tensor([1e-3, 1e-2, 3e-2])
    stacked = w.clone().requires_grad_(True)
    singles = [w[i].clone().requires_grad_(True) for i in range(3)]
    opts = [torch.optim.AdamW([p], lr=float(lr), weight_decay=0.01) for p, lr in zip(singles, lrs, strict=True)]
    state: dict = {}
    for _ in range(5):
        g = torch.randn(3, 4, 2)
        finetune.adamw_step([stacked], [g], state, lrs)
        for i, (p, opt) in enumerate(zip(singles, opts, strict=True)):
            p.grad = g[i].clone()
            opt.step()
    torch.testing.assert_close(stacked.detach(), torch.stack([p.detach() for p in singles]))
    with pytest.raises(ValueError, match="lr"):
        finetune.adamw_step([stacked], [g], state, torch.tensor([1e-3]))


def test_finetune_grid_shapes_and_errors(vocab):
    ex = finetune.labelled_examples(SENTS * 4)
    cfg = TransformerConfig(vocab_size=len(vocab), d_model=8, n_heads=2, n_layers=1, d_ff=16, max_len=16)
    out = finetune.finetune_grid(lambda s: finetune.Encoder(TransformerLM(cfg)), ex, vocab, sizes=[2, 4],
                                 seeds=[0, 1], lrs=[1e-3, 1e-2], steps=3, evals={"test": ex}, width=8, batch_size=4)
    assert set(out["test"]) == {(lr, n) for lr in (1e-3, 1e-2) for n in (2, 4)}
    assert all(len(v) == 2 and all(0 <= a <= 1 for a in v) for v in out["test"].values())
    with pytest.raises(ValueError, match="steps"):
        finetune.finetune_grid(lambda s: finetune.Encoder(TransformerLM(cfg)), ex, vocab, [2], [0], [1e-3], 0, {})
    with pytest.raises(ValueError, match="freeze"):  # frozen grids need one shared encoder
        finetune.finetune_grid(lambda s: finetune.Encoder(TransformerLM(cfg)), ex, vocab, [2], [0, 1], [1e-3], 2,
                               {"test": ex}, width=8, freeze=True)


def test_clip_per_model_equals_clip_grad_norm_on_each_model_alone():
    torch.manual_seed(0)
    shapes = [(3, 5, 7), (3, 4)]
    grads = [torch.randn(*s) * scale for s, scale in zip(shapes, (1.0, 3.0), strict=True)]
    grads[0][1] *= 1e-3  # model 1 is under the limit and must come back unchanged
    clipped, norms = finetune.clip_per_model(grads, 1.0)
    for k in range(3):
        alone = [torch.nn.Parameter(torch.zeros_like(g[k])) for g in grads]
        for p, g in zip(alone, grads, strict=True):
            p.grad = g[k].clone()
        norm = torch.nn.utils.clip_grad_norm_(alone, 1.0)
        torch.testing.assert_close(norms[k], norm)
        for p, c in zip(alone, clipped, strict=True):
            torch.testing.assert_close(c[k], p.grad)
    with pytest.raises(ValueError, match="max_norm"):
        finetune.clip_per_model(grads, 0)
