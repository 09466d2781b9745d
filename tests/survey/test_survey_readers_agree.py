"""The pyarrow reader and the pure-Python reader give the same chunks, estimates and errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from parindex import survey
from parindex.errors import SurveyError
from parindex.survey import SurveyMethodology, load_methodology
from parindex.survey import responses as resp

pytest.importorskip("pyarrow")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "survey"
R = Path(__file__).resolve().parent / "r"
HEADER = "respondent_id,unit,group,stratum,psu,weight,a,b,c\n"


def outcome(path: Path, m: SurveyMethodology, engine: str, **kw: Any) -> Any:
    """Every chunk's content, or the error with its place, from one reader."""
    try:
        chunks = list(survey.iter_csv(path, methodology=m, engine=engine, **kw))
    except SurveyError as exc:
        return ("error", str(exc), exc.row, exc.code, repr(exc.value), exc.file)
    return [
        (
            c.items,
            c.answers.tolist(),
            c.rows.tolist(),
            c.unit.labels,
            c.unit.codes.tolist(),
            {k: (f.labels, f.codes.tolist()) for k, f in c.attributes.items()},
            None if c.weight is None else c.weight.tolist(),
            None if c.respondent_id is None else c.respondent_id.tolist(),
            c.excluded.to_dict(),
        )
        for c in chunks
    ]


def agree(path: Path, m: SurveyMethodology, **kw: Any) -> Any:
    fast = outcome(path, m, "arrow", **kw)
    slow = outcome(path, m, "python", **kw)
    assert fast == slow
    return fast


def test_clean_file_is_read_by_pyarrow_alone(
    tmp_path: Path, tiny: SurveyMethodology, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = outcome(R / "data.csv", tiny, "python", chunk_rows=97)

    def no_python(*a: Any, **k: Any) -> Any:
        raise AssertionError("the Python reader was used")

    monkeypatch.setattr(resp, "_block_to_responses", no_python)
    assert outcome(R / "data.csv", tiny, "arrow", chunk_rows=97) == slow
    assert outcome(R / "data.csv", tiny, "auto", chunk_rows=97) == slow


@pytest.mark.parametrize("design", ["srs", "taylor"])
def test_suite_files_give_identical_estimates(tiny: SurveyMethodology, design: str) -> None:
    for chunk_rows in (1, 50, 100_000):
        agree(R / "data.csv", tiny, chunk_rows=chunk_rows)
    est = {
        engine: survey.estimate(
            survey.iter_csv(R / "data.csv", methodology=tiny, engine=engine, chunk_rows=64),
            methodology=tiny,
            design=design,
            single_psu="center",
        ).to_dict()
        for engine in ("arrow", "python")
    }
    assert est["arrow"] == est["python"]


def test_example_file_with_mapping_agrees() -> None:
    m = load_methodology(str(EXAMPLES / "example-province-departments-methodology.yaml"))
    mapping = resp.read_mapping(EXAMPLES / "example-province-departments-mapping.yaml")
    data = EXAMPLES / "example-province-departments-responses.csv"
    for on_error in ("raise", "skip"):
        agree(data, m, mapping=mapping, on_error=on_error, chunk_rows=333)
    est = [
        survey.estimate(
            survey.iter_csv(data, methodology=m, mapping=mapping, engine=e), methodology=m
        ).to_dict()
        for e in ("arrow", "python")
    ]
    assert est[0] == est[1]


GOOD = "1,X,citizen,h1,p1,1.5,5,4,1\n2,X,citizen,h1,p2,2,4,2,8\n3,Y,business,h1,p1,1,3,9,5\n"
HOSTILE: dict[str, bytes] = {
    "bad codes": (GOOD + "4,X,c,h1,p1,1,7,x,4.0\n5,Y,c,h1,p2,1,NA, 3,200\n").encode(),
    "blank lines": (GOOD + "\n\n4,X,c,h1,p1,1,5,4,1\n   \n5,Y,c,h1,p1,1,4,4,4\n").encode(),
    "bom": ("\ufeff" + HEADER + GOOD).encode()[len(HEADER) :],
    "quoted newline": (GOOD + '4,"X\ny",c,h1,p1,1,5,4,1\n5,X,c,h1,p1,1,4,4,4\n').encode(),
    "stray quote": (GOOD + '4,X"y",c,h1,p1,1,5,4,1\n').encode(),
    "wrong width": (GOOD + "4,X,c,h1,p1,1,5,4\n").encode(),
    "empty unit": (GOOD + "4,,c,h1,p1,1,5,4,1\n").encode(),
    "duplicate id": (GOOD * 2).encode(),
    "bad weight": (GOOD + "4,X,c,h1,p1,abc,5,4,1\n5,X,c,h1,p1,-1,5,4,1\n").encode(),
    "not utf-8": GOOD.encode() + b"4,X\xff,c,h1,p1,1,5,4,1\n",
    "long field": GOOD.encode() + b"4,X," + b"g" * 140_000 + b",h1,p1,1,5,4,1\n",
    "crlf": GOOD.replace("\n", "\r\n").encode(),
    "unicode units": "1, Hà Nội ,c,h1,p1,1,5,4,1\n2,Hà Nội,c,h1,p2,1,4,4,4\n".encode(),
    "stratum without psu": (GOOD + "4,X,c,h1,,1,5,4,1\n").encode(),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("on_error", ["raise", "skip"])
@pytest.mark.parametrize("chunk_rows", [1, 2, 1000])
def test_hostile_files_give_identical_results_and_errors(
    tmp_path: Path, tiny: SurveyMethodology, name: str, on_error: str, chunk_rows: int
) -> None:
    body = HOSTILE[name]
    p = tmp_path / "responses.csv"
    if name == "bom":
        p.write_bytes(("\ufeff" + HEADER + GOOD).encode())
    else:
        p.write_bytes(HEADER.encode() + body)
    agree(p, tiny, on_error=on_error, chunk_rows=chunk_rows)


def test_semicolon_separated_file_agrees(tmp_path: Path, tiny: SurveyMethodology) -> None:
    p = tmp_path / "responses.csv"
    p.write_text((HEADER + GOOD).replace(",", ";").replace("1.5", "1,5"), encoding="utf-8")
    out = agree(p, tiny, delimiter=";")
    assert out[0][6] == [1.5, 2.0, 1.0]


def test_both_readers_count_the_same_exclusions(tmp_path: Path, tiny: SurveyMethodology) -> None:
    rng = np.random.default_rng(3)
    codes = ["1", "2", "3", "4", "5", "8", "9", "", "7", "x"]
    lines = [
        f"{i},{rng.choice(['X', 'Y'])},c,h{i % 3},p{i % 4},1,"
        + ",".join(str(rng.choice(codes)) for _ in range(3))
        for i in range(500)
    ]
    p = tmp_path / "responses.csv"
    p.write_text(HEADER + "\n".join([*lines, lines[7]]) + "\n", encoding="utf-8")
    out = agree(p, tiny, on_error="skip", chunk_rows=64)
    assert sum(c[8]["respondents"].get("duplicate_id", 0) for c in out) == 1
