// A job's progress page (host/templates/jobs/show.html): polls the job's JSON status, moves the
// bar and the message, and reloads the page once the job has ended, so that the server shows
// the link to its result or the reason it failed. No inline script: the CSP forbids it.
(function () {
  "use strict";

  var POLL_MS = 1000;
  var LONGEST_WAIT_MS = 15000;
  var FINISHED = { succeeded: true, failed: true };
  var LABELS = { queued: "Waiting", running: "Running", succeeded: "Finished", failed: "Failed" };

  function show(job, element) {
    var bar = document.getElementById("job-progress");
    var message = document.getElementById("job-message");
    var badge = element.querySelector("[data-job-field=status]");
    if (bar) {
      if (job.percent === null) {
        bar.removeAttribute("value");
      } else {
        bar.value = job.percent;
        bar.textContent = job.percent + "%";
      }
    }
    if (message) {
      message.textContent = job.message + (job.total ? " (" + job.done + " of " + job.total + ")" : "");
    }
    if (badge && LABELS[job.status]) { badge.textContent = LABELS[job.status]; }
  }

  function follow(element) {
    var url = element.getAttribute("data-job-status-url");
    var wait = POLL_MS;
    if (!url || FINISHED[element.getAttribute("data-job-status")]) { return; }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("status " + response.status); }
          return response.json();
        })
        .then(function (job) {
          wait = POLL_MS;
          show(job, element);
          if (FINISHED[job.status]) {
            window.location.reload();
          } else {
            window.setTimeout(poll, wait);
          }
        })
        .catch(function () {
          wait = Math.min(wait * 2, LONGEST_WAIT_MS);  // the server is busy or away: ask less often
          window.setTimeout(poll, wait);
        });
    }

    window.setTimeout(poll, wait);
  }

  function wire() {
    document.querySelectorAll("[data-job-status-url]").forEach(follow);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
