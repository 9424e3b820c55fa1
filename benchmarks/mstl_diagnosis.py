"""MSTL diagnosis: one MSTL decomposition per origin, many forecast variants from it.

The harness behind ``benchmarks/results/mstl_accuracy_diagnosis.log`` (issue 18): at each origin
it decomposes the training window once (statsmodels' MSTL, R's ``seasonal_deg=0``) and scores
forecasts built from the parts: the remainder by automatic ETS, ETS(A,N,N), ETS(A,Ad,N), its last
value, STL's last trend value plus an AR(p) of STL's residual; each season by the mean of its last
1, 3 or 5 cycles; an oracle level (the true mean over the horizon) to isolate the seasons' error;
and seasonal naive, repeat-last and single-season ETS(A,N,A) beside them. MASE is scaled by the
window's in-sample seasonal-naive error at the shortest season, averaged over origins.

Series: ``etth1``, ``etth1p`` (its first 14400 rows), ``etth2``, ``wth`` (NOAA wet bulb),
``seattle``, ``melb`` (Melbourne daily minimum temperatures: ``daily-min-temperatures.csv`` of the
GitHub repository jbrownlee/Datasets, path in the ``MELBOURNE_CSV`` environment variable).

Run: ``PYTHONPATH=. OMP_NUM_THREADS=1 python benchmarks/mstl_diagnosis.py <series> <window>
<origins> <step> <horizon> [<stl windows, comma-separated>]``, e.g. ``etth1 8760 20 168 168``.
"""

import os
import sys
import time
import warnings

import numpy as np
import pandas as pd
from statsmodels.tsa.seasonal import MSTL

from tsforecast import ETSForecaster, NaiveForecaster
from tsforecast.datasets import load_etth1, load_etth2, load_seattle_weather, load_weather_hourly

warnings.simplefilter("ignore")


def melbourne():
    path = os.environ.get("MELBOURNE_CSV")
    if not path:
        raise SystemExit("set MELBOURNE_CSV to the path of jbrownlee/Datasets' daily-min-temperatures.csv")
    return pd.read_csv(path)["Temp"].to_numpy(float)


SERIES = {
    "etth1": lambda: (load_etth1()["OT"].to_numpy(float), [24, 168]),
    "etth1p": lambda: (load_etth1()["OT"].to_numpy(float)[:14400], [24, 168]),
    "etth2": lambda: (load_etth2()["OT"].to_numpy(float), [24, 168]),
    "wth": lambda: (load_weather_hourly()["WetBulbCelsius"].to_numpy(float), [24, 168]),
    "seattle": lambda: (load_seattle_weather()["temp_max"].to_numpy(float), [7, 365]),
    "melb": lambda: (melbourne(), [7, 365]),
}


def h(n):
    return np.empty((n, 0))


