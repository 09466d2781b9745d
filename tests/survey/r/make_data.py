"""Write the seeded responses that make_fixtures.R reads (data.csv).

Regenerate the fixtures (R with the survey package, e.g. Debian's r-base-core r-cran-survey):

    python tests/survey/r/make_data.py && Rscript tests/survey/r/make_fixtures.R

CI does not run R: the tests only read golden.csv.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def main() -> None:
    rng = np.random.default_rng(20240601)
    rows = []
    rid = 0
    # strata h1–h3 with 4 PSUs each (3 degrees of freedom per unit, as in the tutorial); h4 has
    # a single PSU; unit S is small (6 forms) and lies in two PSUs of h1
    for h, npsu in (("h1", 4), ("h2", 4), ("h3", 4), ("h4", 1)):
        for j in range(npsu):
            for unit in ("U1", "U2"):
                for _ in range(int(rng.integers(8, 20))):
                    rid += 1
                    a = int(rng.choice([1, 2, 3, 4, 5], p=[0.05, 0.1, 0.2, 0.4, 0.25]))
                    rows.append((rid, unit, h, f"{h}p{j}", float(rng.uniform(0.5, 3.0)), a))
    for j in range(6):
        rid += 1
        rows.append((rid, "S", "h1", f"h1p{j % 2}", float(rng.uniform(0.5, 3.0)), [4, 5, 2][j % 3]))
    with (HERE / "data.csv").open("w", encoding="utf-8") as f:
        f.write("respondent_id,unit,stratum,psu,weight,a\n")
        for r in rows:
            f.write(f"{r[0]},{r[1]},{r[2]},{r[3]},{r[4]!r},{r[5]}\n")


if __name__ == "__main__":
    main()
