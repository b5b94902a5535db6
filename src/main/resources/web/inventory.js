// Fluxion operator page, issue 17's panels: the Inventario tab (route inventory-all, each store's snapshot and its own
// "Sincronizar"), the store controls (enable/disable), the gaps' recovery buttons and CSV, and the charts of the last
// 30 nights (gaps per store over time among them). Kept
// apart from app.js; it uses the same token (sessionStorage) and the same endpoints as any API client.
(function () {
  'use strict';
  var TOKEN_KEY = 'fluxionToken';

  function $(id) { return document.getElementById(id); }
  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function fmtNum(n) { return n == null ? '–' : Number(n).toLocaleString('es-VE'); }
  function fmtDateTime(iso) { return iso ? iso.substr(0, 16).replace('T', ' ') : '–'; }

  function getJson(path) {
    var opts = { headers: {} };
    var t = sessionStorage.getItem(TOKEN_KEY);
    if (t) { opts.headers.Authorization = 'Bearer ' + t; }
    return fetch(path, opts).then(function (r) { return r.json(); });
  }

  function send(method, path, target) {
    var t = sessionStorage.getItem(TOKEN_KEY);
    var box = $(target);
    if (!t) { box.textContent = 'Guarde el token de operador primero.'; box.className = 'bad'; return Promise.resolve(null); }
    return fetch(path, { method: method, headers: { Authorization: 'Bearer ' + t } }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        var ok = r.status >= 200 && r.status < 300;
        box.textContent = ok ? (j.warning ? '⚠️ ' + j.warning : (j.message || 'OK')) : (r.status + ': ' + (j.error || ''));
        box.className = ok && !j.warning ? 'ok' : 'bad';
        refresh();
        return j;
      });
    }).catch(function (e) { box.textContent = 'Error de red: ' + e; box.className = 'bad'; });
  }

  // ---- tabs ---------------------------------------------------------------------------------------

  function showTab(name) {
    document.body.setAttribute('data-tab', name);
    Array.prototype.forEach.call(document.querySelectorAll('#tabs button'), function (b) {
      b.classList.toggle('active', b.dataset.tab === name);
      b.setAttribute('aria-selected', String(b.dataset.tab === name));
    });
    refresh();
  }

  // ---- Inventario ---------------------------------------------------------------------------------

  function renderInventory(inv) {
    var r = inv.route || {};
    $('inv-state').textContent = r.is_running ? '● Ejecutando' : (r.enabled ? '✓ Habilitado' : '✗ Deshabilitado');
    $('inv-next').textContent = r.next_execution ? fmtDateTime(r.next_execution) : '–';
    $('inv-cron').textContent = r.cron ? r.cron + ' (' + (r.timezone || '') + ')' : '–';
    var last = (inv.runs || [])[0];
    $('inv-last').textContent = last ? '#' + last.id + ' ' + last.status + ' · ' + fmtDateTime(last.started_at)
      + (last.reason ? ' · ' + last.reason : '') : 'Nunca';
    $('inv-toggle').dataset.enabled = String(!!r.enabled);
    $('inv-toggle').textContent = r.enabled ? 'Deshabilitar' : 'Habilitar';
    $('inventory').querySelector('tbody').innerHTML = (inv.stores || []).map(function (s) {
      var cls = s.last_status === 'SUCCEEDED' ? 'ok' : s.last_status === 'FAILED' ? 'bad' : 'muted';
      return '<tr data-store="' + esc(s.ubicacion_id) + '" data-status="' + esc(s.last_status || '') + '"><td>'
        + esc(s.nombre) + ' <span class="muted">' + esc(s.ubicacion_id) + '</span>' + (s.enabled ? '' : ' <span class="badge red">deshabilitada</span>')
        + '</td><td>' + esc(fmtDateTime(s.snapshot_at)) + '</td><td class="rows">' + fmtNum(s.rows) + '</td><td>'
        + esc(s.route || '–') + '</td><td class="' + cls + '">' + esc(s.last_status || '–')
        + (s.last_run_id ? ' <span class="muted">#' + esc(s.last_run_id) + '</span>' : '') + '</td><td class="err">'
        + esc(s.last_error || '') + '</td><td>' + (s.enabled ? '<button type="button" class="inv-store-sync" data-store="'
        + esc(s.ubicacion_id) + '" title="Solo esta tienda">Sincronizar</button>' : '') + '</td></tr>';
    }).join('');
  }

  // ---- store controls -----------------------------------------------------------------------------

  function renderStores(st) {
    $('stores-warning').textContent = st.warning ? '⚠️ ' + st.warning : '';
    $('stores').querySelector('tbody').innerHTML = (st.stores || []).map(function (s) {
      return '<tr data-store="' + esc(s.ubicacion_id) + '" data-enabled="' + esc(s.enabled) + '"><td>' + esc(s.nombre)
        + ' <span class="muted">' + esc(s.ubicacion_id) + '</span></td><td>' + esc(s.system) + '</td><td>'
        + (s.enabled ? '✓ Habilitada' : '✗ Deshabilitada') + '</td><td>' + esc(s.priority) + '</td><td>'
        + esc(s.max_attempts) + (s.own_max_attempts ? ' *' : '') + '</td><td>' + esc(s.retry_interval_minutes)
        + (s.own_retry_interval ? ' *' : '') + ' min</td><td><button type="button" class="store-toggle" data-store="'
        + esc(s.ubicacion_id) + '" data-enabled="' + esc(s.enabled) + '">' + (s.enabled ? 'Deshabilitar' : 'Habilitar')
        + '</button></td></tr>';
    }).join('');
  }

  // ---- gaps: recovery buttons ---------------------------------------------------------------------

  /** The gaps answer's flag of historic gaps (app.js draws the table with its Actualizar/Recuperar buttons). */
  function renderRecovery(g) {
    $('gaps-historic').textContent = g.tiene_gaps_historicos
      ? '⚠️ Hay gaps históricos: use "Recuperar" (hasta 366 días por orden).' : '';
  }

  // ---- charts -------------------------------------------------------------------------------------

  function chartNights(h) {
    var nights = h.nights || [];
    $('charts-nights').textContent = nights.length ? nights.length + ' noches' : '';
    var C = window.FluxionCharts;
    C.bars($('chart-downtime'), nights.map(function (n) {
      return { label: n.fecha, short: n.fecha.substr(5), values: [n.downtime_seconds / 60],
        title: n.fecha + ': backend detenido ' + Math.round(n.downtime_seconds / 60) + ' min' };
    }), { colors: ['#c2410c'], empty: 'Sin noches registradas.', title: 'Backend detenido (min)' });
    C.bars($('chart-rows'), nights.map(function (n) {
      return { label: n.fecha, short: n.fecha.substr(5), values: [n.rows], title: n.fecha + ': ' + fmtNum(n.rows) + ' registros' };
    }), { colors: ['#1d4ed8'], empty: 'Sin noches registradas.', title: 'Registros por noche' });
    C.bars($('chart-stores'), nights.map(function (n) {
      return { label: n.fecha, short: n.fecha.substr(5), values: [n.exitosas, n.fallidas],
        title: n.fecha + ': ' + n.exitosas + ' exitosas, ' + n.fallidas + ' fallidas' };
    }), { colors: ['#15803d', '#b91c1c'], stacked: true, series: ['Exitosas', 'Fallidas'], empty: 'Sin noches registradas.' });
    C.bars($('chart-load-time'), (h.stores || []).filter(function (s) { return s.avg_load_seconds != null; }).map(function (s) {
      return { label: s.ubicacion_id, short: s.ubicacion_id.replace('tienda_', 't'), values: [s.avg_load_seconds],
        title: s.nombre + ': ' + s.avg_load_seconds + ' s de media en ' + s.loads + ' cargas' };
    }), { colors: ['#6d28d9'], empty: 'Sin cargas registradas.' });
    chartGaps(h);
  }

  /** Gaps per store over time: the store x business-date grid of gaps_by_store (loaded, missing, suspect, disabled). */
  function chartGaps(h) {
    var g = h.gaps_by_store || {};
    $('chart-gaps-range').textContent = g.desde ? g.desde + ' … ' + g.hasta : '';
    window.FluxionCharts.heat($('chart-gaps'), g, { empty: 'Sin tiendas.', title: 'Gaps por tienda y fecha' });
  }

  // ---- refresh --------------------------------------------------------------------------------------

  var tickNo = 0;
  function refresh() {
    var tab = document.body.getAttribute('data-tab') || 'ventas';
    if (tab === 'inventario') {
      getJson('/api/inventory').then(renderInventory).catch(function () {});
    } else {
      getJson('/api/stores').then(renderStores).catch(function () {});
      getJson('/api/ventas/gaps').then(renderRecovery).catch(function () {});
      if (tickNo % 5 === 0) { getJson('/api/etl/history?nights=30').then(chartNights).catch(function () {}); }
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('tabs').addEventListener('click', function (ev) {
      var b = ev.target.closest('button[data-tab]');
      if (b) { showTab(b.dataset.tab); }
    });
    $('inv-sync').addEventListener('click', function () { send('POST', '/api/etl/klk/inventory-all/trigger', 'inv-message'); });
    $('inventory').addEventListener('click', function (ev) {
      var b = ev.target.closest('button.inv-store-sync');
      if (!b) { return; }
      send('POST', '/api/inventory/' + encodeURIComponent(b.dataset.store) + '/trigger', 'inv-message');
    });
    $('inv-toggle').addEventListener('click', function () {
      send('POST', '/api/etl/klk/inventory-all/' + ($('inv-toggle').dataset.enabled === 'true' ? 'disable' : 'enable'),
        'inv-message');
    });
    $('stores').addEventListener('click', function (ev) {
      var b = ev.target.closest('button.store-toggle');
      if (!b) { return; }
      send('POST', '/api/stores/' + encodeURIComponent(b.dataset.store) + '/'
        + (b.dataset.enabled === 'true' ? 'disable' : 'enable'), 'stores-message');
    });
    showTab('ventas');
    setInterval(function () { tickNo++; refresh(); }, 3000);
  });
}());