def season_fc(S, m, H, K):
    # S: component (n,), forecast steps 1..H: mean over the last K cycles at the same phase
    n = len(S)
    K = min(K, n // m)
    cyc = np.mean([S[n - (k + 1) * m : n - k * m] for k in range(K)], axis=0)
    return cyc[np.arange(H) % m]


def ar_forecast(e, p, H):
    # OLS AR(p) without constant (STL's remainder has mean ~0); iterated forecasts
    X = np.column_stack([e[p - k - 1 : len(e) - k - 1] for k in range(p)])
    phi = np.linalg.lstsq(X, e[p:], rcond=None)[0]
    hist = list(e[-p:][::-1])
    out = []
    for _ in range(H):
        v = float(np.dot(phi, hist[:p]))
        out.append(v)
        hist.insert(0, v)
    return np.array(out)


def main(name, W, n_orig, step, H, swin=None):
    y, periods = SERIES[name]()
    m0 = periods[0]
    end = len(y) - H
    origins = [end - k * step for k in range(n_orig)][::-1]
    res = {}

    def add(key, fc, truth, scale):
        for hh in sorted({min(periods[0], H), H}):
            res.setdefault((key, hh), []).append(np.abs(fc[:hh] - truth[:hh]).mean() / scale)

    t0 = time.time()
    for o in origins:
        col = y[o - W : o]
        truth = y[o : o + H]
        scale = np.abs(col[m0:] - col[:-m0]).mean()
        kw = {"seasonal_deg": 0}
        d = MSTL(col, periods=periods, windows=swin, stl_kwargs=kw).fit()
        S = np.asarray(d.seasonal).reshape(W, -1)
        T = np.asarray(d.trend)
        R = col - S.sum(1)
        seas = {K: sum(season_fc(S[:, k], m, H, K) for k, m in enumerate(periods)) for K in (1, 3, 5)}
        # mixed: daily mean of 3, weekly last
        levels = {}
        for lab, est in [
            ("auto", ETSForecaster(seasonal=None)),
            ("ANN", ETSForecaster(error="add", trend=None, seasonal=None)),
            ("AAdN", ETSForecaster(error="add", trend="add", damped_trend=True, seasonal=None)),
        ]:
            mdl = est.fit(None, R)
            levels[lab] = mdl.predict(h(H))
            if lab == "auto":
                res.setdefault(("spec", mdl.model_specs_[0]), []).append(1)
        levels["last"] = np.full(H, R[-1])
        E = R - T
        for p in (1, 2, m0):
            levels[f"T+AR{p}"] = T[-1] + ar_forecast(E, p, H)
        levels["ETS(T)+AR2"] = ETSForecaster(seasonal=None).fit(None, T).predict(h(H)) + ar_forecast(E, 2, H)
        levels["trend-last"] = np.full(H, T[-1])  # STL trend end (no resid)
        for lab, L in levels.items():
            for K, Sf in seas.items():
                add(f"mstl L={lab} S=mean{K}", L + Sf, truth, scale)
        # oracle pieces: the best possible level (truth mean minus season) to isolate season error
        for K, Sf in list(seas.items())[:1] + [(0, np.zeros(H))]:
            for hh in sorted({min(periods[0], H), H}):
                fc = Sf[:hh] + np.mean(truth[:hh] - Sf[:hh])
                res.setdefault((f"oracle-level S=mean{K}", hh), []).append(
                    np.abs(fc - truth[:hh]).mean() / scale
                )
        # only the shortest season: the longer ones left in the remainder
        R0 = col - S[:, 0]
        for lab, est in [
            ("auto", ETSForecaster(seasonal=None)),
            ("ANN", ETSForecaster(error="add", trend=None, seasonal=None)),
        ]:
            add(
                f"mstl-s0only L={lab} S=mean1",
                est.fit(None, R0).predict(h(H)) + season_fc(S[:, 0], m0, H, 1),
                truth,
                scale,
            )
        # weekly component only added, daily dropped? no: weekly shrunk by half
        if True:  # the weekly season shrunk by half
            add(
                "mstl L=auto S=daily1+0.5weekly1",
                levels["auto"] + season_fc(S[:, 0], m0, H, 1) + 0.5 * season_fc(S[:, 1], periods[1], H, 1),
                truth,
                scale,
            )
        add(
            "naive-s0",
            NaiveForecaster("seasonal", seasonal_period=m0).fit(None, col).predict(h(H)),
            truth,
            scale,
        )
        if periods[1] < W // 2:
            add(
                "naive-s1",
                NaiveForecaster("seasonal", seasonal_period=periods[1]).fit(None, col).predict(h(H)),
                truth,
                scale,
            )
        add("naive-last", np.full(H, col[-1]), truth, scale)
        add(
            f"ETS(A,N,A) m={m0}",
            ETSForecaster(error="add", trend=None, seasonal="add", seasonal_period=m0)
            .fit(None, col)
            .predict(h(H)),
            truth,
            scale,
        )
        print(".", end="", file=sys.stderr, flush=True)
    print(f"\n{name} W={W} origins={n_orig} step={step} H={H} windows={swin}  ({time.time() - t0:.0f}s)")
    keys = sorted({k for k, _ in res if k != "spec"})
    hs = sorted({hh for k, hh in res if k != "spec"})
    print("model".ljust(32) + "".join(f"MASE h{hh}".rjust(11) for hh in hs))
    for k in keys:
        print(k.ljust(32) + "".join(f"{np.mean(res[(k, hh)]):11.3f}" for hh in hs))
    print("specs:", {kk: len(v) for (s, kk), v in res.items() if s == "spec"})


if __name__ == "__main__":
    if len(sys.argv) < 5:
        raise SystemExit(__doc__)
    a = sys.argv
    swin = [int(x) for x in a[7].split(",")] if len(a) > 7 else None
    main(a[1], int(a[2]), int(a[3]), int(a[4]), int(a[5]) if len(a) > 5 else 24, swin)
