"""helpers/seq2seq.py and helpers/seq2seq_attention.py: shapes, masks, equivalence, decoding, checkers, errors."""

import matplotlib.pyplot as plt
import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from torch import nn

from helpers import seq2seq as s2s
from helpers import seq2seq_attention as ar
from helpers.corpus import load_pairs


@pytest.fixture(scope="module")
def vocabs():
    return s2s.build_vocabs(load_pairs("train")[:500])


@pytest.fixture(scope="module")
def pairs():
    return load_pairs("examples")


def _model(vocabs, attention, seed=0):
    torch.manual_seed(seed)
    sv, tv = vocabs
    return s2s.Seq2Seq(s2s.Seq2SeqConfig(len(sv), len(tv), emb_size=6, hidden_size=10, attention=attention,
                                         attn_size=7, pad_id=sv.pad_id)).eval()


# ------------------------------------------------------------------------------------------ attention
def test_additive_equals_hand_formula_odd_sizes():
    torch.manual_seed(0)
    B, T, S, Hk, Hq, A = 2, 3, 5, 7, 4, 6
    attn = ar.AdditiveAttention(Hk, Hq, A)
    s, h = torch.randn(B, T, Hq), torch.randn(B, S, Hk)
    e = torch.einsum("btsa,a->bts", torch.tanh((h @ attn.W1.weight.T)[:, None] + attn.W2(s)[:, :, None]),
                     attn.v.weight[0])
    alpha = torch.softmax(e, -1)
    c, a = attn(s, h)
    assert c.shape == (B, T, Hk) and a.shape == (B, T, S)
    torch.testing.assert_close(a, alpha)
    torch.testing.assert_close(c, torch.einsum("bts,bsk->btk", alpha, h))


def test_dot_and_general_equal_pytorch_sdpa_unscaled():
    torch.manual_seed(1)
    B, T, S, H = 2, 3, 5, 4
    s, h = torch.randn(B, T, H), torch.randn(B, S, H)
    mask = torch.tensor([[True] * 5, [True, True, True, False, False]])
    c, a = ar.DotAttention()(s, h, mask)
    ref = F.scaled_dot_product_attention(s, h, h, attn_mask=mask[:, None, :], scale=1.0)
    torch.testing.assert_close(c, ref)
    assert torch.all(a[1, :, 3:] == 0)
    torch.testing.assert_close(a.sum(-1), torch.ones(B, T))
    gen = ar.GeneralAttention(key_size=6, query_size=H)
    k = torch.randn(B, S, 6)
    c2, _ = gen(s, k, mask)
    ref2 = F.scaled_dot_product_attention(s, gen.W(k), k, attn_mask=mask[:, None, :], scale=1.0)
    torch.testing.assert_close(c2, ref2)


def test_attention_errors():
    with pytest.raises(ValueError, match="score"):
        ar.make_attention("cosine", 4, 4)
    with pytest.raises(ValueError, match="key_size"):
        ar.make_attention("dot", 4, 6)
    with pytest.raises(ValueError, match="attn_size"):
        ar.AdditiveAttention(4, 4, 0)
    with pytest.raises(ValueError, match="mask"):
        ar.masked_softmax(torch.randn(2, 3, 4), torch.ones(2, 4))
    with pytest.raises(ValueError, match="mask"):
        ar.masked_softmax(torch.randn(2, 3, 4), torch.ones(2, 5, dtype=torch.bool))
    with pytest.raises(ValueError, match="keys"):
        ar.DotAttention()(torch.randn(1, 2, 3), torch.randn(1, 4, 5))
    with pytest.raises(ValueError, match="query/keys"):
        ar.DotAttention()(torch.randn(2, 3), torch.randn(1, 4, 3))


