/**
 * Credentials written into URLs (`https://user:token@host/simple`) must never reach a message,
 * log line, notice, SARIF or report. Everything that can put a URL into output goes through here.
 */

/**
 * `scheme://userinfo@` anywhere in a text: the userinfo is what gets replaced. The scheme is read
 * back at most 32 characters from `://` (no word boundary, so a longer run before it still
 * matches its end and the output is the same): an unbounded scheme was tried from every word start
 * in a run like `a.a.a.…`, quadratic in the run (found by the regex probe).
 */
const USERINFO = /([a-z][a-z0-9+.-]{0,31}:\/\/)[^\s/?#@]*@/gi;

/** A text with the userinfo of every URL in it replaced by `***`. */
export function redactText(text: string): string {
  return text.replace(USERINFO, '$1***@');
}

/** A URL without its userinfo; a string that is not a URL is redacted as text. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return u.href;
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return redactText(url);
  }
}

/**
 * `scheme://host:port` of a URL, never with credentials; the port is always written (npm keys
 * credentials by host:port, and `http://h` and `http://h:80` are the same origin).
 */
export function originOf(url: string | URL): string {
  const u = typeof url === 'string' ? new URL(url) : url;
  const port = u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '');
  return `${u.protocol}//${u.hostname}${port ? `:${port}` : ''}`;
}
