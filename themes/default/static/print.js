/* handbook: shows the "Print this page" button (hidden when JavaScript is off)
   and opens the browser's print dialogue when it is pressed. Needs common.js. */
(function (C) {
  "use strict";
  if (C) {
    C.printButton(document.getElementById("print-button"));
  }
})(window.HandbookCommon);