# ------------------------------------------------------------------------------------------ model
@pytest.mark.parametrize("attention", s2s.ATTENTIONS)
def test_shapes_and_padding_invariance(vocabs, pairs, attention):
    sv, tv = vocabs
    model = _model(vocabs, attention)
    b = s2s.make_batch(pairs[:3], sv, tv)
    logits, alpha = model(b.src, b.src_mask, b.tgt_in)
    B, S = b.src.shape
    assert logits.shape == (B, b.tgt_in.shape[1], len(tv))
    if attention is None:
        assert alpha is None
    else:
        assert alpha.shape == (B, b.tgt_in.shape[1], S)
        assert torch.all(alpha.masked_select(~b.src_mask[:, None, :].expand_as(alpha)) == 0)
    # a sentence alone gives the same logits as inside a padded batch
    one = s2s.make_batch(pairs[2:3], sv, tv)
    alone, _ = model(one.src, one.src_mask, one.tgt_in)
    T = one.tgt_in.shape[1]
    torch.testing.assert_close(alone[0], logits[2, :T], atol=1e-5, rtol=1e-4)


def test_encoder_equals_two_nn_grus(vocabs, pairs):
    """The packed bidirectional encoder equals two plain nn.GRUs run over the unpadded sentence."""
    sv, tv = vocabs
    model = _model(vocabs, None)
    b = s2s.make_batch(pairs[:2], sv, tv)
    states, context = model.encoder(b.src, b.src_mask)
    g = model.encoder.gru
    fwd, bwd = nn.GRU(6, 5, batch_first=True), nn.GRU(6, 5, batch_first=True)
    with torch.no_grad():
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            getattr(fwd, name).copy_(getattr(g, name))
            getattr(bwd, name).copy_(getattr(g, name + "_reverse"))
    n = int(b.src_mask[1].sum())
    x = model.encoder.embed(b.src[1:2, :n])
    f_out, f_h = fwd(x)
    b_out, b_h = bwd(x.flip(1))
    torch.testing.assert_close(states[1, :n], torch.cat([f_out[0], b_out[0].flip(0)], -1))
    torch.testing.assert_close(context[1], torch.cat([f_h[0, 0], b_h[0, 0]]))


@pytest.mark.parametrize("attention", [None, "additive"])
def test_incremental_decoding_equals_one_pass(vocabs, pairs, attention):
    sv, tv = vocabs
    model = _model(vocabs, attention)
    b = s2s.make_batch(pairs[:3], sv, tv)
    full, full_alpha = model(b.src, b.src_mask, b.tgt_in)
    states, context, state = model.start(b.src, b.src_mask)
    steps = []
    for t in range(b.tgt_in.shape[1]):
        logit, state, _ = model.decoder(b.tgt_in[:, t:t + 1], state, states, b.src_mask, context)
        steps.append(logit)
    torch.testing.assert_close(torch.cat(steps, 1), full, atol=1e-5, rtol=1e-4)
    # teacher forcing through the step loop (probability 1 - tiny) gives the same logits too
    looped, _ = model(b.src, b.src_mask, b.tgt_in, teacher_forcing=0.999999)
    torch.testing.assert_close(looped, full, atol=1e-5, rtol=1e-4)


def test_greedy_and_translate(vocabs, pairs):
    sv, tv = vocabs
    model = _model(vocabs, "dot")
    b = s2s.make_batch(pairs[:2], sv, tv)
    ids, alpha, p, i = model.greedy(b.src, b.src_mask, tv.bos_id, tv.eos_id, max_len=5, k=3)
    assert ids.shape[0] == 2 and ids.shape[1] <= 5 and alpha.shape[:2] == ids.shape
    assert p.shape == (2, ids.shape[1], 3) and torch.equal(i[..., 0], ids)
    out = s2s.translate(model, [p.en for p in pairs[:2]], sv, tv, max_len=5, with_attention=True)
    assert out[0][0] == tv.decode(ids[0])


