'use strict';
// Renders the report from the two gzipped JSON blocks the page carries (see
// src/report/html.rs). Passage offsets count Unicode scalar values, as in the
// JSON report; JavaScript strings count UTF-16 units, so offsets are converted
// per text before slicing.

// The JSON packed (gzip, then base64) in the element with this id.
async function unpack(id) {
  const element = document.getElementById(id);
  const binary = atob(element.textContent);
  element.textContent = '';
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return JSON.parse(await new Response(stream).text());
}

// Replaces the page's content with a message saying why it cannot be shown.
function cannotOpen(why) {
  const section = document.createElement('section');
  section.innerHTML = '<h2>This report cannot be opened</h2><p></p>';
  section.querySelector('p').textContent = why;
  document.querySelector('main').replaceChildren(section);
}

if (typeof DecompressionStream === 'undefined') {
  cannotOpen('This browser lacks DecompressionStream: use Chrome or Edge 80, Firefox 113, Safari 16.4 or later.');
} else {
  unpack('reprint-data').then((data) => {
    // The texts come after this script in the page: they are unpacked once
    // the page is parsed and the table is drawn, so the table shows first.
    const parsed = new Promise((done) => {
      if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', done);
      else done();
    });
    const textsReady = parsed.then(() => new Promise((done) => setTimeout(done, 0))).then(() => unpack('reprint-texts'));
    render(data, textsReady);
  }).catch((error) => cannotOpen(`Its data could not be read (is the file complete?): ${error}`));
}

