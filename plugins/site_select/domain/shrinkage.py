"""Empirical-Bayes shrinkage of per-site means toward the mean of their group.

Why: a site's mean over one or two trials is mostly noise. Treating the area's sites as
draws from one population, the best estimate of a site's true rate is a weighted average of
its own mean and the population mean,

    shrunk = (n * site_mean + k * area_mean) / (n + k),

where n is the site's (recency-weighted) number of trials and k, the prior strength, is
the ratio of within-site (trial-to-trial) variance to between-site variance. With k = 3, one
trial at 10/month in an area averaging 4/month shrinks to (10 + 12) / 4 = 5.5, while ten
trials at 8/month stay at (80 + 12) / 13 = 7.1: the long good record ranks first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

DEFAULT_PRIOR_STRENGTH = 3.0
MIN_PRIOR_STRENGTH = 0.5
MAX_PRIOR_STRENGTH = 25.0


def shrink(
    site_mean: float | None, weight: float, prior_mean: float | None, prior_strength: float
) -> float | None:
    """Posterior mean ``(weight * site_mean + k * prior_mean) / (weight + k)``.

    Without site data the prior mean is returned; without a prior the site mean.
    """
    if site_mean is None or weight <= 0:
        return prior_mean
    if prior_mean is None or prior_strength <= 0:
        return site_mean
    return (weight * site_mean + prior_strength * prior_mean) / (weight + prior_strength)


def _variance(values: Sequence[float]) -> float:
    mean = sum(values) / len(values)
    return sum((value - mean) ** 2 for value in values) / (len(values) - 1)


def estimate_prior_strength(per_site_values: Iterable[Sequence[float]]) -> float:
    """Method-of-moments estimate of k = within-site variance / between-site variance.

    The between-site variance is the variance of site means minus the part their sampling
    noise explains (within variance x mean of 1/n). Falls back to DEFAULT_PRIOR_STRENGTH
    when there is too little data, and is clamped to [MIN, MAX] so one odd area cannot
    switch shrinkage off or make every site identical.
    """
    groups = [list(values) for values in per_site_values if values]
    repeated = [values for values in groups if len(values) >= 2]
    if len(groups) < 3 or not repeated:
        return DEFAULT_PRIOR_STRENGTH
    within_ss = sum(_variance(values) * (len(values) - 1) for values in repeated)
    within = within_ss / sum(len(values) - 1 for values in repeated)
    means = [sum(values) / len(values) for values in groups]
    noise = within * sum(1 / len(values) for values in groups) / len(groups)
    between = _variance(means) - noise
    if within <= 0:
        return MIN_PRIOR_STRENGTH
    if between <= 0:
        return MAX_PRIOR_STRENGTH
    return min(MAX_PRIOR_STRENGTH, max(MIN_PRIOR_STRENGTH, within / between))
