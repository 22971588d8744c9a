import pytest
import torch

from helpers.exercises import Check, Result, equal, run_checks, short


def check_softmax(fn):
    x = torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 5.0]])
    return run_checks("Exercise: softmax", [
        equal("matches torch.softmax on a (2, 3) input", lambda: fn(x), torch.softmax(x, -1),
              hint="exponentiate, then divide by the sum over the last dimension"),
        Check("rows sum to 1", lambda: bool(torch.allclose(fn(x).sum(-1), torch.ones(2))),
              hint="divide by .sum(dim=-1, keepdim=True)"),
    ])


def solution(x):
    e = x.exp()
    return e / e.sum(-1, keepdim=True)


def test_solution_passes(capsys):
    result = check_softmax(solution)
    out = capsys.readouterr().out
    assert isinstance(result, Result) and result.passed and bool(result)
    assert out.splitlines() == ["Exercise: softmax", "✅ matches torch.softmax on a (2, 3) input",
                                "✅ rows sum to 1", "All 2 checks passed."]


def test_untouched_stub_does_not_raise_and_says_so(capsys):
    def stub(x):
        raise NotImplementedError

    result = check_softmax(stub)
    out = capsys.readouterr().out
    assert not result.passed and result.n_passed == 0
    assert "❌ not written yet" in out and "💡 hint: exponentiate" in out
    assert out.strip().endswith("0 of 2 checks passed.")


@pytest.mark.parametrize("stub_value", [None, ...])
def test_stub_returning_placeholder(capsys, stub_value):
    result = check_softmax(lambda x: stub_value)
    out = capsys.readouterr().out
    assert not result.passed and "forget to `return`" in out
    assert "❌ rows sum to 1: your code raised AttributeError" in out


def test_wrong_answers_fail_with_what_is_wrong_and_a_hint(capsys):
    result = check_softmax(lambda x: x.exp() / x.exp().sum())  # normalised over everything
    out = capsys.readouterr().out
    assert not result.passed and result.n_passed == 0
    assert "❌ matches torch.softmax on a (2, 3) input: got tensor" in out
    assert "💡 hint: divide by .sum(dim=-1, keepdim=True)" in out
    check_softmax(lambda x: solution(x).T)  # wrong shape
    assert "got shape (3, 2); expected shape (2, 3)" in capsys.readouterr().out


def test_equal_on_plain_values(capsys):
    result = run_checks("numbers", [equal("count", lambda: 3, 3), equal("mean", lambda: 0.5, 0.25, hint="h"),
                                    equal("list", lambda: [1, 2], [1, 2])])
    assert result.n_passed == 2 and result.lines[-1] == "2 of 3 checks passed."
    assert "❌ mean: got 0.5; expected 0.25" in capsys.readouterr().out
    assert run_checks("one", [Check("ok", lambda: True)]).lines[-1] == "All 1 check passed."


def test_result_displays_nothing_more_in_a_notebook(capsys):
    result = run_checks("t", [Check("ok", lambda: (True, ""))])
    capsys.readouterr()
    assert result._ipython_display_() is None and capsys.readouterr().out == ""
    assert str(result).endswith("All 1 check passed.")


def test_short_forms():
    assert short(None) == "None" and short(torch.zeros(10, 3)) == "tensor of shape (10, 3)"
    assert short(torch.tensor([0.5, 1.0])) == "tensor[0.5, 1.0] of shape (2,)"
    assert short("x" * 200).endswith("…")


@pytest.mark.parametrize("checks, match", [([], "checks: got an empty list"),
                                           ([lambda: True], "checks: item 0")])
def test_bad_input(checks, match):
    with pytest.raises(ValueError, match=match):
        run_checks("t", checks)
