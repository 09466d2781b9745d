"""Errors for machines and people: stable codes, JSON pointers, Vietnamese and English messages,
all the errors of an assessment at once, and the right field blamed."""

from __future__ import annotations

import string

import pytest

import parindex
from parindex import errors
from parindex.cli import main

ANNUAL = {"TD": 55, "KTXH": 5.25, "XHH": 18.5, "SIPAS": 83.45}


def _classes(cls: type[errors.ParIndexError]) -> list[type[errors.ParIndexError]]:
    out = [cls]
    for sub in cls.__subclasses__():
        out += _classes(sub)
    return out


@pytest.fixture(scope="module")
def m() -> parindex.Methodology:
    return parindex.load("vn-moha/province", year=2023)


def test_every_error_class_has_a_vietnamese_text() -> None:

    classes = _classes(errors.ParIndexError)
    assert len(classes) >= 14
    for cls in classes:
        template = errors.MESSAGES.get(cls.default_code)
        assert template is not None, f"{cls.__name__} has no message in the catalogue"
        assert template.vi.strip() and template.vi != template.en, cls.__name__


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_the_catalogue_speaks_both_languages_with_the_same_fields() -> None:
    for code, t in errors.MESSAGES.items():
        assert code == code.lower() and " " not in code
        assert t.vi.strip() and t.en.strip(), code
        assert _fields(t.vi) - {"what_vi"} <= _fields(t.en) | {"what"}, code


OFFICER_CODES = (
    "missing-input",
    "unknown-code",
    "out-of-range",
    "wrong-type",
    "not-applicable-with-value",
    "file-not-readable",
    "unknown-methodology",
    "unknown-year",
)


@pytest.mark.parametrize("code", OFFICER_CODES)
def test_the_messages_officers_see_most_are_in_the_catalogue(code: str) -> None:
    assert code in errors.MESSAGES


def test_collect_returns_every_error_of_an_assessment(m: parindex.Methodology) -> None:
    found = parindex.check_assessment(
        m,
        {"TD": 500, "KTXH": "x", "ZZ": 1, "XHH": {"value": 3, "not_applicable": True}},
        missing="block",
    )
    by_code = {e.error_code: e for e in found}
    assert set(by_code) == {
        "out-of-range",
        "wrong-type",
        "unknown-code",
        "not-applicable-with-value",
        "missing-input",
    }
    assert by_code["out-of-range"].pointer == "/stages/self/TD"
    assert by_code["wrong-type"].pointer == "/stages/self/KTXH"
    assert by_code["unknown-code"].code == "ZZ"
    assert by_code["missing-input"].params["nodes"] == ["SIPAS"]
    assert parindex.check_assessment(m, ANNUAL) == ()
    with pytest.raises(parindex.ErrorList) as info:
        parindex.score(m, {"TD": 500, "KTXH": "x"}, collect=True)
    codes = [e.error_code for e in info.value.errors]
    assert codes == ["wrong-type", "out-of-range", "missing-input"]  # the file's policy: block
    assert len(info.value.to_dict()["errors"]) == 3


def test_messages_in_vietnamese_by_default_and_in_english(m: parindex.Methodology) -> None:
    with pytest.raises(parindex.AssessmentError) as info:
        parindex.score(m, {**ANNUAL, "TD": "nhiều"})
    e = info.value
    assert e.error_code == "wrong-type"
    assert "cần một số" in e.text() and "chỉ tiêu 'TD'" in e.text()
    assert e.text("en") == str(e) and "expected a number" in str(e)
    d = e.to_dict()
    assert d["code"] == "wrong-type" and d["node"] == "TD" and d["pointer"] == "/stages/self/TD"
    assert d["message"] == d["messages"]["vi"] and d["messages"]["en"] == "expected a number"
    assert e.to_dict("en")["message"] == "expected a number"


def test_an_unconverted_message_keeps_its_english_detail_in_vietnamese() -> None:
    e = parindex.AssessmentError("stage given twice", unit="A")
    assert e.error_code == "invalid-assessment"
    assert e.message_in("vi") == "Số liệu đánh giá không hợp lệ (stage given twice)"


def test_not_applicable_must_be_a_boolean_and_come_without_a_value(
    m: parindex.Methodology,
) -> None:
    with pytest.raises(parindex.AssessmentError) as info:
        parindex.score(m, {**ANNUAL, "TD": {"value": 50, "not_applicable": "maybe"}})
    assert info.value.error_code == "wrong-type" and info.value.pointer == "/stages/self/TD"
    # the documented spellings of false (false, no, không) keep the value
    card = parindex.score(m, {**ANNUAL, "TD": {"value": 50, "not_applicable": "không"}})
    assert card["TD"].value == 50
    with pytest.raises(parindex.AssessmentError) as info:
        parindex.score(m, {**ANNUAL, "TD": {"value": 50, "not_applicable": True}})
    assert info.value.error_code == "not-applicable-with-value"


