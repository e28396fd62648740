// edc data entry: live branching. As the person types, post the form's values to the preview
// endpoint and hide the items whose show-if logic is false, and fill in the calculated items.
// Without this script every item stays shown (with its "shown only if" note) and the save
// ignores hidden ones, as the service does.
(function () {
  "use strict";
  var form = document.querySelector("form.entry-form[data-preview-url]");
  if (!form) return;
  var token = form.querySelector("input[name=csrf_token]");
  var items = form.querySelectorAll(".entry-item[data-slot]");
  var timer = null;
  var asked = 0;

  function apply(hidden, calculated) {
    var hide = {};
    hidden.forEach(function (name) { hide[name] = true; });
    items.forEach(function (item) {
      item.hidden = !!hide[item.getAttribute("data-slot")];
    });
    Object.keys(calculated || {}).forEach(function (name) {
      var input = form.querySelector('[data-calculated][name="' + CSS.escape(name) + '"]');
      if (input) input.value = calculated[name];
    });
  }

  function ask() {
    var mine = ++asked;
    var body = new URLSearchParams(new FormData(form));
    fetch(form.getAttribute("data-preview-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: {"X-CSRFToken": token ? token.value : "", "Accept": "application/json"},
      body: body
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (found) {
      if (found && mine === asked) apply(found.hidden || [], found.calculated || {});
    }).catch(function () { /* offline: the items stay as they are; the save judges */ });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(ask, 250);
  }

  var initially = [];
  items.forEach(function (item) {
    if (item.getAttribute("data-hidden") === "true") initially.push(item.getAttribute("data-slot"));
  });
  apply(initially, {});
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
