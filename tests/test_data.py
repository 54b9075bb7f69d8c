"""rethinking_utils/data.py: the registry, the shipped files it describes, known facts, and the loader's behaviour.

The checksums live in one place, rethinking_utils/datasets/registry.toml; these tests read them from there.
"""

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

import rethinking_utils as ru
from rethinking_utils import data

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "rethinking_utils" / "datasets"
REGISTRY = data.registry()
FIELDS = {"file", "sha256", "rows", "description", "source", "licence", "columns"}


def test_registry_lists_every_file_and_every_field():
    assert sorted(REGISTRY) == ["bangladesh", "chimpanzees", "radon", "reedfrogs", "trolley"]
    files = sorted(p.name for p in FOLDER.glob("*.csv"))
    assert files == sorted(entry["file"] for entry in REGISTRY.values()), "a CSV in the package is not registered"
    for name, entry in REGISTRY.items():
        assert set(entry) == FIELDS, (name, set(entry) ^ FIELDS)
        assert re.fullmatch(r"[0-9a-f]{64}", entry["sha256"]), name
        assert entry["description"] and "\n" not in entry["description"] and len(entry["description"]) <= 60, name
        assert set(entry["columns"].values()) <= {"int64", "Int64", "float64", "str"}, name


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_file_matches_the_registry(name):
    """Checksum, header and row count of the shipped file are the registry's."""
    entry = REGISTRY[name]
    raw = (FOLDER / entry["file"]).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == entry["sha256"]
    lines = raw.decode("utf-8").split("\n")
    assert lines[0].split(",") == list(entry["columns"]) and lines[-1] == ""
    assert len(lines) - 2 == entry["rows"]


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_loaded_columns_have_the_registered_types(name):
    frame = ru.load_data(name)
    assert {c: str(t) for c, t in frame.dtypes.items()} == REGISTRY[name]["columns"]
    assert len(frame) == REGISTRY[name]["rows"]


def test_list_datasets_shows_the_descriptions():
    table = ru.list_datasets()
    assert list(table.index) == ["bangladesh", "chimpanzees", "radon", "reedfrogs", "trolley"]
    assert list(table.columns) == ["description", "rows", "source", "licence"]
    assert table.loc["radon", "description"] == REGISTRY["radon"]["description"]
    assert table.loc["reedfrogs", "rows"] == 48


def test_a_changed_file_is_refused(tmp_path, monkeypatch):
    """verify=True (the default) reads the file's checksum; one changed byte is an error that says what to do."""
    for path in FOLDER.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    frogs = tmp_path / "reedfrogs.csv"
    frogs.write_bytes(frogs.read_bytes().replace(b"\n10,no,big,9,", b"\n10,no,big,8,", 1))
    monkeypatch.setattr(data, "_folder", lambda: tmp_path)
    with pytest.raises(ValueError, match=r"reedfrogs.*SHA-256 [0-9a-f]{64}.*changed or damaged.*make data"):
        ru.load_data("reedfrogs")
    assert ru.load_data("reedfrogs", verify=False)["surv"].sum() == 782
    assert len(ru.load_data("radon")) == 919  # the untouched files still load


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


def test_trolley_facts():
    """Cushman, Young & Hauser (2006) as Statistical Rethinking 12.3 and 13H2-13H3 describe it."""
    trolley = ru.load_data("trolley")
    assert len(trolley) == 9930 and trolley["id"].nunique() == 331 and trolley["story"].nunique() == 12
    assert trolley.groupby("id").size().eq(30).all()  # every participant answered 30 dilemmas
    assert sorted(trolley["response"].unique()) == list(range(1, 8))
    assert trolley["edu"].nunique() == 8
    # contact is a kind of action: action2 = action or contact, and no dilemma has both
    assert (trolley["action2"] == (trolley["action"] | trolley["contact"])).all()
    assert not (trolley["action"] & trolley["contact"]).any()
    per_pair = trolley.groupby(["id", "story"]).size()
    assert len(per_pair) == 331 * 12 and per_pair.between(2, 4).all()  # crossed: each person meets every story


def test_chimpanzees_facts():
    """Silk et al. (2005) as Statistical Rethinking 11.1 and 13.3 use it: 7 actors x 6 blocks."""
    chimps = ru.load_data("chimpanzees")
    assert len(chimps) == 504 and chimps["actor"].nunique() == 7 and chimps["block"].nunique() == 6
    assert chimps.groupby(["actor", "block"]).size().eq(12).all()
    # the recipient is missing exactly when no partner sat opposite (condition 0)
    assert chimps["recipient"].isna().eq(chimps["condition"] == 0).all()
    assert set(chimps["pulled_left"]) == {0, 1}


