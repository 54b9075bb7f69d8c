"""Draw causal DAGs as ``graphviz.Digraph`` objects (they render as SVG in Jupyter and in the book).

Every node gets an internal id (``n0``, ``n1``, ...) and the reader's name as an escaped label, so any
name is drawn exactly as written: DOT syntax, HTML-like markup, ``node:port`` colons, backslash escapes
and entities in a name mean nothing to Graphviz.
"""

from __future__ import annotations

import functools
import math
import numbers
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable, Mapping

import graphviz

INSTALL_HINT = (
    "install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS) "
    "or `conda install -c conda-forge graphviz`, then restart the kernel"
)

#: A node's name: a string, or a number (drawn as ``str(number)``, and the same node as that string).
NodeName = str | int | float
#: Graphviz attributes of a node or an edge, e.g. ``{"style": "dashed"}``.
Attributes = Mapping[str, str | int | float]


class GraphvizNotFoundError(RuntimeError):
    """The Graphviz ``dot`` program, which renders the graphs, is not installed or does not work.

    The message says which, and how to install Graphviz.
    """


@functools.cache
def _dot_renders(path: str) -> None:
    """Render a two-node graph with the ``dot`` at ``path``; raise if it cannot. Successes are cached per path."""
    try:
        done = subprocess.run([path, "-Tsvg"], input=b"digraph { a -> b }", capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as err:
        raise GraphvizNotFoundError(
            f"the Graphviz `dot` program at {path} does not work ({err}); {INSTALL_HINT}"
        ) from None
    if done.returncode != 0 or b"<svg" not in done.stdout:
        said = done.stderr.decode(errors="replace").strip() or "no error message"
        raise GraphvizNotFoundError(
            f"the Graphviz `dot` program at {path} does not work (exit status {done.returncode}: {said}); "
            f"reinstall it - {INSTALL_HINT}"
        )


def _check_dot() -> None:
    path = shutil.which("dot")
    if path is None:
        raise GraphvizNotFoundError(f"the Graphviz `dot` program was not found on PATH; {INSTALL_HINT}")
    _dot_renders(path)


def _undrawable(char: str) -> bool:
    """Characters SVG (XML 1.0) cannot carry, or Graphviz cannot read: control characters other than tab and
    newline, surrogates, and Unicode non-characters."""
    code = ord(char)
    if char in "\t\n":
        return False
    return unicodedata.category(char) in ("Cc", "Cs") or 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _name(node: object, where: str) -> str:
    """A node name as the text drawn (and the key the node is known by)."""
    if isinstance(node, str):
        if not node.strip():
            raise ValueError(f"node names must not be empty or blank, got {node!r} {where}")
        bad = [c for c in node if _undrawable(c)]
        if bad:
            raise ValueError(
                f"node name {node!r} {where} holds {bad[0]!r}, a character that cannot be drawn "
                "(a control character, a lone surrogate or a non-character); a newline is fine (a line break)"
            )
        return node
    if isinstance(node, numbers.Real) and not isinstance(node, bool) and type(node).__name__ != "bool_":
        if isinstance(node, numbers.Integral):
            return str(int(node))
        if not math.isfinite(float(node)):
            raise ValueError(f"node names must be finite numbers or strings, got {node!r} {where}")
        return str(node)
    raise TypeError(f"node names must be strings or numbers, got {type(node).__name__}: {node!r:.60} {where}")


def _label(name: str) -> str:
    """The DOT label that draws ``name`` as written: backslashes, quotes and ``&`` lose their meaning."""
    return graphviz.escape(name.replace("&", "&amp;"))


#: Graphviz's attributes of nodes and edges (https://graphviz.org/doc/info/attrs.html); Graphviz ignores any other
#: name without a word, so a misspelt one ("colour") is an error here.
_NODE_ATTRIBUTES = frozenset(
    "class color colorscheme comment distortion fillcolor fixedsize fontcolor fontname fontsize gradientangle group "
    "height href id image imagepos imagescale label labelloc layer margin nojustify ordering orientation penwidth "
    "peripheries pin pos rects regular root samplepoints shape shapefile showboxes sides skew sortv style target "
    "tooltip URL vertices width xlabel xlp z".split()
)
_EDGE_ATTRIBUTES = frozenset(
    "arrowhead arrowsize arrowtail class color colorscheme comment constraint decorate dir edgehref edgetarget "
    "edgetooltip edgeURL fillcolor fontcolor fontname fontsize head_lp headclip headhref headlabel headport "
    "headtarget headtooltip headURL href id label labelangle labeldistance labelfloat labelfontcolor labelfontname "
    "labelfontsize labelhref labeltarget labeltooltip labelURL layer len lhead lp ltail minlen nojustify penwidth "
    "pos samehead sametail showboxes style tail_lp tailclip tailhref taillabel tailport tailtarget tailtooltip "
    "tailURL target tooltip URL weight xlabel xlp".split()
)


def _attrs(props: Attributes, what: str, known: frozenset[str] = _NODE_ATTRIBUTES) -> dict[str, str]:
    import difflib

    if not isinstance(props, Mapping):
        raise TypeError(f"the properties of {what} must be a dict of Graphviz attributes, got {props!r}")
    out = {}
    for key, value in props.items():
        key = str(key)
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=1)
            raise ValueError(
                f"{key!r} (of {what}) is not a Graphviz attribute, so Graphviz would ignore it"
                + (f"; did you mean {close[0]!r}?" if close else "; see https://graphviz.org/doc/info/attrs.html")
            )
        if value is None:
            raise ValueError(f"the attribute {key!r} of {what} is None: give it a value, or leave it out")
        out[key] = str(value)
    return out


