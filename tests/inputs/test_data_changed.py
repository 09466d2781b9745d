"""Inputs are read as a person means them, or refused naming where: never silently changed.

Each test reproduces one way the 0.1 readers changed data without a word (issue 12, "Data
changed without a word") and fails on those readers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from parindex import read_assessments
from parindex.assessment import maybe_number
from parindex.engine import score
from parindex.errors import AssessmentError
from parindex.methodology.yamlio import load_yaml
from tests.conftest import make

TREE = """\
- code: "1"
  label: {vi: "Lĩnh vực", en: "Domain"}
  method: appraisal
  children:
    - code: "1.1"
      label: {vi: "Một", en: "One"}
      max: 5
      rule: {kind: points}
    - code: "1.10"
      label: {vi: "Mười", en: "Ten"}
      max: 5
      rule: {kind: points}
"""


@pytest.fixture(scope="module")
def m():  # type: ignore[no-untyped-def]
    return make(TREE, scale=10)


def write(tmp_path: Path, name: str, text: str | bytes) -> str:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return str(p)


@pytest.mark.parametrize("flag", ["no", "false", "False", "không"])
def test_not_applicable_false_keeps_the_value(tmp_path: Path, m, flag: str) -> None:  # type: ignore[no-untyped-def]
    f = write(
        tmp_path,
        "a.yaml",
        f'unit: A\nvalues:\n  "1.1": {{value: 4, not_applicable: "{flag}"}}\n',
    )
    (a,) = read_assessments(f)
    entry = a.stages["self"]["1.1"]
    assert not entry.not_applicable and entry.value == 4
    assert score(m, a).adjusted_max == 10


def test_not_applicable_false_in_json_keeps_the_value(tmp_path: Path) -> None:
    f = write(
        tmp_path,
        "a.json",
        '{"unit": "A", "values": {"1.1": {"value": 4, "not_applicable": "false"}}}',
    )
    (a,) = read_assessments(f)
    assert a.stages["self"]["1.1"].value == 4


@pytest.mark.parametrize("flag", ['"maybe"', "1", "[]"])
def test_not_applicable_must_be_a_boolean(tmp_path: Path, flag: str) -> None:
    f = write(tmp_path, "a.yaml", f'unit: A\nvalues:\n  "1.1": {{not_applicable: {flag}}}\n')
    with pytest.raises(AssessmentError, match="not_applicable must be true or false") as e:
        read_assessments(f)
    assert e.value.file == f and e.value.unit == "A"


def test_a_value_with_not_applicable_is_refused(tmp_path: Path) -> None:
    f = write(tmp_path, "a.yaml", 'unit: A\nvalues:\n  "1.1": {value: 4, not_applicable: true}\n')
    with pytest.raises(AssessmentError, match="together with not_applicable"):
        read_assessments(f)


def test_yaml_keys_are_read_as_written(tmp_path: Path, m) -> None:  # type: ignore[no-untyped-def]
    f = write(tmp_path, "a.yaml", "unit: A\nvalues:\n  1.10: 4\n  1.1: 2\n")
    (a,) = read_assessments(f)
    assert dict(a.stages["self"]).keys() == {"1.10", "1.1"}
    card = score(m, a)
    assert card["1.10"].points == 4 and card["1.1"].points == 2


@pytest.mark.parametrize(("text", "value"), [("1:40", "1:40"), ("010", "010"), ("0x10", "0x10")])
def test_yaml_numbers_are_decimal(text: str, value: str) -> None:
    assert load_yaml(f"a: {text}\n", file="x")["a"] == value


def test_unit_null_or_a_list_is_refused(tmp_path: Path) -> None:
    for text in (
        "unit: null\nvalues: {}\n",
        "unit: [a, b]\nvalues: {}\n",
        'unit: ""\nvalues: {}\n',
    ):
        f = write(tmp_path, "a.yaml", text)
        with pytest.raises(AssessmentError, match="'unit' must be a non-empty text"):
            read_assessments(f)


def test_json_duplicate_keys_are_refused(tmp_path: Path) -> None:
    f = write(tmp_path, "a.json", '{"unit": "A", "values": {"1.1": 1, "1.1": 5}}')
    with pytest.raises(AssessmentError, match="given twice") as e:
        read_assessments(f)
    assert e.value.value == "1.1"


def test_an_unterminated_quote_is_refused_at_the_row_it_opened(tmp_path: Path) -> None:
    text = 'unit,code,value,note\nA,1.1,4,"broken note\nA,1.10,5,fine\nB,1.1,3,ok\n'
    f = write(tmp_path, "a.csv", text)
    with pytest.raises(AssessmentError, match="quote") as e:
        read_assessments(f)
    assert e.value.row == 2


def test_a_quote_closed_rows_later_is_refused(tmp_path: Path) -> None:
    text = 'unit,code,value,note\nA,1.1,4,"broken note\nA,1.10,5,fine\nB,1.1,3,"ok"\n'
    f = write(tmp_path, "a.csv", text)
    with pytest.raises(AssessmentError, match="quote") as e:
        read_assessments(f)
    assert e.value.row == 2


def test_a_multi_line_note_is_still_read(tmp_path: Path) -> None:
    text = 'unit,code,value,note\nA,1.1,4,"two\nlines"\nA,1.10,5,x\n'
    (a,) = read_assessments(write(tmp_path, "a.csv", text))
    assert a.stages["self"]["1.1"].note == "two\nlines"


@pytest.mark.parametrize("text", ["1,234", "1.000", "12.500"])
def test_a_number_that_reads_two_ways_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="reads two ways"):
        maybe_number(text)


def test_numbers_as_a_person_means_them() -> None:
    assert maybe_number("1.000", decimal=",") == 1000
    assert maybe_number("1,234", decimal=".") == 1234
    assert maybe_number("1,5") == 1.5
    assert maybe_number("1.234,5") == 1234.5
    assert maybe_number("1,234.5") == 1234.5
    assert maybe_number("0.500") == 0.5
    assert str(maybe_number("-0.0")) == "0.0"
    assert maybe_number("nan") == "nan"


def test_csv_quoted_thousands_is_refused_naming_the_row(tmp_path: Path) -> None:
    f = write(tmp_path, "a.csv", 'unit,code,value\nA,1.1,"1,234"\n')
    with pytest.raises(AssessmentError, match="reads two ways") as e:
        read_assessments(f)
    assert e.value.row == 2 and e.value.code == "1.1"


def test_minus_zero_is_zero(tmp_path: Path) -> None:
    (a,) = read_assessments(write(tmp_path, "a.yaml", "unit: A\nvalues: {'1.1': -0.0}\n"))
    assert str(a.stages["self"]["1.1"].value) == "0.0"


@pytest.mark.parametrize("name", ["a.yaml", "a.json", "a.csv"])
def test_a_400_digit_number_is_refused(tmp_path: Path, name: str) -> None:
    big = "9" * 400
    text = {
        "a.yaml": f"unit: A\nvalues: {{'1.1': {big}}}\n",
        "a.json": f'{{"unit": "A", "values": {{"1.1": {big}}}}}',
        "a.csv": f"unit,code,value\nA,1.1,{big}\n",
    }[name]
    with pytest.raises(AssessmentError, match="100 digits"):
        read_assessments(write(tmp_path, name, text))


def test_frames_refuse_a_numeric_code_column_and_a_missing_unit() -> None:
    pd = pytest.importorskip("pandas")
    from parindex.io.frames import assessments_from_frame

    with pytest.raises(AssessmentError, match="read it as text"):
        assessments_from_frame(pd.DataFrame({"unit": ["A"], "code": [1.10], "value": [4]}))
    with pytest.raises(AssessmentError, match="must not be empty"):
        assessments_from_frame(pd.DataFrame({"unit": [None], "code": ["1.1"], "value": [4]}))


def test_comma_csv_reads_a_dot_as_the_decimal_mark(tmp_path: Path) -> None:
    # In a ','-separated file a decimal comma cannot stand unquoted, so 57.075 is 57.075, not
    # 57075; a quoted "1,234" in the same file still reads two ways (see the test above).
    f = write(tmp_path, "a.csv", "unit,code,value\nA,1.1,57.075\n")
    (a,) = read_assessments(f)
    assert a.stages["self"]["1.1"].value == 57.075
