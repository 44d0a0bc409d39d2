"""A tiny calculator for reverse Polish notation."""


def eval_rpn(tokens: list[str]) -> int:
    """Evaluate an integer expression written in reverse Polish notation.

    ``tokens`` holds integers (such as "3" or "-4") and the operators "+", "-"
    and "*". Process the tokens from left to right with a stack: push each
    number; for an operator, pop the top value b, then the next value a, and
    push a <op> b. The answer is the single value left at the end. Raise
    ValueError if an operator finds fewer than two values on the stack, or if
    the stack does not hold exactly one value at the end (this includes an
    empty ``tokens``).

    Examples: ["2", "3", "+"] -> 5; ["10", "4", "-"] -> 6; ["-3", "2", "*"] -> -6;
    ["5", "1", "2", "+", "4", "*", "+", "3", "-"] -> 14.
    """
    import operator

    ops = {"+": operator.add, "-": operator.sub, "*": operator.mul}
    stack = []
    for token in tokens:
        if token in ops:
            try:
                b = stack.pop()
                a = stack.pop()
            except IndexError:
                raise ValueError("stack underflow") from None
            stack.append(ops[token](a, b))
        else:
            stack.append(int(token))
    if len(stack) != 1:
        raise ValueError("bad expression")
    return stack.pop()
