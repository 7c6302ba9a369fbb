"""How classes and relations are drawn, read from style.toml.

>>> style()["class"]["CollaborationBody"]["shape"]
'diamond'
"""
from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path


@cache
def style() -> dict:
    return tomllib.loads((Path(__file__).with_name("style.toml")).read_text(encoding="utf-8"))
