// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Like without a reload: the form still POSTs normally when this does not run.
  function peopleText(count) {
    return "Liked by " + count.toLocaleString() + " " + (count === 1 ? "person" : "people");
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
          var count = document.querySelector("[data-like-count]");
          if (count) { count.textContent = peopleText(data.count); }
        })
        .catch(function () { form.submit(); })  // fall back to the ordinary POST
        .finally(function () { button.disabled = false; });
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
  document.querySelectorAll("form[data-autosubmit]").forEach(enhanceFilterForm);
  document.querySelectorAll("details[data-collapse-narrow]").forEach(collapseOnNarrowScreens);
})();
