/* geocoop — territory fiche: print button and legend colours (no inline script/style). */
(function () {
  "use strict";
  var button = document.getElementById("print-button");
  if (button) button.addEventListener("click", function () { window.print(); });
  document.querySelectorAll(".kind-dot[data-colour]").forEach(function (dot) {
    dot.style.backgroundColor = dot.getAttribute("data-colour");
  });
})();
