// Polls the job's JSON endpoint once a second and updates the progress page in place.
// Without JavaScript the page's <noscript> meta refresh does the same job, more coarsely.
(function () {
  "use strict";
  var root = document.querySelector(".job-progress[data-progress-url]");
  if (!root || root.dataset.finished === "true") {
    return;
  }
  var url = root.dataset.progressUrl;
  var bar = document.getElementById("job-bar");
  var errorList = document.getElementById("job-errors");
  var noErrors = document.getElementById("job-no-errors");
  var warningList = document.getElementById("job-warnings");
  var noWarnings = document.getElementById("job-no-warnings");

  function setField(name, text) {
    var node = root.querySelector('[data-field="' + name + '"]');
    if (node) {
      node.textContent = text;
    }
  }

  function fillList(list, empty, lines) {
    list.replaceChildren.apply(
      list,
      lines.map(function (line) {
        var item = document.createElement("li");
        item.textContent = line;
        return item;
      })
    );
    empty.hidden = lines.length > 0;
  }

  function render(data) {
    bar.value = data.percent;
    bar.textContent = data.percent + "%";
    setField("percent", data.percent + "%");
    ["status_label", "outcome", "wanted", "done", "skipped", "rejected", "failed"].forEach(function (name) {
      setField(name, String(data[name]));
    });
    fillList(errorList, noErrors, data.errors);
    fillList(warningList, noWarnings, data.warnings);
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("progress request failed: " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        render(data);
        if (data.finished) {
          // Reload once so the times and messages come from the server's final view of the job.
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        // A hiccup (server restart, lost connection): try again a little later.
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, 1000);
})();