def test_masked_cross_entropy_ignores_padding():
    torch.manual_seed(0)
    logits, targets = torch.randn(2, 4, 5), torch.randint(0, 5, (2, 4))
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 0, 0]], dtype=torch.bool)
    loss = s2s.masked_cross_entropy(logits, targets, mask)
    ref = F.cross_entropy(logits[mask], targets[mask])
    torch.testing.assert_close(loss, ref)
    with pytest.raises(ValueError, match="logits"):
        s2s.masked_cross_entropy(logits, targets[:, :3], mask)


def test_length_batches_cover_everything_once():
    lengths = [5, 3, 9, 3, 7, 1, 2, 8]
    g = torch.Generator().manual_seed(0)
    batches = s2s.length_batches(lengths, 3, g)
    assert sorted(i for b in batches for i in b) == list(range(8))
    for b in batches:  # within a batch, lengths are neighbours in sorted order
        assert max(lengths[i] for i in b) - min(lengths[i] for i in b) <= 4
    with pytest.raises(ValueError, match="batch_size"):
        s2s.length_batches(lengths, 0)
    with pytest.raises(ValueError, match="lengths"):
        s2s.length_batches([], 2)


def test_training_reduces_loss_and_evaluate(vocabs):
    sv, tv = vocabs
    data = load_pairs("train")[:64]
    model = _model(vocabs, "additive")
    before = s2s.reference_loss(model, data, sv, tv)
    hist = s2s.train_model(model, data, sv, tv, steps=15, batch_size=16, lr=1e-2)
    assert len(hist["train_loss"]) == 15
    assert s2s.reference_loss(model, data, sv, tv) < before
    r = s2s.evaluate(model, data[:10], sv, tv, [3, 10])
    assert set(r) >= {"exact_match", "token_accuracy", "exact_by_length", "token_by_length", "counts"}
    assert sum(r["counts"].values()) == 10
    assert len(s2s.attention_on_reference(model, data[:3], sv, tv)[1]) == len(data[1].fr)


def test_warmup_schedule_and_evaluate_max_len(vocabs):
    sv, tv = vocabs
    data = load_pairs("train")[:64]
    model = _model(vocabs, "dot")
    seen = []
    hist = s2s.train_model(model, data, sv, tv, steps=6, batch_size=16, lr=1e-2, warmup=4,
                           eval_fn=lambda m: seen.append(1) or {}, eval_every=1)
    assert len(hist["train_loss"]) == 6
    for bad in (-1, 6, 1.5, True):
        with pytest.raises(ValueError, match="warmup"):
            s2s.train_model(model, data, sv, tv, steps=6, batch_size=16, warmup=bad)
    r = s2s.evaluate(model, data[:5], sv, tv, [3], max_len=2)
    assert all(len(p) <= 2 for p in r["preds"])


def test_seq2seq_errors(vocabs, pairs):
    sv, tv = vocabs
    with pytest.raises(ValueError, match="attention"):
        s2s.Seq2SeqConfig(10, 10, attention="luong")
    with pytest.raises(ValueError, match="hidden_size"):
        s2s.Seq2SeqConfig(10, 10, hidden_size=7)
    with pytest.raises(ValueError, match="emb_size"):
        s2s.Seq2SeqConfig(10, 10, emb_size=0)
    model = _model(vocabs, None)
    b = s2s.make_batch(pairs[:1], sv, tv)
    with pytest.raises(ValueError, match="teacher_forcing"):
        model(b.src, b.src_mask, b.tgt_in, teacher_forcing=1.5)
    with pytest.raises(ValueError, match="sentences"):
        s2s.translate(model, "the cat", sv, tv)
    with pytest.raises(ValueError, match="pairs"):
        s2s.make_batch([], sv, tv)
    with pytest.raises(ValueError, match="pairs"):
        s2s.build_vocabs([])
    with pytest.raises(ValueError, match="model"):
        s2s.attention_on_reference(model, pairs[:1], sv, tv)
    with pytest.raises(ValueError, match="tokens"):
        s2s.decoding_trace(model, [], sv, tv)
    with pytest.raises(ValueError, match="k"):
        s2s.decoding_trace(model, ["the"], sv, tv, k=0)
    with pytest.raises(ValueError, match="text"):
        s2s.sentence_tokens(3, sv)


