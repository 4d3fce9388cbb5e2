"""Traditional Chinese read as simplified, for looking words up (OpenCC's ``t2s``).

A policy published for Hong Kong or Taiwan readers, or a page converted by its site, writes
第三方公司名稱 and 設備型號 where the vocabulary has 第三方公司名称 and 设备型号. Header and label
keys, and a data item the vocabulary does not know as written, are looked up again in
simplified script; what the registry keeps (items, names, quotes) stays as written.

OpenCC (BYVoid's converter, C++ with wheels) is the well-kept library for this; its ``t2s``
dictionary maps characters and a few phrases, and is loaded on first use (about 20 ms).
"""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=8192)
def simplified(text: str) -> str:
    """``text`` with traditional characters written in simplified script; ASCII text as it is.

    >>> simplified("第三方公司名稱"), simplified("設備型號"), simplified("IMEI")
    ('第三方公司名称', '设备型号', 'IMEI')
    """
    if text.isascii():
        return text
    return _converter().convert(text)
