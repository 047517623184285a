"""The durable archive: the only stage that writes it.

``store`` keeps every interaction ever seen (one JSON line each), ``local``
reads changed local exports into it, ``live`` schedules the network sources
(each platform's fetching lives with its parser in ``sources``), ``dedup``
collapses one interaction reported by several sources.
"""

__all__: list[str] = []
