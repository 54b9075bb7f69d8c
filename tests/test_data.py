"""The shipped data files: checksums, known facts, and the loader's behaviour."""

import hashlib
import os
from pathlib import Path

import pandas as pd
import pytest

import rethinking_utils as ru

DATA = Path(__file__).resolve().parent.parent / "data"

# Regenerate with `make data`; a changed checksum means the data changed: update data/README.md too.
CHECKSUMS = {
    "reedfrogs": "9ab0023b1932a5339d4fb79dd55dea5937b0ff9bb886d007a08685d38e4d7946",
    "bangladesh": "d307c1ef40660beb8e5563491ec0bffdb6409e79dda3b32ac07772b88e4a5069",
    "radon": "e250f698a234eda70923cf5403894adf6f8f343692a6c77b777f9d508059331b",
}


@pytest.mark.parametrize("name", sorted(CHECKSUMS))
def test_checksum(name):
    assert hashlib.sha256((DATA / f"{name}.csv").read_bytes()).hexdigest() == CHECKSUMS[name]


def test_list_datasets():
    assert ru.list_datasets() == ["bangladesh", "radon", "reedfrogs"]


def test_reedfrogs_facts():
    frogs = ru.load_data("reedfrogs")
    assert list(frogs.columns) == ["density", "pred", "size", "surv", "propsurv"]
    assert len(frogs) == 48
    assert frogs["surv"].sum() == 783
    assert sorted(frogs["density"].unique()) == [10, 25, 35]
    assert set(frogs["pred"]) == {"no", "pred"} and set(frogs["size"]) == {"big", "small"}
    assert (frogs["surv"] / frogs["density"]).round(6).equals(frogs["propsurv"].round(6))


def test_bangladesh_facts():
    bd = ru.load_data("bangladesh")
    assert list(bd.columns) == ["woman", "district", "use.contraception", "living.children", "age.centered", "urban"]
    assert len(bd) == 1934
    assert bd["district"].nunique() == 60 and 54 not in set(bd["district"])
    assert bd.groupby("district").size().loc[[1, 2, 3]].tolist() == [117, 20, 2]
    assert set(bd["use.contraception"]) == {0, 1} and set(bd["urban"]) == {0, 1}
    assert set(bd["living.children"]) == {1, 2, 3, 4}
    assert abs(bd["age.centered"].mean()) < 0.01


def test_radon_facts():
    radon = ru.load_data("radon")
    assert list(radon.columns) == ["county", "county_code", "floor", "log_radon", "log_uranium"]
    assert len(radon) == 919
    assert radon["county"].nunique() == 85
    assert (radon["floor"] == 1).sum() == 153
    assert sorted(radon["county_code"].unique()) == list(range(85))
    assert radon.groupby("county_code")["county"].nunique().eq(1).all()
    sizes = radon.groupby("county").size()
    assert sizes.min() == 1 and sizes.max() == 116
    assert "CASS" in sizes.index and "CROW WING" in sizes.index and "FREEBORN" in sizes.index
    # floor is 1 = first floor: first-floor homes have less radon (Gelman & Hill: about -0.6 on the log scale)
    gap = radon.loc[radon.floor == 1, "log_radon"].mean() - radon.loc[radon.floor == 0, "log_radon"].mean()
    assert -0.8 < gap < -0.4


def test_load_returns_fresh_copy():
    first = ru.load_data("reedfrogs")
    first["surv"] = 0
    assert ru.load_data("reedfrogs")["surv"].sum() == 783


def test_name_is_forgiving_about_case_and_spaces():
    assert len(ru.load_data(" Radon ")) == 919


def test_unknown_name_lists_available():
    with pytest.raises(ValueError, match=r"unknown data set 'frogs'.*bangladesh, radon, reedfrogs"):
        ru.load_data("frogs")


@pytest.mark.parametrize("bad", [None, 3, ["radon"]])
def test_non_string_name(bad):
    with pytest.raises(TypeError, match="as a string"):
        ru.load_data(bad)


def test_works_from_another_directory(tmp_path):
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert isinstance(ru.load_data("bangladesh"), pd.DataFrame)
    finally:
        os.chdir(here)
