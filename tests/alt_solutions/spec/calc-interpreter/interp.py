"""Alternative calc interpreter (written from the workspace README only).

Structure differs from the reference: a regex tokenizer, a Pratt (binding
power) expression parser, and compilation of the syntax tree into Python
closures that are then called to run the program.
"""

import math
import operator
import re


class CalcError(Exception):
    pass


class ParseError(CalcError):
    def __init__(self, message, line):
        super().__init__(message)
        self.line = line


class EvalError(CalcError):
    pass


RESERVED = frozenset("let def print if then else and or not".split())
BUILTIN_NAMES = ("abs", "min", "max", "sqrt")

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>[ \t]+|\#[^\n]*)
  | (?P<nl>\n)
  | (?P<num>[0-9]+(?:\.[0-9]+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>//|==|!=|<=|>=|[-+*/%^(),=<>;])
  """,
    re.VERBOSE,
)


def _lex(src):
    toks = []  # (type, text, line)
    pos, line, parens = 0, 1, 0
    while pos < len(src):
        m = _TOKEN_RE.match(src, pos)
        if not m:
            raise ParseError("bad character %r" % src[pos], line)
        kind, text = m.lastgroup, m.group()
        end = m.end()
        if kind == "num" and end < len(src) and (src[end] == "." or src[end] == "_" or src[end].isalnum()):
            raise ParseError("bad number", line)
        if kind == "nl":
            if parens == 0:
                toks.append(("sep", text, line))
            line += 1
        elif kind == "num":
            toks.append(("num", float(text) if "." in text else int(text), line))
        elif kind == "word":
            toks.append(("kw" if text in RESERVED else "id", text, line))
        elif kind == "op":
            if text == ";":
                toks.append(("sep", text, line))
            else:
                if text == "(":
                    parens += 1
                elif text == ")" and parens:
                    parens -= 1
                toks.append(("op", text, line))
        pos = end
    toks.append(("end", "", line))
    return toks


# binding powers
_INFIX = {
    "or": 1, "and": 2,
    "==": 4, "!=": 4, "<": 4, "<=": 4, ">": 4, ">=": 4,
    "+": 5, "-": 5,
    "*": 6, "/": 6, "//": 6, "%": 6,
    "^": 8,
}
_CMP = {"==", "!=", "<", "<=", ">", ">="}


class _Parser:
    def __init__(self, toks):
        self.t = toks
        self.i = 0

    def cur(self):
        return self.t[self.i]

    def bump(self):
        tok = self.t[self.i]
        self.i += 1
        return tok

    def is_(self, text, kinds=("op", "kw")):
        tok = self.cur()
        return tok[0] in kinds and tok[1] == text

    def need(self, text):
        if not self.is_(text):
            self.error()
        return self.bump()

    def error(self, msg="syntax error"):
        tok = self.cur()
        raise ParseError("%s near %r" % (msg, tok[1] or "end of input"), tok[2])

    def program(self):
        out = []
        while True:
            while self.cur()[0] == "sep":
                self.bump()
            if self.cur()[0] == "end":
                return out
            out.append(self.stmt())
            if self.cur()[0] not in ("sep", "end"):
                self.error("expected end of statement")

    def ident(self):
        if self.cur()[0] != "id":
            self.error("expected a name")
        return self.bump()[1]

    def stmt(self):
        tok = self.cur()
        if tok[0] == "kw" and tok[1] == "let":
            self.bump()
            name = self.ident()
            self.need("=")
            return ("let", name, self.expression())
        if tok[0] == "kw" and tok[1] == "def":
            self.bump()
            name = self.ident()
            self.need("(")
            params = []
            while not self.is_(")"):
                if params:
                    self.need(",")
                line = self.cur()[2]
                p = self.ident()
                if p in params:
                    raise ParseError("duplicate parameter", line)
                params.append(p)
            self.need(")")
            self.need("=")
            return ("def", name, tuple(params), self.expression())
        if tok[0] == "kw" and tok[1] == "print":
            self.bump()
            items = [self.expression()]
            while self.is_(","):
                self.bump()
                items.append(self.expression())
            return ("print", items)
        return ("expr", self.expression())

    def expression(self):
        if self.is_("if"):
            self.bump()
            c = self.expression()
            self.need("then")
            a = self.expression()
            self.need("else")
            b = self.expression()
            return ("if", c, a, b)
        return self.pratt(0)

    def prefix(self, min_bp):
        tok = self.bump()
        kind, text = tok[0], tok[1]
        if kind == "num":
            return ("lit", text)
        if kind == "id":
            if self.is_("("):
                self.bump()
                args = []
                while not self.is_(")"):
                    if args:
                        self.need(",")
                    args.append(self.expression())
                self.need(")")
                return ("call", text, args)
            return ("ref", text)
        if kind == "op" and text == "(":
            inner = self.expression()
            self.need(")")
            return inner
        if kind == "op" and text in "-+":
            return ("unary", text, self.pratt(8))
        if kind == "kw" and text == "not" and min_bp < 3:
            return ("not", self.pratt(2))
        self.i -= 1
        self.error()

    def pratt(self, min_bp):
        left = self.prefix(min_bp)
        compared = False
        while True:
            tok = self.cur()
            if tok[0] not in ("op", "kw") or tok[1] not in _INFIX:
                return left
            op = tok[1]
            bp = _INFIX[op]
            if bp <= min_bp and op != "^":
                return left
            if op == "^" and bp < min_bp:
                return left
            if op in _CMP and compared:
                self.error("comparisons cannot be chained")
            self.bump()
            if op == "^":
                right = self.pratt(7)
            else:
                right = self.pratt(bp)
            compared = op in _CMP
            left = ("binop", op, left, right)


# --- semantics ------------------------------------------------------------------------


def _real(x):
    if isinstance(x, complex):
        raise EvalError("not a real number")
    return x


def _div(a, b):
    if not b:
        raise EvalError("division by zero")
    if type(a) is int and type(b) is int:
        q, r = divmod(a, b)
        if r == 0:
            return q
    return a / b


def _fdiv(a, b):
    if not b:
        raise EvalError("division by zero")
    return a // b


def _mod(a, b):
    if not b:
        raise EvalError("division by zero")
    return a % b


def _pow(a, b):
    if a == 0 and b < 0:
        raise EvalError("zero to a negative power")
    return _real(a ** b)


_ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": _div,
          "//": _fdiv, "%": _mod, "^": _pow}
_COMPARE = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
            ">": operator.gt, ">=": operator.ge}


def _arith(fn):
    def apply(a, b):
        try:
            return fn(a, b)
        except OverflowError:
            raise EvalError("overflow") from None
        except ZeroDivisionError:
            raise EvalError("division by zero") from None
    return apply


def _b_abs(*args):
    if len(args) != 1:
        raise EvalError("abs() takes one argument")
    return abs(args[0])


def _b_min(*args):
    if not args:
        raise EvalError("min() needs arguments")
    best = args[0]
    for a in args[1:]:
        if a < best:
            best = a
    return best


def _b_max(*args):
    if not args:
        raise EvalError("max() needs arguments")
    best = args[0]
    for a in args[1:]:
        if a > best:
            best = a
    return best


def _b_sqrt(*args):
    if len(args) != 1:
        raise EvalError("sqrt() takes one argument")
    if args[0] < 0:
        raise EvalError("sqrt of negative")
    try:
        return math.sqrt(args[0])
    except OverflowError:
        raise EvalError("overflow") from None


_BUILTINS = {"abs": _b_abs, "min": _b_min, "max": _b_max, "sqrt": _b_sqrt}


def _show(v):
    return repr(v) if isinstance(v, float) else "%d" % v


class Interpreter:
    def __init__(self):
        self.globals = {}
        self.funcs = {}

    # compile an expression node into a closure taking the local frame (dict or None)
    def _compile(self, node):
        tag = node[0]
        if tag == "lit":
            v = node[1]
            return lambda env: v
        if tag == "ref":
            name = node[1]
            glb = self.globals

            def ref(env):
                if env is not None and name in env:
                    return env[name]
                try:
                    return glb[name]
                except KeyError:
                    raise EvalError("unknown variable " + name) from None
            return ref
        if tag == "unary":
            inner = self._compile(node[2])
            if node[1] == "-":
                return lambda env: -inner(env)
            return lambda env: +inner(env)
        if tag == "not":
            inner = self._compile(node[1])
            return lambda env: 0 if inner(env) else 1
        if tag == "if":
            c, a, b = (self._compile(n) for n in node[1:])
            return lambda env: a(env) if c(env) else b(env)
        if tag == "binop":
            op = node[1]
            left, right = self._compile(node[2]), self._compile(node[3])
            if op == "and":
                return lambda env: (1 if right(env) else 0) if left(env) else 0
            if op == "or":
                return lambda env: 1 if left(env) else (1 if right(env) else 0)
            if op in _COMPARE:
                cmp = _COMPARE[op]
                return lambda env: 1 if cmp(left(env), right(env)) else 0
            fn = _arith(_ARITH[op])
            return lambda env: fn(left(env), right(env))
        if tag == "call":
            name = node[1]
            args = [self._compile(a) for a in node[2]]
            funcs = self.funcs

            def call(env):
                values = [a(env) for a in args]
                if name in _BUILTINS:
                    return _BUILTINS[name](*values)
                if name not in funcs:
                    raise EvalError("unknown function " + name)
                params, body = funcs[name]
                if len(params) != len(values):
                    raise EvalError("wrong number of arguments for " + name)
                return body(dict(zip(params, values)))
            return call
        raise AssertionError(node)

    def run(self, source):
        try:
            program = _Parser(_lex(source)).program()
        except RecursionError:
            raise ParseError("too deeply nested", 1) from None
        compiled = []
        for st in program:
            if st[0] == "print":
                compiled.append(("print", [self._compile(e) for e in st[1]]))
            elif st[0] == "def":
                compiled.append(("def", st[1], st[2], self._compile(st[3])))
            else:
                compiled.append((st[0], st[1], self._compile(st[2])) if st[0] == "let"
                                else ("expr", self._compile(st[1])))
        printed = []
        for st in compiled:
            try:
                if st[0] == "print":
                    printed.append(" ".join(_show(f(None)) for f in st[1]) + "\n")
                elif st[0] == "let":
                    self.globals[st[1]] = st[2](None)
                elif st[0] == "def":
                    if st[1] in _BUILTINS:
                        raise EvalError("cannot redefine " + st[1])
                    self.funcs[st[1]] = (st[2], st[3])
                else:
                    st[1](None)
            except RecursionError:
                raise EvalError("maximum recursion depth exceeded") from None
        return "".join(printed)


def run(source):
    return Interpreter().run(source)
