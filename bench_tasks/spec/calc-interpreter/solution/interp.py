"""Interpreter for the calc language described in README.md."""

import math


class CalcError(Exception):
    """Base class of all calc errors."""


class ParseError(CalcError):
    """The program text is malformed. ``line`` is the 1-based line of the problem."""

    def __init__(self, message, line):
        super().__init__(message)
        self.line = line


class EvalError(CalcError):
    """An error while running the program."""


KEYWORDS = {"let", "def", "print", "if", "then", "else", "and", "or", "not"}
BUILTINS = {"abs", "min", "max", "sqrt"}
TWO_CHAR_OPS = {"//", "==", "!=", "<=", ">="}
ONE_CHAR_OPS = set("+-*/%^(),=<>")
MAX_CALL_DEPTH = 400


# --- lexer --------------------------------------------------------------------------


class Token:
    __slots__ = ("kind", "value", "line")

    def __init__(self, kind, value, line):
        self.kind, self.value, self.line = kind, value, line

    def __repr__(self):
        return f"Token({self.kind}, {self.value!r}, {self.line})"


def tokenize(source):
    tokens = []
    i, line, depth, n = 0, 1, 0, len(source)
    while i < n:
        c = source[i]
        if c in " \t":
            i += 1
        elif c == "#":
            while i < n and source[i] != "\n":
                i += 1
        elif c == "\n":
            if depth == 0:
                tokens.append(Token("sep", "\n", line))
            line += 1
            i += 1
        elif c == ";":
            tokens.append(Token("sep", ";", line))
            i += 1
        elif "0" <= c <= "9":
            j = i
            while j < n and "0" <= source[j] <= "9":
                j += 1
            is_float = False
            if j < n and source[j] == ".":
                k = j + 1
                if not (k < n and "0" <= source[k] <= "9"):
                    raise ParseError("malformed number", line)
                while k < n and "0" <= source[k] <= "9":
                    k += 1
                j, is_float = k, True
            if j < n and (source[j].isalnum() or source[j] in "_."):
                raise ParseError("malformed number", line)
            text = source[i:j]
            tokens.append(Token("num", float(text) if is_float else int(text), line))
            i = j
        elif c.isascii() and (c.isalpha() or c == "_"):
            j = i
            while j < n and source[j].isascii() and (source[j].isalnum() or source[j] == "_"):
                j += 1
            word = source[i:j]
            tokens.append(Token("kw" if word in KEYWORDS else "name", word, line))
            i = j
        elif source[i:i + 2] in TWO_CHAR_OPS:
            tokens.append(Token("op", source[i:i + 2], line))
            i += 2
        elif c in ONE_CHAR_OPS:
            if c == "(":
                depth += 1
            elif c == ")":
                depth = max(0, depth - 1)
            tokens.append(Token("op", c, line))
            i += 1
        else:
            raise ParseError(f"unexpected character {c!r}", line)
    tokens.append(Token("eof", None, line))
    return tokens


# --- parser -------------------------------------------------------------------------


class Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.pos = 0

    def peek(self):
        return self.tokens[self.pos]

    def next(self):
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def at(self, kind, value=None):
        tok = self.peek()
        return tok.kind == kind and (value is None or tok.value == value)

    def accept(self, kind, value=None):
        if self.at(kind, value):
            return self.next()
        return None

    def expect(self, kind, value=None):
        if self.at(kind, value):
            return self.next()
        tok = self.peek()
        want = value if value is not None else kind
        got = "end of input" if tok.kind == "eof" else repr(tok.value)
        raise ParseError(f"expected {want}, got {got}", tok.line)

    def fail(self):
        tok = self.peek()
        got = "end of input" if tok.kind == "eof" else repr(tok.value)
        raise ParseError(f"unexpected {got}", tok.line)

    # program / statements

    def program(self):
        stmts = []
        while True:
            while self.accept("sep"):
                pass
            if self.at("eof"):
                return stmts
            stmts.append(self.statement())
            if not self.at("eof"):
                self.expect("sep")

    def statement(self):
        if self.accept("kw", "let"):
            name = self.expect("name").value
            self.expect("op", "=")
            return ("let", name, self.expr())
        if self.accept("kw", "def"):
            tok = self.expect("name")
            self.expect("op", "(")
            params = []
            if not self.at("op", ")"):
                while True:
                    p = self.expect("name")
                    if p.value in params:
                        raise ParseError(f"duplicate parameter {p.value!r}", p.line)
                    params.append(p.value)
                    if not self.accept("op", ","):
                        break
            self.expect("op", ")")
            self.expect("op", "=")
            return ("def", tok.value, params, self.expr())
        if self.accept("kw", "print"):
            values = [self.expr()]
            while self.accept("op", ","):
                values.append(self.expr())
            return ("print", values)
        return ("expr", self.expr())

    # expressions

    def expr(self):
        if self.accept("kw", "if"):
            cond = self.expr()
            self.expect("kw", "then")
            yes = self.expr()
            self.expect("kw", "else")
            no = self.expr()
            return ("if", cond, yes, no)
        return self.or_expr()

    def or_expr(self):
        left = self.and_expr()
        while self.accept("kw", "or"):
            left = ("or", left, self.and_expr())
        return left

    def and_expr(self):
        left = self.not_expr()
        while self.accept("kw", "and"):
            left = ("and", left, self.not_expr())
        return left

    def not_expr(self):
        if self.accept("kw", "not"):
            return ("not", self.not_expr())
        return self.comparison()

    def comparison(self):
        left = self.additive()
        tok = self.peek()
        if tok.kind == "op" and tok.value in ("==", "!=", "<", "<=", ">", ">="):
            self.next()
            right = self.additive()
            nxt = self.peek()
            if nxt.kind == "op" and nxt.value in ("==", "!=", "<", "<=", ">", ">="):
                raise ParseError("comparisons cannot be chained", nxt.line)
            return ("cmp", tok.value, left, right)
        return left

    def additive(self):
        left = self.term()
        while self.peek().kind == "op" and self.peek().value in ("+", "-"):
            op = self.next().value
            left = ("bin", op, left, self.term())
        return left

    def term(self):
        left = self.unary()
        while self.peek().kind == "op" and self.peek().value in ("*", "/", "//", "%"):
            op = self.next().value
            left = ("bin", op, left, self.unary())
        return left

    def unary(self):
        tok = self.peek()
        if tok.kind == "op" and tok.value in ("-", "+"):
            self.next()
            return ("neg" if tok.value == "-" else "pos", self.unary())
        return self.power()

    def power(self):
        base = self.primary()
        if self.accept("op", "^"):
            return ("bin", "^", base, self.unary())
        return base

    def primary(self):
        tok = self.peek()
        if tok.kind == "num":
            self.next()
            return ("num", tok.value)
        if tok.kind == "name":
            self.next()
            if self.accept("op", "("):
                args = []
                if not self.at("op", ")"):
                    args.append(self.expr())
                    while self.accept("op", ","):
                        args.append(self.expr())
                self.expect("op", ")")
                return ("call", tok.value, args)
            return ("var", tok.value)
        if self.accept("op", "("):
            inner = self.expr()
            self.expect("op", ")")
            return inner
        self.fail()


def parse(source):
    try:
        return Parser(tokenize(source)).program()
    except RecursionError:
        raise ParseError("program nested too deeply", 1) from None


# --- evaluation ---------------------------------------------------------------------


def _truth(value):
    return value != 0


def _divide(a, b):
    if b == 0:
        raise EvalError("division by zero")
    if isinstance(a, int) and isinstance(b, int) and a % b == 0:
        return a // b
    return a / b


def _power(a, b):
    if a == 0 and b < 0:
        raise EvalError("zero cannot be raised to a negative power")
    result = a ** b
    if isinstance(result, complex):
        raise EvalError("power is not a real number")
    return result


