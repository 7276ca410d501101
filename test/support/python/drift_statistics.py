"""Reference values of the drift statistics from scipy and numpy, for libs/statistics' tests.

Reads a JSON object of cases on stdin, writes the same keys with results on stdout:

    {"ks": [{"a": [...], "b": [...]}],
     "psi": [{"reference": [...], "current": [...], "bins": 10, "epsilon": 1e-4}],
     "psi_shares": [{"reference": [...], "current": [...], "epsilon": 1e-4}],
     "chisquare": [{"observed": [...], "shares": [...]}],
     "holm": [{"p": [...], "alpha": 0.05}],
     "kolmogorov": [0.5, 1.2]}

    python drift_statistics.py < cases.json

KS comes from scipy.stats.ks_2samp (method='exact') and scipy.stats.kstwobign; chi-square from
scipy.stats.chisquare; PSI and Holm are written here from their definitions in docs/drift.md
with numpy, independently of the TypeScript code (whole-array masks, not binary searches; the
textbook step-down loop for Holm's rejections). libs/statistics/fixtures/make_fixtures.py
imports this module; the integration test runs it live.
"""

from __future__ import annotations

import json
import math
import sys
import warnings
from typing import Any

import numpy as np
import scipy
from scipy import special, stats


def ks_case(a: list[float], b: list[float]) -> dict[str, Any]:
    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exact = stats.ks_2samp(x, y, method="exact")
    # scipy's own asymptotic (kstwo.sf(D, round(en))), for information: the TypeScript 'asymp'
    # is Kolmogorov's limit, kstwobign.sf(sqrt(en) * D), computed below from the raw D.
    asymp = stats.ks_2samp(x, y, method="asymp")
    m, n = sorted([float(len(x)), float(len(y))], reverse=True)
    en = m * n / (m + n)
    d = float(asymp.statistic)
    return {
        "m": len(x),
        "n": len(y),
        "statistic": d,
        "exact_statistic": float(exact.statistic),
        "exact_pvalue": float(exact.pvalue),
        # True when scipy could not do the exact computation and switched to its asymptotic.
        "exact_fell_back": any("Switching" in str(w.message) for w in caught),
        "kstwobign_pvalue": float(stats.kstwobign.sf(math.sqrt(en) * d)),
        "scipy_asymp_pvalue": float(asymp.pvalue),
    }


def bin_counts(values: np.ndarray, lows: np.ndarray, highs: np.ndarray) -> np.ndarray:
    """Counts in the right-closed bins (lo, hi], by whole-array masks."""
    return np.array([np.count_nonzero((values > lo) & (values <= hi)) for lo, hi in zip(lows, highs)])


def psi_case(
    reference: list[float], current: list[float], bins: int, epsilon: float
) -> dict[str, Any]:
    ref = np.asarray(reference, dtype=np.float64)
    cur = np.asarray(current, dtype=np.float64)
    cuts = np.quantile(ref, np.arange(1, bins) / bins, method="linear")
    edges = np.unique(cuts)
    bounds = np.concatenate(([-np.inf], edges, [np.inf]))
    lows, highs = bounds[:-1], bounds[1:]
    ref_counts = bin_counts(ref, lows, highs)
    cur_counts = bin_counts(cur, lows, highs)
    r = ref_counts / ref.size
    c = cur_counts / cur.size
    r_eps = np.where(ref_counts == 0, epsilon, r)
    c_eps = np.where(cur_counts == 0, epsilon, c)
    return {
        "value": float(np.sum((c_eps - r_eps) * np.log(c_eps / r_eps))),
        "edges": edges.tolist(),
        "reference_counts": ref_counts.tolist(),
        "current_counts": cur_counts.tolist(),
        "reference_shares": r.tolist(),
        "current_shares": c.tolist(),
    }


def psi_shares_case(reference: list[float], current: list[float], epsilon: float) -> dict[str, Any]:
    r = np.asarray(reference, dtype=np.float64)
    c = np.asarray(current, dtype=np.float64)
    r = np.where(r == 0, epsilon, r)
    c = np.where(c == 0, epsilon, c)
    return {"value": float(np.sum((c - r) * np.log(c / r)))}


def chisquare_case(observed: list[float], shares: list[float]) -> dict[str, Any]:
    obs = np.asarray(observed, dtype=np.float64)
    result = stats.chisquare(obs, f_exp=np.asarray(shares, dtype=np.float64) * obs.sum())
    return {
        "statistic": float(result.statistic),
        "df": len(obs) - 1,
        "pvalue": float(result.pvalue),
    }


def holm_case(p: list[float], alpha: float) -> dict[str, Any]:
    pv = np.asarray(p, dtype=np.float64)
    m = pv.size
    order = np.argsort(pv, kind="stable")
    multipliers = m - np.arange(m)
    adjusted_sorted = np.minimum(1.0, np.maximum.accumulate(multipliers * pv[order]))
    adjusted = np.empty(m)
    adjusted[order] = adjusted_sorted
    # Rejections by the step-down rule itself: p(j) <= alpha / (m - j + 1) until the first miss.
    rejected = np.zeros(m, dtype=bool)
    for rank, index in enumerate(order):
        if pv[index] > alpha / (m - rank):
            break
        rejected[index] = True
    return {"adjusted": adjusted.tolist(), "rejected": rejected.tolist()}


def kolmogorov_case(x: float) -> dict[str, Any]:
    return {"x": x, "sf": float(special.kolmogorov(x)), "kstwobign_sf": float(stats.kstwobign.sf(x))}


def reference_values(cases: dict[str, Any]) -> dict[str, Any]:
    return {
        "versions": {"scipy": scipy.__version__, "numpy": np.__version__},
        "ks": [ks_case(c["a"], c["b"]) for c in cases.get("ks", [])],
        "psi": [
            psi_case(c["reference"], c["current"], c["bins"], c["epsilon"])
            for c in cases.get("psi", [])
        ],
        "psi_shares": [
            psi_shares_case(c["reference"], c["current"], c["epsilon"])
            for c in cases.get("psi_shares", [])
        ],
        "chisquare": [chisquare_case(c["observed"], c["shares"]) for c in cases.get("chisquare", [])],
        "holm": [holm_case(c["p"], c["alpha"]) for c in cases.get("holm", [])],
        "kolmogorov": [kolmogorov_case(x) for x in cases.get("kolmogorov", [])],
    }


def main() -> None:
    json.dump(reference_values(json.load(sys.stdin)), sys.stdout)


if __name__ == "__main__":
    main()
