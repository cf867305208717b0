"""The glassnet playground: watch the real engine learn, live in the browser.

``glassnet playground`` starts :class:`~glassnet.playground.server.PlaygroundServer` on
127.0.0.1 and opens its page. The page (plain HTML, JavaScript and canvas, shipped in
``static/``) sends its controls as JSON and receives frames by Server-Sent Events; each
browser tab has a :class:`~glassnet.playground.session.Session` that trains a
``gn.Sequential`` in its own thread.

Modules: :mod:`settings` (every control value, checked), :mod:`datasets`, :mod:`features`,
:mod:`upload` (CSV files), :mod:`network`, :mod:`session`, :mod:`frames` (heatmaps),
:mod:`math_panel`, :mod:`diagnostics_panel`, :mod:`export`, :mod:`server`.
"""

from glassnet.playground.settings import Settings, SettingsError, parse_settings

__all__ = ["Settings", "SettingsError", "parse_settings"]