def test_a_huge_integer_is_refused_as_a_library_error(m: parindex.Methodology) -> None:
    with pytest.raises(parindex.AssessmentError) as info:
        parindex.score(m, {**ANNUAL, "TD": 10**400})
    assert info.value.error_code == "out-of-range"


def test_a_text_year_is_blamed_on_the_year() -> None:
    with pytest.raises(parindex.MethodologyError) as info:
        parindex.load("vn-moha/province", year="2023")  # type: ignore[call-overload]
    e = info.value
    assert e.error_code == "wrong-type" and e.pointer == "/year"
    assert "governs" not in str(e) and "integer year" in str(e)
    with pytest.raises(parindex.MethodologyError) as info:
        parindex.load("vn-moha/province", year=1990)
    assert info.value.error_code == "unknown-year"
    with pytest.raises(parindex.MethodologyError) as info:
        parindex.load("vn-moha/nowhere/2022")
    assert info.value.error_code == "unknown-methodology"


def test_a_list_under_values_is_blamed_on_values() -> None:
    with pytest.raises(parindex.AssessmentError) as info:
        parindex.Assessment.from_dict({"unit": "A", "values": [1, 2]})
    e = info.value
    assert e.pointer == "/values" and "'values'" in str(e) and "stages" not in str(e)


def test_an_unreadable_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(parindex.ParIndexError) as info:
        parindex.read_assessments(tmp_path / "absent.yaml", methodology=None)
    assert info.value.error_code == "file-not-readable"
    assert "không đọc được tệp" in info.value.text("vi")


def test_the_command_line_speaks_the_language_asked_for(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rc = main(["show", "vn-moha/nowhere/2022"])
    err = capsys.readouterr().err
    assert rc == 1 and "không có phương pháp" in err and "[en] no methodology" in err
    rc = main(["--lang", "en", "show", "vn-moha/nowhere/2022"])
    err = capsys.readouterr().err
    assert rc == 1 and "không" not in err and "no methodology" in err
    monkeypatch.setenv("PARINDEX_LANG", "en")
    rc = main(["show", "vn-moha/nowhere/2022"])
    err = capsys.readouterr().err
    assert rc == 1 and "không" not in err and "no methodology" in err


@pytest.mark.parametrize(
    ("name", "content", "code", "params"),
    [
        ("a.csv", "unit,code,value\nA,TD,45,5\n", "csv-split-decimal", {}),
        ("a.csv", 'unit,code,value\nA,TD,"4\n', "csv-open-quote", {}),
        ("a.csv", "unit,code,value\nA,TD,x\n".encode("utf-16"), None, {}),
        ("a.yaml", b"unit: S\xf5\n", "file-not-utf8", {"byte": 7}),
        ("a.yaml", "unit: A\n".encode("utf-16"), "file-wrong-encoding", {"encoding": "UTF-16"}),
        ("a.yaml", b"unit: A\x00\n", "file-has-nul", {}),
        ("a.yaml", "unit: A\nvalues: {TD: 55}\n" * 4, "file-too-large", {"limit": 40}),
    ],
)
def test_the_file_reader_speaks_with_codes(  # type: ignore[no-untyped-def]
    tmp_path, name: str, content: str | bytes, code: str | None, params: dict[str, object]
) -> None:
    p = tmp_path / name
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8")
    if code is None:  # UTF-16 is what spreadsheets save as "Unicode text": read
        assert parindex.read_assessments(p)[0].unit == "A"
        return
    with pytest.raises(parindex.AssessmentError) as info:
        parindex.read_assessments(p, max_bytes=40)
    e = info.value
    assert e.error_code == code and e.file == str(p)
    assert params.items() <= e.params.items()
    assert e.text("vi") != e.text("en") and errors.MESSAGES[code].vi.split("{")[0] in e.text("vi")


def test_a_folder_or_a_device_is_not_a_regular_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "in.yaml"
    folder.mkdir()
    device = tmp_path / "null.yaml"
    device.symlink_to("/dev/null")
    for path in (folder, device):
        with pytest.raises(parindex.AssessmentError) as info:
            parindex.read_assessments(path)
        assert info.value.error_code == "file-not-regular"
        assert "thư mục" in info.value.text("vi")
