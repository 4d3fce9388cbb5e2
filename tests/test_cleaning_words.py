"""Guards on data/splitting.yaml, the words the splitter reads (registry/cellwords.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from registry.cellwords import load_cell_words
from registry.errors import VocabularyError
from registry.splitting import split_items
from registry.vocabulary import load_vocabulary, name_key

DATA = Path(__file__).resolve().parent.parent / "data"


def raw() -> dict:
    return yaml.safe_load((DATA / "splitting.yaml").read_text(encoding="utf-8"))


def word_lists(node, where=""):
    if isinstance(node, list):
        yield where, node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from word_lists(v, f"{where}.{k}" if where else k)


def test_every_list_holds_words():
    data = raw()
    assert data["version"] == 1
    for where, words in word_lists(data):
        for w in words:
            assert isinstance(w, str) and w.strip(), (where, w)  # a bare no/on would read as a boolean
        keys = [name_key(w) for w in words]
        assert len(keys) == len(set(keys)), where


def test_none_words_are_not_qualifiers():
    data = raw()
    none = {name_key(w) for w in data["none"]}
    assert not none & {name_key(w) for w in data["qualifiers"]["words"]}


def test_the_onward_marker_is_never_a_conjunction():
    # seed appendix (贷后管理): "…有限公司及其委托的外包服务机构" is read by normalize.classify_recipient
    assert "及其" in raw()["conjunctions"]["not_in"]


def test_platform_spellings_name_one_platform():
    owner: dict[str, str] = {}
    for name, spellings in raw()["platforms"].items():
        for s in (name, *spellings):
            assert owner.setdefault(name_key(s), name) == name, s


def copy_vocab(tmp_path: Path, with_words: bool) -> Path:
    for f in ("fields.yaml", "recipients.yaml", "permissions.yaml") + (("splitting.yaml",) if with_words else ()):
        shutil.copy(DATA / f, tmp_path / f)
    return tmp_path


def test_a_vocabulary_without_the_words_uses_the_bundled_ones(tmp_path):
    v = load_vocabulary(copy_vocab(tmp_path, with_words=False))
    assert v.cells is load_cell_words()
    assert split_items("不涉及", vocab=v) == []


def test_a_dpo_extends_the_words(tmp_path):
    d = copy_vocab(tmp_path, with_words=True)
    text = (d / "splitting.yaml").read_text(encoding="utf-8").replace("none: [无,", "none: [未涉及, 无,", 1)
    (d / "splitting.yaml").write_text(text, encoding="utf-8")
    v = load_vocabulary(d)
    assert split_items("未涉及", vocab=v) == []
    assert [i.text for i in split_items("未涉及")] == ["未涉及"]  # the bundled words are unchanged


def test_a_bare_yaml_boolean_is_refused_with_its_fix(tmp_path):
    d = copy_vocab(tmp_path, with_words=True)
    text = (d / "splitting.yaml").read_text(encoding="utf-8").replace('"no", not, never', "no, not, never", 1)
    (d / "splitting.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(VocabularyError, match=r"negation\.leading holds 'false': quote the word"):
        load_vocabulary(d)