# ------------------------------------------------------------------------------------------ figures
def test_figures(vocabs):
    sv, tv = vocabs
    model = _model(vocabs, "additive")
    trace = s2s.decoding_trace(model, ["the", "cat", "sat", "."], sv, tv, k=4, max_len=6)
    assert trace["top_probs"].shape[1] == 4 and len(trace["chosen"]) == trace["alpha"].shape[0]
    figs = [s2s.plot_decoding_steps(trace), s2s.plot_attention_step(trace, 2), s2s.plot_attention_step(trace, 99),
            s2s.draw_decoding(model, sv, tv, "The cat sat."), s2s.draw_decoding(model, sv, tv, "The zebra sat."),
            s2s.draw_attention_step(model, sv, tv, "The cat sat.", 1)]
    assert all(isinstance(f, Figure) for f in figs)
    assert "zebra" in figs[4].axes[0].texts[0].get_text()
    with pytest.raises(ValueError, match="step"):
        s2s.plot_attention_step(trace, -1)
    plain = s2s.decoding_trace(_model(vocabs, None), ["the", "cat"], sv, tv, k=2, max_len=3)
    with pytest.raises(ValueError, match="trace"):
        s2s.plot_attention_step(plain, 0)
    plt.close("all")


# ------------------------------------------------------------------------------------------ checkers
def _stub(*args):
    raise NotImplementedError


def test_check_masked_loss(capsys):
    assert s2s.check_masked_loss(lambda lo, t, m: s2s.masked_cross_entropy(lo, t, m))
    assert not s2s.check_masked_loss(lambda lo, t, m: F.cross_entropy(lo.transpose(1, 2), t))  # no mask
    assert not s2s.check_masked_loss(  # masked sum divided by all positions
        lambda lo, t, m: (F.cross_entropy(lo.transpose(1, 2), t, reduction="none") * m).sum() / m.numel())
    assert not s2s.check_masked_loss(_stub)
    assert "not written yet" in capsys.readouterr().out


def _greedy_solution(model, src, src_mask, bos_id, eos_id, max_len, stop=True):
    states, context, state = model.start(src, src_mask)
    y, out = torch.tensor([[bos_id]]), []
    for _ in range(max_len):
        logits, state, _ = model.decoder(y, state, states, src_mask, context)
        y = logits.argmax(-1)
        out.append(int(y))
        if stop and out[-1] == eos_id:
            break
    return out


def test_check_greedy(capsys):
    assert s2s.check_greedy(_greedy_solution)
    assert not s2s.check_greedy(lambda *a: _greedy_solution(*a, stop=False))  # never stops at </s>

    def always_bos(model, src, src_mask, bos_id, eos_id, max_len):  # feeds <s> every step
        states, context, state = model.start(src, src_mask)
        out = []
        for _ in range(max_len):
            logits, state, _ = model.decoder(torch.tensor([[bos_id]]), state, states, src_mask, context)
            out.append(int(logits.argmax(-1)))
            if out[-1] == eos_id:
                break
        return out

    assert not s2s.check_greedy(always_bos)
    assert not s2s.check_greedy(_stub)
    assert "not written yet" in capsys.readouterr().out


def test_check_dot_score(capsys):
    assert ar.check_dot_score(lambda s, h: s @ h.transpose(1, 2))
    assert not ar.check_dot_score(lambda s, h: h @ s.transpose(1, 2))  # (B, S, T)
    assert not ar.check_dot_score(lambda s, h: (s @ h.transpose(1, 2)) / 2.0)  # scaled
    assert not ar.check_dot_score(_stub)
    assert "not written yet" in capsys.readouterr().out


