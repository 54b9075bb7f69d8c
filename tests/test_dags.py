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
    assert 'stroke-dasharray' in svg  # G's outline is dashed
    assert "G -> X" in dag.source and "rankdir=LR" in dag.source


def test_renders_as_svg_in_jupyter():
    bundle = draw_causal_graph(CONFOUND)._repr_mimebundle_()
    assert "image/svg+xml" in bundle and bundle["image/svg+xml"].lstrip().startswith("<?xml")


def test_edge_props_and_extra_nodes():
    dag = draw_causal_graph([("X", "Y")], edge_props={("X", "Y"): {"color": "red"}}, nodes=["Z"], graph_direction="TB")
    assert "color=red" in dag.source and "\tZ" in dag.source and "rankdir=TB" in dag.source


def test_props_for_unknown_node_name_it():
    with pytest.raises(ValueError, match=r"not in the graph: \['U'\]"):
        draw_causal_graph(CONFOUND, node_props={"U": {"style": "dashed"}})


def test_props_for_unknown_edge_name_it():
    with pytest.raises(ValueError, match=r"\('Y', 'X'\)"):
        draw_causal_graph(CONFOUND, edge_props={("Y", "X"): {"color": "red"}})


@pytest.mark.parametrize(
    ("edges", "error"),
    [("GX", TypeError), ([("G",)], ValueError), ([("G", "X", "Y")], ValueError), ([("", "X")], ValueError), ([], ValueError)],
)
def test_bad_edges(edges, error):
    with pytest.raises(error):
        draw_causal_graph(edges)


def test_bad_direction():
    with pytest.raises(ValueError, match="graph_direction"):
        draw_causal_graph(CONFOUND, graph_direction="sideways")


def test_missing_dot_says_how_to_install(monkeypatch):
    monkeypatch.setattr(ru.dags.shutil, "which", lambda name: None)
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz.*brew install graphviz.*conda"):
        draw_causal_graph(CONFOUND)
