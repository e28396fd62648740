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
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