def test_check_masked_softmax(capsys):
    assert ar.check_masked_softmax(lambda e, m: ar.masked_softmax(e, m))
    assert not ar.check_masked_softmax(lambda e, m: torch.softmax(e, -1))  # no mask
    assert not ar.check_masked_softmax(lambda e, m: torch.softmax(e.masked_fill(~m[:, None], 0.0), -1))
    assert not ar.check_masked_softmax(lambda e, m: torch.softmax(e.masked_fill(~m[:, None], float("-inf")), 1))
    assert not ar.check_masked_softmax(_stub)
    assert "not written yet" in capsys.readouterr().out


# ------------------------------------------------------------------------------------------ lesson 03's yardsticks
def test_greedy_outputs_matches_translate_and_flags_missing_end(vocabs, pairs):
    sv, tv = vocabs
    model = _model(vocabs, None)
    known = [p for p in pairs if all(w in sv.stoi for w in p.en) and all(w in tv.stoi for w in p.fr)] or pairs
    out = s2s.greedy_outputs(model, known, sv, tv)
    assert out["preds"] == s2s.translate(model, [p.en for p in known], sv, tv)
    assert len(out["ended"]) == len(known)
    capped = s2s.greedy_outputs(model, known, sv, tv, max_len=1)  # one word: </s> only if it comes first
    assert all(len(p) <= 1 for p in capped["preds"])
    assert out["ref_len"] == pytest.approx(sum(len(p.fr) for p in known) / len(known))
    with pytest.raises(ValueError, match="pairs"):
        s2s.greedy_outputs(model, [], sv, tv)
    with pytest.raises(ValueError, match="batch_size"):
        s2s.greedy_outputs(model, known, sv, tv, batch_size=0)


def test_free_running_scores_range(vocabs, pairs):
    sv, tv = vocabs
    scores = s2s.free_running_scores(_model(vocabs, None), pairs, sv, tv)
    assert set(scores) == {"exact match", "chrF"}
    assert 0 <= scores["exact match"] <= 1 and 0 <= scores["chrF"] <= 100


def test_bucket_counts_and_chrf_by_bucket(pairs):
    assert s2s.bucket_counts([3, 4, 9, 50], [3, 8, 45]) == {"3–7": 2, "8–44": 1, "45+": 1}
    assert s2s.bucket_counts([5], [3, 8]) == {"3–7": 1, "8+": 0}
    with pytest.raises(ValueError, match="lengths"):
        s2s.bucket_counts([], [3])
    perfect = s2s.chrf_by_bucket([p.fr for p in pairs], pairs, [1])
    assert all(v == pytest.approx(100.0) for v in perfect.values())
    with pytest.raises(ValueError, match="preds"):
        s2s.chrf_by_bucket([], pairs, [1])


def test_mark_wrong():
    assert s2s.mark_wrong(["a", "b", "c"], ["a", "x", "c"]) == "a [b] c"
    assert s2s.mark_wrong(["a"], ["a", "b", "c"]) == "a [… 2 missing]"
    assert s2s.mark_wrong(["a", "b", "z"], ["a", "b"]) == "a b [z]"
    with pytest.raises(ValueError, match="pred"):
        s2s.mark_wrong("a b", ["a", "b"])


