"""The two personalities' training and decoding tricks: sampling with temperature / top-k / top-p, and BERT's masking.

Letters used in shapes: B = batch, T = sequence length, V = vocabulary size.
"""

from __future__ import annotations

import torch

IGNORE = -100  # target value that F.cross_entropy skips (ignore_index)


def top_k_filter(logits: torch.Tensor, k: int | None) -> torch.Tensor:
    """Keep the k largest logits of the last axis, set the rest to -inf (k=None keeps everything)."""
    if k is None:
        return logits
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k: got {k!r}; expected None or an int >= 1")
    k = min(k, logits.shape[-1])
    kth = logits.topk(k, dim=-1).values[..., -1:]  # (..., 1): the k-th largest
    return logits.masked_fill(logits < kth, float("-inf"))


def top_p_filter(logits: torch.Tensor, p: float | None) -> torch.Tensor:
    """Nucleus filter: keep the fewest most likely logits whose probabilities sum to at least p (p=None keeps all)."""
    if p is None:
        return logits
    if isinstance(p, bool) or not isinstance(p, int | float) or not 0.0 < p <= 1.0:
        raise ValueError(f"p: got {p!r}; expected None or a share in (0, 1]")
    sorted_logits, order = logits.sort(dim=-1, descending=True)  # (..., V), most likely first
    before = sorted_logits.softmax(-1).cumsum(-1) - sorted_logits.softmax(-1)  # mass of the more likely ones
    drop_sorted = before >= p  # the nucleus is already full without this one (the first is always kept)
    drop = drop_sorted.scatter(-1, order, drop_sorted)  # back to vocabulary order
    return logits.masked_fill(drop, float("-inf"))


def next_token_probs(logits: torch.Tensor, temperature: float = 1.0, top_k: int | None = None,
                     top_p: float | None = None) -> torch.Tensor:
    """softmax(top_p(top_k(logits / temperature))) over the last axis."""
    if not isinstance(temperature, int | float) or isinstance(temperature, bool) or temperature <= 0:
        raise ValueError(f"temperature: got {temperature!r}; expected a number > 0 (use a small one for greedy)")
    return torch.softmax(top_p_filter(top_k_filter(logits / temperature, top_k), top_p), dim=-1)


@torch.no_grad()
def generate(model: torch.nn.Module, prompt: torch.Tensor, max_new: int, temperature: float = 1.0,
             top_k: int | None = None, eos_id: int | None = None,
             generator: torch.Generator | None = None, top_p: float | None = None) -> torch.Tensor:
    """Sample up to ``max_new`` tokens after ``prompt`` (B, T) with a causal LM (ids → logits (B, T, V)).

    Rows that produced ``eos_id`` keep producing it. Returns (B, T + steps taken).
    """
    if prompt.dim() != 2 or prompt.dtype != torch.long:
        raise ValueError(f"prompt: got shape {tuple(prompt.shape)} and dtype {prompt.dtype}; "
                         "expected a (B, T) LongTensor")
    if isinstance(max_new, bool) or not isinstance(max_new, int) or max_new < 0:
        raise ValueError(f"max_new: got {max_new!r}; expected an int >= 0")
    model.eval()
    ids = prompt
    done = torch.zeros(ids.shape[0], dtype=torch.bool, device=ids.device)
    max_len = getattr(getattr(model, "cfg", None), "max_len", None)
    for _ in range(max_new):
        context = ids if max_len is None else ids[:, -max_len:]
        probs = next_token_probs(model(context)[:, -1], temperature, top_k, top_p)  # (B, V)
        nxt = torch.multinomial(probs, 1, generator=generator)  # (B, 1)
        if eos_id is not None:
            nxt[done] = eos_id
            done |= nxt[:, 0] == eos_id
        ids = torch.cat([ids, nxt], dim=1)
        if bool(done.all()):
            break
    return ids