def _binary(op, a, b):
    try:
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return _divide(a, b)
        if op == "//":
            if b == 0:
                raise EvalError("division by zero")
            return a // b
        if op == "%":
            if b == 0:
                raise EvalError("division by zero")
            return a % b
        if op == "^":
            return _power(a, b)
    except OverflowError:
        raise EvalError("number too large") from None
    raise AssertionError(op)  # pragma: no cover


_COMPARE = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _builtin(name, args):
    if name == "abs":
        if len(args) != 1:
            raise EvalError("abs takes 1 argument")
        return abs(args[0])
    if name in ("min", "max"):
        if not args:
            raise EvalError(f"{name} takes at least 1 argument")
        return (min if name == "min" else max)(args)
    if name == "sqrt":
        if len(args) != 1:
            raise EvalError("sqrt takes 1 argument")
        if args[0] < 0:
            raise EvalError("sqrt of a negative number")
        try:
            return math.sqrt(args[0])
        except OverflowError:
            raise EvalError("number too large") from None
    raise AssertionError(name)  # pragma: no cover


def _format(value):
    return repr(value) if isinstance(value, float) else str(value)


class Interpreter:
    """Keeps global variables and functions across ``run`` calls."""

    def __init__(self):
        self.variables = {}
        self.functions = {}
        self._depth = 0

    def run(self, source):
        """Run ``source`` and return the text it printed."""
        if not isinstance(source, str):
            raise TypeError("source must be a str")
        program = parse(source)
        out = []
        for stmt in program:
            self._depth = 0
            try:
                self._execute(stmt, out)
            except RecursionError:
                raise EvalError("recursion too deep") from None
        return "".join(out)

    def _execute(self, stmt, out):
        kind = stmt[0]
        if kind == "let":
            self.variables[stmt[1]] = self._eval(stmt[2], None)
        elif kind == "def":
            if stmt[1] in BUILTINS:
                raise EvalError(f"cannot redefine built-in {stmt[1]!r}")
            self.functions[stmt[1]] = (stmt[2], stmt[3])
        elif kind == "print":
            values = [self._eval(e, None) for e in stmt[1]]
            out.append(" ".join(_format(v) for v in values) + "\n")
        else:
            self._eval(stmt[1], None)

    def _eval(self, node, local):
        kind = node[0]
        if kind == "num":
            return node[1]
        if kind == "var":
            name = node[1]
            if local is not None and name in local:
                return local[name]
            if name in self.variables:
                return self.variables[name]
            raise EvalError(f"undefined variable {name!r}")
        if kind == "bin":
            return _binary(node[1], self._eval(node[2], local), self._eval(node[3], local))
        if kind == "neg":
            return -self._eval(node[1], local)
        if kind == "pos":
            return +self._eval(node[1], local)
        if kind == "cmp":
            a = self._eval(node[2], local)
            b = self._eval(node[3], local)
            return 1 if _COMPARE[node[1]](a, b) else 0
        if kind == "not":
            return 0 if _truth(self._eval(node[1], local)) else 1
        if kind == "and":
            if not _truth(self._eval(node[1], local)):
                return 0
            return 1 if _truth(self._eval(node[2], local)) else 0
        if kind == "or":
            if _truth(self._eval(node[1], local)):
                return 1
            return 1 if _truth(self._eval(node[2], local)) else 0
        if kind == "if":
            branch = node[2] if _truth(self._eval(node[1], local)) else node[3]
            return self._eval(branch, local)
        if kind == "call":
            name = node[1]
            args = [self._eval(a, local) for a in node[2]]
            if name in BUILTINS:
                return _builtin(name, args)
            if name not in self.functions:
                raise EvalError(f"undefined function {name!r}")
            params, body = self.functions[name]
            if len(args) != len(params):
                raise EvalError(f"{name} takes {len(params)} arguments, got {len(args)}")
            if self._depth >= MAX_CALL_DEPTH:
                raise EvalError("recursion too deep")
            self._depth += 1
            try:
                return self._eval(body, dict(zip(params, args)))
            finally:
                self._depth -= 1
        raise AssertionError(kind)  # pragma: no cover


def run(source):
    """Run ``source`` in a fresh interpreter and return the text it printed."""
    return Interpreter().run(source)
