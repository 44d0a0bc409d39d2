"""Interpreter for the calc language described in README.md."""


class CalcError(Exception):
    """Base class of all calc errors."""


class ParseError(CalcError):
    """The program text is malformed. ``line`` is the 1-based line of the problem."""

    def __init__(self, message, line):
        super().__init__(message)
        self.line = line


class EvalError(CalcError):
    """An error while running the program."""


class Interpreter:
    """Keeps global variables and functions across ``run`` calls."""

    def run(self, source):
        """Run ``source`` and return the text it printed."""
        raise NotImplementedError


def run(source):
    """Run ``source`` in a fresh interpreter and return the text it printed."""
    return Interpreter().run(source)
