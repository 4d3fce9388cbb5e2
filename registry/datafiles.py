"""The files in ``data/`` as the rest of the registry reads them: where they are, how names
compare, and YAML through a JSON cache. A leaf module (it imports only the error tree), so
that the vocabulary and the cell words can both use it without importing each other.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import unicodedata
from pathlib import Path
from typing import Any

from registry.errors import VocabularyError

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@functools.lru_cache(maxsize=1 << 16)
def name_key(text: str) -> str:
    """The form names are compared in: NFKC, case-folded, no white space.

    >>> name_key(" IP 地址 ") == name_key("ip地址")
    True
    """
    # str.split() drops the same white space as \s (both ask Unicode's isspace), at half the cost
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()



def _cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sharegraph"


def read_yaml(path: Path) -> dict[str, Any]:
    """The parsed YAML file, through a JSON cache keyed by the file's bytes.

    Parsing the vocabulary's YAML costs more than the rest of a question on the
    seed; its JSON twin in the user's cache loads ten times faster. A stale or
    unwritable cache is simply not used.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError as e:
        raise VocabularyError(f"{path}: vocabulary file is missing") from e
    except OSError as e:
        raise VocabularyError(f"{path}: cannot read ({e.strerror})") from e
    cached = _cache_dir() / f"{hashlib.sha256(raw).hexdigest()[:32]}.json"
    try:
        data = json.loads(cached.read_bytes())
    except (OSError, ValueError):
        data = _parse_yaml(path, raw)
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, cached)
        except OSError:
            pass
    if not isinstance(data, dict):
        raise VocabularyError(f"{path}: expected a mapping at the top level")
    return data


def _parse_yaml(path: Path, raw: bytes) -> Any:
    import yaml

    try:
        return yaml.load(raw.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except UnicodeDecodeError as e:
        raise VocabularyError(f"{path}: not UTF-8 text") from e
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise VocabularyError(f"{where}: not valid YAML ({getattr(e, 'problem', e)})") from e
