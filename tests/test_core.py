"""The modality-agnostic engine: training length, history, validation, divergence, device fallback."""

import math

import pytest
import torch

from ganaug.core import GeneratorModel, Hook, MovingAverage, Validation, log_interval, run_steps, step_budget


def test_step_budget_and_log_interval():
    assert step_budget(5, None, 7, lambda: 99) == 35
    assert step_budget("auto", None, 7, lambda: 99) == 99
    assert step_budget(5, 12, 7, lambda: 99) == 12
    assert log_interval(19_500, 65) == 98  # at most 200 records
    assert log_interval(300, 65) == 65  # never less than an epoch
    assert log_interval(2000, 1) == 10


def _counting_step(module, nan_at=None):
    calls = {"n": 0}

    def step():
        calls["n"] += 1
        with torch.no_grad():
            module.weight += 1.0
        loss = float("nan") if nan_at is not None and calls["n"] >= nan_at else 1.0
        return torch.tensor([loss, 2.0])

    return step, calls


def test_history_records_steps_epochs_and_means():
    module = torch.nn.Linear(1, 1, bias=False)
    step, calls = _counting_step(module)
    history = run_steps(
        step,
        ("a", "b"),
        n_steps=10,
        log_every=4,
        device=torch.device("cpu"),
        verbose=False,
        steps_per_epoch=2,
    )
    assert calls["n"] == 10
    assert [h["step"] for h in history] == [4, 8, 10]
    assert [h["epoch"] for h in history] == [2, 4, 5]
    assert all(h["a"] == 1.0 and h["b"] == 2.0 for h in history)


def test_divergence_stops_and_puts_back_the_last_finite_weights():
    module = torch.nn.Linear(1, 1, bias=False)
    torch.nn.init.zeros_(module.weight)
    step, calls = _counting_step(module, nan_at=7)
    with pytest.warns(RuntimeWarning, match="non-finite by step 9"):
        history = run_steps(
            step, ("a", "b"), n_steps=30, log_every=3, device=torch.device("cpu"), verbose=False, keep=module
        )
    assert calls["n"] == 9 and len(history) == 3
    assert module.weight.item() == 6.0  # the weights after step 6, the last interval with finite losses


def test_validation_stops_early_and_restores_the_best():
    module = torch.nn.Linear(1, 1, bias=False)
    torch.nn.init.zeros_(module.weight)
    step, _ = _counting_step(module)
    # the score falls until the weight reaches 4, then rises: best weights are 4
    validation = Validation(lambda: (module.weight - 4.0).abs().sum(), module, n_iter_no_change=3, tol=0.0)
    history = run_steps(
        step,
        ("a", "b"),
        n_steps=100,
        log_every=1,
        device=torch.device("cpu"),
        verbose=False,
        validation=validation,
    )
    assert [h["val_score"] for h in history] == [3, 2, 1, 0, 1, 2, 3]
    assert module.weight.item() == 4.0 and math.isclose(validation.best, 0.0)


class _Tiny(GeneratorModel):
    def __init__(self, device):
        self.size = 3
        self._build(device)

    def _build(self, device):
        self.device = device
        self.generator = torch.nn.Linear(self.size, 1).to(device)


def test_model_state_falls_back_to_the_cpu_with_a_warning():
    if torch.cuda.is_available():
        pytest.skip("needs a machine without CUDA")
    model = _Tiny(torch.device("cpu"))
    state = model.__getstate__()
    assert "generator" not in state and state["device"] == "cpu"
    state["device"] = "cuda:0"  # what a CUDA-trained model stores
    loaded = _Tiny.__new__(_Tiny)
    with pytest.warns(RuntimeWarning, match="not available here"):
        loaded.__setstate__(state)
    assert loaded.device.type == "cpu"
    torch.testing.assert_close(loaded.generator.weight, model.generator.weight)


