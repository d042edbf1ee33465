/**
 * Served as /admin/static/admin.js. Progressive enhancement only: every page works without it.
 * - `.slider` pairs a range input with a number input so either edits the same value;
 * - a form with `data-live` re-renders its results region (aria-live) from the page's fragment
 *   endpoint as the inputs change, instead of waiting for the submit button.
 */
export const ADMIN_JS = `
(function () {
  'use strict';
  function pairSliders(root) {
    root.querySelectorAll('.slider').forEach(function (box) {
      var range = box.querySelector('input[type="range"]');
      var num = box.querySelector('input[type="number"]');
      if (!range || !num) return;
      range.addEventListener('input', function () { num.value = range.value; num.dispatchEvent(new Event('input', { bubbles: true })); });
      num.addEventListener('input', function () { if (num.value !== '') range.value = num.value; });
    });
  }
  function liveForms(root) {
    root.querySelectorAll('form[data-live]').forEach(function (form) {
      var target = document.getElementById(form.getAttribute('data-target'));
      if (!target) return;
      var timer = 0, seq = 0;
      function refresh() {
        if (!form.checkValidity()) return;
        var params = new URLSearchParams(new FormData(form));
        var mine = ++seq;
        target.setAttribute('aria-busy', 'true');
        fetch(form.getAttribute('data-live') + '?' + params.toString(), { credentials: 'same-origin', headers: { accept: 'text/html' } })
          .then(function (res) { return res.text().then(function (html) { return { ok: res.ok, html: html }; }); })
          .then(function (r) {
            if (mine !== seq) return;
            target.innerHTML = r.html;
            target.setAttribute('aria-busy', 'false');
            history.replaceState(null, '', form.getAttribute('action') + '?' + params.toString());
          })
          .catch(function () { target.setAttribute('aria-busy', 'false'); });
      }
      form.addEventListener('input', function (e) {
        // Some fields (the operation) change what the other fields mean: those wait for the submit button.
        if (e.target && e.target.hasAttribute && e.target.hasAttribute('data-no-live')) return;
        clearTimeout(timer); timer = setTimeout(refresh, 200);
      });
    });
  }
  document.addEventListener('DOMContentLoaded', function () { pairSliders(document); liveForms(document); });
})();
`;
