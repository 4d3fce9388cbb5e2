"""Coverage-guided fuzzing of the registry-file loader and the registry-as-code YAML import (atheris).

Not part of the pytest run (tests/test_reliability_fuzz.py runs the same targets with
hypothesis there). The first byte of an input picks the target:

* even: the bytes are a registry file (``registry.store.load_registry``): anything raised
  that is not a RegistryFileError is a crash, and so is a loaded registry whose flows
  cite evidence the file does not hold;
* odd: the bytes are a registry-as-code YAML file, imported whole (read, validated,
  built, recipients fixed): anything but a SourceError is a crash, and so is an input
  that takes more than :data:`SLOW_S` seconds (aliases and depth are bounded).

    .venv/bin/pip install atheris
    .venv/bin/python tests/fuzz/fuzz_registry.py -max_total_time=300 tests/fixtures/import

(libFuzzer's flags as for fuzz_readers.py; add data/seed_registry.json to the corpus folder
for registry-file inputs that start from a real file).
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import time
from pathlib import Path

try:
    import atheris
except ImportError:  # imported without atheris (pytest --doctest-modules collects every module)
    atheris = None

with atheris.instrument_imports() if atheris else contextlib.nullcontext():
    from registry.errors import RegistryFileError, SharegraphError
    from registry.importer import import_document
    from registry.store import load_registry
    from registry.vocabulary import load_vocabulary

VOCAB = load_vocabulary(Path(__file__).resolve().parent.parent / "fixtures" / "import" / "vocab")
WORK = Path(tempfile.mkdtemp(prefix="sharegraph-fuzz."))
SLOW_S = 5.0
"""A YAML import slower than this is a finding (the billion laughs never ended)."""


def registry_file(data: bytes) -> None:
    """Load ``data`` as a registry file: a registry, or one RegistryFileError line."""
    path = WORK / "reg.json"
    path.write_bytes(data)
    try:
        reg = load_registry(path)
    except RegistryFileError as e:
        if "\n" in str(e):
            raise AssertionError(f"a multi-line error: {e!r}") from None
        return
    for app in reg.apps:
        for f in reg.policies[app].flows:
            if not isinstance(f.evidence.text, str) or f.evidence.line < 0:
                raise AssertionError(f"{app}: a flow with broken evidence {f.evidence!r}")


def yaml_import(data: bytes) -> None:
    """Import ``data`` as registry-as-code: a policy, or one SourceError line, within SLOW_S."""
    path = WORK / "policy.yaml"
    path.write_bytes(data)
    started = time.monotonic()
    with contextlib.suppress(SharegraphError):
        import_document(path, vocab=VOCAB, imported_at="-", layout="registry-yaml")
    if time.monotonic() - started > SLOW_S:
        raise AssertionError(f"{len(data)} bytes of YAML took {time.monotonic() - started:.1f} s")


def one_input(data: bytes) -> None:
    if not data:
        return
    (registry_file if data[0] % 2 == 0 else yaml_import)(data[1:])


def main() -> None:
    if atheris is None:
        sys.exit("this fuzzer needs atheris: .venv/bin/pip install atheris")
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
