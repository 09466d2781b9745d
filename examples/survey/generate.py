"""Generate the EXAMPLE data set: a made-up province's satisfaction survey of its departments.

Run from the repository root: ``python examples/survey/generate.py``. The seed is fixed, so the
files are the same on every run. Nothing here is real: departments, answers and weights are made up.

Design: each department is a stratum; within it, the survey was run on 4 days at the one-stop
desk (the days are the primary sampling units); 25–40 people were asked per day; the weight of a
respondent is the department's number of dossiers that quarter divided by its number of forms.
The survey's own column names (Cau_01 ...) are mapped to the methodology's item codes by
``example-province-departments-mapping.yaml``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 20240115
DEPARTMENTS = [
    ("SNV", "Sở Nội vụ"),
    ("STP", "Sở Tư pháp"),
    ("SKHDT", "Sở Kế hoạch và Đầu tư"),
    ("STC", "Sở Tài chính"),
    ("SCT", "Sở Công Thương"),
    ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("SGTVT", "Sở Giao thông vận tải"),
    ("SXD", "Sở Xây dựng"),
    ("STNMT", "Sở Tài nguyên và Môi trường"),
    ("SLDTBXH", "Sở Lao động – Thương binh và Xã hội"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("SKHCN", "Sở Khoa học và Công nghệ"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("SYT", "Sở Y tế"),
    ("STTTT", "Sở Thông tin và Truyền thông"),
    ("BQLKCN", "Ban Quản lý các khu công nghiệp"),
]
ITEMS = [
    "TC1",
    "TC2",
    "TC3",
    "TT1",
    "TT2",
    "TT3",
    "CC1",
    "CC2",
    "CC3",
    "KQ1",
    "KQ2",
    "GY1",
    "GY2",
    "DG1",
]
GROUPS = ["citizen", "business"]


def main() -> None:
    rng = np.random.default_rng(SEED)
    columns = [f"Cau_{i + 1:02d}" for i in range(len(ITEMS))]
    rows: list[list[str]] = []
    rid = 0
    for d, (code, _name) in enumerate(DEPARTMENTS):
        quality = 0.55 + 0.35 * rng.random()  # the department's (made-up) true satisfaction
        dossiers = int(rng.integers(800, 6000))
        per_day = rng.integers(25, 41, size=4)
        n_unit = int(per_day.sum())
        if d == len(DEPARTMENTS) - 1:  # one small unit, to show the small-unit flag
            per_day = np.array([6, 6, 7, 6])
            n_unit = int(per_day.sum())
        weight = dossiers / n_unit
        for day, count in enumerate(per_day, start=1):
            day_effect = rng.normal(0, 0.05)
            for _ in range(int(count)):
                rid += 1
                q = float(np.clip(quality + day_effect + rng.normal(0, 0.08), 0.05, 0.98))
                answers: list[str] = []
                for item in ITEMS:
                    if item == "DG1":
                        answers.append(str(int(np.clip(round(rng.normal(10 * q, 1.5)), 1, 10))))
                        continue
                    u = rng.random()
                    if u < 0.03:
                        answers.append("8")  # no opinion
                    elif u < 0.05:
                        answers.append("9")  # not applicable
                    elif u < 0.06:
                        answers.append("")  # blank
                    else:
                        sat = rng.random() < q
                        level = (
                            rng.choice([4, 5], p=[0.6, 0.4])
                            if sat
                            else rng.choice([1, 2, 3], p=[0.15, 0.3, 0.55])
                        )
                        answers.append(str(int(level)))
                rows.append(
                    [
                        f"R{rid:05d}",
                        code,
                        str(rng.choice(GROUPS, p=[0.8, 0.2])),
                        code,
                        f"{code}-N{day}",
                        f"{weight:.4f}",
                        *answers,
                    ]
                )
    with open(
        HERE / "example-province-departments-responses.csv", "w", encoding="utf-8", newline=""
    ) as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["respondent_id", "unit", "group", "stratum", "psu", "weight", *columns])
        w.writerows(rows)
    with open(
        HERE / "example-province-departments-units.csv", "w", encoding="utf-8", newline=""
    ) as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["unit", "name"])
        w.writerows(DEPARTMENTS)
    with open(HERE / "example-province-departments-mapping.yaml", "w", encoding="utf-8") as fh:
        fh.write("# EXAMPLE: the survey's own column names → the methodology's item codes.\n")
        fh.write("parindex: 1\nkind: survey-mapping\ncolumns:\n")
        for c, item in zip(columns, ITEMS, strict=True):
            fh.write(f"  {c}: {item}\n")


if __name__ == "__main__":
    main()