def test_lesson03_figures():
    hist = {"always": {"eval_step": [1, 2], "exact match": [0.1, 0.2], "chrF": [10.0, 20.0]},
            "never": {"eval_step": [1, 2], "exact match": [0.0, 0.1], "chrF": [5.0, 9.0]}}
    assert isinstance(s2s.plot_curves_by_setting(hist, ["exact match", "chrF"], "t"), Figure)
    seeds = {"always": [hist["always"], hist["never"]], "never": hist["never"]}  # a list of runs: mean + band
    fig = s2s.plot_curves_by_setting(seeds, ["chrF"], "t")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["always (mean of 2 random seeds, range shaded)", "never (1 random seed)"]
    with pytest.raises(ValueError, match="histories"):
        s2s.plot_curves_by_setting({"always": []}, ["chrF"], "t")
    with pytest.raises(ValueError, match="histories"):
        s2s.plot_curves_by_setting({"always": {"eval_step": [1]}}, ["chrF"], "t")
    panels = {"chrF": {"a": {"3–7": 80.0, "45+": 10.0}, "b": {"3–7": 90.0, "45+": 20.0}}}
    assert isinstance(s2s.plot_buckets(panels, {"3–7": 500, "45+": 0}, "t", extrapolation="45+"), Figure)
    with pytest.raises(ValueError, match="panels"):
        s2s.plot_buckets({}, {}, "t")
    with pytest.raises(ValueError, match="rare"):
        s2s.plot_buckets(panels, {}, "t", rare=-1)
    assert isinstance(s2s.unrolled_diagram(["how", "are", "you", "?"], ["comment", "ça", "va", "?"]), Figure)
    with pytest.raises(ValueError, match="src"):
        s2s.unrolled_diagram("how are you", ["comment"])
    plt.close("all")


def test_batch_moves_to_a_device_whole():
    pairs = load_pairs("train")[:3]
    src_vocab, tgt_vocab = s2s.build_vocabs(pairs)
    b = s2s.make_batch(pairs, src_vocab, tgt_vocab)
    moved = b.to("cpu")
    assert isinstance(moved, s2s.Batch)
    for name in ("src", "src_mask", "tgt_in", "tgt_out", "tgt_mask"):
        assert torch.equal(getattr(moved, name), getattr(b, name))


# ------------------------------------------------------------------------------------------ stacked training
def _stacked_setup():
    from helpers.env import set_seed

    train = load_pairs("train")[:400]
    sv, tv = s2s.build_vocabs(train)
    cfg = s2s.Seq2SeqConfig(len(sv), len(tv), emb_size=6, hidden_size=10, pad_id=sv.pad_id)
    models = []
    for seed in (0, 1, 2):
        set_seed(seed)
        models.append(s2s.Seq2Seq(cfg))
    return train, sv, tv, cfg, models


def test_stacked_forward_equals_each_seq2seq():
    from helpers import seq2seq_stacked as st

    train, sv, tv, cfg, models = _stacked_setup()
    p = st.stack_models(models)
    b = s2s.make_batch(train[:7], sv, tv)  # K 3, B 7, E 6, H 10: every size different
    assert b.src_mask.sum(1).unique().numel() > 1  # sentences of different lengths: padding is exercised
    logits = st.forward(p, b.src, b.src_mask, b.tgt_in)
    never = st.forward(p, b.src, b.src_mask, b.tgt_in, torch.zeros(3, b.tgt_in.shape[1], dtype=torch.bool))
    for k, m in enumerate(models):
        torch.testing.assert_close(logits[k], m(b.src, b.src_mask, b.tgt_in)[0])
        torch.testing.assert_close(never[k], m(b.src, b.src_mask, b.tgt_in, 0.0)[0])
        _, context = m.encoder(b.src, b.src_mask)
        torch.testing.assert_close(st.encode(p, b.src, b.src_mask)[k], context)
    losses = st.masked_losses(logits, b.tgt_out, b.tgt_mask)
    torch.testing.assert_close(losses[1], s2s.masked_cross_entropy(logits[1], b.tgt_out, b.tgt_mask))
    for k, m in enumerate(st.unstack(p, cfg)):
        for (name, a), b_ in zip(m.state_dict().items(), models[k].state_dict().values(), strict=True):
            torch.testing.assert_close(a, b_, msg=name)


