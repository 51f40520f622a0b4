"""One contract test for every forecaster, plus seasonality recovery."""

import numpy as np
import pytest

from forecasting import MODEL_NAMES, make_model

SPD = 48  # 30-minute slots


def _series(weeks: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(weeks * 7 * SPD)
    daily = np.clip(np.sin(np.pi * ((t % SPD) - 16) / 28), 0, None)
    weekly = np.where((t // SPD) % 7 < 5, 1.0, 0.6)
    return rng.poisson(80 * daily * weekly).astype(float)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_forecaster_contract(name):
    y = _series(10)
    h = 3 * SPD + 5
    model = make_model(name, SPD)
    a = model.fit(y).predict(h, level=(80, 95))
    b = make_model(name, SPD).forecast(y, h, level=(80, 95))
    assert set(a) == {"mean", "lo_80", "hi_80", "lo_95", "hi_95"}
    for key in a:
        assert a[key].shape == (h,)
        np.testing.assert_allclose(a[key], b[key])
    assert np.all(a["lo_95"] <= a["lo_80"] + 1e-9)
    assert np.all(a["lo_80"] <= a["mean"] + 1e-9)
    assert np.all(a["mean"] <= a["hi_80"] + 1e-9)
    assert np.all(a["hi_80"] <= a["hi_95"] + 1e-9)
    assert np.all(a["lo_95"] >= 0)
    assert set(make_model(name, SPD).fit(y).predict(4)) == {"mean"}


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_forecaster_rejects_bad_input(name):
    model = make_model(name, SPD)
    with pytest.raises(ValueError, match="y must"):
        model.fit(np.ones(10))
    with pytest.raises(ValueError, match="y must be >= 0"):
        model.fit(-_series(3))
    with pytest.raises(ValueError, match="X must be None"):
        model.fit(_series(3), X=np.ones((3 * 7 * SPD, 1)))
    with pytest.raises(ValueError, match="fitted"):
        make_model(name, SPD).predict(3)
    with pytest.raises(ValueError, match="h must"):
        model.fit(_series(3)).predict(0)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_forecaster_recovers_seasonality(name):
    """Noise-free weekly pattern: every model must reproduce it nearly exactly."""
    t = np.arange(12 * 7 * SPD)
    y = 50 * np.clip(np.sin(np.pi * ((t % SPD) - 16) / 28), 0, None) * np.where((t // SPD) % 7 < 5, 1.0, 0.5)
    pred = make_model(name, SPD).forecast(y[: 11 * 7 * SPD], 7 * SPD)["mean"]
    actual = y[11 * 7 * SPD:]
    assert np.abs(pred - actual).sum() / actual.sum() < 0.05


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_forecaster_handles_missing_values(name):
    y = _series(8)
    y[5 * 7 * SPD + 10: 5 * 7 * SPD + 100] = np.nan
    pred = make_model(name, SPD).forecast(y, 2 * SPD, level=(80,))
    assert np.all(np.isfinite(pred["mean"])) and np.all(np.isfinite(pred["hi_80"]))


def test_unknown_model_name():
    with pytest.raises(ValueError, match="model must be one of"):
        make_model("prophet", SPD)
