"""The CSI arithmetic (followups/csi/rules.py, docs/csi.md), worked by hand. No database."""

from decimal import Decimal

import pytest

from followups.csi.rules import ScoredAnswer, group_index, mapped, rating_score, response_csi

D = Decimal


@pytest.mark.parametrize(("score", "expected"), [(1, D(0)), (2, D(25)), (3, D(50)), (4, D(75)), (5, D(100))])
def test_a_score_maps_to_0_to_100(score, expected):
    assert mapped(score) == expected


@pytest.mark.parametrize("score", [0, 6, -1])
def test_a_score_off_the_scale_is_refused(score):
    with pytest.raises(ValueError):
        mapped(score)


def test_the_response_csi_is_the_weighted_mean_of_the_scored_answers():
    # reception 5 (100) ×1, repair quality 4 (75) ×2, price "clear" option scored 5 (100) ×1,
    # overall 4 (75) ×2, free text (not scored): (100 + 150 + 100 + 150) / 6 = 83.333… → 83.33
    answers = [ScoredAnswer(D(1), 5), ScoredAnswer(D(2), 4), ScoredAnswer(D(1), 5), ScoredAnswer(D(2), 4)]
    assert response_csi([*answers, ScoredAnswer(D(0), None)]) == D("83.33")


def test_an_unscored_option_leaves_its_weight_out():
    # reception 3 (50) ×1, quality 5 (100) ×2, price option with no score ×1, overall 5 (100) ×2:
    # (50 + 200 + 200) / 5 = 90, the unscored option's weight is in neither sum.
    answers = [ScoredAnswer(D(1), 3), ScoredAnswer(D(2), 5), ScoredAnswer(D(1), None), ScoredAnswer(D(2), 5)]
    assert response_csi(answers) == D("90.00")


def test_halves_round_up():
    # 25 ×1 and 50 ×2 and 25 ×1 and 50 ×2: (25 + 100 + 25 + 100) / 6 = 41.666… → 41.67
    answers = [ScoredAnswer(D(1), 2), ScoredAnswer(D(2), 3), ScoredAnswer(D(1), 2), ScoredAnswer(D(2), 3)]
    assert response_csi(answers) == D("41.67")
    # 83.33 and 90.00: 86.665 → 86.67
    assert group_index([D("83.33"), D("90.00")]) == D("86.67")


@pytest.mark.parametrize(
    "answers", [[], [ScoredAnswer(D(1), None)], [ScoredAnswer(D(0), 5)]], ids=["none", "unscored", "weightless"]
)
def test_nothing_scored_has_no_csi(answers):
    assert response_csi(answers) is None


def test_the_index_of_a_group_is_the_mean_of_its_responses():
    assert group_index([D("83.33"), D("90.00"), D("41.67")]) == D("71.67")  # 215 / 3 = 71.666…
    assert group_index([]) is None


@pytest.mark.parametrize(
    ("overall", "csi", "expected"),
    [(3, D("90.00"), 3), (None, D("90.00"), 5), (None, D("37.50"), 3), (None, D("0"), 1), (None, None, None)],
)
def test_the_rating_a_response_leaves(overall, csi, expected):
    # The overall answer when there is one, else 1 + CSI / 25 half up (90 → 4.6 → 5; 37.5 → 2.5 → 3).
    assert rating_score(overall=overall, csi=csi) == expected
