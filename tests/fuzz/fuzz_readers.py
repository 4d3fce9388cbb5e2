"""Coverage-guided fuzzing of the import readers with atheris (not part of the pytest run).

Each input is decoded as a document (as ``registry.source.decode`` does for a
file) and handed to one reader, chosen by its first byte: HTML, Markdown,
paragraph lists, flattened text, or registry-as-code YAML; the tables then go
through the builder. Anything raised that is not a SharegraphError is a crash,
and so is a flow whose field was not in the input.

    .venv/bin/pip install atheris
    .venv/bin/python tests/fuzz/fuzz_readers.py -max_total_time=300 tests/fixtures/import

(the fixtures folder is the seed corpus; atheris takes libFuzzer's flags,
e.g. -runs=100000, -max_len=20000, a folder to keep new inputs in first).
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

try:
    import atheris
except ImportError:  # imported without atheris (pytest --doctest-modules collects every module)
    atheris = None

with atheris.instrument_imports() if atheris else contextlib.nullcontext():
    from registry.build import build_policy
    from registry.errors import SharegraphError
    from registry.readers.flattened import read_flattened
    from registry.readers.html import read_html
    from registry.readers.markdown import read_markdown
    from registry.readers.records import read_paragraph_lists
    from registry.readers.registry_yaml import read_registry_yaml
    from registry.source import decode
    from registry.vocabulary import load_vocabulary

VOCAB = load_vocabulary(Path(__file__).resolve().parent.parent / "fixtures" / "import" / "vocab")
READERS = (
    lambda t: read_html(t, "fuzz.html"),
    lambda t: read_markdown(t.split("\n"), "fuzz.md"),
    lambda t: read_paragraph_lists(t.split("\n"), "fuzz.txt"),
    lambda t: read_flattened(t.split("\n"), "fuzz.txt"),
    lambda t: (read_registry_yaml(t, "fuzz.yaml").tables, []),
)


def one_input(data: bytes) -> None:
    if not data:
        return
    reader = READERS[data[0] % len(READERS)]
    try:
        text, _ = decode(data[1:], "fuzz")
        tables, _ = reader(text)
        policy, _ = build_policy(tables, file="fuzz", sha256="", text=text, vocab=VOCAB, imported_at="-")
    except SharegraphError:
        return
    for f in policy.flows:
        words = f.field_as_written.split()
        if data[0] % len(READERS) in (2, 3) and f.field_as_written not in text:
            raise AssertionError(f"flow field {f.field_as_written!r} is not in the input")
        if not words:
            raise AssertionError("a flow with an empty field")


def main() -> None:
    if atheris is None:
        sys.exit("this fuzzer needs atheris: .venv/bin/pip install atheris")
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