def mask_tokens(ids: torch.Tensor, can_mask: torch.Tensor, mask_id: int, low: int, high: int, p: float = 0.15,
                generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """BERT's recipe: pick a share ``p`` of the maskable tokens; of those 80% → [MASK], 10% → a random token
    from [low, high), 10% kept. Returns (corrupted ids, targets): targets hold the original id where picked,
    ``IGNORE`` elsewhere."""
    if ids.shape != can_mask.shape or can_mask.dtype != torch.bool:
        raise ValueError(f"can_mask: got shape {tuple(can_mask.shape)} and dtype {can_mask.dtype}; "
                         f"expected a bool tensor of the ids' shape {tuple(ids.shape)}")
    if not 0.0 < p <= 1.0:
        raise ValueError(f"p: got {p!r}; expected a share in (0, 1]")
    if not 0 <= low < high:
        raise ValueError(f"low/high: got [{low}, {high}); expected 0 <= low < high (the random-token range)")
    u = torch.rand(ids.shape, generator=generator, device=ids.device)
    picked = can_mask & (torch.rand(ids.shape, generator=generator, device=ids.device) < p)
    targets = torch.where(picked, ids, torch.full_like(ids, IGNORE))
    random_ids = torch.randint(low, high, ids.shape, generator=generator, device=ids.device)
    out = ids.clone()
    out[picked & (u < 0.8)] = mask_id  # 80%: [MASK]
    swap = picked & (u >= 0.8) & (u < 0.9)  # 10%: a random word; the last 10% stay as they are
    out[swap] = random_ids[swap]
    return out, targets


# ------------------------------------------------------------------------------------------ exercise checkers
def check_top_k(fn) -> object:
    """Exercise: ``fn(logits, k)`` keeps the k largest logits (last axis) and sets the others to -inf."""
    from .exercises import Check, equal, run_checks

    logits = torch.tensor([[2.0, -1.0, 0.5, 3.0, 0.0], [0.1, 0.2, 0.3, 0.4, 0.5]])
    return run_checks("Exercise: top-k filtering", [
        equal("k = 2 keeps the two largest of each row", lambda: fn(logits, 2), top_k_filter(logits, 2),
              hints=("find the k-th largest logit of each row; everything below it is dropped",
                     "torch.topk gives the k largest values sorted, so the last one is the threshold; keep it as a "
                     "column so it broadcasts over the row")),
        equal("k = 1 keeps only the largest (greedy)", lambda: fn(logits, 1), top_k_filter(logits, 1),
              hints="k = 1 keeps only the largest logit of each row"),
        equal("k = 5 (the whole vocabulary) changes nothing", lambda: fn(logits, 5), logits,
              hints="when k equals the vocabulary size every logit survives"),
        Check("the dropped logits are -inf, so softmax gives them probability 0",
              lambda: bool(torch.softmax(fn(logits, 2), -1)[0, [1, 2, 4]].eq(0).all()),
              hints="a dropped logit must be minus infinity, not 0: a logit of 0 still has probability > 0"),
    ], todo="write `my_top_k(logits, k)` and `return` the filtered logits")


def check_mask_tokens(fn) -> object:
    """Exercise: ``fn(ids, mask_id, low, high)`` applies the 15% / 80-10-10 recipe to every position."""
    from .exercises import Check, NotWritten, run_checks

    torch.manual_seed(0)
    ids = torch.randint(10, 50, (200, 100))
    mask_id, low, high = 4, 5, 50

    def stats():
        got = fn(ids.clone(), mask_id, low, high)
        if got is None or got is Ellipsis:
            raise NotWritten("your function returns nothing yet: `return` (corrupted ids, targets)")
        out, targets = got
        picked = targets != IGNORE
        return out, targets, picked

    def share():
        _, _, picked = stats()
        s = picked.float().mean().item()
        return 0.13 < s < 0.17, f"picked {s:.1%} of the tokens"

    def targets_ok():
        _, targets, picked = stats()
        return bool((targets[picked] == ids[picked]).all()) and bool((targets[~picked] == IGNORE).all()), \
            "targets must be the original id where picked and -100 elsewhere"

    def unpicked_unchanged():
        out, _, picked = stats()
        return bool((out[~picked] == ids[~picked]).all()), "a token that was not picked must stay as it was"

    def split():
        out, _, picked = stats()
        n = picked.sum().item()
        masked = (out[picked] == mask_id).float().sum().item() / max(n, 1)
        kept = (out[picked] == ids[picked]).float().sum().item() / max(n, 1)
        other = 1 - masked - kept
        ok = 0.75 < masked < 0.85 and 0.06 < kept < 0.15 and 0.05 < other < 0.15
        return ok, f"of the picked tokens: {masked:.0%} [MASK], {other:.0%} random, {kept:.0%} kept"

    return run_checks("Exercise: BERT's 80/10/10 masking", [
        Check("about 15% of the tokens are picked", share,
              hints=("each token is picked on its own, with probability 0.15",
                     "one uniform random number per token (torch.rand with ids' shape), compared with 0.15")),
        Check("targets: the original id where picked, -100 elsewhere", targets_ok,
              hints=("the loss only looks at picked tokens: their target is the original id, every other target "
                     "is -100",
                     "torch.where chooses between two tensors position by position")),
        Check("tokens that were not picked are unchanged", unpicked_unchanged,
              hints="start from a copy of ids and change only the picked positions"),
        Check("picked: ~80% [MASK], ~10% random, ~10% kept", split,
              hints=("a second random number per token decides what happens to a picked one: three bands, "
                     "80%, 10%, 10%",
                     "with a uniform u: below 0.8 → mask_id, from 0.8 to 0.9 → torch.randint(low, high, …), "
                     "the rest unchanged")),
    ], todo="write `my_mask_tokens` and `return` (corrupted ids, targets)")

HOT_CHOICES = ("about as bad as T = 1.5 alone", "in between", "about as good as T = 1.0 with top-k")


def check_hot_top_k_experiment(prediction: object, top_k: object, measure, shares: dict, k: int = 5,
                               hot: float = 1.5) -> object:
    """Experiment: does top-k rescue hot sampling? ``measure(top_k)`` → share grammatical at T = ``hot``.

    ``shares`` is the lesson's {(temperature, top_k): share} with (hot, None) and (1.0, k) in it.
    """
    from .exercises import check_experiment

    for key in ((hot, None), (1.0, k)):
        if key not in shares:
            raise ValueError(f"shares: got keys {sorted(shares, key=str)}; expected {key} among them")
    alone, cool = shares[(hot, None)], shares[(1.0, k)]

    def verdict(share: float) -> str:
        if share <= alone + 0.15:
            return HOT_CHOICES[0]
        return HOT_CHOICES[2] if share >= cool - 0.07 else HOT_CHOICES[1]

    return check_experiment(
        f"Experiment: top-{k} at T = {hot} (alone T = {hot} gave {alone:.0%}; T = 1.0 with top-{k} gave {cool:.0%})",
        prediction, HOT_CHOICES, top_k, k, f"set hot_top_k to {k}",
        lambda: measure(top_k), (0.75, 0.99), verdict, what=f"the share of grammatical samples at T = {hot}",
    )

