import pytest

from search.fusion import convex, ranks, rrf


def test_ranks_best_first_and_ties_by_id():
    assert ranks({7: 0.5, 3: 0.9, 5: 0.5}) == {3: 1, 5: 2, 7: 3}


def test_rrf_rewards_agreement_between_sides():
    lexical = {1: 9.0, 2: 5.0, 3: 1.0}
    semantic = {2: 0.9, 4: 0.8, 1: 0.1}
    fused = rrf(lexical, semantic)
    assert max(fused, key=fused.get) in (1, 2)
    assert fused[2] > fused[4] and fused[2] > fused[3]


def test_rrf_weight_zero_is_lexical_order():
    fused = rrf({1: 3.0, 2: 2.0}, {2: 0.9, 3: 0.8}, weight=0.0)
    assert fused[1] > fused[2] and fused[3] == 0.0


def test_convex_scales_each_side_then_mixes():
    fused = convex({1: 10.0, 2: 5.0}, {1: 0.80, 2: 0.90, 3: 0.85}, weight=0.5)
    assert fused[1] == pytest.approx(0.5 * 1.0 + 0.5 * 0.0)
    assert fused[2] == pytest.approx(0.5 * 0.5 + 0.5 * 1.0)
    assert fused[3] == pytest.approx(0.5 * 0.0 + 0.5 * 0.5)


def test_convex_without_lexical_matches_is_semantic_only():
    fused = convex({}, {1: 0.7, 2: 0.9}, weight=0.3)
    assert fused == pytest.approx({1: 0.0, 2: 0.3})
