import graphviz
import pytest

import rethinking_utils as ru
from rethinking_utils import GraphvizNotFoundError, draw_causal_graph

CONFOUND = [("G", "X"), ("G", "Y"), ("X", "Y")]


def test_reader_call_form_draws_g_dashed():
    dag = draw_causal_graph(CONFOUND, node_props={"G": {"style": "dashed"}})
    assert isinstance(dag, graphviz.Digraph)
    svg = dag.pipe(format="svg").decode()  # the real `dot` program renders it
    assert svg.count('class="node"') == 3 and svg.count('class="edge"') == 3
    assert "stroke-dasharray" in svg  # G's outline is dashed
    assert drawn(dag) == (["G", "X", "Y"], sorted(CONFOUND)) and "rankdir=LR" in dag.source


def test_renders_as_svg_in_jupyter():
    bundle = draw_causal_graph(CONFOUND)._repr_mimebundle_()
    assert "image/svg+xml" in bundle and bundle["image/svg+xml"].lstrip().startswith("<?xml")


def test_edge_props_and_extra_nodes():
    dag = draw_causal_graph([("X", "Y")], edge_props={("X", "Y"): {"color": "red"}}, nodes=["Z"], graph_direction="TB")
    assert "color=red" in dag.source and "rankdir=TB" in dag.source
    assert drawn(dag) == (["X", "Y", "Z"], [("X", "Y")])


def test_props_for_unknown_node_name_it():
    with pytest.raises(ValueError, match=r"not in the graph: \['U'\]"):
        draw_causal_graph(CONFOUND, node_props={"U": {"style": "dashed"}})


def test_props_for_unknown_edge_name_it():
    with pytest.raises(ValueError, match=r"\('Y', 'X'\)"):
        draw_causal_graph(CONFOUND, edge_props={("Y", "X"): {"color": "red"}})


@pytest.mark.parametrize(
    ("edges", "error", "message"),
    [
        ("GX", TypeError, r"edges must be a list of \(cause, effect\) pairs, got 'GX'"),
        ([("G",)], ValueError, r"each edge must be a \(cause, effect\) pair, got \('G',\)"),
        ([("G", "X", "Y")], ValueError, r"each edge must be a \(cause, effect\) pair, got \('G', 'X', 'Y'\)"),
        ([("", "X")], ValueError, r"node names must not be empty.*\('', 'X'\)"),
        ([(" ", "X")], ValueError, r"node names must not be empty"),
        ([], ValueError, r"needs at least one edge or node"),
    ],
)
def test_bad_edges(edges, error, message):
    # each case says what is wrong (a bare type check passed for any error of that type, e.g. an unpacking error)
    with pytest.raises(error, match=message):
        draw_causal_graph(edges)


def test_bad_direction():
    with pytest.raises(ValueError, match="graph_direction"):
        draw_causal_graph(CONFOUND, graph_direction="sideways")


def test_missing_dot_says_how_to_install(monkeypatch):
    monkeypatch.setattr(ru.dags.shutil, "which", lambda name: None)
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz.*brew install graphviz.*conda"):
        draw_causal_graph(CONFOUND)


# --- issue 13: the graph drawn is the graph given --------------------------------------------------------------

import os  # noqa: E402
import xml.etree.ElementTree as ET  # noqa: E402

import numpy as np  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"


def looks(text):
    """Text as it looks: Graphviz writes the second of two spaces as a no-break space, which looks the same,
    and a blank line of a label has no text element in the SVG."""
    lines = str(text).replace("\xa0", " ").split("\n")
    return "\n".join(line for line in lines if line.strip())


def drawn(dag):
    """What the real `dot` drew: the node labels as text, and the edges as (label, label) pairs."""
    root = ET.fromstring(dag.pipe(format="svg"))
    labels, edges = {}, []
    for group in root.iter(f"{SVG}g"):
        title = group.findtext(f"{SVG}title")
        if group.get("class") == "node":
            lines = [t.text or "" for t in group.iter(f"{SVG}text")]
            labels[title] = looks("\n".join(lines))
        elif group.get("class") == "edge":
            edges.append(title)
    pairs = []
    for title in edges:
        cause, effect = title.split("->")
        pairs.append((labels[cause], labels[effect]))
    return sorted(labels.values()), sorted(pairs)


NASTY = [
    '<x>; evil [label="PWNED" shape=box]; <y>',  # used to inject a node
    "<b>x</b>",  # used to become an HTML label
    "a:b",  # used to add a phantom node a (node:port)
    r"\alpha",  # used to change the label
    r"a\nb",
    "x\\",  # used to fail with a syntax error at display
    "&amp;",  # Graphviz reads entities in labels
    "node",  # a DOT keyword
    'say "hi"',
    "two  spaces",
]


@pytest.mark.parametrize("name", NASTY)
def test_any_string_is_drawn_as_written(name):
    nodes, edges = drawn(draw_causal_graph([(name, "Y")]))
    assert nodes == sorted([looks(name), "Y"]) and edges == [(looks(name), "Y")]


def test_cycles_are_rejected_naming_the_cycle():
    with pytest.raises(ValueError, match=r"cycle: A -> B -> C -> A.*allow_cycles=True"):
        draw_causal_graph([("X", "A"), ("A", "B"), ("B", "C"), ("C", "A")])
    with pytest.raises(ValueError, match=r"cycle: A -> A"):
        draw_causal_graph([("A", "B"), ("A", "A")])
    nodes, edges = drawn(draw_causal_graph([("A", "B"), ("B", "A")], allow_cycles=True))
    assert nodes == ["A", "B"] and edges == [("A", "B"), ("B", "A")]