def _check_readable(graph: graphviz.Digraph) -> None:
    """Have `dot` read the graph now: a label Graphviz cannot parse (one that starts with < and ends with > is read
    as HTML; one ending in a backslash escapes its closing quote) would otherwise fail only when displayed."""
    result = subprocess.run(
        [shutil.which("dot") or "dot", "-Tcanon"], input=graph.source.encode(), capture_output=True, timeout=60
    )
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        raise ValueError(
            f"Graphviz cannot read the graph: {' '.join(message[:2])}. Usually an attribute value: one that starts "
            "with '<' and ends with '>' is read as an HTML-like label (write '<<b>bold</b>>' for one, or "
            "graphviz.escape(text) for text), and one that ends in a backslash escapes its closing quote (double it)"
        )


def _find_cycle(pairs: list[tuple[str, str]]) -> list[str] | None:
    """One directed cycle among the edges, as [a, b, ..., a], or None."""
    children: dict[str, list[str]] = {}
    for cause, effect in pairs:
        children.setdefault(cause, []).append(effect)
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in children:
        if state.get(start):
            continue
        path, stack = [start], [iter(children.get(start, []))]
        state[start] = 1
        while stack:
            child = next(stack[-1], None)
            if child is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(child) == 1:
                return path[path.index(child) :] + [child]
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append(iter(children.get(child, [])))
    return None


