/* sharegraph lineage report: draws the page from the JSON in script#report-data.
 * Every string that comes from the data reaches the DOM through textContent,
 * Option(text) or attributes set with setAttribute: never through innerHTML. */
(function () {
  'use strict';

  var PAGE_SIZE = 50;        // table rows per page
  var LIST_CAP = 8;          // list items shown in a cell before "N more"
  var LAYER_COLORS = { f: '#4e79a7', v: '#9c755f', r: '#59a14f', sensitive: '#c62828', other: '#9e9e9e' };
  var LEVEL_ORDER = ['error', 'warning', 'note'];

  var raw = JSON.parse(document.getElementById('report-data').textContent);
  var flows = decodeFlows(raw.flows);
  var diagram = raw.diagram;
  var grouped = {
    f: new Map(Object.entries(diagram.grouped.f)),
    v: new Map(Object.entries(diagram.grouped.v)),
    r: new Map(Object.entries(diagram.grouped.r))
  };
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
    var computed = {
      flows: flows.length,
      fields: countBy(flows, 'field').size,
      recipients: countBy(flows, 'recipient').size,
      scenarios: uniq(flows.filter(function (f) { return f.channel !== 'sdk'; }).map(function (f) { return f.via; })).length,
      sdks: uniq(flows.filter(function (f) { return f.channel === 'sdk'; }).map(function (f) { return f.via; })).length
    };
    var sec = document.getElementById('summary');
    var cards = el('div', 'cards');
    function ofKind(kind) {
      return uniq(flows.filter(function (f) { return f.recipient_kind === kind; }).map(function (f) { return f.recipient; }));
    }
    var sensitive = s.sensitive_fields || uniq(flows.filter(function (f) { return f.sensitive; }).map(function (f) { return f.field; }));
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
      var group = el('div', 'audit-level level-' + lvl.replace(/[^a-z]/gi, ''));
      group.setAttribute('data-level', lvl);
      group.appendChild(txt('h3', '', lvl + ' (' + byLevel.get(lvl).length + ')'));
      var ul = el('ul', 'findings');
      byLevel.get(lvl).forEach(function (f) {
        var li = el('li', '', [txt('span', 'rule', f.rule), ' ', txt('span', 'reason', f.reason)]);
        if (f.clause) li.appendChild(txt('span', 'clause', f.clause));
        li.appendChild(evidenceList((f.evidence || []).map(function (e) {
          return { file: e.file, line: e.line, text: e.text };
        })));
        ul.appendChild(li);
      });
      group.appendChild(ul);
      sec.appendChild(group);
    });
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

  /* Node ids carry the layer ("f:", "v:", "r:") so that a name used in two
   * layers (a field that is also a recipient, a scenario named like an SDK)
   * stays two nodes and the graph stays acyclic; labels drop the prefix. */
  function buildGraph(subset, aggregate) {
    var nodes = new Map();
    var links = new Map();
    function node(layer, name, sensitive) {
      var isOther = aggregate && grouped[layer].has(name);
      var label = isOther ? grouped[layer].get(name) : name;
      var id = layer + ':' + label;
      var n = nodes.get(id);
      if (!n) { n = { id: id, label: label, layer: layer, other: isOther, sensitive: false, flows: 0 }; nodes.set(id, n); }
      n.sensitive = n.sensitive || (!isOther && !!sensitive);
      return n;
    }
    function link(a, b, implied) {
      var key = a.id + '\u0000' + b.id;
      var l = links.get(key);
      if (!l) { l = { source: a.id, target: b.id, value: 0, implied: 0 }; links.set(key, l); }
      l.value += 1;
      if (implied) l.implied += 1;
    }
    subset.forEach(function (f) {
      var a = node('f', f.field, f.sensitive), b = node('v', f.via), c = node('r', f.recipient);
      a.flows += 1; b.flows += 1; c.flows += 1;
      link(a, b, f.implied_via);
      link(b, c, f.implied_via);
    });
    /* Largest first, "other" last: big graphs skip the layout iterations, so this
     * order is what the reader sees (a ranking, top to bottom). */
    var ordered = Array.from(nodes.values()).sort(function (a, b) {
      return (a.other - b.other) || (b.flows - a.flows) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
    });
    return { nodes: ordered, links: Array.from(links.values()) };
  }

  function nodeColor(n) {
    if (n.other) return LAYER_COLORS.other;
    if (n.layer === 'f' && n.sensitive) return LAYER_COLORS.sensitive;
    return LAYER_COLORS[n.layer];
  }

  function tooltipFor(params, labels) {
    var box = el('div', 'tip');
    if (params.dataType === 'edge') {
      var d = params.data;
      box.appendChild(txt('div', 'tip-title', labels.get(d.source) + ' → ' + labels.get(d.target)));
      box.appendChild(txt('div', '', d.value + ' flow' + (d.value === 1 ? '' : 's') +
        (d.implied ? ' (' + d.implied + ' implied by a group name)' : '')));
    } else {
      var n = params.data;
      box.appendChild(txt('div', 'tip-title', labels.get(n.name)));
      box.appendChild(txt('div', '', n.flows + ' flow' + (n.flows === 1 ? '' : 's') + (n.sensitive ? ' · sensitive' : '')));
    }
    return box;
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

    var perLayer = { f: 0, v: 0, r: 0 };
    graph.nodes.forEach(function (n) { perLayer[n.layer] += 1; });
    var tallest = Math.max(perLayer.f, perLayer.v, perLayer.r);
    container.style.height = Math.min(8000, Math.max(320, tallest * 22 + 40)) + 'px';

    if (!chart) {
      chart = echarts.init(container, null, { renderer: 'svg' });
      window.addEventListener('resize', function () { chart.resize(); });
    } else {
      chart.resize();
    }
    var labels = new Map(graph.nodes.map(function (n) { return [n.id, n.label]; }));
    var empty = !graph.links.length;
    chart.setOption({
      animation: false,
      aria: { enabled: false },
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      title: empty ? { text: 'No flows match the filter.', left: 'center', top: 'middle', textStyle: { fontSize: 14, color: '#666' } } : { show: false },
      tooltip: { trigger: 'item', confine: true, formatter: function (p) { return tooltipFor(p, labels); } },
      series: [{
        type: 'sankey',
        left: 8, right: 200, top: 12, bottom: 12,
        nodeWidth: 12, nodeGap: 12, draggable: true,
        layoutIterations: graph.links.length > 600 ? 0 : 32,
        emphasis: { focus: 'adjacency' },
        label: {
          fontSize: 11, width: 190, overflow: 'truncate', color: '#1f2328',
          textBorderColor: '#ffffff', textBorderWidth: 2,
          formatter: function (p) { return labels.get(p.name); }
        },
        lineStyle: { color: 'source', curveness: 0.5, opacity: 0.35 },
        data: graph.nodes.map(function (n) {
          return { name: n.id, flows: n.flows, sensitive: n.sensitive, itemStyle: { color: nodeColor(n), borderWidth: 0 } };
        }),
        links: graph.links.map(function (l) {
          return { source: l.source, target: l.target, value: l.value, implied: l.implied,
            lineStyle: l.implied === l.value ? { type: 'dashed', opacity: 0.25 } : undefined };
        })
      }]
    }, { notMerge: true });
    container.setAttribute('data-links', String(graph.links.length));
    container.setAttribute('data-nodes', String(graph.nodes.length));
    container.setAttribute('data-aggregated', aggregate ? '1' : '0');
  }

  /* ---------- tables ---------- */

  function evidenceList(items) {
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
    capped(wrap, unique, add, 'more evidence lines');
    return wrap;
  }

  function capped(parent, items, add, moreLabel) {
    items.slice(0, LIST_CAP).forEach(function (x) { add(parent, x); });
    if (items.length > LIST_CAP) {
      var det = el('details', '', [txt('summary', '', (items.length - LIST_CAP) + ' ' + moreLabel)]);
      items.slice(LIST_CAP).forEach(function (x) { add(det, x); });
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
