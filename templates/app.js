// Small progressive enhancements; every page works without this file.
(function () {
  // After a form comes back with errors, move focus to the summary so screen readers announce it.
  var summary = document.getElementById('error-summary');
  if (summary) { summary.focus(); }
})();
