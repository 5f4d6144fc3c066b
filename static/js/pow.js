// Self-hosted proof of work for the letter form (see campaign/abuse.py).
// Finds a number n such that SHA-256(salt + n) starts with `bits` zero bits, and puts it in pow_solution.
(function () {
  "use strict";
  var challengeInput = document.querySelector('input[name="pow_challenge"]');
  var solutionInput = document.querySelector('input[name="pow_solution"]');
  if (!challengeInput || !solutionInput || solutionInput.value || !window.crypto || !crypto.subtle) return;

  function decodePayload(signed) {
    var part = signed.split(":")[0].replace(/-/g, "+").replace(/_/g, "/");
    while (part.length % 4) part += "=";
    return JSON.parse(atob(part));
  }

  function leadingZeroBits(bytes) {
    var bits = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { bits += 8; continue; }
      for (var mask = 0x80; mask && !(bytes[i] & mask); mask >>= 1) bits++;
      return bits;
    }
    return bits;
  }

  var payload = decodePayload(challengeInput.value);
  var encoder = new TextEncoder();
  var nonce = 0;

  function batch() {
    var pending = [];
    for (var i = 0; i < 500; i++, nonce++) {
      (function (candidate) {
        pending.push(crypto.subtle.digest("SHA-256", encoder.encode(payload.salt + candidate)).then(function (digest) {
          return leadingZeroBits(new Uint8Array(digest)) >= payload.bits ? candidate : null;
        }));
      })(nonce);
    }
    Promise.all(pending).then(function (results) {
      for (var j = 0; j < results.length; j++) {
        if (results[j] !== null) { solutionInput.value = String(results[j]); return; }
      }
      setTimeout(batch, 0);
    });
  }
  batch();
})();
