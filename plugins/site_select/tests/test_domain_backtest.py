"""Back-test on generated data: NDCG@10 of our ranking against the historical mean and random order."""

import math

import pytest

from plugins.site_select.domain import backtest, generate_dataset, ndcg_at_k


def test_ndcg_by_hand():
    relevance = {1: 3.0, 2: 2.0, 3: 0.0, 4: 1.0}
    assert ndcg_at_k([1, 2, 4, 3], relevance, k=4) == pytest.approx(1.0)
    # DCG of [3, 1, 2, 4] = 0/1 + 3/log2(3) + 2/log2(4) + 1/log2(5); ideal = 3 + 2/log2(3) + 1/2
    dcg = 3 / math.log2(3) + 2 / 2 + 1 / math.log2(5)
    ideal = 3 + 2 / math.log2(3) + 1 / 2
    assert ndcg_at_k([3, 1, 2, 4], relevance, k=4) == pytest.approx(dcg / ideal)
    assert ndcg_at_k([3, 1], relevance, k=1) == 0.0
    assert ndcg_at_k([1], {1: 0.0}, k=10) == 0.0
    with pytest.raises(ValueError, match="k must be"):
        ndcg_at_k([1], relevance, k=0)


def test_ranking_beats_the_historical_mean_and_random_order():
    sites, history = generate_dataset(7, 5000, 400)
    result = backtest(sites, history, cutoff_year=2017, k=10)
    print(
        f"\nNDCG@10 over {result['trials']} trials from 2017 on: ours {result['ours']:.4f}, "
        f"historical mean {result['historical_mean']:.4f}, random {result['random']:.4f}"
    )
    assert result["trials"] >= 100
    assert result["ours"] > result["historical_mean"]
    assert result["ours"] > result["random"]
    assert result["historical_mean"] > result["random"]
