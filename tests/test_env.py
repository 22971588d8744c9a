import random

import numpy as np
import pytest
import torch

from helpers import env


def test_set_seed_repeats_all_three_generators():
    env.set_seed(3)
    first = (random.random(), np.random.rand(), torch.rand(1).item())
    env.set_seed(3)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first


@pytest.mark.parametrize("bad", [-1, 1.5, "0", True])
def test_set_seed_rejects_bad_seed(bad):
    with pytest.raises(ValueError, match="seed: got"):
        env.set_seed(bad)


def test_get_device_default_and_cpu():
    assert env.get_device("cpu") == torch.device("cpu")
    assert env.get_device().type in {"cpu", "cuda", "mps"}


def test_get_device_rejects_unknown_name():
    with pytest.raises(ValueError, match="prefer: got 'tpu'"):
        env.get_device("tpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_get_device_rejects_missing_cuda():
    with pytest.raises(ValueError, match="prefer: .*no cuda device"):
        env.get_device("cuda")


def test_env_report_names_everything(capsys):
    report = env.env_report(torch.device("cpu"))
    for word in ("python", "torch", "numpy", "matplotlib", "ipywidgets", "device", "threads", "colab"):
        assert word in report
    assert "device      cpu" in report
    env.print_env("cpu")
    assert capsys.readouterr().out.strip() == report
