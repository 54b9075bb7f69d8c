"""Building blocks of PyMC models that more than one chapter writes.

:func:`correlated_effects` builds a pair of correlated varying effects (an intercept and a slope per group) with an
LKJ prior on their correlation, written out for two effects. For a 2 x 2 correlation matrix, LKJcorr(eta) is the
same distribution as a Beta(eta, eta) prior on (rho + 1) / 2: the density of rho is proportional to
(1 - rho^2)^(eta - 1). Written that way, the sampler moves the spread of the slopes and the correlation separately,
where ``pm.LKJCholeskyCov`` moves the entries of the Cholesky factor, in which a small spread squeezes the
correlation into a funnel; and the model compiles faster. pymc and pytensor are imported inside the function, so
that ``import rethinking_utils`` stays quick.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from pytensor.tensor import TensorLike, TensorVariable


def _check_eta(eta: object) -> None:
    """Raise if eta is a number (or a pm.Data holding one) that is not finite and > 0."""
    from pytensor.compile import SharedVariable
    from pytensor.graph.basic import Constant

    if isinstance(eta, SharedVariable):
        value, where = eta.get_value(), f"the current value of {eta.name or 'eta'}"
    elif isinstance(eta, Constant):
        value, where = eta.data, "eta"
    elif isinstance(eta, numbers.Real | np.ndarray | np.generic):
        value, where = eta, "eta"
    elif hasattr(eta, "type"):  # a symbolic tensor (a random variable, say): the prior's business
        if getattr(eta.type, "ndim", 0) != 0:
            raise ValueError(f"correlated_effects() needs a scalar eta; got a tensor with {eta.type.ndim} dimensions")
        return
    else:
        raise TypeError(f"correlated_effects() needs eta as a number > 0; got {type(eta).__name__} {eta!r}")
    array = np.asarray(value)
    if array.ndim != 0 or not np.issubdtype(array.dtype, np.number) or np.iscomplexobj(array):
        raise ValueError(f"correlated_effects() needs a real scalar eta > 0; {where} is {value!r}")
    if not (np.isfinite(array) and array > 0):
        raise ValueError(
            f"correlated_effects() needs eta > 0 (1 = every correlation equally likely, larger = nearer 0); "
            f"{where} is {float(array)}"
        )


def _dim_length(tensor: TensorVariable) -> int | None:
    """Length of the last dimension of a model variable declared with ``dims``, if the model knows it."""
    import pymc as pm
    from pytensor.compile import SharedVariable
    from pytensor.graph.basic import Constant

    model = pm.Model.get_context(error_if_none=False)
    dims = model.named_vars_to_dims.get(tensor.name) if model is not None and tensor.name else None
    if not dims or dims[-1] is None:
        return None
    length = model.dim_lengths.get(dims[-1])
    if isinstance(length, SharedVariable):
        return int(length.get_value())
    if isinstance(length, Constant):
        return int(length.data)
    return None


def _check_shape(tensor: TensorVariable, name: str, ndim: int) -> None:
    """Raise unless tensor has ndim dimensions and (when known) 2 entries along its last one."""
    if tensor.type.ndim != ndim:
        shape = "(2,)" if ndim == 1 else "(groups, 2)"
        raise ValueError(
            f"correlated_effects() needs {name} of shape {shape}, one column per effect; "
            f"got {tensor.type.ndim} dimension(s)"
        )
    last = tensor.type.shape[-1]
    if last is None:  # a dims-shaped variable: its length is known to the model, not to the type
        last = _dim_length(tensor)
    if last is not None and last != 2:
        raise ValueError(
            f"correlated_effects() is written for two effects (intercept and slope); {name} has {last} along its "
            f"last dimension. For more effects use pm.LKJCholeskyCov"
        )


def correlated_effects(
    mu: TensorLike,
    sds: TensorLike,
    z: TensorLike,
    eta: TensorLike,
    *,
    dims: Sequence[str] | None = None,
    name: str | None = "ab",
    rho_name: str = "rho",
) -> TensorVariable:
    """Two correlated varying effects per group, ``mu + L z``, with an LKJcorr(eta) prior on their correlation.

    Non-centered: ``L`` is the Cholesky factor of the covariance matrix of the two effects,
    ``[[sd_0, 0], [sd_1 rho, sd_1 sqrt(1 - rho^2)]]``, and ``z`` holds independent standard-normal offsets. The
    correlation gets its LKJ prior as ``(rho + 1) / 2 ~ Beta(eta, eta)``, which for a 2 x 2 correlation matrix is
    LKJcorr(eta): the density of rho is proportional to ``(1 - rho^2)^(eta - 1)``. Compared with
    ``pm.LKJCholeskyCov``, the sampler then moves the spread of the slopes and rho separately (no funnel between
    them when the spread is small), and the model compiles faster. Call it inside a ``pm.Model``.

    Parameters
    ----------
    mu : tensor-like, shape (2,)
        The population means of the two effects.
    sds : tensor-like, shape (2,)
        Their standard deviations across groups (positive).
    z : tensor-like, shape (groups, 2)
        Standard-normal offsets, one row per group.
    eta : float or scalar tensor (a ``pm.Data``, say)
        The LKJ shape, > 0: 1 makes every correlation equally likely; larger values pull rho towards 0.
    dims : pair of str, optional
        Dims of the returned effects (groups, effect), when they are stored as a Deterministic.
    name : str or None, default "ab"
        Name of the Deterministic that stores the effects; None returns them without storing them.
    rho_name : str, default "rho"
        Name of the Deterministic correlation; its Beta variable on (rho + 1) / 2 is called ``rho_name + "_01"``.

    Returns
    -------
    TensorVariable, shape (groups, 2)
        Column 0: ``mu[0] + sds[0] z[:, 0]``; column 1: ``mu[1] + sds[1] (rho z[:, 0] + sqrt(1 - rho^2) z[:, 1])``.

    Raises
    ------
    ValueError
        If eta (a number, or the current value of a ``pm.Data``) is not > 0, if mu or sds do not have two entries, if
        z is not a (groups, 2) matrix, or if dims is not a pair.
    TypeError
        If called outside a ``pm.Model``, or eta is not a number or tensor.

    Examples
    --------
    >>> import pymc as pm
    >>> coords = {"group": ["a", "b", "c"],
    ...           "effect": ["intercept", "slope"]}
    >>> with pm.Model(coords=coords) as model:
    ...     mu = pm.Normal("mu", 0, 1, dims="effect")
    ...     sds = pm.HalfNormal("sds", 1, dims="effect")
    ...     z = pm.Normal("z", 0, 1, dims=("group", "effect"))
    ...     ab = correlated_effects(
    ...         mu, sds, z, eta=2.0, dims=("group", "effect")
    ...     )
    >>> sorted(model.named_vars)
    ['ab', 'mu', 'rho', 'rho_01', 'sds', 'z']
    >>> with model:
    ...     correlated_effects(
    ...         mu, sds, z, eta=0.0, name=None, rho_name="rho_b"
    ...     )
    Traceback (most recent call last):
    ...
    ValueError: correlated_effects() needs eta > 0 ...
    """
    import pymc as pm
    import pytensor.tensor as pt

    if pm.Model.get_context(error_if_none=False) is None:
        raise TypeError("correlated_effects() adds variables to a model: call it inside `with pm.Model():`")
    _check_eta(eta)
    mu, sds, z = (pt.as_tensor_variable(v) for v in (mu, sds, z))
    _check_shape(mu, "mu", 1)
    _check_shape(sds, "sds", 1)
    _check_shape(z, "z", 2)
    if dims is not None and (isinstance(dims, str) or len(dims) != 2):
        raise ValueError(f"correlated_effects() needs dims as a pair (groups, effect); got {dims!r}")
    rho = pm.Deterministic(rho_name, 2 * pm.Beta(f"{rho_name}_01", eta, eta) - 1)
    intercept = mu[0] + sds[0] * z[:, 0]
    slope = mu[1] + sds[1] * (rho * z[:, 0] + pt.sqrt(1 - rho**2) * z[:, 1])
    effects = pt.stack([intercept, slope], axis=-1)
    if name is None:
        return effects
    return pm.Deterministic(name, effects, dims=dims)
