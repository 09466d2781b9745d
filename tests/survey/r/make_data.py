"""Write the seeded responses that make_fixtures.R reads (data.csv).

and the bootstrap replicate factors parindex draws for its PSUs (factors.csv).

Regenerate the fixtures (R with the survey package, e.g. Debian's r-base-core r-cran-survey):

    python tests/survey/r/make_data.py && Rscript tests/survey/r/make_fixtures.R

CI does not run R: the tests only read golden.csv.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from parindex.survey.variance import replicate_factors

HERE = Path(__file__).resolve().parent
#: the bootstrap of the golden test: replicates and seed
REPLICATES, SEED = 50, 20231211


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
    # an out-of-domain respondent of S (weight 0) in a third PSU: it does not count in S's degf
    rows.append((rid + 1, "S", "h1", "h1p2", 0.0, 4))
    # item b, from its own generator (item a above stays as it was): "no opinion" (8) for every
    # form of U1 in PSU h2p3 and of U2 in stratum h3, so that b's degrees of freedom are those of
    # its own subset (R's degf of the respondents with a valid answer)
    rb = np.random.default_rng(7)
    b = []
    for r in rows:
        x = int(rb.choice([1, 2, 3, 4, 5, 8], p=[0.05, 0.1, 0.2, 0.35, 0.2, 0.1]))
        if (r[1], r[3]) == ("U1", "h2p3") or (r[1], r[2]) == ("U2", "h3"):
            x = 8
        b.append(x)
    with (HERE / "data.csv").open("w", encoding="utf-8") as f:
        f.write("respondent_id,unit,stratum,psu,weight,a,b\n")
        for r, x in zip(rows, b, strict=True):
            f.write(f"{r[0]},{r[1]},{r[2]},{r[3]},{r[4]!r},{r[5]},{x}\n")

    psus = sorted({(r[2], r[3]) for r in rows})
    factors = replicate_factors(psus, REPLICATES, SEED)
    with (HERE / "factors.csv").open("w", encoding="utf-8") as f:
        f.write("stratum,psu," + ",".join(f"r{i + 1}" for i in range(REPLICATES)) + "\n")
        for j, (h, psu) in enumerate(psus):
            f.write(f"{h},{psu}," + ",".join(repr(float(x)) for x in factors[:, j]) + "\n")


if __name__ == "__main__":
    main()
