/// The landscape page's renderer, second half: the details of one minimum, the path between two
/// and its profile, the controls (colour, energy window, reset) and the #selftest driver that
/// headless browsers read back (tests/view/test_view_browser.cpp).
#include "view/page_internal.hpp"

namespace lossland::view::detail {

const char* const kPageScriptControls = R"JS(
  // ---- details: one minimum, the path between two ----
  function showMinimum(id, box) {
    var m = D.minima[id];
    html('h3', box, 'minimum ' + id);
    var t = html('table', box);
    function row(k, v) { var tr = html('tr', t); html('th', tr, k); html('td', tr, v); }
    row('energy', fmt(m.energy, 12));
    if (D.analyzed) {
      row('AUC', fmt(D.columns.auc[id], 4));
      row('connected hidden nodes', fmt(D.columns.connected_hidden[id]) + ' of ' + D.hidden);
    } else {
      row('AUC, connected nodes', 'run lossland analyze ' + D.database);
    }
    Object.keys(D.columns).forEach(function (c) {
      if (c !== 'auc' && c !== 'connected_hidden') row(c, fmt(D.columns[c][id]));
    });
    var p = D.pictures[String(id)];
    if (p) {
      var pics = html('div', box, undefined, 'pics');
      ['network', 'sensitivity'].forEach(function (k) {
        if (!p[k]) return;
        var img = html('img', pics);
        img.src = p[k];
        img.alt = k + ' of minimum ' + id;
        img.className = 'pic';
      });
    } else {
      html('p', box, 'No pictures for this minimum: the page holds the network diagrams and ' +
           'sensitivity maps of the ' + D.max_pictures + ' lowest drawn minima (lossland view ' +
           '--max-pictures N for more).', 'note');
    }
  }
  function drawProfile(prof) {
    var ps = $('profile');
    while (ps.firstChild) ps.removeChild(ps.firstChild);
    var w = 900, h = 300, l = 84, r = 20, t = 20, b = 40;
    ps.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
    var s1 = Math.max(1e-300, prof.points[prof.points.length - 1][0]);
    var elo = Infinity, ehi = -Infinity;
    prof.points.forEach(function (p) { elo = Math.min(elo, p[1]); ehi = Math.max(ehi, p[1]); });
    if (!(ehi > elo)) ehi = elo + Math.max(1e-12, 1e-9 * Math.abs(elo));
    var px = function (s) { return l + s / s1 * (w - l - r); };
    var py = function (e) { return h - b - (e - elo) / (ehi - elo) * (h - t - b); };
    el('line', { x1: l, y1: h - b, x2: w - r, y2: h - b, class: 'axis' }, ps);
    el('line', { x1: l, y1: t, x2: l, y2: h - b, class: 'axis' }, ps);
    [elo, 0.5 * (elo + ehi), ehi].forEach(function (e) {
      el('text', { x: l - 4, y: py(e) + 4, 'text-anchor': 'end', class: 'tick' }, ps, fmt(e, 6));
    });
    el('text', { x: 0.5 * (l + w - r), y: h - 8, 'text-anchor': 'middle', class: 'label' }, ps,
       prof.sketched ? 'path length s (sketch: steps of unit length where no path is stored)' : 'integrated path length s');
    el('polyline', { points: prof.points.map(function (p) { return px(p[0]) + ',' + py(p[1]); }).join(' '), class: 'profile' }, ps);
    prof.marks.forEach(function (m) {
      if (m.min) el('circle', { cx: px(m.s), cy: py(m.e), r: 4, class: 'pmin' }, ps);
      else el('rect', { x: px(m.s) - 4, y: py(m.e) - 4, width: 8, height: 8, class: 'pts' }, ps);
      el('text', { x: px(m.s), y: py(m.e) + (m.min ? 16 : -8), 'text-anchor': 'middle', class: 'tick' }, ps,
         (m.min ? 'min ' : 'ts ') + m.id);
    });
  }
  function choose(id) {
    if (selected.length >= 2 || selected[0] === id) selected = [];
    selected.push(id);
    pathInfo = null;
    var box = $('detail');
    box.textContent = '';
    if (selected.length === 2) {
      var p = minimax(selected[0], selected[1]);
      pathInfo = { path: p };
      var ph = html('div', box, undefined, 'pathinfo');
      if (p) {
        html('h3', ph, 'Lowest-barrier path, minimum ' + selected[0] + ' to ' + selected[1]);
        html('p', ph, 'Minima ' + p.minima.join(' \u2192 ') + ' through transition states ' +
             (p.ts.length ? p.ts.join(', ') : 'none') + '; highest point E = ' + fmt(p.barrier, 10) +
             ' (barrier ' + fmt(p.barrier - D.minima[selected[0]].energy, 4) + ' from ' + selected[0] + ', ' +
             fmt(p.barrier - D.minima[selected[1]].energy, 4) + ' from ' + selected[1] + ').');
        var prof = profile(p);
        pathInfo.profile = prof;
        $('profile-box').style.display = 'block';
        $('profile-title').textContent = 'Energy profile along the path, minimum ' + selected[0] + ' to ' + selected[1] +
          (prof.sketched ? ' (' + prof.sketched + ' of ' + p.ts.length + ' transition states without stored paths: drawn as straight lines)' : '');
        drawProfile(prof);
      } else {
        html('p', ph, 'Minima ' + selected[0] + ' and ' + selected[1] + ' are not connected by transition states ' +
             'within the window (run lossland connect ' + D.database + ' --pair ' + selected[0] + ' ' + selected[1] + ').');
        $('profile-box').style.display = 'none';
      }
    } else {
      $('profile-box').style.display = 'none';
      html('p', box, 'Click a second minimum for the lowest-barrier path between the two.', 'note');
    }
    showMinimum(id, box);
    return draw();
  }
)JS"
                                        R"JS(
  // ---- controls: colour, energy window (inputs or drag), reset ----
  colorSel.addEventListener('change', draw);
  function setWindow(elo, ehi) {
    var lo = Number(elo), hi = Number(ehi);
    if (!isFinite(lo) || !isFinite(hi) || !(lo < hi)) {
      $('window-msg').textContent = 'The window needs two numbers, lower below upper.';
      return false;
    }
    if (logSp && lo <= T.energy_min - T.log_offset) lo = energyOf(full.lo);
    $('window-msg').textContent = '';
    view = { lo: coord(lo), hi: coord(hi) };
    draw();
    return true;
  }
  $('apply').addEventListener('click', function () { setWindow($('elo').value, $('ehi').value); });
  $('reset').addEventListener('click', function () { view = { lo: full.lo, hi: full.hi }; draw(); });
  $('clear').addEventListener('click', function () {
    selected = []; pathInfo = null; $('detail').textContent = ''; $('profile-box').style.display = 'none'; draw();
  });
  var dragY = null;
  function svgY(evt) { var r = svg.getBoundingClientRect(); return (evt.clientY - r.top) * H / r.height; }
  svg.addEventListener('mousedown', function (evt) { dragY = svgY(evt); evt.preventDefault(); });
  svg.addEventListener('mousemove', function (evt) {
    if (dragY === null) return;
    var b = $('band'), y = svgY(evt);
    b.style.display = 'block';
    b.setAttribute('y', Math.min(dragY, y));
    b.setAttribute('height', Math.abs(y - dragY));
  });
  window.addEventListener('mouseup', function (evt) {
    if (dragY === null) return;
    var y = svgY(evt), y0 = dragY;
    dragY = null;
    if (Math.abs(y - y0) < 6) { $('band').style.display = 'none'; return; }
    var c = function (py) { return view.lo + (bottom - py) / (bottom - top) * (view.hi - view.lo); };
    view = { lo: c(Math.max(y, y0)), hi: c(Math.min(y, y0)) };
    draw();
  });

  var summary = $('summary');
  var drawn = D.minima.filter(function (m) { return m.drawn; }).length;
  summary.textContent = D.model + '. ' + drawn + ' of ' + D.minima_total + ' minima drawn, ' +
    T.transition_states_used + ' of ' + D.transition_states_total + ' transition states; ' + L + ' ' +
    T.spacing + ' levels. Hover a branch end (a minimum) or a merge point (a transition state); ' +
    'click a minimum for its pictures, a second for the lowest-barrier path between the two.';
  if (!D.analyzed)
    html('p', $('notes'), 'No analysis columns: run lossland analyze ' + D.database +
         ' for AUC, connected nodes and the other per-minimum figures.', 'warn');
  T.notes.forEach(function (n) { html('p', $('notes'), n, 'note'); });
  var shown = draw();

  // ---- #selftest: drive the page and write a verdict for a headless browser ----
  if (location.hash === '#selftest') {
    var v = { leaves: shown.leaves, drawn: drawn, merges: shown.merges,
              merge_nodes: N.filter(function (n) { return n.ts >= 0 && n.minimum < 0; }).length };
    var leaves = document.querySelectorAll('#graph g.leaf');
    var ids = D.minima.filter(function (m) { return m.drawn; }).map(function (m) { return m.id; });
    ids.sort(function (a, b) { return D.minima[a].energy - D.minima[b].energy; });
    var a = ids[0], b = ids[ids.length - 1];
    leaves[0].dispatchEvent(new MouseEvent('mouseover', { bubbles: true, clientX: 10, clientY: 10 }));
    v.tooltip = tip.textContent;
    var merge = document.querySelector('#graph circle.merge');
    if (merge) {
      merge.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
      v.merge_tooltip = tip.textContent;
    }
    hideTip();
    document.querySelector('#graph g.leaf[data-min="' + a + '"]').dispatchEvent(new MouseEvent('click', { bubbles: true }));
    v.after_one = { images: document.querySelectorAll('#detail img.pic').length, text: $('detail').textContent };
    Object.keys(D.columns).concat(['energy']).forEach(function (c) { colorSel.value = c; colorSel.dispatchEvent(new Event('change')); });
    colorSel.value = D.color; colorSel.dispatchEvent(new Event('change'));
    if (b !== a) {
      document.querySelector('#graph g.leaf[data-min="' + b + '"]').dispatchEvent(new MouseEvent('click', { bubbles: true }));
      v.from = a; v.to = b;
      v.path = pathInfo.path;
      v.highlighted = document.querySelectorAll('#graph path.path').length;
      v.profile_points = pathInfo.profile ? pathInfo.profile.points.length : 0;
    }
    var lo0 = $('elo').value, hi0 = $('ehi').value, box = svg.getBoundingClientRect();
    svg.dispatchEvent(new MouseEvent('mousedown', { bubbles: true, clientY: box.top + 0.3 * box.height }));
    svg.dispatchEvent(new MouseEvent('mousemove', { bubbles: true, clientY: box.top + 0.6 * box.height }));
    window.dispatchEvent(new MouseEvent('mouseup', { bubbles: true, clientY: box.top + 0.6 * box.height }));
    v.drag = Number($('elo').value) > Number(lo0) && Number($('ehi').value) < Number(hi0);
    $('reset').dispatchEvent(new MouseEvent('click'));
    v.zoom = setWindow(D.minima[a].energy, 0.5 * (Number(lo0) + Number(hi0)));
    v.zoom_leaves_kept = document.querySelectorAll('#graph g.leaf').length;
    $('reset').dispatchEvent(new MouseEvent('click'));
    v.reset = $('elo').value === lo0 && $('ehi').value === hi0;
    v.errors = errors;
    v.ok = errors.length === 0 && v.leaves === v.drawn && v.merges === v.merge_nodes && v.reset && v.drag;
    $('verdict').textContent = 'SELFTEST ' + JSON.stringify(v) + ' END';
  }
})();
)JS";

}  // namespace lossland::view::detail
