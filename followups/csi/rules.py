"""The CSI arithmetic (docs/csi.md). Pure: no ORM, no clock, no settings.

A scored answer (a 1–5 scale, or a choice option carrying a score of 1–5) is mapped to
0–100 by ``(s − 1) ÷ 4 × 100``; free text and options without a score are not scored. A
response's CSI is the weighted mean of its mapped scores, ``Σ(weight × mapped) ÷ Σ(weight)``;
the index of a group (a station, a provider, a model, a month) is the plain mean of its
responses' CSI, so every response counts once whatever the number of questions it answered.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

LOWEST_SCORE = 1
HIGHEST_SCORE = 5
HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class ScoredAnswer:
    """One answer as the CSI sees it: its question's weight and its score 1–5 (None: not scored)."""

    weight: Decimal
    score: int | None


def mapped(score: int) -> Decimal:
    """A score of 1–5 on the CSI's 0–100 scale: 1 → 0, 2 → 25, 3 → 50, 4 → 75, 5 → 100."""
    if not 1 <= score <= 5:
        raise ValueError(f"a CSI score is 1 to 5, not {score}")
    return Decimal(score - LOWEST_SCORE) / Decimal(HIGHEST_SCORE - LOWEST_SCORE) * 100


def response_csi(answers: Iterable[ScoredAnswer]) -> Decimal | None:
    """Σ(weight × mapped) ÷ Σ(weight) over the scored answers, to 2 places (half up); None when
    nothing was scored or every scored answer weighs 0."""
    scored = [answer for answer in answers if answer.score is not None]
    total_weight = sum((answer.weight for answer in scored), Decimal(0))
    if not scored or total_weight == 0:
        return None
    weighted = sum((answer.weight * mapped(answer.score) for answer in scored), Decimal(0))
    return (weighted / total_weight).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def group_index(csis: Sequence[Decimal]) -> Decimal | None:
    """The index of a group: the mean of its responses' CSI, to 2 places (half up); None when empty."""
    return index_of_sum(sum(csis, Decimal(0)), len(csis))


def index_of_sum(total: Decimal, responses: int) -> Decimal | None:
    """The mean of ``responses`` CSI values summing to ``total`` (the database sums them), to 2
    places (half up); None for no responses."""
    if not responses:
        return None
    return (Decimal(total) / responses).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def rating_score(*, overall: int | None, csi: Decimal | None) -> int | None:
    """The 1–5 rating a program's response leaves where the dissatisfaction rate reads ratings:
    the overall question's score when it has one, else the response's CSI mapped back to 1–5
    (``1 + CSI ÷ 25``, half up); None when nothing was scored."""
    if overall is not None:
        return overall
    if csi is None:
        return None
    return int((1 + csi / 25).quantize(Decimal(1), rounding=ROUND_HALF_UP))