// Renders the page; `textsReady` gives the texts, by document number.
function render(data, textsReady) {
  const ids = data.documents;
  const pairs = data.pairs;

  const VERDICTS = [
    ['duplicate', 'duplicate'],
    ['near_duplicate', 'near-duplicate'],
    ['partial_reuse', 'partial reuse'],
    ['rewrite', 'rewrite (same story)'],
  ];
  const VERDICT_LABEL = Object.fromEntries(VERDICTS);
  const VERDICT_RANK = Object.fromEntries(VERDICTS.map(([v], i) => [v, i]));
  const DIRECTION = { a_in_b: 'A inside B', b_in_a: 'B inside A', mutual: 'mutual', none: '–' };
  const ROW_HEIGHT = 30; // px; matches --row in the style sheet
  const PAGE_OF_CLUSTERS = 100;

  const $ = (id) => document.getElementById(id);
  const escapeHtml = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  const fixed = (x) => (x === null || x === undefined ? '–' : x.toFixed(2));
  const percent = (x) => (x === null || x === undefined ? '–' : `${Math.round(100 * x)}%`);
  const number = (n) => n.toLocaleString('en');
  const plural = (n, one, many) => `${number(n)} ${n === 1 ? one : many}`;
  const storySimilarity = (p) => (p.story ? p.story.similarity : null);
  const verdictBadge = (v) => `<span class="verdict ${v}">${escapeHtml(VERDICT_LABEL[v] || v)}</span>`;
  const keyValueRows = (rows) =>
    rows.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${v}</td></tr>`).join('');

  // ---- overview ----

  function renderOverview() {
    const c = data.counts;
    document.title = `reprint report: ${plural(c.documents_scanned, 'document', 'documents')}, ${plural(pairs.length, 'pair', 'pairs')}`;
    $('subtitle').textContent = `${plural(c.documents_scanned, 'document', 'documents')} scanned, ${plural(pairs.length, 'pair', 'pairs')} listed`;
    const perVerdict = Object.fromEntries(VERDICTS.map(([v]) => [v, 0]));
    for (const p of pairs) perVerdict[p.verdict] += 1;
    const card = (n, label) => `<div class="card"><b>${number(n)}</b><span>${escapeHtml(label)}</span></div>`;
    $('cards').innerHTML = [
      card(c.documents_read, 'items read'),
      card(c.documents_scanned, 'documents scanned'),
      card(c.documents_skipped, 'skipped (see below)'),
      card(c.candidate_pairs, 'candidate pairs checked'),
      ...VERDICTS.map(([v, label]) =>
        `<button type="button" class="card" data-verdict="${v}" title="list only ${label} pairs"><b><span class="verdict-dot" style="background:var(--${v})"></span>${number(perVerdict[v])}</b><span>${escapeHtml(label)}</span></button>`),
      card(c.clusters, 'duplicate clusters'),
      card(c.story_clusters, 'story clusters'),
    ].join('');
    $('cards').addEventListener('click', (event) => {
      const button = event.target.closest('[data-verdict]');
      if (!button) return;
      for (const box of document.querySelectorAll('#verdict-filter input')) box.checked = box.value === button.dataset.verdict;
      applyFilters();
      $('pairs').scrollIntoView();
    });

    histogram($('histogram-jaccard'), (p) => p.jaccard, 'jaccard');
    histogram($('histogram-story'), storySimilarity, 'story');

    const flatten = (value, prefix, out) => {
      for (const [key, v] of Object.entries(value)) {
        const name = prefix ? `${prefix}.${key}` : key;
        if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v, name, out);
        else out.push([name, escapeHtml(JSON.stringify(v))]);
      }
      return out;
    };
    document.querySelector('#parameters table').innerHTML = keyValueRows(flatten(data.parameters, '', []));
    document.querySelector('#suppressed table').innerHTML = keyValueRows(flatten(data.suppressed, '', []));
    document.querySelector('#timings table').innerHTML = keyValueRows(flatten(data.run, '', []));

    const skipped = data.skipped;
    const SHOWN = 1000;
    document.querySelector('#skipped summary').textContent = `Skipped input (${number(skipped.length)})`;
    document.querySelector('#skipped div').innerHTML = skipped.length === 0
      ? '<p class="hint">Nothing was skipped.</p>'
      : `<table class="keyvalue">${keyValueRows(skipped.slice(0, SHOWN).map((s) => [s.location, `${s.id === null ? '' : `${escapeHtml(s.id)}: `}${escapeHtml(s.reason)}`]))}</table>` +
        (skipped.length > SHOWN ? `<p class="hint">${number(SHOWN)} of ${number(skipped.length)} shown; the JSON report (--json) lists all.</p>` : '');
    $('footer').textContent = `Written by ${data.tool.name} ${data.tool.version}. This page is self-contained: it opens from disk and loads nothing from the network.`;
  }

  // A stacked histogram of one score over the listed pairs, 20 bins on [0, 1];
  // clicking a bar filters the table to its range.
  function histogram(element, score, filterName) {
    const BINS = 20;
    const bins = VERDICTS.map(() => new Array(BINS).fill(0));
    let scored = 0;
    for (const p of pairs) {
      const x = score(p);
      if (x === null) continue;
      scored += 1;
      bins[VERDICT_RANK[p.verdict]][Math.min(BINS - 1, Math.max(0, Math.floor(x * BINS)))] += 1;
    }
    if (scored === 0) {
      element.innerHTML = '<p class="hint">No listed pair has this score (no pairs, or the story stage was off).</p>';
      return;
    }
    const totals = Array.from({ length: BINS }, (_, b) => bins.reduce((sum, row) => sum + row[b], 0));
    const most = Math.max(...totals);
    const [width, height, left, bottom, top] = [420, 150, 40, 18, 8];
    const barWidth = (width - left - 4) / BINS;
    const y = (n) => ((height - bottom - top) * n) / most;
    let svg = `<svg class="histogram" viewBox="0 0 ${width} ${height}" role="img" aria-label="histogram">`;
    for (let b = 0; b < BINS; b += 1) {
      if (totals[b] === 0) continue;
      const from = b / BINS;
      const to = (b + 1) / BINS;
      const detail = VERDICTS.map(([, label], v) => [label, bins[v][b]])
        .filter(([, n]) => n > 0)
        .map(([label, n]) => `${label}: ${number(n)}`)
        .join(', ');
      let base = height - bottom;
      svg += `<g><title>${from.toFixed(2)} to ${to.toFixed(2)}: ${plural(totals[b], 'pair', 'pairs')} (${escapeHtml(detail)})</title>`;
      VERDICTS.forEach(([v], i) => {
        if (bins[i][b] === 0) return;
        const h = Math.max(1, y(bins[i][b]));
        base -= h;
        svg += `<rect class="bar" data-from="${from}" data-to="${to}" x="${left + b * barWidth + 1}" y="${base}" width="${barWidth - 2}" height="${h}" fill="var(--${v})"></rect>`;
      });
      svg += '</g>';
    }
    for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
      svg += `<text x="${left + tick * (width - left - 4)}" y="${height - 4}" text-anchor="middle">${tick}</text>`;
    }
    svg += `<text x="${left - 6}" y="${top + 8}" text-anchor="end">${number(most)}</text><text x="${left - 6}" y="${height - bottom}" text-anchor="end">0</text>`;
    svg += `<line x1="${left}" y1="${height - bottom}" x2="${width}" y2="${height - bottom}" stroke="var(--line)"></line></svg>`;
    element.innerHTML = svg;
    element.addEventListener('click', (event) => {
      const bar = event.target.closest('rect.bar');
      if (!bar) return;
      $(`${filterName}-min`).value = bar.dataset.from;
      $(`${filterName}-max`).value = bar.dataset.to;
      applyFilters();
      $('pairs').scrollIntoView();
    });
  }

  // ---- clusters ----

  function renderClusters() {
    const chip = (doc, representative) =>
      `<span class="chip${representative ? ' representative' : ''}" data-doc="${doc}" title="${representative ? 'kept by dedup; ' : ''}list the pairs of ${escapeHtml(ids[doc])}">${escapeHtml(ids[doc])}</span>`;
    const members = (list, representative) => {
      const MAX_CHIPS = 60;
      const shown = list.slice(0, MAX_CHIPS).map((d) => chip(d, d === representative)).join('');
      return list.length > MAX_CHIPS ? `${shown}<span class="hint"> and ${number(list.length - MAX_CHIPS)} more</span>` : shown;
    };
    pagedList($('duplicate-clusters'), $('more-duplicate-clusters'), data.clusters, (c, k) =>
      `<li><span class="cluster-name" data-cluster="duplicate ${k}">#${k + 1} · ${c.members.length} members</span>${members(c.members, c.representative)}</li>`);
    pagedList($('story-clusters'), $('more-story-clusters'), data.story_clusters, (c, k) =>
      `<li><span class="cluster-name" data-cluster="story ${k}" title="weakest link ${fixed(c.weakest_link)}; ${percent(c.linked_share)} of member pairs reach the story threshold">#${k + 1} · ${c.members.length} members</span>${members(c.members, null)}</li>`);
    $('duplicate-clusters-title').textContent = `Duplicate clusters (${number(data.clusters.length)})`;
    $('story-clusters-title').textContent = `Story clusters (${number(data.story_clusters.length)})`;
    if (data.clusters.length === 0) $('duplicate-clusters').innerHTML = '<li class="hint">None.</li>';
    if (data.story_clusters.length === 0) $('story-clusters').innerHTML = '<li class="hint">None (no story pairs, or the story stage was off).</li>';

    $('clusters').addEventListener('click', (event) => {
      const member = event.target.closest('[data-doc]');
      const cluster = event.target.closest('[data-cluster]');
      if (member) {
        const doc = Number(member.dataset.doc);
        setFocus(`document ${ids[doc]}`, (p) => p.a === doc || p.b === doc);
      } else if (cluster) {
        const [kind, k] = cluster.dataset.cluster.split(' ');
        const list = kind === 'duplicate' ? data.clusters : data.story_clusters;
        const set = new Set(list[Number(k)].members);
        setFocus(`${kind} cluster #${Number(k) + 1}`, (p) => set.has(p.a) && set.has(p.b));
      } else {
        return;
      }
      $('pairs').scrollIntoView();
    });
  }

  // Renders a long list a page at a time.
  function pagedList(list, moreButton, items, render) {
    let shown = 0;
    const more = () => {
      const next = items.slice(shown, shown + PAGE_OF_CLUSTERS);
      list.insertAdjacentHTML('beforeend', next.map((item, i) => render(item, shown + i)).join(''));
      shown += next.length;
      moreButton.hidden = shown >= items.length;
      moreButton.textContent = `Show more (${number(items.length - shown)} left)`;
    };
    moreButton.addEventListener('click', more);
    more();
  }

  // ---- pair table ----

  const COLUMNS = [
    { label: '#', title: 'rank in the report (strongest verdict first)', key: (i) => i, number: true, cell: (i) => number(i + 1) },
    { label: 'Document A', title: 'the document that came first in the input', key: (i) => ids[pairs[i].a], cell: (i) => escapeHtml(ids[pairs[i].a]) },
    { label: 'Document B', key: (i) => ids[pairs[i].b], cell: (i) => escapeHtml(ids[pairs[i].b]) },
    { label: 'Verdict', key: (i) => VERDICT_RANK[pairs[i].verdict], cell: (i) => verdictBadge(pairs[i].verdict) },
    { label: 'Jaccard', title: 'exact Jaccard similarity of the word shingle sets', key: (i) => pairs[i].jaccard, number: true, descending: true, cell: (i) => fixed(pairs[i].jaccard) },
    { label: 'Story', title: 'story similarity (– when the story stage was off)', key: (i) => storySimilarity(pairs[i]) ?? -1, number: true, descending: true, cell: (i) => fixed(storySimilarity(pairs[i])) },
    { label: 'Passages', title: 'shared passages', key: (i) => pairs[i].passages.length, number: true, descending: true, cell: (i) => number(pairs[i].passages.length) },
    { label: 'Reuse A', title: "share of A's words in shared passages (boilerplate not counted)", key: (i) => pairs[i].reuse.share_a, number: true, descending: true, cell: (i) => percent(pairs[i].reuse.share_a) },
    { label: 'Reuse B', title: "share of B's words in shared passages", key: (i) => pairs[i].reuse.share_b, number: true, descending: true, cell: (i) => percent(pairs[i].reuse.share_b) },
    { label: 'Direction', title: 'which text holds the other', key: (i) => pairs[i].reuse.containment, cell: (i) => DIRECTION[pairs[i].reuse.containment] || '' },
  ];
  const sort = { column: 0, descending: false };
  let view = pairs.map((_, i) => i);
  let focus = null;
  let current = null;

  function renderTableHead() {
    const head = document.querySelector('#pair-table .head');
    head.innerHTML = COLUMNS.map((c, k) =>
      `<span role="columnheader" data-column="${k}" title="${escapeHtml(c.title || `sort by ${c.label}`)}"${k === sort.column ? ` aria-sort="${sort.descending ? 'descending' : 'ascending'}"` : ''} class="${c.number ? 'number' : ''}">${c.label}</span>`).join('');
  }

  function setupTable() {
    $('verdict-filter').insertAdjacentHTML('beforeend', VERDICTS.map(([v, label]) =>
      `<label><input type="checkbox" value="${v}" checked> <span class="verdict-dot" style="background:var(--${v})"></span>${escapeHtml(label)}</label>`).join(''));
    renderTableHead();
    document.querySelector('#pair-table .head').addEventListener('click', (event) => {
      const header = event.target.closest('[data-column]');
      if (!header) return;
      const column = Number(header.dataset.column);
      if (column === sort.column) sort.descending = !sort.descending;
      else Object.assign(sort, { column, descending: Boolean(COLUMNS[column].descending) });
      renderTableHead();
      applyFilters();
    });
    let pending = null;
    const later = () => {
      clearTimeout(pending);
      pending = setTimeout(applyFilters, 150);
    };
    $('filters').addEventListener('input', later);
    $('filters').addEventListener('change', later);
    $('filters').addEventListener('reset', () => {
      focus = null;
      setTimeout(applyFilters, 0);
    });
    const viewport = $('pair-viewport');
    let frame = null;
    viewport.addEventListener('scroll', () => {
      if (frame === null) frame = requestAnimationFrame(() => { frame = null; renderRows(); });
    });
    $('pair-rows').addEventListener('click', (event) => {
      const row = event.target.closest('[data-pair]');
      if (row) location.hash = `pair-${row.dataset.pair}`;
    });
    applyFilters();
  }

  function setFocus(label, test) {
    focus = { label, test };
    applyFilters();
  }

  const bound = (id, fallback) => {
    const value = parseFloat($(id).value);
    return Number.isNaN(value) ? fallback : value;
  };

  function applyFilters() {
    const verdicts = new Set([...document.querySelectorAll('#verdict-filter input:checked')].map((box) => box.value));
    const [jaccardMin, jaccardMax] = [bound('jaccard-min', 0), bound('jaccard-max', 1)];
    const [storyMin, storyMax] = [bound('story-min', 0), bound('story-max', 1)];
    const storyFiltered = storyMin > 0 || storyMax < 1;
    const needle = $('id-filter').value.trim().toLowerCase();
    view = [];
    pairs.forEach((p, i) => {
      if (!verdicts.has(p.verdict)) return;
      if (p.jaccard < jaccardMin || p.jaccard > jaccardMax) return;
      const story = storySimilarity(p);
      if (storyFiltered && (story === null || story < storyMin || story > storyMax)) return;
      if (needle && !ids[p.a].toLowerCase().includes(needle) && !ids[p.b].toLowerCase().includes(needle)) return;
      if (focus && !focus.test(p)) return;
      view.push(i);
    });
    const { key } = COLUMNS[sort.column];
    const direction = sort.descending ? -1 : 1;
    if (sort.column !== 0 || sort.descending) {
      view.sort((x, y) => {
        const [kx, ky] = [key(x), key(y)];
        const order = kx < ky ? -1 : kx > ky ? 1 : 0;
        return order * direction || x - y;
      });
    }
    $('focus').innerHTML = focus ? `<span class="tag">only ${escapeHtml(focus.label)} <button type="button" title="show all">×</button></span>` : '';
    const tagButton = $('focus').querySelector('button');
    if (tagButton) tagButton.addEventListener('click', () => { focus = null; applyFilters(); });
    if (pairs.length === 0) {
      $('pair-count').textContent = 'No pairs were listed: no two documents share more than incidental text at these settings.';
    } else if (view.length === pairs.length) {
      $('pair-count').textContent = `${plural(pairs.length, 'pair', 'pairs')}. Click a pair to see both texts side by side; click a column to sort.`;
    } else {
      $('pair-count').textContent = `${number(view.length)} of ${plural(pairs.length, 'pair', 'pairs')} match the filters.`;
    }
    $('pair-spacer').style.height = `${view.length * ROW_HEIGHT}px`;
    $('pair-viewport').scrollTop = 0;
    renderRows();
  }

  // Only the rows in view (and a few either side) are in the page.
  function renderRows() {
    const viewport = $('pair-viewport');
    const OVERSCAN = 10;
    const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(view.length, Math.ceil((viewport.scrollTop + viewport.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    const rows = $('pair-rows');
    rows.style.top = `${first * ROW_HEIGHT}px`;
    rows.innerHTML = view.slice(first, last).map((i) =>
      `<div class="row${i === current ? ' selected' : ''}" role="row" data-pair="${i}">${COLUMNS.map((c) => `<span role="cell" class="${c.number ? 'number' : ''}">${c.cell(i)}</span>`).join('')}</div>`).join('');
  }

  // ---- one pair, side by side ----

  // Maps character offsets (Unicode scalar values) to UTF-16 indexes.
  function scalarOffsets(text) {
    if (!/[\uD800-\uDFFF]/.test(text)) return { length: text.length, unit: (c) => c };
    const units = [];
    let u = 0;
    for (const ch of text) {
      units.push(u);
      u += ch.length;
    }
    units.push(u);
    return { length: units.length - 1, unit: (c) => units[c] };
  }

  // The text with every passage range marked. Ranges may overlap, so the text
  // is cut at every range end; each piece lists the passages covering it.
  // `offsets` is scalarOffsets(text).
  function highlight(text, offsets, ranges, story) {
    const clamp = (c) => Math.max(0, Math.min(offsets.length, c));
    const cuts = new Set([0, offsets.length]);
    for (const r of ranges) { cuts.add(clamp(r.start)); cuts.add(clamp(r.end)); }
    if (story) { cuts.add(clamp(story[0])); cuts.add(clamp(story[1])); }
    const points = [...cuts].sort((x, y) => x - y);
    let html = '';
    for (let k = 0; k + 1 < points.length; k += 1) {
      const [from, to] = [points[k], points[k + 1]];
      const piece = escapeHtml(text.slice(offsets.unit(from), offsets.unit(to)));
      const covering = ranges.filter((r) => r.start <= from && r.end >= to);
      const inStory = story !== null && story[0] <= from && story[1] >= to;
      if (covering.length > 0) {
        const first = covering[0];
        const classes = ['passage', first.boilerplate ? 'boilerplate' : `c${first.passage % 6}`];
        if (inStory) classes.push('story-passage');
        const title = `passage ${covering.map((r) => r.passage + 1).join(', ')}${first.boilerplate ? ' (boilerplate)' : ''}: click to find it on the other side`;
        html += `<mark class="${classes.join(' ')}" data-p="${covering.map((r) => r.passage).join(' ')}" data-start="${from}" data-end="${to}" title="${title}">${piece}</mark>`;
      } else if (inStory) {
        html += `<span class="story-passage" data-start="${from}" data-end="${to}" title="the passage whose story the other article shares most">${piece}</span>`;
      } else {
        html += piece;
      }
    }
    return html;
  }

  async function showPair(i) {
    current = i;
    const section = $('pair-view');
    let texts;
    try {
      texts = await textsReady;
    } catch (error) {
      section.hidden = false;
      $('pair-heading').textContent = `The texts could not be read (is the file complete?): ${error}`;
      return;
    }
    if (current !== i) return; // another pair was asked for meanwhile
    const p = pairs[i];
    $('pair-heading').innerHTML = `${escapeHtml(ids[p.a])} ↔ ${escapeHtml(ids[p.b])} ${verdictBadge(p.verdict)}`;

    const facts = [
      ['Jaccard (exact)', fixed(p.jaccard)],
      ['MinHash estimate', fixed(p.estimated_jaccard)],
      ['A found in B', percent(p.containment_a_in_b)],
      ['B found in A', percent(p.containment_b_in_a)],
      ['Reused words', `A ${number(p.reuse.words_a)} (${percent(p.reuse.share_a)}), B ${number(p.reuse.words_b)} (${percent(p.reuse.share_b)})`],
      ['Direction', DIRECTION[p.reuse.containment] || ''],
      ['Likely source', p.reuse.likely_source === null ? '– (no publication times)' : escapeHtml(p.reuse.likely_source)],
      ['Found by', escapeHtml(p.found_by.join(', '))],
    ];
    if (p.story) {
      facts.splice(4, 0, ['Story similarity', `${fixed(p.story.similarity)} (cosine ${fixed(p.story.cosine)}, passage ${fixed(p.story.passage_containment)}, its names and numbers shared ${fixed(p.story.passage_specifics)})`]);
    }
    let evidence = '';
    const shared = p.story && p.story.shared;
    if (shared) {
      const list = (label, items) => (items.length ? `<div><b>${label}</b> ${items.map(escapeHtml).join(' · ')}</div>` : '');
      evidence = `<div class="evidence"><b>What the two share</b>${list('Names', shared.names)}${list('Numbers', shared.numbers)}${list('Quotes', shared.quotes.map((q) => `“${q}”`))}${list('Terms', shared.terms)}</div>`;
    }
    $('pair-facts').innerHTML = `<table class="keyvalue">${keyValueRows(facts)}</table>${evidence}`;

    $('passage-list').innerHTML = p.passages.length === 0
      ? '<li class="none">No shared passages.</li>'
      : p.passages.map((q, k) =>
        `<li data-p="${k}">A ${number(q.a[0])}–${number(q.a[1])} (${plural(q.words[0], 'word', 'words')}) ↔ B ${number(q.b[0])}–${number(q.b[1])} (${plural(q.words[1], 'word', 'words')}); similarity ${fixed(q.similarity)}; verbatim ${number(q.verbatim_words[0])} words${q.boilerplate ? '; boilerplate' : ''}</li>`).join('');

    for (const side of ['a', 'b']) {
      const doc = p[side];
      const text = texts[doc];
      const ranges = p.passages.map((q, k) => ({ start: q[side][0], end: q[side][1], passage: k, boilerplate: q.boilerplate }));
      // Only a rewrite needs it: other verdicts show the copied passages themselves.
      const passage = p.verdict === 'rewrite' && p.story && p.story.passage;
      const story = passage && passage.side === side ? [passage.start_char, passage.end_char] : null;
      const element = $(`side-${side}`);
      const offsets = scalarOffsets(text);
      element.querySelector('h3').textContent = `${side.toUpperCase()}: ${ids[doc]} (${plural(offsets.length, 'character', 'characters')})`;
      const body = element.querySelector('.text');
      body.innerHTML = highlight(text, offsets, ranges, story);
      body.scrollTop = 0;
    }
    section.hidden = false;
    section.dataset.pair = String(i);
    renderRows();
    section.scrollIntoView();
  }

  function scrollToPassage(body, k) {
    const target = body.querySelector(`mark[data-p~="${k}"]`);
    if (target) body.scrollTop = Math.max(0, target.offsetTop - body.clientHeight / 3);
  }

  function flashPassage(k) {
    const marks = document.querySelectorAll(`.sides mark[data-p~="${k}"]`);
    for (const mark of marks) mark.classList.add('flash');
    setTimeout(() => { for (const mark of marks) mark.classList.remove('flash'); }, 1200);
  }

  function setupPairView() {
    document.querySelector('.sides').addEventListener('click', (event) => {
      const mark = event.target.closest('mark[data-p]');
      if (!mark) return;
      const k = mark.dataset.p.split(' ')[0];
      const other = mark.closest('.side').id === 'side-a' ? 'side-b' : 'side-a';
      scrollToPassage(document.querySelector(`#${other} .text`), k);
      flashPassage(k);
    });
    $('passage-list').addEventListener('click', (event) => {
      const item = event.target.closest('[data-p]');
      if (!item) return;
      for (const body of document.querySelectorAll('.sides .text')) scrollToPassage(body, item.dataset.p);
      flashPassage(item.dataset.p);
    });
    const step = (by) => {
      const at = view.indexOf(current);
      const next = view[at + by];
      if (next !== undefined) location.hash = `pair-${next}`;
    };
    $('previous-pair').addEventListener('click', () => step(-1));
    $('next-pair').addEventListener('click', () => step(1));
    $('close-pair').addEventListener('click', () => { location.hash = 'pairs'; });
    document.addEventListener('keydown', (event) => {
      if ($('pair-view').hidden || event.target.matches('input')) return;
      if (event.key === 'Escape') location.hash = 'pairs';
      else if (event.key === 'j') step(1);
      else if (event.key === 'k') step(-1);
    });
    const route = () => {
      const match = /^#pair-(\d+)$/.exec(location.hash);
      if (match && pairs[Number(match[1])]) {
        showPair(Number(match[1]));
      } else if (!$('pair-view').hidden) {
        $('pair-view').hidden = true;
        current = null;
        renderRows();
      }
    };
    window.addEventListener('hashchange', route);
    route();
  }

  renderOverview();
  renderClusters();
  setupTable();
  setupPairView();
  $('loading').remove();
  document.body.dataset.ready = 'true';
  // For benches/html/measure.mjs.
  performance.mark('reprint:ready');
  textsReady.then(() => performance.mark('reprint:texts-ready'));
}
