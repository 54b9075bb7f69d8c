"""Draw causal DAGs as ``graphviz.Digraph`` objects (they render as SVG in Jupyter and in the book)."""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping
from typing import Any

import graphviz

INSTALL_HINT = (
    "install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS) "
    "or `conda install -c conda-forge graphviz`, then restart the kernel"
)


class GraphvizNotFoundError(RuntimeError):
    """The Graphviz ``dot`` program, which renders the graphs, is not installed."""


def _check_dot() -> None:
    if shutil.which("dot") is None:
        raise GraphvizNotFoundError(f"the Graphviz `dot` program was not found on PATH; {INSTALL_HINT}")


def _attrs(props: Mapping[str, Any], what: str) -> dict[str, str]:
    if not isinstance(props, Mapping):
        raise TypeError(f"the properties of {what} must be a dict of Graphviz attributes, got {props!r}")
    return {str(k): str(v) for k, v in props.items()}


def draw_causal_graph(
    edges: Iterable[tuple[str, str]],
    node_props: Mapping[str, Mapping[str, Any]] | None = None,
    edge_props: Mapping[tuple[str, str], Mapping[str, Any]] | None = None,
    graph_direction: str = "LR",
    nodes: Iterable[str] | None = None,
    name: str = "dag",
) -> graphviz.Digraph:
    """Draw a causal directed acyclic graph.

    Parameters
    ----------
    edges : iterable of (cause, effect) pairs
        For example ``[("G", "X"), ("G", "Y"), ("X", "Y")]``.
    node_props : dict, optional
        Graphviz attributes per node, e.g. ``{"G": {"style": "dashed"}}`` to mark G unobserved.
        Nodes are plain text; a node given a ``style`` and no ``shape`` is drawn in an ellipse so
        that the style shows.
    edge_props : dict, optional
        Graphviz attributes per edge, keyed by the ``(cause, effect)`` pair, e.g. ``{("G", "X"): {"color": "red"}}``.
    graph_direction : {"LR", "TB", "RL", "BT"}
        Layout direction (Graphviz ``rankdir``): left to right by default.
    nodes : iterable of str, optional
        Extra nodes with no edges (a cause whose effects are not drawn yet).
    name : str
        The graph's name in the Graphviz source.

    Returns
    -------
    graphviz.Digraph
        Displays itself as SVG in Jupyter; ``.source`` is the DOT text.

    Raises
    ------
    GraphvizNotFoundError
        If the Graphviz ``dot`` program is not installed (the message says how to install it).
    ValueError
        If an edge is not a pair, a node has an empty name, props name a node or edge not in the graph,
        or ``graph_direction`` is unknown.
    """
    _check_dot()
    if graph_direction not in {"LR", "TB", "RL", "BT"}:
        raise ValueError(f"graph_direction must be one of 'LR', 'TB', 'RL', 'BT', got {graph_direction!r}")
    if isinstance(edges, (str, bytes)) or not isinstance(edges, Iterable):
        raise TypeError(f"edges must be a list of (cause, effect) pairs, got {edges!r}")
    pairs: list[tuple[str, str]] = []
    for edge in edges:
        if isinstance(edge, (str, bytes)) or not isinstance(edge, Iterable) or len(tuple(edge)) != 2:
            raise ValueError(f"each edge must be a (cause, effect) pair, got {edge!r}")
        cause, effect = (str(n) for n in edge)
        if not cause.strip() or not effect.strip():
            raise ValueError(f"node names must not be empty, got edge {edge!r}")
        pairs.append((cause, effect))
    order: list[str] = []
    for node in [n for pair in pairs for n in pair] + [str(n) for n in (nodes or [])]:
        if node not in order:
            order.append(node)
    if not order:
        raise ValueError("draw_causal_graph() needs at least one edge or node")

    node_props = dict(node_props or {})
    edge_props = {tuple(k): v for k, v in (edge_props or {}).items()}
    unknown_nodes = [n for n in node_props if n not in order]
    if unknown_nodes:
        raise ValueError(f"node_props names nodes that are not in the graph: {unknown_nodes}; nodes are {order}")
    unknown_edges = [e for e in edge_props if e not in pairs]
    if unknown_edges:
        raise ValueError(f"edge_props names edges that are not in the graph: {unknown_edges}; edges are {pairs}")

    graph = graphviz.Digraph(name, graph_attr={"rankdir": graph_direction, "bgcolor": "transparent"})
    graph.attr("node", shape="plaintext", fontname="Helvetica")
    for node in order:
        attrs = _attrs(node_props.get(node, {}), f"node {node!r}")
        if "style" in attrs and "shape" not in attrs:
            attrs["shape"] = "ellipse"  # a plain-text node has no outline to dash or fill
        graph.node(node, **attrs)
    for cause, effect in pairs:
        graph.edge(cause, effect, **_attrs(edge_props.get((cause, effect), {}), f"edge {(cause, effect)!r}"))
    return graph
