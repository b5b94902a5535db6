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

  window.FluxionCharts = { bars: bars };
}());
