"""How fields relate beyond the vocabulary's groups: pieces, values and derivations.

``data/fields.yaml`` gives each field at most one ``parent`` (its group), which the import
uses. The audit reads three more keys of the same file; of them the import reads ``values``
only (a field's parenthesis listing its values gives no more fields):

* ``part_of``: the fields this one is a piece or content of (银行卡尾号 of 银行卡号; 应还日期
  of 还款计划). A policy that says it collects the whole has said it collects the piece.
* ``values``: words for the values the field takes (审批状态: 额度审批中, 额度获批通过…). A
  collection sentence that lists them collects the field, in other words.
* ``derived_from``: fields this one is computed from (注册天数 from 注册时间). Collecting one
  of them makes the audit unsure (a note), not sure.

>>> r = field_relations()
>>> "银行卡号" in r.part_of["银行卡尾号"], "额度审批中" in r.values["审批状态"]
(True, True)
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from registry.datafiles import read_yaml
from registry.errors import VocabularyError
from registry.vocabulary import vocabulary_dir


@dataclass(frozen=True)
class FieldRelations:
    """The audit-only relations of ``fields.yaml``, by field name."""

    part_of: dict[str, tuple[str, ...]] = field(default_factory=dict)
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    derived_from: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @functools.cached_property
    def parts(self) -> dict[str, tuple[str, ...]]:
        """The inverse of :attr:`part_of`: a whole's pieces."""
        out: dict[str, list[str]] = defaultdict(list)
        for piece, wholes in self.part_of.items():
            for w in wholes:
                out[w].append(piece)
        return {k: tuple(v) for k, v in out.items()}


def field_relations(data_dir: Path | None = None) -> FieldRelations:
    """The relations of ``fields.yaml`` in ``data_dir`` (or ``$SHAREGRAPH_VOCAB``, or ``data/``)."""
    return _load((Path(data_dir) if data_dir else vocabulary_dir()) / "fields.yaml")


@functools.cache
def _load(path: Path) -> FieldRelations:
    data = read_yaml(path)
    names = {str(f.get("name")) for f in data.get("fields") or [] if isinstance(f, dict)}
    out: dict[str, dict[str, tuple[str, ...]]] = {"part_of": {}, "values": {}, "derived_from": {}}
    for raw in data.get("fields") or []:
        if not isinstance(raw, dict):
            continue
        name = str(raw.get("name"))
        for key in out:
            items = raw.get(key)
            if items is None:
                continue
            if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
                raise VocabularyError(f"{path}: field {name!r}: {key} must be a list of strings")
            if key != "values":
                unknown = [x for x in items if x not in names]
                if unknown:
                    raise VocabularyError(f"{path}: field {name!r}: {key} names unknown field(s) {unknown}")
            out[key][name] = tuple(items)
    return FieldRelations(**out)
