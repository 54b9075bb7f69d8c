"""Load the course's data sets as pandas DataFrames.

The CSV files live inside the package, in ``rethinking_utils/datasets/``, next to ``registry.toml``: one entry per
data set with its file, SHA-256 checksum, row count, column types, a one-line description, its source and its
licence. The loader, :func:`list_datasets`, the tests, ``data/README.md`` and ``data/build_data.py`` all read that
registry. Because the files are package data, the loader finds them the same way from a checkout, an editable
install or an installed wheel, from any working directory.
"""

from __future__ import annotations

import hashlib
import io
import tomllib
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

import pandas as pd

#: The package folder that holds the CSV files and registry.toml.
DATASETS_FOLDER = "datasets"


def _folder() -> Traversable:
    return resources.files("rethinking_utils").joinpath(DATASETS_FOLDER)


@cache
def _registry() -> dict[str, dict]:
    return tomllib.loads(_folder().joinpath("registry.toml").read_text(encoding="utf-8"))


def registry() -> dict[str, dict]:
    """The data registry: ``{name: {"file", "sha256", "rows", "description", "source", "licence", "columns"}}``.

    Returns
    -------
    dict
        A fresh copy of ``rethinking_utils/datasets/registry.toml``, read with :mod:`tomllib`; ``columns`` maps
        each column, in file order, to its pandas dtype.
    """
    return {name: {**entry, "columns": dict(entry["columns"])} for name, entry in _registry().items()}


def _dataset_bytes(name: str) -> bytes:
    """The raw bytes of a registered data set's CSV file (``name`` exactly as in the registry)."""
    return _folder().joinpath(_registry()[name]["file"]).read_bytes()


def list_datasets() -> pd.DataFrame:
    """The data sets that :func:`load_data` accepts, with what each one is.

    Returns
    -------
    pandas.DataFrame
        One row per data set, indexed by its name (sorted), with the columns ``description``, ``rows``, ``source``
        and ``licence``. ``list(list_datasets().index)`` gives the names alone.

    Examples
    --------
    >>> list(list_datasets().index)
    ['bangladesh', 'chimpanzees', 'radon', 'reedfrogs', 'trolley']
    """
    entries = _registry()
    table = pd.DataFrame(
        [
            {"name": n, **{k: entries[n][k] for k in ("description", "rows", "source", "licence")}}
            for n in sorted(entries)
        ]
    )
    return table.set_index("name")


def load_data(name: str, verify: bool = True) -> pd.DataFrame:
    """Load one of the course's data sets.

    Parameters
    ----------
    name : str
        One of the names of :func:`list_datasets` (case-insensitive, surrounding spaces ignored).
    verify : bool, default True
        Check the file's SHA-256 checksum against the registry before reading it (a file that was changed or
        damaged is refused instead of read).

    Returns
    -------
    pandas.DataFrame
        A fresh copy, with the registry's column types (integers ``int64``, decimals ``float64``, text ``str``,
        integers with missing values ``Int64``);
        changing it does not change what the next call returns.

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If ``name`` is not a known data set (the message lists the known ones), or if ``verify`` is true and the
        file's checksum differs from the registry's.

    Examples
    --------
    >>> frogs = load_data("reedfrogs")
    >>> len(frogs)
    48
    """
    if not isinstance(name, str):
        raise TypeError(f"load_data() takes the data set's name as a string, got {type(name).__name__}: {name!r}")
    entries = _registry()
    key = name.strip().lower()
    if key not in entries:
        raise ValueError(f"unknown data set {name!r}; available data sets: {', '.join(sorted(entries))}")
    entry = entries[key]
    raw = _dataset_bytes(key)
    if verify:
        digest = hashlib.sha256(raw).hexdigest()
        if digest != entry["sha256"] and b"\r\n" in raw:
            if hashlib.sha256(raw.replace(b"\r\n", b"\n")).hexdigest() == entry["sha256"]:
                raise ValueError(
                    f"the file of data set {key!r} ({entry['file']}) has Windows line endings (CRLF) where the "
                    "registry's checksum is of LF line endings: Git's core.autocrlf=true rewrote it at checkout. The "
                    "repository's .gitattributes keeps the data files byte for byte: pull it, run "
                    "`git checkout HEAD -- rethinking_utils/datasets` to write them again, then reinstall the package."
                )
        if digest != entry["sha256"]:
            raise ValueError(
                f"the file of data set {key!r} ({entry['file']}) has SHA-256 {digest}, but the registry says "
                f"{entry['sha256']}: the file was changed or damaged. Reinstall the package, or rebuild the data "
                "with `make data` from a checkout."
            )
    frame = pd.read_csv(io.BytesIO(raw), dtype=dict(entry["columns"]))
    if list(frame.columns) != list(entry["columns"]):
        raise ValueError(
            f"{entry['file']} has the columns {list(frame.columns)}, the registry {list(entry['columns'])}"
        )
    return frame
