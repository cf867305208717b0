"""Image grids: the feature maps a convolution produces and the filters it learned.

Every panel of a grid shares one colour scale, so panels can be compared by eye, and one colorbar
says what the colours mean.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._validation import as_float_array, check_choice, check_int, describe
from glassnet.plotting import _style


def image_grid(images: np.ndarray, ncols: int | None = None, fig: Any = None,
               cmap: str = _style.IMAGE_CMAP, vmin: float | None = None,
               vmax: float | None = None, titles: list[str] | None = None,
               suptitle: str | None = None, cbar_label: str = "value"):
    """Show ``images`` (n, H, W) in a near-square grid with a shared colour scale.

    Parameters
    ----------
    images : ndarray, shape (n, H, W)
    ncols : int, optional
        Columns of the grid; default ``ceil(sqrt(n))`` (64 images → 8 × 8).
    fig : matplotlib Figure, optional
    cmap : str
    vmin, vmax : float, optional
        Colour range shared by all panels; default the images' minimum and maximum.
    titles : list of str, optional
        One title per panel.
    suptitle : str, optional
    cbar_label : str

    Returns
    -------
    matplotlib.figure.Figure
        ``n`` image panels plus one colorbar.
    """
    n = images.shape[0]
    ncols = int(np.ceil(np.sqrt(n))) if ncols is None else check_int(ncols, "ncols", low=1)
    ncols = min(ncols, n)
    vmin = float(images.min()) if vmin is None else vmin
    vmax = float(images.max()) if vmax is None else vmax
    if vmax <= vmin:
        vmin, vmax = vmin - 0.5, vmax + 0.5
    side = 1.9 if n <= 9 else (1.3 if n <= 36 else 1.0)
    fig, axes, cax = _style.panel_grid(fig, n, ncols, side, titled=titles is not None)
    im = None
    for i, ax in enumerate(axes):
        im = ax.imshow(images[i], cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        if titles is not None:
            ax.set_title(titles[i], fontsize="x-small", pad=2)
    cbar = fig.colorbar(im, cax=cax)
    cbar.set_label(cbar_label)
    if suptitle:
        fig.suptitle(suptitle, fontsize="medium")
    return fig


def feature_maps(maps: Any, ncols: int | None = None, fig: Any = None,
                 cmap: str = _style.IMAGE_CMAP, titles: list[str] | None = None,
                 title: str | None = None):
    """Show the feature maps of one image as a grid (64 maps → 8 × 8).

    Parameters
    ----------
    maps : array-like, shape (n, H, W) or (1, n, H, W)
        One map per filter, e.g. a Conv2D layer's output for one image (NCHW with batch 1).
    ncols : int, optional
        Columns of the grid; default ``ceil(sqrt(n))``.
    fig : matplotlib Figure, optional
    cmap : str
        Colormap (grey by default: dark = low, light = high).
    titles : list of str, optional
        One title per map (default "map 1", "map 2"... for up to 36 maps, none beyond).
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per map, all on one shared colour scale, with one colorbar.
    """
    _style.check_fig(fig)
    arr = as_float_array(maps, "maps", ndim=(3, 4))
    if arr.ndim == 4:
        if arr.shape[0] != 1:
            raise ValueError(f"maps must be (n, H, W) or one image's (1, n, H, W), got shape "
                             f"{arr.shape}; pick one image, e.g. maps[0]")
        arr = arr[0]
    titles = _check_titles(titles, len(arr), "map")
    title = f"{len(arr)} feature maps ({arr.shape[1]}×{arr.shape[2]})" if title is None else title
    return image_grid(arr, ncols=ncols, fig=fig, cmap=cmap, titles=titles, suptitle=title,
                      cbar_label="activation")


def _check_titles(titles: Any, n: int, word: str) -> list[str] | None:
    if titles is None:
        return [f"{word} {i + 1}" for i in range(n)] if n <= 36 else None
    if isinstance(titles, str) or len(titles) != n:
        raise ValueError(f"titles must hold one title per panel ({n}), got {describe(titles)}")
    return [str(t) for t in titles]


def filters(layer_or_array: Any, channel: int | str = "mean", ncols: int | None = None,
            fig: Any = None, cmap: str = _style.DIVERGING_CMAP, title: str | None = None):
    """Show convolution filters as a grid of small images, zero in white.

    Parameters
    ----------
    layer_or_array : Conv2D layer or array-like
        A built ``Conv2D`` (its ``params["W"]``, shape (filters, channels, kh, kw)), or an array
        of shape (n, kh, kw) or (filters, channels, kh, kw).
    channel : "mean" or int
        For several input channels: average the filter over its channels ("mean", the default)
        or show one channel. The title says which.
    ncols : int, optional
        Columns of the grid; default ``ceil(sqrt(n))``.
    fig : matplotlib Figure, optional
    cmap : str
        Diverging colormap centred on 0 (blue = positive weight, red = negative).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        One panel per filter on one symmetric colour scale, with one colorbar.
    """
    _style.check_fig(fig)
    source = "filters"
    if hasattr(layer_or_array, "params"):
        layer = layer_or_array
        W = layer.params.get("W") if layer.params else None
        if W is None:
            raise ValueError(f"filters needs a built Conv2D layer with weights; "
                             f"{type(layer).__name__} {getattr(layer, 'name', '')!r} has none "
                             "yet (build or fit its model first)")
        W = np.asarray(W)
        if W.ndim != 4:
            raise ValueError(f"filters expects a Conv2D layer with W of shape (filters, channels,"
                             f" kh, kw), got {type(layer).__name__} with W of shape {W.shape}")
        source = f"{layer.name} filters"
    else:
        W = as_float_array(layer_or_array, "layer_or_array", ndim=(3, 4))
    note = ""
    if W.ndim == 4:
        c = W.shape[1]
        if isinstance(channel, str):
            check_choice(channel, "channel", ("mean",))
            images = W.mean(axis=1)
            note = f", mean over {c} input channels" if c > 1 else ""
        else:
            channel = check_int(channel, "channel", low=0, high=c - 1)
            images = W[:, channel]
            note = f", input channel {channel} of {c}"
    else:
        images = W
    images = np.asarray(images, dtype=np.float64)
    vmax = float(np.abs(images).max()) or 1.0
    n, kh, kw = images.shape
    if title is None:
        title = f"{n} {source} ({kh}×{kw}{note})"
    return image_grid(images, ncols=ncols, fig=fig, cmap=cmap, vmin=-vmax, vmax=vmax,
                      titles=_check_titles(None, n, "filter"), suptitle=title,
                      cbar_label="weight")


__all__ = ["feature_maps", "filters", "image_grid"]
