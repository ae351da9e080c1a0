// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Like without a reload: the form still POSTs normally when this does not run. A like form sits in
  // a [data-like-scope] (a card, the photo's like box) whose [data-like-count] shows the count.
  function showCount(element, count) {
    if (element.getAttribute("data-like-count") === "card") {
      element.firstChild.textContent = "♥ " + count.toLocaleString();
      element.hidden = count === 0;
    } else {
      element.textContent = "Liked by " + count.toLocaleString() + " " + (count === 1 ? "person" : "people");
    }
  }

  function enhanceLikeForm(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      var action = form.querySelector("input[name=action]");
      var token = form.querySelector("input[name=csrfmiddlewaretoken]");
      button.disabled = true;
      // getAttribute: the hidden input named "action" shadows the form.action property.
      fetch(form.getAttribute("action"), {
        method: "POST",
        body: new FormData(form),
        headers: { "Accept": "application/json", "X-CSRFToken": token ? token.value : "" },
        credentials: "same-origin",
      })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          action.value = data.liked ? "unlike" : "like";
          button.classList.toggle("is-liked", data.liked);
          button.setAttribute("aria-pressed", data.liked ? "true" : "false");
          var label = button.querySelector("[data-like-label]");
          if (label) { label.textContent = data.liked ? "Liked" : "Like"; }
          var scope = form.closest("[data-like-scope]") || document;
          var count = scope.querySelector("[data-like-count]");
          if (count) { showCount(count, data.count); }
        })
        .catch(function () { form.submit(); })  // fall back to the ordinary POST
        .finally(function () { button.disabled = false; });
    });
  }

  // "Copy credit": text and HTML on the clipboard at once (a rich editor pastes the links), or the
  // HTML source as text. Without the clipboard API the credit is selected for Ctrl+C instead.
  function selectForCopy(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function writeClipboard(button) {
    var text = button.getAttribute("data-text");
    var html = button.getAttribute("data-html");
    if (html && window.ClipboardItem && navigator.clipboard && navigator.clipboard.write) {
      return navigator.clipboard.write([new ClipboardItem({
        "text/plain": new Blob([text], { type: "text/plain" }),
        "text/html": new Blob([html], { type: "text/html" }),
      })]);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) { return navigator.clipboard.writeText(text); }
    return Promise.reject(new Error("no clipboard"));
  }

  function enhanceCredit(box) {
    var status = box.querySelector("[data-copy-status]");
    box.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var html = button.getAttribute("data-copy") === "html";
        writeClipboard(button)
          .then(function () { status.textContent = html ? "HTML copied." : "Credit copied."; })
          .catch(function () {
            var source = box.querySelector(html ? "[data-credit-html]" : "[data-credit-line]");
            if (html) { box.querySelector("details").open = true; source.select(); } else { selectForCopy(source); }
            status.textContent = "Selected: press Ctrl+C (⌘C on a Mac) to copy.";
          });
      });
    });
  }

  // Filters apply as soon as a choice changes; the Apply button stays for keyboard and no-JS users.
  function enhanceFilterForm(form) {
    form.addEventListener("change", function (event) {
      if (event.target.tagName === "SELECT") { form.submit(); }
    });
  }

  // On a phone the filter panel starts closed so photos come first; chips show active filters.
  function collapseOnNarrowScreens(details) {
    if (window.matchMedia("(max-width: 859px)").matches) {
      details.removeAttribute("open");
    }
  }

  document.querySelectorAll("form[data-like-form]").forEach(enhanceLikeForm);
  document.querySelectorAll("[data-credit]").forEach(enhanceCredit);
  document.querySelectorAll("form[data-autosubmit]").forEach(enhanceFilterForm);
  document.querySelectorAll("details[data-collapse-narrow]").forEach(collapseOnNarrowScreens);
})();
