"""Companion package of the course *Multilevel models in PyMC*.

Data loading, causal-DAG drawing, small plot helpers, link functions, a model building block
(correlated varying effects), compile-once sampling and a sampler health report. Importing it is
quick: pymc, pytensor and arviz are imported only inside the functions that need them.
"""

from rethinking_utils.book import (
    Chapter,
    check_claim,
    course_seed,
    glue_number,
    glue_time,
    start_chapter,
    versions_line,
)
from rethinking_utils.dags import GraphvizNotFoundError, draw_causal_graph
from rethinking_utils.data import list_datasets, load_data
from rethinking_utils.diagnostics import SamplingReport, sampling_report
from rethinking_utils.loo import with_log_likelihood
from rethinking_utils.models import correlated_effects
from rethinking_utils.plots import plot_divergences, plot_errorbar, plot_line, plot_scatter, plot_x_errorbar, use_style
from rethinking_utils.sampling import compile_model, sample_compiled
from rethinking_utils.stats import center, invlogit, logit, standardize

__version__ = "0.1.0"

__all__ = [
    "Chapter",
    "check_claim",
    "course_seed",
    "glue_number",
    "glue_time",
    "start_chapter",
    "versions_line",
    "GraphvizNotFoundError",
    "SamplingReport",
    "center",
    "compile_model",
    "correlated_effects",
    "draw_causal_graph",
    "invlogit",
    "list_datasets",
    "load_data",
    "logit",
    "plot_divergences",
    "plot_errorbar",
    "plot_line",
    "plot_scatter",
    "plot_x_errorbar",
    "sample_compiled",
    "sampling_report",
    "standardize",
    "use_style",
    "with_log_likelihood",
]
