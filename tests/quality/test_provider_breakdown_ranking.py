"""The providers' ranking rule, without a database (quality/rates/ranking.py, docs/kpis.md#by-service-provider)."""

from decimal import Decimal

import pytest

from quality.rates import Direction, Rate
from quality.rates.ranking import Rank, rank

TEN = Decimal("0.1")


def lower(numerator: int, denominator: int) -> Rate:
    return Rate(numerator, denominator, threshold=TEN, direction=Direction.LOWER_IS_BETTER, bounded=False)


def higher(numerator: int, denominator: int) -> Rate:
    return Rate(numerator, denominator, threshold=TEN, direction=Direction.HIGHER_IS_BETTER)


def test_lower_is_better_ranks_the_lowest_first_and_ties_share_the_best_place():
    # 1 %, 2 %, 2 % (2/100 and 1/50 are equal as fractions), 3 %: places 1, 2, 2, 4.
    places = rank({"a": lower(1, 100), "b": lower(2, 100), "c": lower(1, 50), "d": lower(3, 100)})
    assert places == {"a": Rank(1, 4), "b": Rank(2, 4), "c": Rank(2, 4), "d": Rank(4, 4)}


def test_higher_is_better_ranks_the_highest_first():
    places = rank({"a": higher(9, 10), "b": higher(10, 10), "c": higher(18, 20)})
    assert places == {"a": Rank(2, 3), "b": Rank(1, 3), "c": Rank(2, 3)}


def test_too_few_records_or_no_data_is_not_ranked_nor_counted():
    places = rank({"a": lower(0, 20), "b": lower(1, 19), "c": lower(0, 0), "d": lower(5, 25)}, minimum=20)
    assert places == {"a": Rank(1, 2), "b": None, "c": None, "d": Rank(2, 2)}


def test_an_unbounded_complaint_rate_over_100_percent_is_ranked_last():
    assert rank({"a": lower(3, 2), "b": lower(1, 2)}) == {"a": Rank(2, 2), "b": Rank(1, 2)}


def test_rates_of_different_directions_are_not_ranked_together():
    with pytest.raises(ValueError):
        rank({"a": lower(1, 2), "b": higher(1, 2)})
