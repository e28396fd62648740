// Small page behaviours, wired by data attributes: the Content-Security-Policy allows no inline
// script or event handler (host/security_headers.py), so templates mark elements instead.
(function () {
  "use strict";

  function on(selector, event, handler) {
    document.querySelectorAll(selector).forEach(function (element) {
      element.addEventListener(event, handler);
    });
  }

  function wire() {
    // <select data-submit-on-change>: choosing an option submits its form (the org switcher).
    on("[data-submit-on-change]", "change", function () {
      if (this.form) { this.form.submit(); }
    });
    // <input data-select-on-focus>: focusing selects the whole value, ready to copy.
    on("[data-select-on-focus]", "focus", function () { this.select(); });
    // <button data-copy-from="element-id">: copies that element's value to the clipboard.
    on("[data-copy-from]", "click", function () {
      var source = document.getElementById(this.getAttribute("data-copy-from"));
      if (source && navigator.clipboard) { navigator.clipboard.writeText(source.value); }
    });
    // <button data-dialog-open="dialog-id">: opens that <dialog> as a modal (the sign dialog).
    on("[data-dialog-open]", "click", function () {
      var dialog = document.getElementById(this.getAttribute("data-dialog-open"));
      if (dialog && dialog.showModal) { dialog.showModal(); }
    });
    // <button data-dialog-close> inside a <dialog>: closes it.
    on("[data-dialog-close]", "click", function () {
      var dialog = this.closest("dialog");
      if (dialog) { dialog.close(); }
    });
    // <col data-width="8rem">: the kit's table column widths (no inline style under the CSP).
    document.querySelectorAll("col[data-width]").forEach(function (col) {
      if (/^[0-9.]+(rem|em|px|%)$/.test(col.getAttribute("data-width"))) { col.style.width = col.getAttribute("data-width"); }
    });
    // A kit table is never narrower than its columns (13rem for a column without a width): on a
    // phone it scrolls sideways in its frame instead of squeezing words a letter wide.
    document.querySelectorAll("table.data-table").forEach(function (table) {
      var rem = 0;
      table.querySelectorAll("col").forEach(function (col) {
        var match = /^([0-9.]+)(rem|em|px)$/.exec(col.getAttribute("data-width") || "");
        rem += match ? (match[2] === "px" ? parseFloat(match[1]) / 16 : parseFloat(match[1])) : 13;
      });
      if (rem) { table.style.minWidth = rem + "rem"; }
    });
    // <dialog data-open-on-load>: shown at once (a refused signing comes back with its message).
    document.querySelectorAll("dialog[data-open-on-load]").forEach(function (dialog) {
      if (dialog.showModal && !dialog.open) { dialog.showModal(); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
