"""Names shared by the push and the Cypher of the Neo4j backend (no imports: the bottom layer).

Labels and relationship types themselves come from :mod:`lineage.ids` (see
:data:`lineage.backends.neo4j.push.LABELS`).
"""

SEP = "\x1f"
"""Joins a via key and a field name in ``ENTRUSTS.via_field_pairs``."""
