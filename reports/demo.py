"""Survey answers for generated data sets (``seed_demo --bookings N``), so that a generated year
shows a satisfaction index like a real one: most owners answer "good" or "very good"."""
from __future__ import annotations

import random

from django.db.models import OuterRef, Subquery

from bookings.models import Booking
from bookings.workflow import Status
from reports.models import SurveyResponse
from reports.survey import ELEMENTS

ANSWER_SHARE = 0.6  # of the completed requests
SCORE_WEIGHTS = {1: 2, 2: 8, 3: 55, 4: 35}


def generate_surveys(bookings, *, seed: int = 2026) -> int:
    """Answer the survey of about 60% of the completed ``bookings`` without one (bulk, no notices)."""
    rng = random.Random(seed)
    rows = []
    for pk in bookings.filter(status=Status.DONE, survey__isnull=True).values_list("pk", flat=True):
        if rng.random() >= ANSWER_SHARE:
            continue
        scores = {key: rng.choices(list(SCORE_WEIGHTS), weights=list(SCORE_WEIGHTS.values()))[0] for key, _l in ELEMENTS}
        rows.append(SurveyResponse(booking_id=pk, **scores))
    made = SurveyResponse.objects.bulk_create(rows, batch_size=1000)
    # Answered when the request was completed (auto_now_add stamped them now).
    closed = Booking.objects.filter(pk=OuterRef("booking_id")).values("closed_at")[:1]
    SurveyResponse.objects.filter(pk__in=[r.pk for r in made]).update(created_at=Subquery(closed), updated_at=Subquery(closed))
    return len(rows)
