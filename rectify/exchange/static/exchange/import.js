/* The import's progress bar: when an import form is submitted, show its progress box and let htmx
   poll the server for how far the import has got (the fragment re-polls itself until done).
   Everything is read from data attributes; no inline script is needed. */
(function () {
  "use strict";

  function start(form) {
    var box = document.getElementById(form.getAttribute("data-progress-target"));
    if (!box) {
      return;
    }
    box.hidden = false;
    window.setTimeout(function () {
      var buttons = form.querySelectorAll("button[type=submit]");
      for (var i = 0; i < buttons.length; i += 1) {
        buttons[i].disabled = true;
      }
    }, 0);
    if (window.htmx) {
      window.htmx.ajax("GET", box.getAttribute("data-progress-url"), { target: box, swap: "innerHTML" });
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.hasAttribute && form.hasAttribute("data-import-progress")) {
      start(form);
    }
  });
})();
