/* handbook: shows the "Print or save as PDF" button (hidden when JavaScript is off)
   and opens the browser's print dialogue when it is pressed. Needs common.js. */
(function (C) {
  "use strict";
  if (C) {
    C.printButton(document.getElementById("print-button"));
  }
})(window.HandbookCommon);
