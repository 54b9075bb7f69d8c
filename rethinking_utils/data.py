"""Load the course's data sets as pandas DataFrames.

The CSV files live in the repository's ``data/`` folder; a wheel carries a copy
of them inside the package (``rethinking_utils/_datasets``), so the loader
works from a checkout, an editable install and a regular ``pip install .``,
from any working directory.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

#: What each data set is, in one line (the full provenance is in data/README.md).
DATASETS: dict[str, str] = {
    "bangladesh": "1934 women in 60 districts, 1988 Bangladesh Fertility Survey (mlmRev::Contraception)",
    "radon": "919 Minnesota homes in 85 counties, EPA radon survey (Gelman & Hill; HLMdiag::radon)",
    "reedfrogs": "48 tanks of reed-frog tadpoles, predation experiment (Vonesh & Bolker 2005; emdbook)",
}


def _data_dir() -> Path:
    """The folder holding the CSVs: inside the installed package, else the checkout's data/."""
    bundled = Path(str(resources.files("rethinking_utils"))) / "_datasets"
    if (bundled / "reedfrogs.csv").is_file():
        return bundled
    checkout = Path(__file__).resolve().parent.parent / "data"
    if (checkout / "reedfrogs.csv").is_file():
        return checkout
    raise FileNotFoundError(
        f"the course's CSV files were found neither in {bundled} nor in {checkout}; "
        "reinstall the package (pip install .) or run from a full checkout"
    )


def list_datasets() -> list[str]:
    """Names of the data sets that :func:`load_data` accepts, sorted.

    Returns
    -------
    list of str
        For example ``["bangladesh", "radon", "reedfrogs"]``.
    """
    return sorted(DATASETS)


def load_data(name: str) -> pd.DataFrame:
    """Load one of the course's data sets.

    Parameters
    ----------
    name : str
        One of :func:`list_datasets` (case-insensitive, surrounding spaces ignored).

    Returns
    -------
    pandas.DataFrame
        A fresh copy; changing it does not change what the next call returns.

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If ``name`` is not a known data set; the message lists the known ones.

    Examples
    --------
    >>> frogs = load_data("reedfrogs")
    >>> len(frogs)
    48
    """
    if not isinstance(name, str):
        raise TypeError(f"load_data() takes the data set's name as a string, got {type(name).__name__}: {name!r}")
    key = name.strip().lower()
    if key not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; available data sets: {', '.join(list_datasets())}")
    return pd.read_csv(_data_dir() / f"{key}.csv")
