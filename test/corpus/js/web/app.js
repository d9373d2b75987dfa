const params = new URLSearchParams(window.location.search);

function showMessage() {
  const msg = params.get('msg');
  document.getElementById('msg').innerHTML = '<b>' + msg + '</b>'; // VULN: xss
  document.write('<p>' + location.hash.slice(1) + '</p>'); // VULN: xss
  document.getElementById('msg2').innerText = msg; // SAFE: xss
}

function goNext() {
  window.location.href = params.get('next'); // VULN: redirect
}

function goHome() {
  window.location.href = '/'; // SAFE: redirect
}

function openPartner(url) {
  window.open(url, '_blank'); // VULN: misc
  window.open(url, '_blank', 'noopener,noreferrer'); // SAFE: misc
}

const EMAIL_RE = /^([a-zA-Z0-9_.-]+)+@([a-zA-Z0-9-]+\.)+[a-zA-Z]{2,}$/; // VULN: misc
const SLUG_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/; // SAFE: misc

function randomColor() {
  return '#' + Math.floor(Math.random() * 0xffffff).toString(16); // SAFE: randomness
}

// Never call eval(input) or build innerHTML from the URL.
const NOTE = 'eval(x) and innerHTML = y are only mentioned here'; // SAFE: injection

module.exports = { showMessage, goNext, goHome, openPartner, EMAIL_RE, SLUG_RE, randomColor, NOTE };
