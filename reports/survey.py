"""The community satisfaction survey (Survei Kepuasan Masyarakat, PermenPAN-RB 14/2017).

Nine elements scored 1–4. The satisfaction index (IKM) weights every element equally
(1/9 ≈ 0.111): IKM = 25 × Σ (average score of element i × 1/9), from 25 to 100, rounded to two
decimals. Grades (the regulation's quality of service, "mutu pelayanan"):
A Sangat baik 88,31–100; B Baik 76,61–88,30; C Kurang baik 65,00–76,60; D Tidak baik 25,00–64,99.
The grade is read from the rounded index, compared as a decimal so that 76,60 is C and 76,61 is B.
"""
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count
from django.utils.translation import gettext_lazy as _

ELEMENTS = [
    ("u1", _("Requirements")),
    ("u2", _("Procedure")),
    ("u3", _("Completion time")),
    ("u4", _("Cost / tariff")),
    ("u5", _("The product of the service")),
    ("u6", _("Competence of the staff")),
    ("u7", _("Behaviour of the staff")),
    ("u8", _("Handling of complaints and suggestions")),
    ("u9", _("Facilities")),
]
NOT_GOOD, FAIR, GOOD, VERY_GOOD = _("Not good"), _("Fair"), _("Good"), _("Very good")  # id: Tidak / Kurang / Baik / Sangat
SCORES = [(1, NOT_GOOD), (2, FAIR), (3, GOOD), (4, VERY_GOOD)]
# (lowest index of the grade, letter, label); the regulation's table, highest first.
GRADES = [
    (Decimal("88.31"), "A", VERY_GOOD),
    (Decimal("76.61"), "B", GOOD),
    (Decimal("65.00"), "C", FAIR),
    (Decimal("25.00"), "D", NOT_GOOD),
]


def ikm_from_averages(averages: dict[str, float | None]) -> float | None:
    values = [averages.get(key) for key, _label in ELEMENTS]
    if any(v is None for v in values):
        return None
    return float(_two_decimals(25 * sum(v / len(ELEMENTS) for v in values)))


def _two_decimals(value) -> Decimal:
    """Rounded half up, as the index is written (76,605 → 76,61)."""
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def grade(ikm: float | None):
    """(letter, label) of an index from 25 to 100; None without an index."""
    if ikm is None:
        return None
    value = _two_decimals(ikm)
    for floor, letter, label in GRADES:  # D starts at 25, the lowest index nine scores of 1 can give
        if value >= floor:
            return letter, label


def ikm(responses) -> dict:
    """Averages per element, the index and its grade, from one aggregate query."""
    row = responses.aggregate(n=Count("pk"), **{key: Avg(key) for key, _label in ELEMENTS})
    index = ikm_from_averages(row)
    return {"responses": row["n"], "averages": {k: row[k] for k, _l in ELEMENTS}, "ikm": index, "grade": grade(index)}


def ikm_by(responses, group: str) -> list[dict]:
    """The index per group (e.g. per service), one grouped query."""
    rows = responses.values(group).annotate(n=Count("pk"), **{key: Avg(key) for key, _label in ELEMENTS}).order_by(group)
    return [{"group": row[group], "responses": row["n"], "ikm": ikm_from_averages(row), "grade": grade(ikm_from_averages(row))} for row in rows]