def draw_causal_graph(
    edges: Iterable[tuple[NodeName, NodeName]],
    node_props: Mapping[NodeName, Attributes] | None = None,
    edge_props: Mapping[tuple[NodeName, NodeName], Attributes] | None = None,
    graph_direction: str = "LR",
    nodes: Iterable[NodeName] | None = None,
    name: str = "dag",
    allow_cycles: bool = False,
) -> graphviz.Digraph:
    """Draw a causal directed acyclic graph.

    Parameters
    ----------
    edges : iterable of (cause, effect) pairs, or a two-column DataFrame
        For example ``[("G", "X"), ("G", "Y"), ("X", "Y")]``, or one row per edge. Names are strings (drawn
        exactly as written) or numbers (drawn as ``str(number)``: ``1`` and ``"1"`` are the same node). A pair
        may be any iterable of two names. An edge given twice is drawn once.
    node_props : dict, optional
        Graphviz attributes per node, keyed by node name, e.g. ``{"G": {"style": "dashed"}}`` to mark G
        unobserved. Nodes are plain text; a node given a ``style`` and no ``shape`` is drawn in an ellipse so
        that the style shows.
    edge_props : dict, optional
        Graphviz attributes per edge, keyed by the ``(cause, effect)`` pair, e.g. ``{("G", "X"): {"color": "red"}}``.
    graph_direction : {"LR", "TB", "RL", "BT"}
        Layout direction (Graphviz ``rankdir``): left to right by default.
    nodes : iterable of names, optional
        Extra nodes with no edges (a cause whose effects are not drawn yet), e.g. ``["Z"]``.
    name : str
        The graph's name in the Graphviz source.
    allow_cycles : bool
        Draw a graph with cycles (a feedback picture, not a DAG). By default a cycle is an error.

    Returns
    -------
    graphviz.Digraph
        Displays itself as SVG in Jupyter; ``.source`` is the DOT text (nodes are ``n0``, ``n1``, ... with the
        names as labels).

    Raises
    ------
    GraphvizNotFoundError
        If the Graphviz ``dot`` program is not installed or does not work (the message says how to install it).
    TypeError
        If ``edges`` or ``nodes`` is a string or not iterable, or a node name is neither a string nor a number
        (``None``, a list, a bool).
    ValueError
        If an edge is not a pair, a name is blank or a non-finite number, two names differ only in surrounding
        spaces, the edges form a cycle (the message names it), props name a node or edge not in the graph or an
        attribute Graphviz does not have (the message suggests the likely one) or give one the value None,
        Graphviz cannot read an attribute value (an HTML-like or backslash-ended label), a DataFrame of edges
        does not have two columns, or ``graph_direction`` is unknown.

    Examples
    --------
    >>> dag = draw_causal_graph(
    ...     [("G", "X"), ("G", "Y"), ("X", "Y")],
    ...     node_props={"G": {"style": "dashed"}},
    ... )
    >>> type(dag).__name__
    'Digraph'
    """
    _check_dot()
    if graph_direction not in {"LR", "TB", "RL", "BT"}:
        raise ValueError(f"graph_direction must be one of 'LR', 'TB', 'RL', 'BT', got {graph_direction!r}")
    if isinstance(edges, (str, bytes)) or not isinstance(edges, Iterable):
        raise TypeError(f"edges must be a list of (cause, effect) pairs, got {edges!r:.80}")
    if nodes is not None and (isinstance(nodes, (str, bytes)) or not isinstance(nodes, Iterable)):
        raise TypeError(
            f"nodes must be a list of names, e.g. ['Z', 'W'], not the string {nodes!r:.80}"
            if isinstance(nodes, (str, bytes))
            else f"nodes must be a list of names, got {nodes!r:.80}"
        )
    if type(edges).__name__ == "DataFrame" and hasattr(edges, "itertuples"):
        if len(edges.columns) != 2:
            raise ValueError(
                f"edges as a DataFrame must have two columns (cause, effect), got {len(edges.columns)}: "
                f"{list(edges.columns)}"
            )
        edges = list(edges.itertuples(index=False, name=None))
    pairs: list[tuple[str, str]] = []
    for edge in edges:
        if isinstance(edge, (str, bytes)) or not isinstance(edge, Iterable):
            raise ValueError(f"each edge must be a (cause, effect) pair, got {edge!r:.80}")
        edge = tuple(edge)  # an iterator is read once, here
        if len(edge) != 2:
            raise ValueError(f"each edge must be a (cause, effect) pair, got {edge!r:.80}")
        pair = (_name(edge[0], f"in edge {edge!r:.80}"), _name(edge[1], f"in edge {edge!r:.80}"))
        if pair not in pairs:
            pairs.append(pair)
    order: list[str] = []
    for node in [n for pair in pairs for n in pair] + [_name(n, "in nodes") for n in (nodes or [])]:
        if node not in order:
            order.append(node)
    if not order:
        raise ValueError("draw_causal_graph() needs at least one edge or node")
    seen: dict[str, str] = {}
    for node in order:
        other = seen.setdefault(node.strip(), node)
        if other != node:
            raise ValueError(
                f"the node names {other!r} and {node!r} differ only in spaces: they would be two nodes that both "
                f"read {node.strip()!r}. Use one spelling"
            )
    if not allow_cycles:
        cycle = _find_cycle(pairs)
        if cycle:
            raise ValueError(
                f"the edges form a cycle: {' -> '.join(cycle)}; a causal DAG has none (check the direction of "
                "each arrow). To draw a cyclic picture anyway, pass allow_cycles=True"
            )

    node_attrs: dict[str, Attributes] = {}
    for key, props in (node_props or {}).items():
        node_attrs[_name(key, "in node_props")] = props
    edge_attrs: dict[tuple[str, str], Attributes] = {}
    for key, props in (edge_props or {}).items():
        key = tuple(key) if isinstance(key, Iterable) and not isinstance(key, (str, bytes)) else (key,)
        if len(key) != 2:
            raise ValueError(f"edge_props keys must be (cause, effect) pairs, got {key!r:.80}")
        edge_attrs[(_name(key[0], "in edge_props"), _name(key[1], "in edge_props"))] = props
    unknown_nodes = [n for n in node_attrs if n not in order]
    if unknown_nodes:
        raise ValueError(f"node_props names nodes that are not in the graph: {unknown_nodes}; nodes are {order}")
    unknown_edges = [e for e in edge_attrs if e not in pairs]
    if unknown_edges:
        raise ValueError(f"edge_props names edges that are not in the graph: {unknown_edges}; edges are {pairs}")

    ids = {node: f"n{i}" for i, node in enumerate(order)}
    graph = graphviz.Digraph(name, graph_attr={"rankdir": graph_direction, "bgcolor": "transparent"})
    graph.attr("node", shape="plaintext", fontname="Helvetica")
    for node in order:
        attrs = {"label": _label(node)} | _attrs(node_attrs.get(node, {}), f"node {node!r}")
        if "style" in attrs and "shape" not in attrs:
            attrs["shape"] = "ellipse"  # a plain-text node has no outline to dash or fill
        graph.node(ids[node], **attrs)
    for cause, effect in pairs:
        graph.edge(
            ids[cause],
            ids[effect],
            **_attrs(edge_attrs.get((cause, effect), {}), f"edge {(cause, effect)!r}", _EDGE_ATTRIBUTES),
        )
    _check_readable(graph)
    return graph