def test_duplicate_edges_are_drawn_once():
    nodes, edges = drawn(draw_causal_graph([("A", "B"), ("A", "B"), ("B", "C")]))
    assert edges == [("A", "B"), ("B", "C")]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"edges": [(None, "X")]}, r"node names must be strings or numbers, got NoneType: None"),
        ({"edges": [(True, "X")]}, r"got bool: True"),
        ({"edges": [(["G"], "X")]}, r"got list: \['G'\]"),
        ({"edges": [("G", "X")], "nodes": "ZW"}, r"nodes must be a list of names.*not the string 'ZW'"),
        ({"edges": [("G", "X")], "nodes": [None]}, r"got NoneType"),
    ],
)
def test_names_must_be_strings_or_numbers(kwargs, message):
    with pytest.raises(TypeError, match=message):
        draw_causal_graph(**kwargs)


def test_not_a_number_is_not_a_name():
    with pytest.raises(ValueError, match="finite"):
        draw_causal_graph([(float("nan"), "X")])


def test_number_names_and_their_props():
    dag = draw_causal_graph(
        [(1, 2), (np.int64(2), 3.5)], node_props={1: {"style": "dashed"}}, edge_props={(1, 2): {"color": "red"}}
    )
    nodes, edges = drawn(dag)
    assert nodes == ["1", "2", "3.5"] and edges == [("1", "2"), ("2", "3.5")]
    assert "dashed" in dag.source and "red" in dag.source


def test_an_iterator_is_an_edge():
    nodes, edges = drawn(draw_causal_graph([iter(("A", "B")), (n for n in ("B", "C"))]))
    assert edges == [("A", "B"), ("B", "C")]


def test_a_dot_that_does_not_work_is_reported_at_draw_time(tmp_path, monkeypatch):
    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\necho 'dot: cannot load plugins' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(GraphvizNotFoundError, match=r"does not work.*cannot load plugins.*apt-get install graphviz"):
        draw_causal_graph(CONFOUND)


def drawable(text):
    """Not blank, and no character that SVG cannot carry (control characters but tab and newline, non-characters)."""
    return text.strip() and not any(0xFDD0 <= ord(c) <= 0xFDEF or ord(c) & 0xFFFE == 0xFFFE for c in text)


def names():
    letters = st.characters(exclude_categories=("Cc", "Cs"), include_characters="\t\n")
    return st.one_of(
        st.text(letters, min_size=1, max_size=12).filter(drawable),
        st.integers(-(10**6), 10**6),
    )


@pytest.mark.parametrize("name", ["a\x1fb", "bell\a", "\ufffe", "cr\r"])
def test_undrawable_characters_are_refused_by_name(name):
    with pytest.raises(ValueError, match="cannot be drawn"):
        draw_causal_graph([(name, "Y")])


@st.composite
def dags(draw):
    """Any names (strings or integers, distinct as drawn) and any acyclic edge list over them."""
    labels = draw(st.lists(names(), min_size=1, max_size=7, unique_by=str))
    n = len(labels)
    candidates = [(i, j) for i in range(n) for j in range(n) if i < j]  # i < j: acyclic in this order
    chosen = draw(st.lists(st.sampled_from(candidates), max_size=10, unique=True)) if candidates else []
    order = draw(st.permutations(range(n)))  # hide the topological order from the function
    edges = [(labels[order[i]], labels[order[j]]) for i, j in chosen]
    return labels, edges


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dags())
def test_the_svg_has_exactly_the_nodes_and_edges_given(graph):
    labels, edges = graph
    dag = draw_causal_graph(edges, nodes=labels)
    nodes, pairs = drawn(dag)
    assert nodes == sorted(looks(n) for n in labels)
    assert pairs == sorted((looks(a), looks(b)) for a, b in edges)


# --- issue 28 ---------------------------------------------------------------------------------------------------


def test_an_unknown_attribute_name_is_named_with_the_likely_one():
    """{'colour': 'red'} was dropped by Graphviz without a word."""
    with pytest.raises(ValueError, match=r"'colour'.*not a Graphviz attribute.*'color'"):
        draw_causal_graph(CONFOUND, node_props={"G": {"colour": "red"}})
    with pytest.raises(ValueError, match=r"'arrowhed'.*'arrowhead'"):
        draw_causal_graph(CONFOUND, edge_props={("G", "X"): {"arrowhed": "none"}})


def test_a_none_attribute_value_is_named():
    """{'style': None} became the string 'None', which Graphviz ignores."""
    with pytest.raises(ValueError, match=r"'style' of node 'G' is None"):
        draw_causal_graph(CONFOUND, node_props={"G": {"style": None}})


def test_names_that_differ_only_in_surrounding_spaces_are_refused():
    """'A' and 'A ' became two nodes that both read 'A'."""
    with pytest.raises(ValueError, match=r"'A' and 'A ' differ only in spaces"):
        draw_causal_graph([("A", "B"), ("A ", "C")])


@pytest.mark.parametrize("label", ["<b>bold</b>", "ends in a backslash\\"])
def test_a_label_graphviz_cannot_read_fails_when_drawn_not_at_display(label):
    with pytest.raises(ValueError, match=r"Graphviz cannot read.*node 'G'|Graphviz cannot read"):
        draw_causal_graph(CONFOUND, node_props={"G": {"label": label}})


def test_edges_as_a_two_column_data_frame():
    import pandas as pd

    edges = pd.DataFrame({"cause": ["G", "G", "X"], "effect": ["X", "Y", "Y"]})
    assert drawn(draw_causal_graph(edges)) == drawn(draw_causal_graph(CONFOUND))
    with pytest.raises(ValueError, match=r"two columns.*got 3"):
        draw_causal_graph(edges.assign(weight=1))
