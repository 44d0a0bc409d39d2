"""Turning exam scores into letter grades."""

# The lowest score for each grade, best grade first; below the last one is "F".
THRESHOLDS = [(90, "A"), (80, "B"), (70, "C"), (60, "D")]


def letter_grade(score: int) -> str:
    """Return the letter grade for an exam ``score`` from 0 to 100.

    The grade is the letter of the first entry of ``THRESHOLDS`` whose minimum
    the score reaches: 90 and above is "A", 80-89 is "B", 70-79 is "C", 60-69
    is "D", and anything below 60 is "F". Raise ValueError if ``score`` is
    below 0 or above 100.

    Examples: 95 -> "A"; 90 -> "A"; 89 -> "B"; 60 -> "D"; 59 -> "F"; 0 -> "F".
    """
    raise NotImplementedError
