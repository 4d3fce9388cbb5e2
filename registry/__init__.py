"""sharegraph's registry: the data model, importers, normalization, the registry file.

>>> reg = open_registry()          # the bundled seed
>>> reg.apps
['你我贷']
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from registry.errors import (
    BackendError,
    NoTableError,
    RegistryFileError,
    SharegraphError,
    SourceError,
    UnknownFieldError,
    UnknownNameError,
    UnknownRecipientError,
    VocabularyError,
)
from registry.model import (
    SDK,
    Channel,
    Evidence,
    Field,
    Flow,
    Permission,
    Policy,
    Recipient,
    RecipientKind,
    Registry,
    Scenario,
    Source,
)
from registry.registry_file import load_registry, save_registry

if TYPE_CHECKING:
    from registry.build import ImportReport
    from registry.importer import import_document
    from registry.vocabulary import load_vocabulary

# The importer and the vocabulary are loaded on first use: a question on a
# registry file needs neither, and the CLI's start-up time is measured.
_LAZY = {
    "ImportReport": "registry.build",
    "import_document": "registry.importer",
    "load_vocabulary": "registry.vocabulary",
}

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SEED_PATH = DATA_DIR / "seed_policy.txt"


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'registry' has no attribute {name!r}")


__version__ = "0.1.0"

SEED_REGISTRY = DATA_DIR / "seed_registry.json"

__all__ = [
    "DATA_DIR",
    "SDK",
    "SEED_PATH",
    "SEED_REGISTRY",
    "BackendError",
    "Channel",
    "Evidence",
    "Field",
    "Flow",
    "ImportReport",
    "NoTableError",
    "Permission",
    "Policy",
    "Recipient",
    "RecipientKind",
    "Registry",
    "RegistryFileError",
    "Scenario",
    "SharegraphError",
    "Source",
    "SourceError",
    "UnknownFieldError",
    "UnknownNameError",
    "UnknownRecipientError",
    "VocabularyError",
    "__version__",
    "document_paths",
    "import_document",
    "import_into",
    "load_registry",
    "load_vocabulary",
    "open_registry",
    "save_registry",
]


def open_registry(path: str | Path | None = None) -> Registry:
    """The registry at ``path``, or the bundled seed registry when None."""
    return load_registry(path if path is not None else SEED_REGISTRY)


def import_into(
    source: str | Path,
    registry_path: str | Path | None,
    *,
    app: str | None = None,
    layout: str | None = None,
) -> tuple[Registry, Policy, ImportReport]:
    """Import a document into the registry at ``registry_path`` (new if absent).

    The same app imported again replaces its earlier policy. Nothing is written
    here: the caller saves, so that a failed import leaves the file untouched.
    """
    from registry.importer import import_document

    policy, report = import_document(source, app=app, layout=layout)
    reg = Registry()
    if registry_path is not None and Path(registry_path).exists():
        reg = load_registry(registry_path)
    if policy.app in reg.policies:
        report.info.append(f"app {policy.app!r} was already in the registry; its policy was replaced")
    reg.add(policy)
    return reg, policy, report


def document_paths(sources: list[str | Path]) -> list[Path]:
    """The documents named: files as given, folders by their policy files (sorted)."""
    suffixes = {".txt", ".html", ".htm", ".md", ".markdown", ".yaml", ".yml"}
    out: list[Path] = []
    for s in sources:
        p = Path(s)
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in suffixes))
        else:
            out.append(p)
    return out
