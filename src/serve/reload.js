// handbook serve: reloads the page when the build state moves on from the
// one it was served with (`data-state`). Plain ES5, no dependencies; added
// to pages as they are served, never to the built files.
(function () {
  "use strict";
  var script = document.currentScript;
  var state = script && script.getAttribute("data-state");
  if (!window.EventSource || !state) { return; }
  var source = new EventSource("/__handbook/events");
  source.onmessage = function (event) {
    if (event.data !== state) {
      source.close();
      window.location.reload();
    }
  };
})();
