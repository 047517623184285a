"""JSON reading for files written by strangers: every fault is a JSONDecodeError."""

from __future__ import annotations

import json
import re
import sys


def loads_json(text: str) -> object:
    """``json.loads``, except that an integer too long for Python to convert
    (more than ``sys.get_int_max_str_digits()`` digits, 4300 by default) is
    a :class:`json.JSONDecodeError` at its place, like any other fault of
    the file, rather than a bare ``ValueError`` with no position.

    (A ``parse_int`` hook would find it too, at the price of a Python call
    for every number of every file.)
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError:
        limit = sys.get_int_max_str_digits()
        found = re.search(f"[0-9]{{{limit + 1},}}", text)
        raise json.JSONDecodeError(
            f"a number has more than {limit} digits",
            text,
            found.start() if found else 0,
        ) from None