def test_build_refuses_a_missing_or_changed_rethinking_copy(tmp_path):
    """make data reads rethinking's published CSVs: a missing copy or one with other bytes stops the build, naming
    the file and where it looked, and writes nothing."""
    build = [sys.executable, str(ROOT / "data" / "build_data.py"), "trolley", "--rethinking-data", str(tmp_path)]
    before = (FOLDER / "trolley.csv").read_bytes()
    missing = subprocess.run(build, capture_output=True, text=True, cwd=ROOT)
    assert missing.returncode != 0
    assert f"looked for {tmp_path / 'Trolley.csv'}" in missing.stderr and "Nothing was written" in missing.stderr
    (tmp_path / "Trolley.csv").write_bytes(b'"case";"response"\n"cfaqu";4\n')
    changed = subprocess.run(build, capture_output=True, text=True, cwd=ROOT)
    assert changed.returncode != 0
    assert str(tmp_path / "Trolley.csv") in changed.stderr and "not the published file" in changed.stderr
    assert (FOLDER / "trolley.csv").read_bytes() == before


@pytest.mark.skipif(not (ROOT.parent / "shared" / "data" / "rethinking").is_dir(), reason="no shared copy beside")
def test_build_rebuilds_trolley_and_chimpanzees_byte_for_byte():
    out = subprocess.run(
        [sys.executable, str(ROOT / "data" / "build_data.py"), "trolley", "chimpanzees"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.count("(as in the registry)") == 2


def test_load_returns_fresh_copy():
    first = ru.load_data("reedfrogs")
    first["surv"] = 0
    assert ru.load_data("reedfrogs")["surv"].sum() == 783


def test_name_is_forgiving_about_case_and_spaces():
    assert len(ru.load_data(" Radon ")) == 919


def test_unknown_name_lists_available():
    with pytest.raises(
        ValueError, match=r"unknown data set 'frogs'.*bangladesh, chimpanzees, radon, reedfrogs, trolley"
    ):
        ru.load_data("frogs")


@pytest.mark.parametrize("bad", [None, 3, ["radon"]])
def test_non_string_name(bad):
    with pytest.raises(TypeError, match="as a string"):
        ru.load_data(bad)


def test_the_working_directory_cannot_change_what_loads(tmp_path):
    """A fresh interpreter in a folder full of decoys (a reedfrogs.csv of one tank wherever a relative path could
    look) still loads the package's 48 tanks: the loader does not read paths relative to the working directory."""
    decoy = "density,pred,size,surv,propsurv\n10,no,big,1,0.1\n"
    for folder in [tmp_path, tmp_path / "data", tmp_path / "datasets", tmp_path / "rethinking_utils" / "datasets"]:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "reedfrogs.csv").write_text(decoy)
    code = "import rethinking_utils as ru; f = ru.load_data('reedfrogs', verify=False); print(len(f), f['surv'].sum())"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["48", "783"], out.stdout + out.stderr


def test_data_readme_describes_every_registered_column_and_holds_no_checksum():
    """data/README.md is the long-form provenance; the checksums are only in the registry."""
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert not re.search(r"\b[0-9a-f]{64}\b", readme), "a checksum in data/README.md: it belongs in registry.toml"
    assert "rethinking_utils/datasets/registry.toml" in readme
    for name, entry in REGISTRY.items():
        section = readme.split(f"## `{entry['file']}`", 1)
        assert len(section) == 2, f"data/README.md has no section for {entry['file']}"
        body = section[1].split("\n## ", 1)[0]
        for column in entry["columns"]:
            assert f"| `{column}` |" in body, f"data/README.md does not describe {name}.{column}"


def test_a_windows_checkout_with_crlf_line_ends_is_named(tmp_path, monkeypatch):
    """Git's core.autocrlf=true turned every LF into CRLF: every checksum failed and the message said 'reinstall'."""
    for path in FOLDER.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    frogs = tmp_path / "reedfrogs.csv"
    frogs.write_bytes(frogs.read_bytes().replace(b"\n", b"\r\n"))
    monkeypatch.setattr(data, "_folder", lambda: tmp_path)
    with pytest.raises(ValueError, match=r"reedfrogs.*line endings.*CRLF.*core.autocrlf"):
        ru.load_data("reedfrogs")


def test_gitattributes_keeps_the_data_files_byte_for_byte():
    """Without it a Windows checkout (core.autocrlf=true) rewrites the CSVs and no checksum holds."""
    if subprocess.run(["git", "-C", str(ROOT), "rev-parse"], capture_output=True).returncode != 0:
        pytest.skip("not a git checkout")
    files = [f"rethinking_utils/datasets/{entry['file']}" for entry in REGISTRY.values()]
    files.append("rethinking_utils/datasets/registry.toml")
    out = subprocess.run(
        ["git", "-C", str(ROOT), "check-attr", "text", "--", *files], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines() == [f"{name}: text: unset" for name in files]
