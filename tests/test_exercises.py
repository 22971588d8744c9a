"""The checker mechanism: stubs get a task and no hint, failures get the first failing case and a hint ladder."""

import pytest
import torch

from helpers import exercises
from helpers.exercises import NOT_WRITTEN, Check, NotWritten, Result, equal, require_written, run_checks, short

IDEA = "a probability is a share of a total: what is each row's total?"
TOOL = "torch.exp, then a sum over the last axis that keeps its dimension"


def check_softmax(fn):
    x = torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 5.0]])
    return run_checks("Exercise: softmax", [
        equal("matches torch.softmax on a (2, 3) input", lambda: fn(x), torch.softmax(x, -1), hints=(IDEA, TOOL)),
        Check("rows sum to 1", lambda: bool(torch.allclose(fn(x).sum(-1), torch.ones(2))),
              hints="each row is one distribution"),
    ], todo="write `softmax(x)` and `return` it")


def solution(x):
    e = x.exp()
    return e / e.sum(-1, keepdim=True)


@pytest.fixture(autouse=True)
def fresh_attempts():
    exercises.reset_attempts()
    yield
    exercises.reset_attempts()


def test_solution_passes(capsys):
    result = check_softmax(solution)
    out = capsys.readouterr().out
    assert isinstance(result, Result) and result.passed and bool(result) and result.score(3) == 3
    assert out.splitlines() == ["Exercise: softmax", "✅ matches torch.softmax on a (2, 3) input",
                                "✅ rows sum to 1", "All 2 checks passed."]


def stub_raises(x):
    raise NotImplementedError  # your code here


def stub_pass(x):
    pass  # your code here


def stub_dots(x):
    ...


@pytest.mark.parametrize("stub", [stub_raises, stub_pass, stub_dots, lambda x: None])
def test_untouched_stub_says_what_to_do_and_gives_no_hint(capsys, stub):
    result = check_softmax(stub)
    out = capsys.readouterr().out
    assert not result.passed and result.n_passed == 0 and not result.written and result.score(2) == 0
    assert NOT_WRITTEN in out and "softmax(x)" in out
    assert "hint" not in out and IDEA not in out and TOOL not in out
    assert out.strip().endswith("0 of 2 checks passed.")
    assert exercises.attempts("Exercise: softmax") == 0  # a stub is not an attempt


def test_hints_climb_the_ladder_from_the_idea_to_the_tool(capsys):
    def wrong(x):
        return x.exp() / x.exp().sum()  # normalised over everything

    check_softmax(wrong)
    first = capsys.readouterr().out
    assert "❌ matches torch.softmax on a (2, 3) input: got tensor" in first
    assert IDEA in first and TOOL not in first and "more concrete" in first
    check_softmax(wrong)
    second = capsys.readouterr().out
    assert TOOL in second and IDEA not in second
    check_softmax(wrong)
    assert TOOL in capsys.readouterr().out  # the ladder stays on its last rung
    assert exercises.attempts("Exercise: softmax") == 3
    exercises.reset_attempts("Exercise: softmax")
    check_softmax(wrong)
    assert IDEA in capsys.readouterr().out


def test_a_failure_names_the_first_failing_case_with_expected_and_got(capsys):
    check_softmax(lambda x: solution(x).T)  # wrong shape
    assert "got shape (3, 2); expected shape (2, 3)" in capsys.readouterr().out
    run_checks("t", [equal("big", lambda: torch.zeros(4, 5), torch.ones(4, 5))])
    out = capsys.readouterr().out
    assert "tensor of shape (4, 5) starting [0.0, 0.0, 0.0, 0.0]" in out
    assert "first difference at index (0, 0): got 0, expected 1" in out


def test_only_one_hint_per_run(capsys):
    run_checks("two", [equal("a", lambda: 1, 2, hints="first"), equal("b", lambda: 1, 3, hints="second")])
    out = capsys.readouterr().out
    assert out.count("💡") == 1 and "first" in out and "second" not in out


def test_a_value_still_holding_the_placeholder_is_a_stub(capsys):
    for value in (..., None, {"a": ...}, [1, ...]):
        def test(value=value):
            require_written(value, "replace each ... with a number")
            return True

        result = run_checks("values", [Check("ok", test, hints="h")])
        out = capsys.readouterr().out
        assert not result.passed and "replace each ... with a number" in out and "hint" not in out
    assert require_written({"a": 1}, "x") == {"a": 1}
    result = run_checks("own", [Check("c", lambda: (_ for _ in ()).throw(NotWritten("do this")))])
    assert "✏️ not written yet: do this" in str(result)


def test_equal_on_plain_values(capsys):
    result = run_checks("numbers", [equal("count", lambda: 3, 3), equal("mean", lambda: 0.5, 0.25, hints="h"),
                                    equal("list", lambda: [1, 2], [1, 2])])
    assert result.n_passed == 2 and result.lines[-1] == "2 of 3 checks passed." and result.score(3) == 2
    assert "❌ mean: got 0.5; expected 0.25" in capsys.readouterr().out
    assert run_checks("one", [Check("ok", lambda: True)]).lines[-1] == "All 1 check passed."


def test_learner_errors_are_reported_not_raised(capsys):
    result = run_checks("t", [Check("boom", lambda: 1 / 0, hints="h")])
    assert not result.passed and "your code raised ZeroDivisionError" in capsys.readouterr().out


def test_result_displays_nothing_more_in_a_notebook(capsys):
    result = run_checks("t", [Check("ok", lambda: (True, ""))])
    capsys.readouterr()
    assert result._ipython_display_() is None and capsys.readouterr().out == ""
    assert str(result).endswith("All 1 check passed.")


def test_short_forms():
    assert short(None) == "None" and short(torch.zeros(10, 3)).startswith("tensor of shape (10, 3) starting")
    assert short(torch.tensor([0.5, 1.0])) == "tensor[0.5, 1.0] of shape (2,)"
    assert short("x" * 200).endswith("…")


@pytest.mark.parametrize("checks, match", [([], "checks: got an empty list"),
                                           ([lambda: True], "checks: item 0")])
def test_bad_input(checks, match):
    with pytest.raises(ValueError, match=match):
        run_checks("t", checks)
    with pytest.raises(ValueError, match="points"):
        Result("t", True, 1, 1).score(0)
