// Fluxion operator page: small inline-SVG charts (no library). Built with DOM calls (the page's CSP allows no inline
// style); every chart scales to its box's width through the viewBox, so it fits 1366x768 and a phone alike.
(function () {
  'use strict';
  var NS = 'http://www.w3.org/2000/svg';

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) { parent.appendChild(e); }
    return e;
  }

  function fmt(n) { return Number(n).toLocaleString('es-VE', { maximumFractionDigits: 1 }); }

  /**
   * A bar chart into the element `box`: `items` = [{label, values: [v1, v2...], title}], one bar per value (stacked
   * when opts.stacked), colours opts.colors, legend opts.series. Each bar group is a <g class="bar-group"> with
   * data-label, so a test can count them.
   */
  function bars(box, items, opts) {
    opts = opts || {};
    while (box.firstChild) { box.removeChild(box.firstChild); }
    if (!items.length) {
      var p = document.createElement('p');
      p.className = 'muted';
      p.textContent = opts.empty || 'Sin datos.';
      box.appendChild(p);
      return;
    }
    var colors = opts.colors || ['#1d4ed8', '#b91c1c'];
    var W = 600, H = 180, left = 44, bottom = 34, top = 10;
    var max = 0;
    items.forEach(function (it) {
      var total = opts.stacked ? it.values.reduce(function (a, b) { return a + (b || 0); }, 0)
        : Math.max.apply(null, it.values.map(function (v) { return v || 0; }));
      max = Math.max(max, total);
    });
    if (max <= 0) { max = 1; }
    var svg = el('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', class: 'chart', 'aria-label': opts.title || '' }, box);
    var plotW = W - left - 6, plotH = H - top - bottom;
    el('line', { x1: left, y1: top + plotH, x2: W - 6, y2: top + plotH, stroke: '#9ca3af' }, svg);
    var maxLabel = el('text', { x: left - 4, y: top + 8, 'text-anchor': 'end', 'font-size': 10, fill: '#6b7280' }, svg);
    maxLabel.textContent = fmt(max);
    var zero = el('text', { x: left - 4, y: top + plotH, 'text-anchor': 'end', 'font-size': 10, fill: '#6b7280' }, svg);
    zero.textContent = '0';
    var slot = plotW / items.length;
    var per = opts.stacked ? 1 : items[0].values.length;
    var bw = Math.max(2, Math.min(28, (slot - 4) / per));
    var labelEvery = Math.ceil(items.length / 12);
    items.forEach(function (it, i) {
      var g = el('g', { class: 'bar-group', 'data-label': it.label }, svg);
      var t = el('title', {}, g);
      t.textContent = it.title || it.label;
      var x0 = left + i * slot + (slot - bw * per) / 2;
      var y = top + plotH;
      it.values.forEach(function (v, j) {
        var h = (v || 0) / max * plotH;
        if (opts.stacked) {
          y -= h;
          el('rect', { x: x0, y: y, width: bw, height: h, fill: colors[j % colors.length] }, g);
        } else {
          el('rect', { x: x0 + j * bw, y: top + plotH - h, width: bw, height: h, fill: colors[j % colors.length] }, g);
        }
      });
      if (i % labelEvery === 0) {
        var lx = left + i * slot + slot / 2;
        var lab = el('text', { x: lx, y: H - bottom + 14, 'text-anchor': 'middle', 'font-size': 10, fill: '#374151' }, g);
        lab.textContent = it.short || it.label;
      }
    });
    if (opts.series) {
      var legend = el('g', { class: 'legend' }, svg);
      opts.series.forEach(function (s, j) {
        var lx = left + j * 150;
        el('rect', { x: lx, y: H - 12, width: 10, height: 10, fill: colors[j % colors.length] }, legend);
        var lt = el('text', { x: lx + 14, y: H - 3, 'font-size': 10, fill: '#374151' }, legend);
        lt.textContent = s;
      });
    }
  }

  var STATES = [
    { key: 'loaded', label: 'Cargado', color: '#15803d' },
    { key: 'missing', label: 'Faltante', color: '#b91c1c' },
    { key: 'suspect', label: 'Sospechoso (filas previas)', color: '#d97706' },
    { key: 'disabled', label: 'Tienda deshabilitada', color: '#9ca3af' }
  ];

  /**
   * A heat strip into the element `box`: one row per store (<g class="heat-row" data-store>), one cell per business
   * date (<rect class="cell" data-date data-state>: loaded, missing, suspect, disabled), each row's count of missing
   * days at its right, the dates along the top and a legend below. `grid` is GET /api/etl/history's gaps_by_store.
   */
  function heat(box, grid, opts) {
    opts = opts || {};
    while (box.firstChild) { box.removeChild(box.firstChild); }
    var dates = (grid && grid.dates) || [];
    var rows = (grid && grid.stores) || [];
    if (!dates.length || !rows.length) {
      var p = document.createElement('p');
      p.className = 'muted';
      p.textContent = opts.empty || 'Sin datos.';
      box.appendChild(p);
      return;
    }
    var color = {};
    STATES.forEach(function (s) { color[s.key] = s.color; });
    var left = 74, right = 58, top = 18, rowH = 14, legendH = 34;
    var cell = Math.max(4, Math.min(16, Math.floor(560 / dates.length)));
    var W = left + cell * dates.length + right;
    var H = top + rowH * rows.length + legendH;
    var svg = el('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', class: 'chart heat',
      'aria-label': opts.title || '' }, box);
    var labelEvery = Math.ceil(dates.length / 8);
    dates.forEach(function (d, j) {
      // counted back from the newest date (yesterday), which always has its label
      if ((dates.length - 1 - j) % labelEvery === 0) {
        var t = el('text', { x: left + j * cell + cell / 2, y: top - 6, 'text-anchor': 'middle', 'font-size': 9,
          fill: '#374151' }, svg);
        t.textContent = String(d).substr(5);
      }
    });
    rows.forEach(function (r, i) {
      var y = top + i * rowH;
      var g = el('g', { class: 'heat-row', 'data-store': r.ubicacion_id, 'data-missing': r.missing }, svg);
      var name = el('text', { x: left - 4, y: y + rowH - 4, 'text-anchor': 'end', 'font-size': 10,
        fill: r.enabled ? '#111827' : '#9ca3af' }, g);
      name.textContent = r.ubicacion_id.replace('tienda_', 't');
      var nt = el('title', {}, name);
      nt.textContent = r.nombre + (r.enabled ? '' : ' (deshabilitada)');
      (r.days || []).forEach(function (c, j) {
        var rect = el('rect', { class: 'cell', x: left + j * cell + 0.5, y: y + 1, width: Math.max(1, cell - 1),
          height: rowH - 2, fill: color[c.state] || '#e5e7eb', 'data-date': c.fecha, 'data-state': c.state }, g);
        var ct = el('title', {}, rect);
        var st = STATES.filter(function (s) { return s.key === c.state; })[0];
        ct.textContent = r.nombre + ' ' + c.fecha + ': ' + (st ? st.label : c.state);
      });
      var count = el('text', { class: 'count', x: left + cell * dates.length + 6, y: y + rowH - 4, 'font-size': 10,
        fill: r.missing ? '#b91c1c' : '#15803d' }, g);
      count.textContent = r.missing + ' faltan' + (r.suspect ? ' · ' + r.suspect + ' s' : '');
    });
    var legend = el('g', { class: 'legend' }, svg);
    var lx = 4;
    STATES.forEach(function (s) {
      el('rect', { x: lx, y: H - 14, width: 10, height: 10, fill: s.color }, legend);
      var lt = el('text', { x: lx + 14, y: H - 5, 'font-size': 10, fill: '#374151' }, legend);
      lt.textContent = s.label;
      lx += 14 + s.label.length * 5.6 + 12;
    });
    // where the strip is wider than its box (a phone), the newest dates show first
    box.scrollLeft = box.scrollWidth;
  }

  window.FluxionCharts = { bars: bars, heat: heat };
}());
