/* sharegraph lineage report: draws the page from the JSON in script#report-data.
 * Every string that comes from the data reaches the DOM through textContent,
 * Option(text) or attributes set with setAttribute: never through innerHTML. */
(function () {
  'use strict';

  var PAGE_SIZE = 50;        // table rows per page
  var LIST_CAP = 8;          // list items shown in a cell before "N more"
  var QUOTE_CAP = 3;         // quoted lines shown per audit finding before "N more" (printed: these only)
  var COLORS = {
    f: '#4e79a7', sensitive: '#c62828', v: '#9c755f', other: '#9e9e9e',
    company: '#59a14f', affiliate: '#59a14f', unnamed: '#f28e2b', brand: '#9c5fa0', onward: '#3f9f99'
  };
  var LAYERS = ['f', 'v', 'r', 'o'];   // field, scenario/SDK, recipient, onward processor
  var LABEL_FONT = 11;
  var LEVEL_ORDER = ['error', 'warning', 'note'];

  var raw = JSON.parse(document.getElementById('report-data').textContent);
  var flows = decodeFlows(raw.flows);
  var diagram = raw.diagram;
  var grouped = {
    f: new Map(Object.entries(diagram.grouped.f)),
    v: new Map(Object.entries(diagram.grouped.v)),
    r: new Map(Object.entries(diagram.grouped.r))
  };
  grouped.o = grouped.r;   // onward processors are recipients when names are merged
  var orderIndex = {};     // each column's node order, computed in Python (lineage/diagram.py)
  LAYERS.forEach(function (layer) {
    orderIndex[layer] = new Map(((diagram.order || {})[layer] || []).map(function (name, i) { return [name, i]; }));
  });
  var state = { field: '', recipient: '', query: '', pages: { field: 0, recipient: 0 } };
  var chart = null;

  /* ---------- small DOM helpers ---------- */

  function el(tag, className, children) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    });
    return node;
  }
  function txt(tag, className, value) {
    var node = el(tag, className);
    node.textContent = value == null ? '' : String(value);
    return node;
  }
  function fmt(n) { return Number(n).toLocaleString('en-US'); }
  function byCountThenName(counts) {
    return Array.from(counts.entries()).sort(function (a, b) {
      return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
    });
  }
  function countBy(list, key) {
    var m = new Map();
    list.forEach(function (x) { m.set(x[key], (m.get(x[key]) || 0) + 1); });
    return m;
  }
  function uniq(list) { return Array.from(new Set(list.filter(function (x) { return x != null && x !== ''; }))); }

  /* The flows arrive as a string table plus rows of indices (see report_html.py). */
  function decodeFlows(packed) {
    var rawCols = new Set(packed.raw);
    return packed.rows.map(function (row) {
      var flow = {};
      packed.columns.forEach(function (col, i) {
        var v = row[i];
        flow[col] = rawCols.has(col) ? v : (v < 0 ? null : packed.strings[v]);
      });
      return flow;
    });
  }

  /* ---------- header, summary, audit (static) ---------- */

  function renderProvenance() {
    var h = document.getElementById('provenance');
    h.appendChild(txt('h1', '', raw.title || 'Data sharing lineage'));
    var dl = el('dl', 'meta');
    function item(k, v) { dl.appendChild(txt('dt', '', k)); dl.appendChild(txt('dd', '', v)); }
    item('Generated', raw.generated_at || 'unknown');
    item('Tool', 'sharegraph ' + (raw.tool_version || 'unknown'));
    var scope = raw.scope || {};
    var parts = ['app', 'field', 'recipient'].filter(function (k) { return scope[k]; })
      .map(function (k) { return k + ' = ' + scope[k]; });
    item('Scope', parts.length ? parts.join('; ') : 'whole registry (no filter)');
    h.appendChild(dl);
    var table = el('table', 'sources', [el('thead', '', [el('tr', '', [
      txt('th', '', 'App'), txt('th', '', 'Source document'), txt('th', '', 'SHA-256'), txt('th', '', 'Imported at')])])]);
    var body = el('tbody');
    (raw.sources || []).forEach(function (s) {
      body.appendChild(el('tr', '', [txt('td', '', s.app), txt('td', '', s.file),
        txt('td', 'hash', s.sha256), txt('td', '', s.imported_at)]));
    });
    if (!(raw.sources || []).length) body.appendChild(el('tr', '', [txt('td', 'muted', 'No source documents recorded.')]));
    table.appendChild(body);
    h.appendChild(table);
  }

  function renderSummary() {
    var s = raw.summary || {};
    var counted = flows.filter(function (f) { return !f.heading; });
    var computed = {
      flows: flows.length,
      fields: countBy(counted, 'field').size,
      recipients: countBy(flows, 'recipient').size,
      scenarios: uniq(flows.filter(function (f) { return f.channel !== 'sdk'; }).map(function (f) { return f.via; })).length,
      sdks: uniq(flows.filter(function (f) { return f.channel === 'sdk'; }).map(function (f) { return f.via; })).length
    };
    var sec = document.getElementById('summary');
    var cards = el('div', 'cards');
    function ofKind(kind) {
      return uniq(flows.filter(function (f) { return f.recipient_kind === kind; }).map(function (f) { return f.recipient; }));
    }
    var sensitive = s.sensitive_fields || uniq(counted.filter(function (f) { return f.sensitive; }).map(function (f) { return f.field; }));
    computed.sensitive = sensitive.length;
    computed.permissions = null;
    var counts = Object.assign({}, s, { sensitive: sensitive.length });
    [['flows', 'Flows'], ['fields', 'Data fields'], ['sensitive', 'Sensitive fields'], ['recipients', 'Recipients'],
     ['scenarios', 'Scenarios'], ['sdks', 'SDKs'], ['permissions', 'Device permissions']].forEach(function (kv) {
      var v = counts[kv[0]] != null ? counts[kv[0]] : computed[kv[0]];
      if (v == null) return;
      var card = el('div', 'card', [txt('div', 'n', fmt(v)), txt('div', 'k', kv[1])]);
      card.setAttribute('data-count', kv[0]);
      cards.appendChild(card);
    });
    sec.appendChild(cards);
    if (s.caption) sec.appendChild(txt('p', 'caption', s.caption));
    var unnamed = s.unnamed_recipients || ofKind('unnamed');
    var brands = s.brand_recipients || ofKind('brand');
    var onward = s.onward_recipients || ofKind('onward');
    sec.appendChild(chipList('Sensitive fields', sensitive, 'chip sensitive'));
    sec.appendChild(chipList('Unnamed recipients (the policy does not name the company)', unnamed, 'chip kind-unnamed'));
    sec.appendChild(chipList('Brand-only recipients (a brand the policy ties to no company)', brands, 'chip kind-brand'));
    sec.appendChild(chipList('Onward recipients (receive data from a recipient)', onward, 'chip kind-onward'));
  }

  function chipList(title, items, cls) {
    var box = el('div', 'chips', [txt('h3', '', title + ' (' + items.length + ')')]);
    if (!items.length) box.appendChild(txt('span', 'muted', 'none'));
    items.forEach(function (x) { box.appendChild(txt('span', cls, x)); });
    return box;
  }

  function renderAudit() {
    var sec = document.getElementById('audit-section');
    if (!Array.isArray(raw.audit)) {
      sec.appendChild(txt('p', 'muted', 'No audit was run for this report.'));
      return;
    }
    if (!raw.audit.length) {
      sec.appendChild(txt('p', 'muted', 'The audit found nothing to report.'));
      return;
    }
    var byLevel = new Map();
    raw.audit.forEach(function (f) {
      var lvl = String(f.level || 'note');
      if (!byLevel.has(lvl)) byLevel.set(lvl, []);
      byLevel.get(lvl).push(f);
    });
    var levels = Array.from(byLevel.keys()).sort(function (a, b) {
      var ia = LEVEL_ORDER.indexOf(a), ib = LEVEL_ORDER.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || (a < b ? -1 : 1);
    });
    sec.appendChild(txt('p', 'audit-counts', levels.map(function (l) { return l + ': ' + byLevel.get(l).length; }).join(' · ')));
    levels.forEach(function (lvl) {
      var list = byLevel.get(lvl);
      var group = el('div', 'audit-level level-' + lvl.replace(/[^a-z]/gi, ''));
      group.setAttribute('data-level', lvl);
      group.appendChild(txt('h3', '', lvl + ' (' + list.length + ')'));
      var ul = el('ul', 'findings');
      list.forEach(function (f) {
        var li = el('li', '', [txt('span', 'rule', f.rule), ' ', txt('span', 'reason', f.reason)]);
        if (f.clause) li.appendChild(txt('span', 'clause', f.clause));
        li.appendChild(evidenceList((f.evidence || []).map(function (e) {
          return { file: e.file, line: e.line, text: e.text };
        }), QUOTE_CAP));
        ul.appendChild(li);
      });
      if (lvl === 'note') {
        /* Notes collapse to their counts by rule; the list opens on demand (and is not printed). */
        var rules = byCountThenName(countBy(list, 'rule')).map(function (kv) { return kv[0] + ' ×' + kv[1]; });
        var det = el('details', 'notes', [el('summary', 'notes-by-rule', ['By rule: ' + rules.join(', ') + ' ',
          txt('span', 'screen-only', '(show all)')]), ul]);
        group.appendChild(det);
      } else {
        group.appendChild(ul);
      }
      sec.appendChild(group);
    });
  }

  /* ---------- sensitive flows and recipients (the printed report's core) ---------- */

  function recipientName(name, kind, onwardOf) {
    var span = txt('span', 'rcpt kind-' + String(kind || 'company').replace(/[^a-z]/gi, ''), name);
    span.title = name + ' (' + (kind || 'company') + (onwardOf ? ', entrusted by ' + onwardOf : '') + ')';
    return span;
  }

  function nameList(items) {
    var box = el('span', 'names');
    items.forEach(function (node, i) {
      if (i) box.appendChild(txt('span', 'sep', '、'));
      box.appendChild(node);
    });
    return box;
  }

  function renderSensitive() {
    var sec = document.getElementById('sensitive-section');
    var apps = uniq(flows.map(function (f) { return f.app; }));
    var rows = new Map();
    flows.forEach(function (f) {
      if (!f.sensitive || f.heading) return;
      var key = f.app + '\u0000' + f.channel + '\u0000' + f.via;
      var r = rows.get(key);
      if (!r) {
        r = { app: f.app, channel: f.channel, via: f.via, purpose: f.purpose, fields: new Set(),
          recipients: new Map(), where: new Set(), flows: 0 };
        rows.set(key, r);
      }
      r.flows += 1;
      r.fields.add(f.field);
      r.recipients.set(f.recipient, [f.recipient_kind, f.onward_of]);
      r.where.add((f.file || '?') + ':' + (f.line == null ? '?' : f.line));
    });
    var list = Array.from(rows.values()).sort(function (a, b) {
      return b.flows - a.flows || (a.via < b.via ? -1 : a.via > b.via ? 1 : 0);
    });
    if (!list.length) {
      sec.appendChild(txt('p', 'muted', 'No sensitive field reaches a recipient in this scope.'));
      return;
    }
    var fields = new Set(), recipients = new Set(), n = 0;
    list.forEach(function (r) { n += r.flows; r.fields.forEach(function (x) { fields.add(x); }); r.recipients.forEach(function (_, x) { recipients.add(x); }); });
    sec.appendChild(txt('p', 'caption', fmt(n) + ' sensitive flows: ' + fields.size + ' sensitive fields reach ' +
      recipients.size + ' recipients through ' + list.length + ' scenarios and SDKs (one row each).'));
    var table = el('table', '', [el('thead', '', [el('tr', '', [txt('th', '', 'Scenario / SDK'),
      txt('th', '', 'Sensitive fields'), txt('th', '', 'Recipients'), txt('th', '', 'Where')])])]);
    table.id = 'sensitive-table';
    var body = el('tbody');
    list.forEach(function (r) {
      var head = el('td', '', [txt('strong', '', r.via), txt('span', 'tag', r.channel === 'sdk' ? 'SDK' : 'sharing')]);
      if (apps.length > 1) head.appendChild(txt('div', 'muted', r.app));
      if (r.purpose) head.appendChild(txt('div', 'purpose', r.purpose));
      var fieldCell = el('td', '', [txt('div', 'muted', r.fields.size + ' field' + (r.fields.size === 1 ? '' : 's')),
        txt('span', 'names sensitive-text', Array.from(r.fields).sort().join('、'))]);
      var names = Array.from(r.recipients.entries()).sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; })
        .map(function (kv) { return recipientName(kv[0], kv[1][0], kv[1][1]); });
      var rcell = el('td', '', [txt('div', 'muted', names.length + ' recipient' + (names.length === 1 ? '' : 's')), nameList(names)]);
      body.appendChild(el('tr', '', [head, fieldCell, rcell, txt('td', 'where', Array.from(r.where).join(' '))]));
    });
    table.appendChild(body);
    sec.appendChild(table);
  }

  function renderRecipientSummary() {
    var records = raw.records || null, notes = new Map();
    if (records) recordHeader(records);
    var acc = new Map();
    flows.forEach(function (f) {
      var a = acc.get(f.recipient);
      if (!a) {
        a = { name: f.recipient, kind: f.recipient_kind, written: new Set(), of: new Set(), fields: new Set(),
          sensitive: new Set(), vias: new Set() };
        acc.set(f.recipient, a);
      }
      if (f.recipient_as_written && f.recipient_as_written !== f.recipient) a.written.add(f.recipient_as_written);
      if (f.onward_of) a.of.add(f.onward_of);
      a.vias.add(f.via);
      if (f.heading) return;   // a group listed with its members: the members are the fields
      a.fields.add(f.field);
      if (f.sensitive) a.sensitive.add(f.field);
    });
    var list = Array.from(acc.values()).sort(function (a, b) {
      return b.sensitive.size - a.sensitive.size || b.fields.size - a.fields.size || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    });
    var body = document.querySelector('#recipient-summary tbody');
    list.forEach(function (a) {
      var head = el('td', '', [el('strong', '', [recipientName(a.name, a.kind, Array.from(a.of).join('、'))])]);
      if (a.kind && a.kind !== 'company') {
        head.appendChild(txt('span', 'tag kind-' + String(a.kind).replace(/[^a-z]/gi, ''), a.kind === 'brand' ? 'brand only' : a.kind));
      }
      if (a.written.size) head.appendChild(txt('div', 'muted', 'as written: ' + Array.from(a.written).join(', ')));
      if (a.of.size) head.appendChild(txt('div', 'muted', 'entrusted by ' + Array.from(a.of).join(', ')));
      var row = el('tr', '', [head, txt('td', 'num', a.fields.size), txt('td', 'num', a.sensitive.size),
        txt('td', 'names sensitive-text', Array.from(a.sensitive).sort().join('、')),
        txt('td', 'names', Array.from(a.vias).sort().join('、'))]);
      if (records) {
        row.setAttribute('data-recipient', a.name);
        (records.cells[a.name] || records.kinds.map(function () { return null; })).forEach(function (c, i) {
          row.appendChild(recordCell(c, records.kinds[i], notes));
        });
      }
      body.appendChild(row);
    });
    if (!list.length) {
      var td = txt('td', 'muted', 'No recipients in this scope.');
      td.colSpan = 5 + (records ? records.kinds.length : 0);
      body.appendChild(el('tr', 'empty', [td]));
    }
    if (records) renderRecordNotes(records, notes);
  }

  /* Each recipient's record (lineage/exports/records.py): the value in words; a low one marked
   * "?N", N its note below the table; "l. 892" the policy's line; the statements as written on
   * hover (title). Printed, the marks, lines and notes stay: only the hover text is screen-only. */
  function recordHeader(records) {
    document.getElementById('recipient-summary').classList.add('with-records');
    var tr = document.querySelector('#recipient-summary thead tr');
    records.headings.forEach(function (h) { tr.appendChild(txt('th', 'record', h)); });
  }

  function recordCell(c, kind, notes) {
    if (!c) {
      var none = txt('td', 'record empty-fact', raw.records.empty);
      none.setAttribute('data-kind', kind);
      return none;
    }
    var td = el('td', 'record' + (c.low ? ' low' : ''), [txt('span', 'fact', c.text)]);
    td.setAttribute('data-kind', kind);
    var tip = [];
    if (c.low) {
      var n = 0;
      if (c.note) {
        if (!notes.has(c.note)) notes.set(c.note, notes.size + 1);
        n = notes.get(c.note);
      }
      td.appendChild(txt('sup', 'low-mark', '?' + (n || '')));
      tip.push('low confidence' + (c.note ? ': ' + c.note : ''));
    } else if (c.note) {
      tip.push(c.note);
    }
    if (c.lines && c.lines.length) td.appendChild(txt('span', 'ln', 'l. ' + c.lines.join(', ')));
    var files = (raw.sources || []).length > 1;
    (c.evidence || []).forEach(function (e) {
      tip.push((files && e.file ? e.file + ' ' : '') + (e.line ? 'line ' + e.line : 'no line') + ': ' + e.text);
    });
    if (tip.length) td.title = tip.join('\n');
    return td;
  }

  function renderRecordNotes(records, notes) {
    var sec = document.getElementById('recipients-section');
    if (records.caption) sec.appendChild(txt('p', 'caption records-caption', records.caption));
    var key = 'Contact, relationship, legal basis, cross-border: as the policy states them; l. N is the line ' +
      'of the policy they are read from (hover a cell for the text as written)';
    sec.appendChild(txt('p', 'caption', key + (notes.size ? '; ?N marks a low-confidence reading, N its note:' : '.')));
    if (!notes.size) return;
    var ol = el('ol', 'record-notes');
    ol.id = 'record-notes';
    notes.forEach(function (n, note) { ol.appendChild(txt('li', '', note)); });
    sec.appendChild(ol);
  }

  /* ---------- filters ---------- */

  function currentFlows() {
    return flows.filter(function (f) {
      return (!state.field || f.field === state.field) && (!state.recipient || f.recipient === state.recipient);
    });
  }

  function fillSelect(id, key) {
    var sel = document.getElementById(id);
    byCountThenName(countBy(flows, key)).forEach(function (kv) {
      sel.appendChild(new Option(kv[0] + ' (' + kv[1] + ')', kv[0]));
    });
    sel.addEventListener('change', function () {
      state[key] = sel.value;
      update();
    });
  }

  /* ---------- diagram ---------- */

  /* Node ids carry the column ("f:", "v:", "r:", "o:") so that a name used in two
   * columns (a field that is also a recipient, a scenario named like an SDK)
   * stays two nodes and the graph stays acyclic; labels drop the prefix.
   * An onward processor's flow runs via -> the recipient entrusting it -> the processor
   * (the fourth column); a group's heading row is drawn as its members. */
  function buildGraph(subset, aggregate) {
    var nodes = new Map();
    var links = new Map();
    function node(layer, name, flow) {
      var g = grouped[layer];
      var isOther = aggregate && g.has(name);
      var label = isOther ? g.get(name) : name;
      var id = layer + ':' + label;
      var n = nodes.get(id);
      if (!n) {
        n = { id: id, label: label, layer: layer, other: isOther, sensitive: false, kind: null, category: null, flows: 0 };
        nodes.set(id, n);
      }
      if (flow && !isOther) {
        if (layer === 'f') { n.sensitive = n.sensitive || !!flow.sensitive; n.category = n.category || flow.category; }
        if (layer === 'r' || layer === 'o') n.kind = n.kind || flow.recipient_kind;
      }
      return n;
    }
    function link(a, b, implied) {
      var key = a.id + '\u0000' + b.id;
      var l = links.get(key);
      if (!l) { l = { source: a.id, target: b.id, value: 0, implied: 0 }; links.set(key, l); }
      l.value += 1;
      if (implied) l.implied += 1;
    }
    var own = new Set();
    var through = [];
    subset.forEach(function (f) {
      if (f.heading) return;
      var a = node('f', f.field, f), b = node('v', f.via, f);
      a.flows += 1; b.flows += 1;
      link(a, b, f.implied_via);
      if (f.onward_of) {
        var base = node('r', f.onward_of, null), o = node('o', f.recipient, f);
        o.flows += 1;
        link(base, o, f.implied_via);
        through.push([f.field + '\u0000' + b.id + '\u0000' + base.id, b, base, f.implied_via]);
      } else {
        var c = node('r', f.recipient, f);
        c.flows += 1;
        link(b, c, f.implied_via);
        own.add(f.field + '\u0000' + b.id + '\u0000' + c.id);
      }
    });
    through.forEach(function (t) {   // the entrusting recipient's own flow is not shown: keep the path whole
      if (own.has(t[0])) return;
      own.add(t[0]);
      t[2].flows += 1;
      link(t[1], t[2], t[3]);
    });
    function rank(n) {
      var i = orderIndex[n.layer].get(n.label);
      return i == null ? Infinity : i;
    }
    /* Columns in the order lineage/diagram.py computed (fields by category, sensitive first,
     * few crossings); a node it did not see goes below, largest first; "other" last. */
    var ordered = Array.from(nodes.values()).sort(function (a, b) {
      return LAYERS.indexOf(a.layer) - LAYERS.indexOf(b.layer) || (a.other - b.other) ||
        (rank(a) - rank(b)) || (b.flows - a.flows) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
    });
    return { nodes: ordered, links: Array.from(links.values()) };
  }

  function nodeColor(n) {
    if (n.other) return COLORS.other;
    if (n.layer === 'f') return n.sensitive ? COLORS.sensitive : COLORS.f;
    if (n.layer === 'v') return COLORS.v;
    if (n.layer === 'o') return COLORS.onward;
    return COLORS[n.kind] || COLORS.company;
  }

  function kindText(n) {
    if (n.other) return 'merged names';
    if (n.layer === 'f') return (n.sensitive ? 'sensitive field' : 'field') + (n.category ? ' · ' + n.category : '');
    if (n.layer === 'v') return 'scenario or SDK';
    if (n.layer === 'o') return 'onward processor';
    return { unnamed: 'unnamed recipient', brand: 'brand only: no company named', affiliate: 'affiliate' }[n.kind] || 'recipient';
  }

  function tooltipFor(params, byId) {
    var box = el('div', 'tip');
    if (params.dataType === 'edge') {
      var d = params.data;
      box.appendChild(txt('div', 'tip-title', byId.get(d.source).label + ' → ' + byId.get(d.target).label));
      box.appendChild(txt('div', '', d.value + ' flow' + (d.value === 1 ? '' : 's') +
        (d.implied ? ' (' + d.implied + ' implied by a group name)' : '')));
    } else {
      var n = byId.get(params.data.name);
      box.appendChild(txt('div', 'tip-title', n.label));
      box.appendChild(txt('div', '', kindText(n) + ' · ' + n.flows + ' flow' + (n.flows === 1 ? '' : 's')));
    }
    return box;
  }

  var measure = null;
  function labelWidth(text) {
    if (!measure) {
      measure = document.createElement('canvas').getContext('2d');
      measure.font = LABEL_FONT + 'px ' + getComputedStyle(document.body).fontFamily;
    }
    return Math.ceil(measure.measureText(text).width);
  }

  /* ECharts stacks each column from the top, so the few onward processors would sit at the
   * top however low the recipients entrusting them are: move each level with the first of
   * its recipients (ECharts' localY, a fraction of the series' height), one below another. */
  function alignOnward(graph) {
    var onward = graph.nodes.filter(function (n) { return n.layer === 'o'; });
    if (!onward.length) return;
    var series = chart.getModel().getSeriesByIndex(0);
    var g = series.getGraph();
    var height = series.layoutInfo && series.layoutInfo.height;
    if (!g || !height) return;
    var baseOf = new Map();
    graph.links.forEach(function (l) { if (l.target.charAt(0) === 'o' && !baseOf.has(l.target)) baseOf.set(l.target, l.source); });
    var placed = onward.map(function (n) {
      var base = g.getNodeById(baseOf.get(n.id)), self = g.getNodeById(n.id);
      return { id: n.id, y: base ? base.getLayout().y : self.getLayout().y, dy: self.getLayout().dy };
    }).sort(function (a, b) { return a.y - b.y; });
    var floor = 0;
    var localY = new Map();
    placed.forEach(function (p) {
      var y = Math.min(Math.max(p.y, floor), Math.max(0, height - p.dy));
      localY.set(p.id, y / height);
      floor = y + p.dy + 10;
    });
    var option = chart.getOption().series[0];
    chart.setOption({ series: [{ data: option.data.map(function (d) {
      return localY.has(d.name) ? Object.assign({}, d, { localY: localY.get(d.name) }) : d;
    }) }] });
  }

  function renderDiagram(subset) {
    var container = document.getElementById('flow-diagram');
    var note = document.getElementById('diagram-note');
    var filtered = !!(state.field || state.recipient);
    var aggregate = !filtered && diagram.aggregated;
    var graph = buildGraph(subset, aggregate);
    if (filtered && graph.links.length > diagram.max_links) {
      aggregate = true;
      graph = buildGraph(subset, true);
    }
    note.hidden = !aggregate;
    note.textContent = aggregate
      ? 'Aggregated diagram: the full graph has ' + fmt(diagram.total_links) + ' distinct links, more than the ' +
        fmt(diagram.max_links) + ' a readable diagram can hold. Only the top ' + diagram.top_n +
        ' fields, scenarios/SDKs and recipients by number of flows are drawn; the rest are merged into grey ' +
        '"other (N)" nodes. The tables below still list every flow.'
      : '';

    var perLayer = { f: 0, v: 0, r: 0, o: 0 };
    graph.nodes.forEach(function (n) { perLayer[n.layer] += 1; });
    var tallest = Math.max(perLayer.f, perLayer.v, perLayer.r, perLayer.o);
    container.style.height = Math.min(8000, Math.max(320, tallest * 22 + 40)) + 'px';
    /* Whole labels, never cut: the first column's to the left of its nodes, the others to the
     * right; the margins fit the longest label of the first and of the last column. */
    var lastLayer = perLayer.o ? 'o' : 'r';
    var leftPad = 8, rightPad = 8;
    graph.nodes.forEach(function (n) {
      if (n.layer === 'f') leftPad = Math.max(leftPad, labelWidth(n.label) + 14);
      if (n.layer === lastLayer) rightPad = Math.max(rightPad, labelWidth(n.label) + 14);
    });

    if (!chart) {
      chart = echarts.init(container, null, { renderer: 'svg' });
      window.addEventListener('resize', function () { chart.resize(); });
    } else {
      chart.resize();
    }
    var byId = new Map(graph.nodes.map(function (n) { return [n.id, n]; }));
    var empty = !graph.links.length;
    chart.setOption({
      animation: false,
      aria: { enabled: false },
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      title: empty ? { text: 'No flows match the filter.', left: 'center', top: 'middle', textStyle: { fontSize: 14, color: '#666' } } : { show: false },
      tooltip: { trigger: 'item', confine: true, formatter: function (p) { return tooltipFor(p, byId); } },
      series: [{
        type: 'sankey',
        left: leftPad, right: rightPad, top: 12, bottom: 12,
        nodeWidth: 12, nodeGap: 10, draggable: true, nodeAlign: 'left',
        layoutIterations: 0,   // keep the computed order (lineage/diagram.py)
        emphasis: { focus: 'adjacency' },
        label: {
          fontSize: LABEL_FONT, color: '#1f2328', textBorderColor: '#ffffff', textBorderWidth: 2,
          formatter: function (p) { return byId.get(p.name).label; }
        },
        lineStyle: { color: 'source', curveness: 0.5, opacity: 0.35 },
        data: graph.nodes.map(function (n) {
          return {
            name: n.id, depth: LAYERS.indexOf(n.layer),
            itemStyle: { color: nodeColor(n), borderWidth: 0 },
            label: { position: n.layer === 'f' ? 'left' : 'right' }
          };
        }),
        links: graph.links.map(function (l) {
          return { source: l.source, target: l.target, value: l.value, implied: l.implied,
            lineStyle: l.implied === l.value ? { type: 'dashed', opacity: 0.25 } : undefined };
        })
      }]
    }, { notMerge: true });
    alignOnward(graph);
    container.setAttribute('data-links', String(graph.links.length));
    container.setAttribute('data-nodes', String(graph.nodes.length));
    container.setAttribute('data-columns', String(LAYERS.filter(function (l) { return perLayer[l]; }).length));
    container.setAttribute('data-aggregated', aggregate ? '1' : '0');
  }

  /* ---------- tables ---------- */

  function evidenceList(items, cap) {
    var seen = new Set();
    var unique = items.filter(function (e) {
      var k = e.file + ':' + e.line + '\u0000' + e.text;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    var wrap = el('div', 'evidence');
    function add(parent, e) {
      parent.appendChild(el('blockquote', '', [txt('cite', '', (e.file || '?') + ':' + (e.line == null ? '?' : e.line)), ' ', txt('span', '', e.text)]));
    }
    capped(wrap, unique, add, 'more evidence lines', cap);
    return wrap;
  }

  function capped(parent, items, add, moreLabel, cap) {
    cap = cap || LIST_CAP;
    items.slice(0, cap).forEach(function (x) { add(parent, x); });
    if (items.length > cap) {
      var det = el('details', '', [txt('summary', '', (items.length - cap) + ' ' + moreLabel)]);
      items.slice(cap).forEach(function (x) { add(det, x); });
      parent.appendChild(det);
    }
  }

  function routeItem(parent, f, towards) {
    var li = el('li', '', [txt('span', '', towards === 'recipient' ? f.via + ' → ' + f.recipient : f.field + ' (via ' + f.via + ')')]);
    if (f.channel === 'sdk') li.appendChild(txt('span', 'tag', 'SDK'));
    if (f.implied_via) li.appendChild(txt('span', 'tag implied', 'implied by ' + f.implied_via));
    if (towards === 'field' && f.sensitive) li.firstChild.className = 'sensitive-text';
    if (f.purpose) li.appendChild(txt('div', 'purpose', f.purpose + (f.frequency ? ' · ' + f.frequency : '')));
    parent.appendChild(li);
  }

  function groupRows(subset, key) {
    var rows = new Map();
    subset.forEach(function (f) {
      var r = rows.get(f[key]);
      if (!r) { r = { name: f[key], flows: [] }; rows.set(f[key], r); }
      r.flows.push(f);
    });
    return Array.from(rows.values()).map(function (r) {
      r.haystack = r.flows.map(function (f) {
        return [f.field, f.field_as_written, f.category, f.via, f.purpose, f.recipient, f.recipient_as_written,
          f.implied_via, f.file + ':' + f.line, f.evidence].join('\u0001');
      }).join('\u0002').toLowerCase();
      return r;
    }).sort(function (a, b) { return b.flows.length - a.flows.length || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0); });
  }

  function fieldRow(r) {
    var first = r.flows[0];
    var sensitive = r.flows.some(function (f) { return f.sensitive; });
    var head = el('td', '', [txt('strong', sensitive ? 'sensitive-text' : '', r.name)]);
    if (sensitive) head.appendChild(txt('span', 'tag sensitive', 'sensitive'));
    if (first.category) head.appendChild(txt('div', 'muted', first.category));
    var written = uniq(r.flows.map(function (f) { return f.field_as_written; })).filter(function (w) { return w !== r.name; });
    if (written.length) head.appendChild(txt('div', 'muted', 'as written: ' + written.join(', ')));
    var routes = el('ul', 'routes');
    capped(routes, r.flows, function (p, f) { routeItem(p, f, 'recipient'); }, 'more flows');
    return el('tr', '', [head, txt('td', 'num', r.flows.length), el('td', '', [routes]), el('td', '', [evidenceOf(r.flows)])]);
  }

  function recipientRow(r) {
    var first = r.flows[0];
    var head = el('td', '', [txt('strong', '', r.name)]);
    if (first.recipient_kind) head.appendChild(txt('span', 'tag kind-' + String(first.recipient_kind).replace(/[^a-z]/gi, ''), first.recipient_kind));
    var written = uniq(r.flows.map(function (f) { return f.recipient_as_written; })).filter(function (w) { return w !== r.name; });
    if (written.length) head.appendChild(txt('div', 'muted', 'as written: ' + written.join(', ')));
    var routes = el('ul', 'routes');
    capped(routes, r.flows, function (p, f) { routeItem(p, f, 'field'); }, 'more flows');
    return el('tr', '', [head, txt('td', 'num', r.flows.length), el('td', '', [routes]), el('td', '', [evidenceOf(r.flows)])]);
  }

  function evidenceOf(list) {
    return evidenceList(list.map(function (f) { return { file: f.file, line: f.line, text: f.evidence }; }));
  }

  function renderTable(which, rows, makeRow) {
    var q = state.query.toLowerCase();
    var shown = q ? rows.filter(function (r) { return r.haystack.indexOf(q) >= 0; }) : rows;
    var pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
    state.pages[which] = Math.min(state.pages[which], pages - 1);
    var start = state.pages[which] * PAGE_SIZE;
    var tbody = document.querySelector('#' + which + '-table tbody');
    tbody.replaceChildren.apply(tbody, shown.slice(start, start + PAGE_SIZE).map(makeRow));
    if (!shown.length) {
      var td = txt('td', 'muted', 'No rows match.');
      td.colSpan = 4;
      tbody.appendChild(el('tr', 'empty', [td]));
    }
    var pager = document.getElementById(which + '-table-pager');
    pager.replaceChildren();
    var label = shown.length > PAGE_SIZE
      ? 'Rows ' + fmt(start + 1) + '–' + fmt(Math.min(start + PAGE_SIZE, shown.length)) + ' of ' + fmt(shown.length) +
        ' (' + PAGE_SIZE + ' per page)'
      : fmt(shown.length) + ' row' + (shown.length === 1 ? '' : 's');
    if (q) label += ' matching “' + state.query + '” (of ' + fmt(rows.length) + ')';
    pager.appendChild(txt('span', 'muted', label));
    if (pages > 1) {
      [['‹ Previous', -1], ['Next ›', 1]].forEach(function (b) {
        var btn = txt('button', '', b[0]);
        btn.type = 'button';
        var target = state.pages[which] + b[1];
        btn.disabled = target < 0 || target >= pages;
        btn.addEventListener('click', function () { state.pages[which] = target; renderTables(); });
        pager.appendChild(btn);
      });
    }
  }

  var cachedRows = null;
  function renderTables() {
    renderTable('field', cachedRows.field, fieldRow);
    renderTable('recipient', cachedRows.recipient, recipientRow);
  }

  /* ---------- wiring ---------- */

  function update() {
    var subset = currentFlows();
    renderDiagram(subset);
    cachedRows = { field: groupRows(subset, 'field'), recipient: groupRows(subset, 'recipient') };
    state.pages = { field: 0, recipient: 0 };
    renderTables();
    var parts = [];
    if (state.field) parts.push('field = ' + state.field);
    if (state.recipient) parts.push('recipient = ' + state.recipient);
    document.getElementById('filter-status').textContent =
      parts.length ? 'Filtered: ' + parts.join(', ') + ' (' + fmt(subset.length) + ' of ' + fmt(flows.length) + ' flows)' : '';
  }

  function main() {
    renderProvenance();
    renderSummary();
    renderSensitive();
    renderRecipientSummary();
    renderAudit();
    fillSelect('filter-field', 'field');
    fillSelect('filter-recipient', 'recipient');
    document.getElementById('filter-reset').addEventListener('click', function () {
      state.field = state.recipient = '';
      document.getElementById('filter-field').value = '';
      document.getElementById('filter-recipient').value = '';
      update();
    });
    var search = document.getElementById('search');
    search.addEventListener('input', function () {
      state.query = search.value.trim();
      state.pages = { field: 0, recipient: 0 };
      renderTables();
    });
    update();
    document.body.dataset.ready = '1';
  }

  main();
})();
