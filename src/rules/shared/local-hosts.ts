/**
 * Hosts for which plain http:// is acceptable: the machine itself, names that never leave the
 * LAN (`.local`, `.internal`, docker's host alias, single-label names such as a compose service
 * `api:8080`, which no public DNS answers) and the documentation domains. One policy for every
 * language's cleartext rule.
 */
export const LOCAL_HOST = /^([^/:.\[\]]+|localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\]|[^/:]+\.(local|localhost|test|internal|example)|example\.(com|org|net)|[^/:]*\.example\.(com|org|net)|host\.docker\.internal)(:\d+)?$/i;

/** `http://host` or `ws://host` at the start of a URL: scheme and host, or undefined. */
export function cleartextUrl(text: string | undefined): { scheme: string; host: string; prefix: string } | undefined {
  const m = text ? /^(http|ws):\/\/([^/?#'"`\s]+)/i.exec(text) : null;
  if (!m || LOCAL_HOST.test(m[2])) return undefined;
  return { scheme: m[1].toLowerCase(), host: m[2], prefix: m[0] };
}
