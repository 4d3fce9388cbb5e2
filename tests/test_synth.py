"""The synthetic registry generator (bench/synth.py): shape, determinism, round trip, questions.

Small sizes only; nothing here is timed (speed is measured by bench/bench_core.py).
"""

from __future__ import annotations

import statistics
from collections import Counter

import pytest

from bench.synth import count_flows, main, synth_registry
from lineage.exposure import recipients_by_apps, who_receives
from lineage.graph import build_graph
from registry.model import Channel, RecipientKind
from registry.store import load_registry, registry_to_dict, save_registry
from registry.vocabulary import load_vocabulary


@pytest.fixture(scope="module")
def reg():
    return synth_registry(apps=20, flows=20_000, seed=1)


def test_same_seed_same_registry(reg):
    again = synth_registry(apps=20, flows=20_000, seed=1)
    assert registry_to_dict(again) == registry_to_dict(reg)
    other = synth_registry(apps=20, flows=20_000, seed=2)
    assert registry_to_dict(other) != registry_to_dict(reg)


@pytest.mark.parametrize(("apps", "flows"), [(20, 20_000), (10, 5_000), (40, 20_000), (3, 30_000)])
def test_flow_count_close_to_requested(apps, flows):
    r = synth_registry(apps=apps, flows=flows, seed=0)
    assert len(r.policies) == apps
    assert abs(count_flows(r) - flows) <= 0.1 * flows


def test_app_shape(reg):
    for name, p in reg.policies.items():
        assert p.source.file == f"{name}.txt"
        assert name.startswith("app_")
        assert 8 <= len(p.scenarios) <= 15
        assert 5 <= len(p.sdks) <= 20
        assert p.permissions
        assert {f.channel for f in p.flows} == {Channel.SHARING, Channel.SDK}
        keys = [(f.field, f.channel, f.via, f.recipient, f.implied_via) for f in p.flows]
        assert len(keys) == len(set(keys)), "the importer never makes a flow twice"


def test_every_field_of_a_row_goes_to_every_recipient_of_the_row(reg):
    p = reg.policies[reg.apps[0]]
    for s in p.scenarios:
        flows = [f for f in p.flows if f.channel is Channel.SHARING and f.via == s.name]
        fields = {(f.field, f.implied_via) for f in flows}
        recipients = {f.recipient for f in flows}
        assert len(flows) == len(fields) * len(recipients)


def test_fields_resolve_in_the_vocabulary_or_are_marked_unresolved(reg):
    vocab = load_vocabulary()
    written_otherwise = implied = unresolved = 0
    for p in reg.policies.values():
        fields = {f.name: f for f in p.fields}
        for fl in p.flows:
            f = fields[fl.field]
            entry = vocab.resolve_field(fl.field_as_written)
            if f.resolved:
                assert fl.field in vocab.fields
                assert entry is not None and entry.name == fl.field
                assert f.category == vocab.fields[fl.field].category
            else:
                assert fl.field not in vocab.fields and entry is None
                unresolved += 1
            assert fl.field_as_written in f.aliases_seen
            written_otherwise += fl.field_as_written != fl.field
            if fl.implied_via is not None:
                assert fl.implied_via in fields, "a group is a field of the policy too"
                implied += 1
    n = count_flows(reg)
    assert written_otherwise > 0.05 * n, "aliases and qualifiers are used as policies write them"
    assert implied > 0.1 * n, "groups list members, which makes implied flows"
    assert 0 < unresolved < 0.1 * n


def test_recipients_form_a_long_tail(reg):
    apps_per = Counter(r.name for p in reg.policies.values() for r in p.recipients)
    counts = sorted(apps_per.values())
    top, med = counts[-1], statistics.median(counts)
    assert top >= 0.8 * len(reg.policies)
    assert top >= 4 * med
    kinds = Counter(r.kind for p in reg.policies.values() for r in p.recipients)
    for kind in (RecipientKind.COMPANY, RecipientKind.UNNAMED, RecipientKind.ONWARD, RecipientKind.BRAND):
        assert kinds[kind] > 0, kind
    onward = [r for p in reg.policies.values() for r in p.recipients if r.kind is RecipientKind.ONWARD]
    assert all(r.onward_of and r.name.startswith(r.onward_of) for r in onward)


def test_sdks_are_shared_across_apps_with_their_provider(reg):
    by_name: dict[str, set[str]] = {}
    apps: Counter[str] = Counter()
    for p in reg.policies.values():
        for s in p.sdks:
            by_name.setdefault(s.name, set()).add(s.provider)
            apps[s.name] += 1
    assert all(len(providers) == 1 for providers in by_name.values())
    assert apps.most_common(1)[0][1] >= 0.5 * len(reg.policies)
    field_lists = {tuple(s.fields) for p in reg.policies.values() for s in p.sdks
                   if s.name == apps.most_common(1)[0][0]}
    assert len(field_lists) > 1, "each app lists its own fields for a shared SDK"


def test_evidence_is_shared_per_cell_line(reg):
    p = reg.policies[reg.apps[0]]
    assert len({id(f.evidence) for f in p.flows}) < len(p.flows) / 3
    for f in p.flows:
        assert f.evidence.file == p.source.file
        assert f.evidence.table == f.channel.value


def test_round_trip_through_the_registry_file(reg, tmp_path):
    out = tmp_path / "synth.json"
    save_registry(reg, out)
    assert load_registry(out) == reg


def test_graph_and_questions(reg):
    G = build_graph(reg)
    app = reg.apps[0]
    field = next(f.field for f in reg.policies[app].flows if f.channel is Channel.SHARING)
    rows = who_receives(G, field, app=app)
    assert rows and {r["app"] for r in rows} == {app}
    assert all(r["evidence"]["file"] == f"{app}.txt" for r in rows)
    everywhere = recipients_by_apps(G, field)
    assert everywhere and everywhere[0]["apps"] >= 1


def test_cli_writes_a_registry_file(tmp_path, capsys):
    out = tmp_path / "s.json"
    assert main(["--apps", "3", "--flows", "3000", "--seed", "5", "-o", str(out)]) == 0
    loaded = load_registry(out)
    assert loaded.apps == ["app_0001", "app_0002", "app_0003"]
    assert "3 apps" in capsys.readouterr().err
