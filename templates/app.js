// Small progressive enhancements; every page works without this file.
(function () {
  // After a form comes back with errors, move focus to the summary so screen readers announce it.
  var summary = document.getElementById('error-summary');
  if (summary) { summary.focus(); }

  // A "name to show" starts as the first word of the full name typed, until edited by hand.
  Array.prototype.forEach.call(document.querySelectorAll('[data-shown-from]'), function (shown) {
    var full = document.getElementById(shown.getAttribute('data-shown-from'));
    if (!full) { return; }
    var edited = shown.value !== '';
    shown.addEventListener('input', function () { edited = shown.value !== ''; });
    full.addEventListener('input', function () {
      if (!edited) { shown.value = full.value.trim().split(/\s+/)[0] || ''; }
    });
  });

  // The door: keep the checked-in count live (other volunteers check people in too).
  var count = document.getElementById('checked-in-count');
  if (count && window.fetch) {
    setInterval(function () {
      fetch(count.getAttribute('data-counts'), { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (c) {
          if (!c) { return; }
          count.textContent = c.checked_in;
          document.getElementById('expected-count').textContent = c.expected;
        })
        .catch(function () {});
    }, 5000);
  }

  // The door: scan QR codes with the camera where the browser can read them.
  var scan = document.getElementById('scan');
  var video = document.getElementById('camera');
  if (scan && video && 'BarcodeDetector' in window && navigator.mediaDevices) {
    scan.hidden = false;
    scan.addEventListener('click', function () {
      var detector = new window.BarcodeDetector({ formats: ['qr_code'] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        var look = function () {
          detector.detect(video).then(function (codes) {
            if (codes.length > 0) {
              stream.getTracks().forEach(function (t) { t.stop(); });
              document.getElementById('code').value = codes[0].rawValue;
              document.getElementById('code-form').submit();
            } else {
              requestAnimationFrame(look);
            }
          }).catch(function () { requestAnimationFrame(look); });
        };
        look();
      }).catch(function () { scan.hidden = true; });
    });
  }
})();
