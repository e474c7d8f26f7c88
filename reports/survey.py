"""The community satisfaction survey (Survei Kepuasan Masyarakat, PermenPAN-RB 14/2017).

Nine elements scored 1–4. The satisfaction index (IKM) weights every element equally
(1/9 ≈ 0.111): IKM = 25 × Σ (average score of element i × 1/9), from 25 to 100. Grades:
A (very good) 88.31–100, B (good) 76.61–88.30, C (not good) 65.00–76.60, D (poor) 25.00–64.99.
"""
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
SCORES = [(1, _("Not good")), (2, _("Fair")), (3, _("Good")), (4, _("Very good"))]
GRADES = [(88.31, "A", _("Very good")), (76.61, "B", _("Good")), (65.00, "C", _("Not good")), (25.00, "D", _("Poor"))]


def ikm_from_averages(averages: dict[str, float | None]) -> float | None:
    values = [averages.get(key) for key, _label in ELEMENTS]
    if any(v is None for v in values):
        return None
    return round(25 * sum(v / len(ELEMENTS) for v in values), 2)


def grade(ikm: float | None):
    if ikm is None:
        return None
    for floor, letter, label in GRADES:
        if ikm >= floor:
            return letter, label
    return "D", GRADES[-1][2]


def ikm(responses) -> dict:
    """Averages per element, the index and its grade, from one aggregate query."""
    row = responses.aggregate(n=Count("pk"), **{key: Avg(key) for key, _label in ELEMENTS})
    index = ikm_from_averages(row)
    return {"responses": row["n"], "averages": {k: row[k] for k, _l in ELEMENTS}, "ikm": index, "grade": grade(index)}


def ikm_by(responses, group: str) -> list[dict]:
    """The index per group (e.g. per service), one grouped query."""
    rows = responses.values(group).annotate(n=Count("pk"), **{key: Avg(key) for key, _label in ELEMENTS}).order_by(group)
    return [{"group": row[group], "responses": row["n"], "ikm": ikm_from_averages(row), "grade": grade(ikm_from_averages(row))} for row in rows]
