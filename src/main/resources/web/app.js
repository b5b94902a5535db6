// Fluxion operator page: polls the public status endpoints and calls the control API with the
// operator's bearer token (kept in sessionStorage only, never in the URL).
(function () {
  'use strict';
  var TOKEN_KEY = 'fluxionToken';
  var state = { countdownTo: null, serverOffsetMs: 0, maintenance: false, lastRunId: null, enabled: true };

  function $(id) { return document.getElementById(id); }
  function text(id, v) { var e = $(id); if (e) { e.textContent = v == null ? '–' : String(v); } }
  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function fmtNum(n) { return n == null ? '–' : Number(n).toLocaleString('es-VE'); }
  function fmtDateTime(iso) {
    if (!iso) { return 'Nunca'; }
    // ISO with offset: show it as the server wrote it (window zone), "2026-11-21 01:30"
    return iso.replace('T', ' ').replace(/(:\d\d)(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)$/, '$1');
  }
  function fmtDuration(s) {
    if (s == null) { return '–'; }
    s = Math.max(0, Math.round(s));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    return (h ? h + 'h ' : '') + (h || m ? m + 'm ' : '') + sec + 's';
  }
  function pad(n) { return (n < 10 ? '0' : '') + n; }

  function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }
  function showTokenState() {
    text('token-state', token() ? 'Token guardado para esta sesión' : 'Sin token: las acciones lo piden');
  }

  // with fluxion.api.protect-reads the GETs under /api need the token too: sent when one is saved
  function getJson(path) {
    var t = token();
    var opts = { cache: 'no-store' };
    if (t) { opts.headers = { 'Authorization': 'Bearer ' + t }; }
    return fetch(path, opts).then(function (r) { return r.json(); });
  }

  function action(method, path, body) {
    var t = token();
    if (!t) {
      message('Ingrese el token de operador para ejecutar acciones', true);
      $('token').focus();
      return Promise.resolve(null);
    }
    var opts = { method: method, headers: { 'Authorization': 'Bearer ' + t, 'Content-Type': 'application/json' } };
    if (body !== undefined) { opts.body = JSON.stringify(body); }
    return fetch(path, opts).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (r.status === 400 && j.field === 'confirm' && body && !body.confirm) {
          // ecs mode outside the window hours: the answer says what would stop and for how long
          if (window.confirm(j.error)) { body.confirm = true; return action(method, path, body); }
          message('No se ejecutó: ' + j.error, true);
        } else if (r.status === 401) {
          message('Token inválido (401): verifique el token de operador', true);
        } else if (r.status === 409) {
          message('Ya hay una ejecución en curso (run #' + (j.run_id || '?') + ')', true);
        } else if (r.status >= 400) {
          message('Error ' + r.status + ': ' + (j.error || '') + (j.field ? ' (' + j.field + ')' : ''), true);
        } else if (r.status === 202) {
          message('Ventana iniciada: run #' + j.run_id, false);
        } else {
          message(j.message || 'Listo', false);
        }
        refreshAll();
        return j;
      });
    }).catch(function (e) { message('Error de red: ' + e, true); });
  }

  function message(msg, isError) {
    var e = $('action-message');
    e.textContent = msg;
    e.className = isError ? 'bad' : 'ok';
  }

  function renderMaintenance(s) {
    var b = $('maint-badge');
    b.textContent = s.is_maintenance ? 'En mantenimiento' : 'Sistema operativo';
    b.className = 'badge ' + (s.is_maintenance ? 'maint' : 'up');
    text('maint-message', s.message);
    text('current-time', s.current_time);
    text('window-label', s.maintenance_window);
    text('timezone', s.timezone);
    state.maintenance = s.is_maintenance;
    if (s.server_time) { state.serverOffsetMs = Date.parse(s.server_time) - Date.now(); }
    if (s.is_maintenance) {
      $('countdown-label').textContent = 'Tiempo restante estimado';
      state.countdownTo = Date.parse(s.server_time) + s.minutes_remaining * 60000;
    } else {
      $('countdown-label').textContent = 'Próxima ventana en';
      state.countdownTo = s.next_window_start ? Date.parse(s.next_window_start) : null;
    }
    tick();
  }

  function tick() {
    if (state.countdownTo == null) { text('countdown', '–'); return; }
    var left = Math.max(0, Math.round((state.countdownTo - (Date.now() + state.serverOffsetMs)) / 1000));
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    text('countdown', pad(h) + ':' + pad(m) + ':' + pad(s));
  }

  function renderScheduler(s) {
    state.enabled = s.enabled;
    var t = $('btn-toggle');
    t.textContent = s.enabled ? '✓ Habilitado (clic para deshabilitar)' : '✗ Deshabilitado (clic para habilitar)';
    t.dataset.enabled = String(s.enabled);
    text('next-execution', s.next_execution ? fmtDateTime(s.next_execution) : (s.enabled ? '–' : 'Deshabilitado'));
    text('last-execution', fmtDateTime(s.last_execution));
    text('pending-retries', s.pending_retries + ' tiendas');
    text('run-state', s.is_running ? '● Ejecutando' : '○ Inactivo');
    $('btn-trigger').disabled = s.is_running;
    renderCurrent(s.current_run);
    renderKlk(s.klk_routes || {});
    renderCluster(s.cluster);
    var d = s.daily_summary;
    if (d) {
      text('summary-date', '- ' + d.fecha);
      text('sum-total', d.total);
      text('sum-exitosas', d.exitosas);
      text('sum-fallidas', d.fallidas);
      text('sum-rows', fmtNum(d.rows));
      text('sum-downtime', fmtDuration(d.downtime_seconds));
      $('summary-status').textContent = 'Run #' + d.run_id + ' (' + d.kind + '): ' + d.status
        + (d.reason ? ' · ' + d.reason : '');
      if ($('summary-card').dataset.runId !== String(d.run_id)) {
        // a run just finished: its coverage changed
        getJson('/api/ventas/gaps').then(renderGaps).catch(function () {});
      }
      $('summary-card').dataset.runId = String(d.run_id);
      $('summary-card').dataset.status = d.status;
    }
  }

  // two instances (SPEC 2.8): which one answered and whether it leads
  function renderCluster(c) {
    if (!c) { return; }
    text('cluster-node', 'Instancia: ' + c.node + (c.leader ? ' (líder)'
      : ' (en espera; líder: ' + (c.leader_node || 'desconocido') + ')'));
  }

  function renderKlk(routes) {
    // inventory-all has its own tab (inventory.js)
    var names = Object.keys(routes).filter(function (n) { return n !== 'inventory-all'; });
    var body = $('klk').querySelector('tbody');
    if (!names.length) {
      body.innerHTML = '<tr><td colspan="6" class="muted">Sin rutas KLK.</td></tr>';
      return;
    }
    body.innerHTML = names.map(function (n) {
      var r = routes[n] || {};
      var outcome = r.last_outcome || r.last_status || r.status || '';
      if (typeof outcome === 'object') { outcome = JSON.stringify(outcome); }
      return '<tr data-route="' + esc(n) + '"><td>' + esc(n) + '</td><td>'
        + (r.is_running ? '● Ejecutando' : (r.enabled ? '✓ Habilitado' : '✗ Deshabilitado')) + '</td><td>'
        + esc(r.next_execution ? fmtDateTime(r.next_execution) : '–') + '</td><td>' + esc(fmtDateTime(r.last_execution))
        + '</td><td>' + esc(outcome) + '</td><td><button type="button" class="klk-toggle" data-route="' + esc(n)
        + '" data-enabled="' + esc(!!r.enabled) + '">' + (r.enabled ? 'Deshabilitar' : 'Habilitar') + '</button></td></tr>';
    }).join('');
  }

  function renderCurrent(run) {
    var box = $('current-run');
    if (!run) {
      box.innerHTML = '<p class="muted">Ninguna ejecución activa.</p>';
      box.dataset.runId = '';
      return;
    }
    box.dataset.runId = String(run.run_id);
    var html = '<p><strong>Run #' + esc(run.run_id) + '</strong> (' + esc(run.kind) + ') · fase ' + esc(run.phase)
      + ' · fechas ' + esc(run.business_dates.join(', ')) + ' · ' + esc(run.stores_done) + '/' + esc(run.stores_total)
      + ' tiendas · ' + fmtNum(run.rows) + ' registros · ' + fmtNum(run.rows_per_second) + ' reg/s'
      + (run.eta_seconds != null ? ' · quedan ~' + fmtDuration(run.eta_seconds) : '') + '</p>';
    run.stores.forEach(function (p) {
      html += '<div class="store-row" data-store="' + esc(p.store_id) + '" data-status="' + esc(p.status) + '">'
        + '<span>' + esc(p.store_id) + ' · ' + esc(p.name) + ' · ' + esc(p.fecha) + '</span>'
        + '<div class="bar"><div class="fill ' + esc(p.status) + '" data-percent="' + Number(p.percent) + '"></div></div>'
        + '<span>' + esc(p.status) + ' · ' + fmtNum(p.rows) + ' reg · intento ' + esc(p.attempts)
        + (p.error ? ' · <span class="bad">' + esc(p.error) + '</span>' : '') + '</span></div>';
    });
    box.innerHTML = html;
    // widths set through the DOM: the Content-Security-Policy allows no inline style attributes
    Array.prototype.forEach.call(box.querySelectorAll('.fill[data-percent]'), function (f) {
      f.style.width = Number(f.dataset.percent) + '%';
    });
  }

  function renderGaps(g) {
    text('gaps-total', g.summary.total);
    text('gaps-behind', g.summary.desactualizadas);
    text('gaps-with', g.summary.con_gaps);
    text('gaps-disabled', g.summary.deshabilitadas);
    var body = $('gaps').querySelector('tbody');
    var sel = $('sync-store');
    var known = {};
    Array.prototype.forEach.call(sel.options, function (o) { known[o.value] = true; });
    var html = '';
    g.stores.forEach(function (s) {
      var badge = s.days_behind == null ? 'sin datos' : s.days_behind + 'd';
      var icon = s.badge === 'green' ? '🟢' : s.badge === 'orange' ? '🟠' : '🔴';
      var missing = s.missing_ranges.map(function (r) { return r.desde === r.hasta ? r.desde : r.desde + '…' + r.hasta; }).join(', ');
      html += '<tr data-store="' + esc(s.ubicacion_id) + '"><td>' + esc(s.nombre) + ' <span class="muted">' + esc(s.ubicacion_id)
        + '</span></td><td>' + fmtNum(s.rows) + '</td><td>' + esc(s.first_date || '–') + '</td><td>' + esc(s.last_date || '–')
        + '</td><td><span class="badge ' + esc(s.badge) + '">' + icon + ' ' + esc(badge) + '</span></td><td>'
        + esc(s.completeness) + '%</td><td>' + esc(missing || '–') + '</td><td>' + recoveryButtons(s) + '</td></tr>';
      if (!known[s.ubicacion_id]) {
        var o = document.createElement('option');
        o.value = s.ubicacion_id;
        o.textContent = s.ubicacion_id + ' · ' + s.nombre;
        sel.appendChild(o);
      }
    });
    body.innerHTML = html;
    if (!$('sync-to').value) { $('sync-to').value = g.period_end; $('sync-from').value = g.period_end; }
    $('sync-to').max = g.period_end;
    $('sync-from').max = g.period_end;
  }

  /** Seed 002's buttons: fill the sync form with the answer's recommended ranges (Actualizar, Recuperar). */
  function recoveryButtons(s) {
    function btn(r, cls, label) {
      return r ? '<button type="button" class="fill-gap ' + cls + '" data-store="' + esc(s.ubicacion_id) + '" data-from="'
        + esc(r.desde) + '" data-to="' + esc(r.hasta) + '" title="' + esc(r.faltantes) + ' días faltantes'
        + (r.completo ? '' : ' (hay más después)') + '">' + label + '</button>' : '';
    }
    return (btn(s.actualizar, 'act', 'Actualizar') + ' ' + btn(s.recuperar, 'rec', 'Recuperar')).trim() || '–';
  }

  function renderRuns(r) {
    var body = $('runs').querySelector('tbody');
    body.innerHTML = r.runs.map(function (x) {
      var cls = x.status === 'SUCCEEDED' ? 'ok' : x.status === 'FAILED' ? 'bad' : 'muted';
      return '<tr data-run="' + esc(x.run_id) + '"><td>' + esc(x.run_id) + '</td><td>' + esc(x.kind) + '</td><td>'
        + esc(x.business_dates.join(', ')) + '</td><td>' + esc(fmtDateTime(x.started_at)) + '</td><td>'
        + fmtDuration(x.duration_seconds) + '</td><td class="' + cls + '">' + esc(x.status) + '</td><td>'
        + (x.total == null ? '–' : esc(x.exitosas) + '/' + esc(x.total)) + '</td><td>' + fmtNum(x.rows) + '</td><td>'
        + esc(x.reason || '') + '</td></tr>';
    }).join('');
  }

  function renderLogs(l) {
    var box = $('logs');
    box.innerHTML = (l.logs || []).slice(-60).map(function (e) {
      return '<div class="' + esc(e.level) + '">' + esc((e.timestamp || '').substr(11, 8)) + ' [' + esc(e.level) + '] '
        + esc(e.message) + '</div>';
    }).join('');
    box.scrollTop = box.scrollHeight;
  }

  var slowTick = 0;
  function refreshAll() {
    getJson('/maintenance-status').then(renderMaintenance).catch(function () {});
    getJson('/api/etl/scheduler/status').then(renderScheduler).catch(function () {});
    getJson('/api/etl/ventas/logs?limit=60').then(renderLogs).catch(function () {});
    getJson('/api/etl/runs?limit=15').then(renderRuns).catch(function () {});
    if (slowTick++ % 3 === 0) { getJson('/api/ventas/gaps').then(renderGaps).catch(function () {}); }
  }

  document.addEventListener('DOMContentLoaded', function () {
    showTokenState();
    $('save-token').addEventListener('click', function () {
      var v = $('token').value.trim();
      if (v) { sessionStorage.setItem(TOKEN_KEY, v); } else { sessionStorage.removeItem(TOKEN_KEY); }
      $('token').value = '';
      showTokenState();
    });
    $('btn-trigger').addEventListener('click', function () { action('POST', '/api/etl/scheduler/trigger', {}); });
    $('btn-toggle').addEventListener('click', function () {
      action('POST', state.enabled ? '/api/etl/scheduler/disable' : '/api/etl/scheduler/enable', {});
    });
    $('btn-sync').addEventListener('click', function () {
      var store = $('sync-store').value;
      action('POST', '/api/etl/sync/ventas', {
        ubicacion_id: store === '' ? null : store,
        fecha_inicio: $('sync-from').value,
        fecha_fin: $('sync-to').value
      });
    });
    $('klk').addEventListener('click', function (ev) {
      var b = ev.target.closest('button.klk-toggle');
      if (!b) { return; }
      action('POST', '/api/etl/klk/' + encodeURIComponent(b.dataset.route) + '/'
        + (b.dataset.enabled === 'true' ? 'disable' : 'enable'), {});
    });
    $('gaps').addEventListener('click', function (ev) {
      var b = ev.target.closest('button.fill-gap');
      if (!b) { return; }
      $('sync-store').value = b.dataset.store;
      $('sync-from').value = b.dataset.from;
      $('sync-to').value = b.dataset.to;
    });
    refreshAll();
    setInterval(refreshAll, 2000);
    setInterval(tick, 1000);
  });
}());
