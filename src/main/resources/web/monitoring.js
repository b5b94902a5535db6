// Fluxion operator page, monitoring panels (issue 15): the stores' connectivity, the backend's real state and
// the alerts the service raised. Self-contained: polls the scheduler status and /api/alerts on its own and
// touches only the elements of its three panels (#connectivity-card, #backend-card, #alerts-card).
(function () {
  'use strict';
  var TOKEN_KEY = 'fluxionToken';
  var POLL_MS = 3000;

  function $(id) { return document.getElementById(id); }
  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function when(iso) {
    if (!iso) { return '–'; }
    return iso.replace('T', ' ').replace(/([+-]\d\d:\d\d|Z)$/, '');
  }
  // with fluxion.api.protect-reads the GETs under /api need the token the page saved
  function getJson(path) {
    var t = sessionStorage.getItem(TOKEN_KEY) || '';
    var opts = { cache: 'no-store' };
    if (t) { opts.headers = { 'Authorization': 'Bearer ' + t }; }
    return fetch(path, opts).then(function (r) {
      if (!r.ok) { throw new Error('HTTP ' + r.status); }
      return r.json();
    });
  }

  function renderConnectivity(c) {
    var card = $('connectivity-card');
    if (!card) { return; }
    var body = document.querySelector('#connectivity tbody');
    if (!c || !c.results || c.results.length === 0) {
      $('connectivity-summary').textContent = 'Sin tiendas configuradas.';
      body.innerHTML = '';
      card.setAttribute('data-unreachable', '0');
      return;
    }
    card.setAttribute('data-unreachable', String(c.unreachable));
    $('connectivity-summary').innerHTML = '<span class="badge ' + (c.unreachable > 0 ? 'red' : c.unknown > 0 ? 'orange' : 'green')
      + '">' + esc(c.reachable) + ' de ' + esc(c.stores) + ' tiendas responden</span>'
      + (c.unreachable > 0 ? ' <span class="bad">' + esc(c.unreachable) + ' sin conexión</span>' : '')
      + (c.unknown > 0 ? ' <span class="muted">' + esc(c.unknown) + ' sin verificar aún</span>' : '');
    body.innerHTML = c.results.map(function (r) {
      var st = r.reachable === true ? 'reachable' : r.reachable === false ? 'unreachable' : 'unknown';
      var badge = st === 'reachable' ? '<span class="badge green">Conectada</span>'
        : st === 'unreachable' ? '<span class="badge red">Sin conexión</span>'
        : '<span class="badge">Sin verificar</span>';
      return '<tr data-store="' + esc(r.store_id) + '" data-reach="' + st + '">'
        + '<td>' + esc(r.store_id) + '<div class="muted">' + esc(r.name) + '</div></td>'
        + '<td>' + badge + '</td>'
        + '<td>' + (r.millis == null ? '–' : esc(r.millis) + ' ms') + '</td>'
        + '<td>' + esc(when(r.checked_at)) + '<div class="muted">' + esc(r.checked_by) + '</div></td>'
        + '<td class="' + (r.error ? 'bad' : 'muted') + '">' + esc(r.error || '') + '</td></tr>';
    }).join('');
  }

  var BACKEND_LABELS = {
    running: ['Operativo', 'green'], stopped: ['Detenido', 'red'], starting: ['Iniciando', 'orange'],
    stopping: ['Deteniéndose', 'orange'], deploying: ['Desplegando', 'orange'], 'rollout-failed': ['Despliegue fallido', 'red'],
    unknown: ['Desconocido', 'red'], none: ['Sin backend controlado', ''], 'dry-run': ['Simulación (dry-run)', '']
  };

  function renderBackend(b) {
    var card = $('backend-card');
    if (!card || !b) { return; }
    card.setAttribute('data-state', b.state || '');
    var l = BACKEND_LABELS[b.state] || [b.state, ''];
    $('backend-state').innerHTML = '<span class="badge ' + l[1] + '">' + esc(l[0]) + '</span>'
      + (b.stopped_by_run ? ' <span class="bad">detenido por la ejecución #' + esc(b.stopped_by_run) + '</span>' : '');
    $('backend-mode').textContent = b.mode + (b.service ? ' · ' + b.service + ' (' + b.cluster + ')' : '');
    $('backend-counts').textContent = b.desired_count == null && b.running_count == null ? '–'
      : (b.running_count == null ? '–' : b.running_count) + ' / ' + (b.desired_count == null ? '–' : b.desired_count)
        + (b.pending_count ? ' (+' + b.pending_count + ' pendientes)' : '');
    $('backend-rollout').textContent = b.rollout_state || '–';
    $('backend-detail').textContent = (b.detail || '') + (b.checked_at ? ' · consultado ' + when(b.checked_at) : '');
  }

  var SEVERITY = { CRITICAL: 'red', WARNING: 'orange', INFO: 'green' };

  function renderAlerts(a) {
    var body = document.querySelector('#alerts tbody');
    if (!body) { return; }
    var list = (a && a.alerts) || [];
    $('alerts-card').setAttribute('data-count', String(list.length));
    if (list.length === 0) {
      body.innerHTML = '<tr><td colspan="5" class="muted">Sin alertas.</td></tr>';
      return;
    }
    body.innerHTML = list.map(function (x) {
      return '<tr data-alert="' + esc(x.id) + '" data-kind="' + esc(x.kind) + '">'
        + '<td>' + esc(when(x.created_at)) + '</td>'
        + '<td><span class="badge ' + (SEVERITY[x.severity] || '') + '">' + esc(x.severity) + '</span></td>'
        + '<td>' + esc(x.kind) + (x.run_id ? '<div class="muted">run #' + esc(x.run_id) + '</div>' : '') + '</td>'
        + '<td>' + esc(x.text) + '</td>'
        + '<td>' + esc(x.webhook_status) + (x.webhook_error ? '<div class="bad">' + esc(x.webhook_error) + '</div>' : '')
        + '</td></tr>';
    }).join('');
  }

  function refresh() {
    getJson('/api/etl/scheduler/status').then(function (s) {
      renderConnectivity(s.connectivity);
      renderBackend(s.backend);
    }).catch(function () {});
    getJson('/api/alerts?limit=20').then(renderAlerts).catch(function () {});
  }

  document.addEventListener('DOMContentLoaded', function () {
    refresh();
    setInterval(refresh, POLL_MS);
  });
})();
