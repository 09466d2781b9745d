"""A small evaluator of the Excel formulas the workbook writer uses, for the tests.

It reads a workbook with openpyxl (formulas as text) and computes a cell the way Excel does for
the functions parindex writes: IF, IFERROR, AND, OR, ISNUMBER, COUNT, SUM, MIN, MAX, ABS, INT,
INDEX, MATCH (exact, case-insensitive), references to other sheets, ranges, + - * / and the
comparisons. Blank cells are 0 in arithmetic and "" in comparisons with text; SUM, MIN, MAX and
COUNT skip text in references, as Excel does.
"""

from __future__ import annotations

import re
from typing import Any

TOKEN = re.compile(
    r"\s*(?:(?P<str>\"(?:[^\"]|\"\")*\")|(?P<ref>(?:'[^']+'|[A-Za-z_][\w.]*)?!?\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)"
    r"|(?P<num>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(?P<func>[A-Z][A-Z0-9.]*)\(|(?P<bool>TRUE|FALSE)"
    r"|(?P<op><>|<=|>=|[-+*/=<>(),&]))"
)


class XlError(Exception):
    pass


class Blank:
    def __repr__(self) -> str:
        return "<blank>"


BLANK = Blank()


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


class Evaluator:
    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self.memo: dict[tuple[str, int, int], Any] = {}

    def value(self, sheet: str, row: int, col: int) -> Any:
        key = (sheet, row, col)
        if key in self.memo:
            v = self.memo[key]
            if isinstance(v, XlError):
                raise v
            return v
        raw = self.wb[sheet].cell(row, col).value
        try:
            if isinstance(raw, str) and raw.startswith("="):
                v = self.formula(raw[1:], sheet)
                if isinstance(v, list):
                    v = v[0][0]
            else:
                v = BLANK if raw is None else raw
        except XlError as exc:
            self.memo[key] = exc
            raise
        self.memo[key] = v
        return v

    def cell(self, sheet: str, ref: str) -> Any:
        m = re.match(r"([A-Z]+)(\d+)$", ref)
        assert m
        return self.value(sheet, int(m.group(2)), col_index(m.group(1)))

    # -- parsing --------------------------------------------------------------------------------
    def formula(self, text: str, sheet: str) -> Any:
        toks = []
        pos = 0
        while pos < len(text):
            m = TOKEN.match(text, pos)
            if not m or m.end() == pos:
                if text[pos:].strip() == "":
                    break
                raise ValueError(f"cannot tokenise {text[pos:]!r} in {text!r}")
            kind = m.lastgroup
            toks.append((kind, m.group(kind)))
            pos = m.end()
        self.toks = toks
        self.i = 0
        self.sheet = sheet
        node = self.comparison()
        assert self.i == len(toks), (text, toks[self.i :])
        return self.ev(node)

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        t = self.toks[self.i]
        self.i += 1
        return t

    def comparison(self) -> Any:
        left = self.additive()
        t = self.peek()
        if t and t[0] == "op" and t[1] in ("=", "<>", "<", ">", "<=", ">="):
            self.take()
            return ("cmp", t[1], left, self.additive())
        return left

    def additive(self) -> Any:
        left = self.mult()
        while (t := self.peek()) and t[0] == "op" and t[1] in "+-" and t[1]:
            self.take()
            left = ("bin", t[1], left, self.mult())
        return left

    def mult(self) -> Any:
        left = self.unary()
        while (t := self.peek()) and t[0] == "op" and t[1] in ("*", "/"):
            self.take()
            left = ("bin", t[1], left, self.unary())
        return left

    def unary(self) -> Any:
        t = self.peek()
        if t and t == ("op", "-"):
            self.take()
            return ("neg", self.unary())
        return self.primary()

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "num":
            return ("lit", float(text))
        if kind == "str":
            return ("lit", text[1:-1].replace('""', '"'))
        if kind == "bool":
            return ("lit", text == "TRUE")
        if kind == "ref":
            return ("ref", text, self.sheet)
        if kind == "func":
            args = []
            if self.peek() != ("op", ")"):
                args.append(self.comparison())
                while self.peek() == ("op", ","):
                    self.take()
                    args.append(self.comparison())
            assert self.take() == ("op", ")")
            return ("call", text, args)
        if (kind, text) == ("op", "("):
            inner = self.comparison()
            assert self.take() == ("op", ")")
            return inner
        raise ValueError(f"unexpected token {text!r}")

    # -- evaluation -----------------------------------------------------------------------------
    def ref(self, text: str, sheet: str) -> list[list[Any]]:
        if "!" in text:
            s, r = text.rsplit("!", 1)
            sheet = s.strip("'")
        else:
            r = text
        r = r.replace("$", "")
        a, _, b = r.partition(":")
        b = b or a
        ma, mb = re.match(r"([A-Z]+)(\d+)", a), re.match(r"([A-Z]+)(\d+)", b)
        assert ma and mb
        rows = range(int(ma.group(2)), int(mb.group(2)) + 1)
        cols = range(col_index(ma.group(1)), col_index(mb.group(1)) + 1)
        return [[self.value(sheet, i, j) for j in cols] for i in rows]

    def ev(self, node: Any) -> Any:
        kind = node[0]
        if kind == "lit":
            return node[1]
        if kind == "ref":
            return self.ref(node[1], node[2])
        if kind == "neg":
            return -self.num(self.ev(node[1]))
        if kind == "bin":
            a, b = self.num(self.ev(node[2])), self.num(self.ev(node[3]))
            if node[1] == "+":
                return a + b
            if node[1] == "-":
                return a - b
            if node[1] == "*":
                return a * b
            if b == 0:
                raise XlError("#DIV/0!")
            return a / b
        if kind == "cmp":
            return self.compare(
                node[1], self.scalar(self.ev(node[2])), self.scalar(self.ev(node[3]))
            )
        return self.call(node[1], node[2])

    @staticmethod
    def scalar(v: Any) -> Any:
        if isinstance(v, list):
            return v[0][0]
        return v

    def num(self, v: Any) -> float:
        v = self.scalar(v)
        if v is BLANK:
            return 0.0
        if isinstance(v, bool):
            return float(v)
        if isinstance(v, int | float):
            return float(v)
        raise XlError("#VALUE!")

    @staticmethod
    def compare(op: str, a: Any, b: Any) -> bool:
        if a is BLANK:
            a = "" if isinstance(b, str) else 0.0
        if b is BLANK:
            b = "" if isinstance(a, str) else 0.0
        if isinstance(a, str) and isinstance(b, str):
            a, b = a.casefold(), b.casefold()
        elif isinstance(a, str) != isinstance(b, str):
            # text is greater than any number in Excel
            if op == "=":
                return False
            if op == "<>":
                return True
            a, b = (1, 0) if isinstance(a, str) else (0, 1)
        return {
            "=": a == b,
            "<>": a != b,
            "<": a < b,
            ">": a > b,
            "<=": a <= b,
            ">=": a >= b,
        }[op]

    @staticmethod
    def flat(v: Any) -> list[Any]:
        return [x for row in v for x in row] if isinstance(v, list) else [v]

    def numbers(self, args: list[Any]) -> list[float]:
        out: list[float] = []
        for a in args:
            v = self.ev(a)
            if isinstance(v, list):
                out.extend(
                    float(x)
                    for x in self.flat(v)
                    if isinstance(x, int | float) and not isinstance(x, bool)
                )
            else:
                out.append(self.num(v))
        return out

    def truth(self, v: Any) -> bool:
        v = self.scalar(v)
        if isinstance(v, str):
            raise XlError("#VALUE!")
        return bool(self.num(v))

    def call(self, f: str, args: list[Any]) -> Any:
        if f == "IF":
            cond = self.truth(self.ev(args[0]))
            if cond:
                return self.scalar(self.ev(args[1]))
            return self.scalar(self.ev(args[2])) if len(args) > 2 else False
        if f == "IFERROR":
            try:
                return self.scalar(self.ev(args[0]))
            except XlError:
                return self.scalar(self.ev(args[1]))
        if f == "AND":
            return all(self.truth(self.ev(a)) for a in args)
        if f == "OR":
            return any(self.truth(self.ev(a)) for a in args)
        if f == "ISNUMBER":
            try:
                v = self.scalar(self.ev(args[0]))
            except XlError:
                return False
            return isinstance(v, int | float) and not isinstance(v, bool)
        if f == "COUNT":
            return float(
                sum(
                    1
                    for a in args
                    for x in self.flat(self.ev(a))
                    if isinstance(x, int | float) and not isinstance(x, bool)
                )
            )
        if f == "SUM":
            return sum(self.numbers(args))
        if f == "MIN":
            vals = self.numbers(args)
            return min(vals) if vals else 0.0
        if f == "MAX":
            vals = self.numbers(args)
            return max(vals) if vals else 0.0
        if f == "ABS":
            return abs(self.num(self.ev(args[0])))
        if f == "INT":
            import math

            return float(math.floor(self.num(self.ev(args[0]))))
        if f == "MATCH":
            needle = self.scalar(self.ev(args[0]))
            hay = self.flat(self.ev(args[1]))
            for k, x in enumerate(hay, start=1):
                if x is not BLANK and self.compare("=", needle, x):
                    return float(k)
            raise XlError("#N/A")
        if f == "INDEX":
            arr = self.flat(self.ev(args[0]))
            k = int(self.num(self.ev(args[1])))
            if not 1 <= k <= len(arr):
                raise XlError("#REF!")
            return arr[k - 1]
        raise ValueError(f"function {f} not supported by the test evaluator")