@pytest.mark.parametrize("teacher_forcing", [1.0, 0.0])
def test_stacked_training_equals_train_model(teacher_forcing):
    from helpers import seq2seq_stacked as st
    from helpers.env import set_seed

    train, sv, tv, cfg, _ = _stacked_setup()
    seeds, lrs = [0, 1], [0.01, 0.003]
    models, hists = st.train_stacked(cfg, seeds, lrs, [teacher_forcing] * 2, train, sv, tv, steps=9,
                                     batch_size=13, clip=0.5, seed=4)
    for k, (seed, lr) in enumerate(zip(seeds, lrs, strict=True)):
        set_seed(seed)
        ref = s2s.Seq2Seq(cfg)
        h = s2s.train_model(ref, train, sv, tv, steps=9, batch_size=13, lr=lr, teacher_forcing=teacher_forcing,
                            clip=0.5, seed=4)
        torch.testing.assert_close(torch.tensor(hists[k]["train_loss"]), torch.tensor(h["train_loss"]))
        torch.testing.assert_close(torch.tensor(hists[k]["grad_norm"]), torch.tensor(h["grad_norm"]))
        for (name, a), b in zip(models[k].state_dict().items(), ref.state_dict().values(), strict=True):
            # Adam divides by sqrt(v): where a gradient is ~1e-8, float rounding in it moves a step by ~1e-5
            torch.testing.assert_close(a, b, atol=1e-4, rtol=1e-4, msg=name)
        assert isinstance(models[k], s2s.Seq2Seq) and not models[k].training


def test_stacked_mixed_settings_and_eval():
    from helpers import seq2seq_stacked as st

    train, sv, tv, cfg, _ = _stacked_setup()
    models, hists = st.train_stacked(cfg, [0, 1, 2], [0.01] * 3, [1.0, 0.5, 0.0], train, sv, tv, steps=5,
                                     batch_size=16, eval_fn=lambda m: {"n": 1.0}, eval_every=2)
    assert len(models) == 3 and all(h["eval_step"] == [2, 4, 5] for h in hists)
    assert all(len(h["train_loss"]) == 5 for h in hists)
    for m in models:  # the <pad> rows never learn, as in nn.Embedding(padding_idx=…)
        assert torch.all(m.encoder.embed.weight[sv.pad_id] == 0) and torch.all(m.decoder.embed.weight[tv.pad_id] == 0)


def test_stacked_errors():
    from helpers import seq2seq_stacked as st

    train, sv, tv, cfg, models = _stacked_setup()
    args = (train, sv, tv)
    with pytest.raises(ValueError, match="seeds"):
        st.train_stacked(cfg, [], [], [], *args, steps=2)
    with pytest.raises(ValueError, match="lrs"):
        st.train_stacked(cfg, [0, 1], [0.01], [1.0, 1.0], *args, steps=2)
    with pytest.raises(ValueError, match="teacher_forcing"):
        st.train_stacked(cfg, [0], [0.01], [1.5], *args, steps=2)
    with pytest.raises(ValueError, match="steps"):
        st.train_stacked(cfg, [0], [0.01], [1.0], *args, steps=0)
    with pytest.raises(ValueError, match="clip"):
        st.train_stacked(cfg, [0], [0.01], [1.0], *args, steps=2, clip=0)
    with pytest.raises(ValueError, match="cfg"):
        st.train_stacked(s2s.Seq2SeqConfig(len(sv), len(tv), 6, 10, attention="dot"), [0], [0.01], [1.0], *args,
                         steps=2)
    with pytest.raises(ValueError, match="models"):
        st.stack_models([])
    p = st.stack_models(models)
    b = s2s.make_batch(train[:3], sv, tv)
    with pytest.raises(ValueError, match="coins"):
        st.forward(p, b.src, b.src_mask, b.tgt_in, torch.zeros(2, 2, dtype=torch.bool))
    with pytest.raises(ValueError, match="params"):
        st.unstack({"x": p["decoder.out.bias"]}, cfg)
