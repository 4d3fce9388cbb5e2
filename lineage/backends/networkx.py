"""The embedded default backend: questions answered on a networkx graph built in memory.

On a registry database, :class:`NetworkxBackend` reads only what a question needs:
the graph of the one app asked about, or for a question across apps the flows of
the fields asked (:mod:`lineage.scoped`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from registry.database import StoredPolicies
from registry.model import Registry

if TYPE_CHECKING:
    import networkx as nx

# The question modules (and networkx under them) load when a question first needs them: a
# question answered from a database's stored answers (sensitive-unnamed) needs neither.


class NetworkxBackend:
    """The embedded default: questions answered on an in-memory graph.

    Given a graph, it asks that graph. Given a registry (and the app the questions are
    about, if one), it builds the graph when a question first needs it: the app's alone,
    or the whole registry's; across the apps of a registry database, it reads only the
    rows a question touches.
    """

    def __init__(self, G: nx.MultiDiGraph | None = None, *, registry: Registry | None = None,
                 app: str | None = None) -> None:
        if G is None and registry is None:
            raise ValueError("give a graph or a registry")
        self._G = G
        self.registry = registry
        self.app = app
        if G is None and registry is not None and app is not None:
            from lineage import scoped

            self._G = scoped.graph_for(registry, app)  # an unknown app fails here, before any question

    @property
    def G(self) -> nx.MultiDiGraph:
        """The graph, built on first use (a question on a stored registry may never need it)."""
        if self._G is None:
            assert self.registry is not None
            from lineage import scoped

            self._G = scoped.graph_for(self.registry, self.app)
        return self._G

    def _across_stored(self, app: str | None) -> bool:
        """True when a question across apps can read only its rows from a registry database."""
        return (app is None and self._G is None and self.registry is not None
                and isinstance(self.registry.policies, StoredPolicies))

    def who_receives(self, field: str, *, app: str | None = None,
                     include_implied: bool = True, include_possible: bool = False) -> list[dict[str, Any]]:
        """See :meth:`Backend.who_receives`; across a database, only its rows are read."""
        from lineage import exposure as _exposure
        from lineage import scoped
        if self._across_stored(app):
            assert self.registry is not None
            return scoped.who_receives(self.registry, field, include_implied=include_implied,
                                       include_possible=include_possible)
        return _exposure.who_receives(self.G, field, app=app, include_implied=include_implied,
                                      include_possible=include_possible)

    def fields_of(self, recipient: str, *, app: str | None = None) -> list[dict[str, Any]]:
        """See :meth:`Backend.fields_of`: a brand of several recipients is all of them."""
        from lineage import exposure as _exposure
        return _exposure.fields_of(self.G, recipient, app=app, brand=True)

    def exposure(self, *, app: str | None = None, category: str | None = None,
                 sensitive: bool | None = None, channel: str | None = None,
                 limit: int | None = None) -> dict[str, list[dict[str, Any]]]:
        """See :meth:`Backend.exposure`."""
        from lineage import exposure as _exposure
        return _exposure.exposure(self.G, app=app, category=category, sensitive=sensitive,
                                  channel=channel, limit=limit)

    def lineage(self, field: str, *, app: str | None = None) -> dict[str, Any]:
        """The lineage tree; from a registry, with the business functions its stored text names."""
        from lineage import paths as _paths
        if self.registry is not None and not self.G.graph.get("functions_annotated"):
            apps = [self.app] if self.app else self.registry.apps
            _paths.annotate_business_functions(self.G, Registry({a: self.registry.policies[a] for a in apps}))
            self.G.graph["functions_annotated"] = True
        return _paths.lineage(self.G, field, app=app)

    def recipients_by_apps(self, field: str, *, limit: int | None = None) -> list[dict[str, Any]]:
        """See :meth:`Backend.recipients_by_apps`; across a database, reads only its rows."""
        from lineage import exposure as _exposure
        from lineage import scoped
        if self._across_stored(None):
            assert self.registry is not None
            return scoped.recipients_by_apps(self.registry, field, limit=limit)
        return _exposure.recipients_by_apps(self.G, field, limit=limit)

    def sensitive_to_unnamed(self, *, app: str | None = None) -> list[dict[str, Any]]:
        """See :meth:`Backend.sensitive_to_unnamed`; across a database, from the apps' stored
        answers where they hold (:mod:`lineage.app_answers`), else reading only its rows."""
        if self._across_stored(app):
            assert self.registry is not None
            from lineage.app_answers import sensitive_to_unnamed

            return sensitive_to_unnamed(self.registry)
        from lineage import exposure as _exposure

        return _exposure.sensitive_to_unnamed(self.G, app=app)

    def breach(self, partner: str, *, app: str | None = None) -> dict[str, Any]:
        """A partner breach: every field it holds, from which apps, scenarios and SDKs (the what-if
        layer, lineage.impact, is loaded for a breach only: a tenth of a second of start-up)."""
        from lineage import impact

        return impact.breach_report(self.G, partner, app=app)
