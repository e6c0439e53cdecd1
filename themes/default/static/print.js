/* handbook: shows the "Print this page" button (hidden when JavaScript is off)
   and opens the browser's print dialogue when it is pressed. */
(function () {
  "use strict";
  var button = document.getElementById("print-button");
  if (!button || typeof window.print !== "function") {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
})();
