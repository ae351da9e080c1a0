// The full-screen photo viewer. Links marked [data-viewer-url] (the grid's cards, the photo on its
// page) open it; the server renders each photo's view, with its previous and next photo in the
// same filtered, sorted list (gallery/partials/viewer_body.html). Without this file every link
// is an ordinary page. Keys: ← → step, Esc closes; on touch screens a sideways swipe steps.
(function () {
  "use strict";

  var dialog = document.querySelector("dialog[data-viewer]");
  if (!dialog || typeof dialog.showModal !== "function") { return; }
  var body = dialog.querySelector("[data-viewer-body]");
  var opener = null;
  var loading = 0;
  var SWIPE_PX = 50;
  var swipedAt = 0;  // a swipe's lifted finger must not also count as a click beside the photo

  function step(which) {
    var link = body.querySelector('[data-viewer-step="' + which + '"]');
    if (link) { show(link.getAttribute("data-viewer-url"), link.href, which); }
  }

  // Fetch and show one photo's view; `pageUrl` is where to go instead if that fails.
  function show(url, pageUrl, focusStep) {
    var ticket = ++loading;
    dialog.setAttribute("aria-busy", "true");
    fetch(url, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        if (ticket !== loading) { return; }  // a later step overtook this one
        body.innerHTML = html;
        dialog.removeAttribute("aria-busy");
        if (!dialog.open) { dialog.showModal(); }
        var again = focusStep && body.querySelector('[data-viewer-step="' + focusStep + '"]');
        (again || dialog.querySelector("[data-viewer-close]")).focus();
        preloadNeighbours();
      })
      .catch(function () { window.location.href = pageUrl; });
  }

  function preloadNeighbours() {
    body.querySelectorAll("[data-preview]").forEach(function (link) {
      new Image().src = link.getAttribute("data-preview");
    });
  }

  // Back to where the viewer was opened from; on the grid, to the card of the photo now shown.
  function restoreFocus() {
    var shown = body.querySelector("[data-viewer-photo-id]");
    var card = shown && document.getElementById("photo-" + shown.getAttribute("data-viewer-photo-id"));
    var target = (card && card.querySelector("[data-viewer-url]")) || opener;
    body.innerHTML = "";
    if (target) { target.focus(); }
  }

  // Tab stays inside: the modal dialog makes the page inert, and this wraps at its edges.
  function trapTab(event) {
    var items = Array.prototype.filter.call(
      dialog.querySelectorAll("a[href], button:not([disabled])"),
      function (item) { return item.offsetParent !== null; }
    );
    if (!items.length) { return; }
    var first = items[0];
    var last = items[items.length - 1];
    if (event.shiftKey && document.activeElement === first) { last.focus(); event.preventDefault(); }
    else if (!event.shiftKey && document.activeElement === last) { first.focus(); event.preventDefault(); }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-viewer-url]");
    // A modified click (new tab, new window) keeps its ordinary meaning.
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
    event.preventDefault();
    if (!dialog.open) { opener = link; }
    var which = link.getAttribute("data-viewer-step");
    show(link.getAttribute("data-viewer-url"), link.href, which);
  });

  dialog.querySelector("[data-viewer-close]").addEventListener("click", function () { dialog.close(); });
  dialog.addEventListener("close", restoreFocus);
  // A click on the dark backdrop around the photo closes, as in every lightbox.
  dialog.addEventListener("click", function (event) {
    if (Date.now() - swipedAt < 600) { return; }
    if (event.target === dialog || event.target.hasAttribute("data-viewer-stage")) { dialog.close(); }
  });
  dialog.addEventListener("keydown", function (event) {
    if (event.key === "ArrowRight") { step("next"); event.preventDefault(); }
    else if (event.key === "ArrowLeft") { step("previous"); event.preventDefault(); }
    else if (event.key === "Tab") { trapTab(event); }
  });

  var start = null;
  dialog.addEventListener("pointerdown", function (event) {
    start = event.pointerType === "mouse" ? null : { x: event.clientX, y: event.clientY };
  });
  dialog.addEventListener("pointerup", function (event) {
    if (!start) { return; }
    var dx = event.clientX - start.x;
    var dy = event.clientY - start.y;
    start = null;
    if (Math.abs(dx) > SWIPE_PX && Math.abs(dx) > 2 * Math.abs(dy)) {
      swipedAt = Date.now();
      step(dx < 0 ? "next" : "previous");
    }
  });
})();