def test_divergence_after_validation_keeps_the_best_validated_weights():
    module = torch.nn.Linear(1, 1, bias=False)
    torch.nn.init.zeros_(module.weight)
    step, _ = _counting_step(module, nan_at=9)
    validation = Validation(lambda: (module.weight - 2.0).abs().sum(), module, n_iter_no_change=50, tol=0.0)
    with pytest.warns(RuntimeWarning, match="non-finite"):
        run_steps(
            step,
            ("a", "b"),
            n_steps=30,
            log_every=1,
            device=torch.device("cpu"),
            verbose=False,
            keep=module,
            validation=validation,
        )
    assert module.weight.item() == 2.0  # the best scored, not the last finite (8)


def _run(step, n_steps, log_every, **kwargs):
    """run_steps on the CPU, quietly, with the two losses of _counting_step."""
    return run_steps(
        step,
        ("a", "b"),
        n_steps=n_steps,
        log_every=log_every,
        device=torch.device("cpu"),
        verbose=False,
        **kwargs,
    )


class _Recorder(Hook):
    """Logs every call; adds the module's weight to each record and asks to stop at ``stop_at``."""

    def __init__(self, module, calls, stop_at=None):
        self.module, self.calls, self.stop_at = module, calls, stop_at

    def before_step(self):
        self.calls.append(("before", self.module.weight.item()))

    def after_step(self):
        self.calls.append(("after", self.module.weight.item()))

    def on_record(self, record):
        record["weight"] = self.module.weight.item()
        self.calls.append(("record", record["step"]))
        return self.stop_at is not None and record["step"] >= self.stop_at

    def on_divergence(self):
        self.calls.append(("divergence",))

    def on_end(self):
        self.calls.append(("end",))


def test_hooks_run_around_every_step_and_at_every_record():
    module = torch.nn.Linear(1, 1, bias=False)
    torch.nn.init.zeros_(module.weight)
    step, _ = _counting_step(module)
    calls = []
    history = _run(step, 5, 2, hooks=[_Recorder(module, calls)])
    steps = [c for c in calls if c[0] in ("before", "after")]
    assert steps == [(k, w) for i in range(5) for k, w in (("before", float(i)), ("after", i + 1.0))]
    assert [c for c in calls if c[0] == "record"] == [("record", 2), ("record", 4), ("record", 5)]
    assert calls[-1] == ("end",) and [h["weight"] for h in history] == [2.0, 4.0, 5.0]


def test_a_hook_stops_training_and_divergence_skips_on_end():
    module = torch.nn.Linear(1, 1, bias=False)
    step, calls_n = _counting_step(module)
    calls = []
    _run(step, 30, 3, hooks=[_Recorder(module, calls, stop_at=6)])
    assert calls_n["n"] == 6 and calls[-1] == ("end",)
    step, _ = _counting_step(module, nan_at=4)
    calls = []
    with pytest.warns(RuntimeWarning, match="non-finite"):
        history = _run(step, 30, 3, hooks=[_Recorder(module, calls)])
    assert calls[-1] == ("divergence",) and ("end",) not in calls and "weight" not in history[-1]


@pytest.mark.parametrize("decay, warmup", [(0.5, 10.0), (0.7, 2.0), (0.5, 2.0)])
def test_moving_average_is_a_hook_that_follows_the_weights(decay, warmup):
    """The decay is capped by the ramp ``(1 + t) / (warmup + t)``: always, at first, never."""
    module = torch.nn.Linear(1, 1, bias=False)
    torch.nn.init.zeros_(module.weight)
    step, _ = _counting_step(module)
    average = MovingAverage(module, decay=decay, warmup=warmup)
    _run(step, 4, 2, hooks=[average])
    assert average.steps == 4
    expected = 0.0
    for t, w in enumerate([1.0, 2.0, 3.0, 4.0], start=1):
        rate = min(decay, (1 + t) / (warmup + t))
        expected = rate * expected + (1 - rate) * w
    assert average.average.weight.item() == pytest.approx(expected)
