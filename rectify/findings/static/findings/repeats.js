// The repeat-finding picker of the finding form: Enter in its search box must not submit the whole
// form (HTMX already searches as the user types). Without JavaScript the picker's own search button
// posts the form back instead, and nothing is saved until the user saves.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (event.key === "Enter" && box.matches && box.matches("input[data-repeat-search]")) {
      event.preventDefault();
    }
  });
})();
