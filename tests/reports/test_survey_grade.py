"""The grade table covers every index the survey can produce: 25 (all ones) to 100 (all fours)."""
from reports.survey import ELEMENTS, grade, ikm_from_averages


def test_the_lowest_and_highest_possible_indexes_have_a_grade():
    lowest = ikm_from_averages({key: 1 for key, _label in ELEMENTS})
    highest = ikm_from_averages({key: 4 for key, _label in ELEMENTS})
    assert (lowest, highest) == (25.0, 100.0)
    assert grade(lowest)[0] == "D" and grade(highest)[0] == "A"
    assert grade(None) is None
