// The upload page: files dropped on the zone or chosen in the input are listed; on "Upload"
// each is sent on its own (XMLHttpRequest, for its progress events) with the batch's fields,
// and its row shows a progress bar, then a link to the new document or the reason it was
// refused. Without this script the form posts every file at once.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var zone = form.querySelector("[data-drop-zone]");
  var input = form.querySelector("input[type=file]");
  var list = document.getElementById("upload-list");
  var maxFiles = parseInt(form.dataset.maxFiles, 10) || 20;
  var token = form.querySelector("input[name=csrf_token]").value;
  var chosen = [];

  function row(file) {
    var item = document.createElement("li");
    item.className = "upload-item";
    item.dataset.file = file.name;
    var name = document.createElement("span");
    name.className = "upload-name";
    name.textContent = file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB)";
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Upload of " + file.name);
    var state = document.createElement("span");
    state.className = "upload-state muted";
    state.textContent = "ready";
    item.append(name, bar, state);
    return item;
  }

  function show(files) {
    chosen = Array.prototype.slice.call(files, 0, maxFiles);
    list.replaceChildren.apply(list, chosen.map(row));
  }

  function message(xhr) {
    try {
      var body = JSON.parse(xhr.responseText);
      if (body.problems && body.problems.length) {
        return body.problems.join(" ");
      }
      return body.message || ("refused (" + xhr.status + ")");
    } catch (e) {
      return xhr.status === 413 ? "The file is larger than the limit." : "refused (" + xhr.status + ")";
    }
  }

  function send(file, item) {
    return new Promise(function (resolve) {
      var data = new FormData(form);
      data.delete("files");
      data.append("file", file, file.name);
      if (chosen.length > 1) { data.set("title", ""); }
      var xhr = new XMLHttpRequest();
      var bar = item.querySelector("progress");
      var state = item.querySelector(".upload-state");
      xhr.open("POST", form.dataset.oneFileUrl);
      xhr.setRequestHeader("X-CSRFToken", token);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) { bar.value = Math.round(100 * event.loaded / event.total); }
      });
      xhr.addEventListener("loadend", function () {
        item.classList.remove("upload-busy");
        if (xhr.status === 201) {
          var body = JSON.parse(xhr.responseText);
          bar.value = 100;
          var link = document.createElement("a");
          link.href = body.url;
          link.textContent = "filed: " + body.title + " v" + body.version;
          state.replaceChildren(link);
          item.classList.add("upload-done");
        } else {
          state.textContent = "not filed: " + message(xhr);
          item.classList.add("upload-failed");
        }
        resolve(xhr.status === 201);
      });
      item.classList.add("upload-busy");
      state.textContent = "uploading…";
      xhr.send(data);
    });
  }

  input.addEventListener("change", function () { show(input.files); });
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("drop-active"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("drop-active"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) { show(event.dataTransfer.files); }
  });

  form.addEventListener("submit", function (event) {
    if (!chosen.length) { return; }  // nothing chosen: the server says so beside the field
    event.preventDefault();
    var button = document.getElementById("upload-submit");
    button.disabled = true;
    var items = list.querySelectorAll(".upload-item");
    chosen.reduce(function (previous, file, index) {
      return previous.then(function () { return send(file, items[index]); });
    }, Promise.resolve()).then(function () {
      button.disabled = false;
      chosen = [];
      input.value = "";
    });
  });
}());
