/** Judging whether a string literal is a real secret: by its shape, not only the name it sits under. */

export interface KnownFormat {
  kind: string;
  re: RegExp;
}

/** Token formats published by their issuers; each is specific enough to flag anywhere. */
export const KNOWN_FORMATS: KnownFormat[] = [
  { kind: 'AWS access key id', re: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { kind: 'GitHub token', re: /\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{50,}/ },
  { kind: 'Slack token', re: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
  { kind: 'Slack webhook', re: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{20,}/ },
  { kind: 'Stripe live key', re: /\b(sk|rk)_live_[A-Za-z0-9]{20,}/ },
  { kind: 'Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { kind: 'SendGrid key', re: /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/ },
  { kind: 'npm token', re: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { kind: 'private key', re: /-----BEGIN (RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY( BLOCK)?-----/ },
];

export function knownFormat(value: string): KnownFormat | undefined {
  return KNOWN_FORMATS.find((f) => f.re.test(value));
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  if (!s) return 0;
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Names under which a string is meant to be a secret. */
export const SECRET_NAME = /(^|[_.-]|\b)(pass(word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|auth[_-]?key|signing[_-]?key|encryption[_-]?key|credentials?|secret[_-]?key)($|[_.-]|\b)/i;
/** Names that only talk about a secret: its field name, type, header, length, file… */
export const NOT_A_SECRET_NAME = /(_|^)(type|field|name|names|header|length|len|min|max|file|path|url|uri|env|var|label|hint|prompt|regex|pattern|message|msg|key_name|policy|format|id|column|param|placeholder|expiry|expires|ttl|timeout|count|mode|algorithm|algo|endpoint|scheme|location|dir|help|error|reset_url|validator|widget|input)$/i;

const PLACEHOLDER = /^(x+|\*+|\.+|changeme|change[-_ ]?me|replace[-_ ]?me|todo|tbd|fixme|none|null|nil|undefined|empty|secret|password|passwd|token|example|sample|dummy|fake|test|testing|placeholder|your[-_ ].*|my[-_ ].*|<.*>|\$\{.*\}|\{\{.*\}\}|%\(.*\)s|\$[A-Z_]+|os\.environ.*)$/i;

/**
 * Whether a literal assigned to a secret-like name looks like a real value. `strict` asks more
 * of values under key/token names (length and entropy); passwords are short words by nature.
 */
export function looksLikeSecretValue(value: string, name: string): boolean {
  const v = value.trim();
  if (v.length < 4 || PLACEHOLDER.test(v)) return false;
  if (/\s/.test(v) && v.length < 40) return false; // a sentence or a label
  if (/^[A-Z][A-Z0-9_]+$/.test(v)) return false; // the name of an environment variable
  if (/^(https?|file|redis|postgres(ql)?|mysql|mongodb(\+srv)?):\/\//i.test(v) && !/:\/\/[^/@\s]+:[^/@\s]+@/.test(v)) return false; // URL without credentials
  if (/^[./~]|\.(pem|key|json|txt|env|crt)$/i.test(v)) return false; // a file path
  const lastWord = name.slice(Math.max(name.lastIndexOf('_'), name.lastIndexOf('.')) + 1);
  if (v.toLowerCase() === lastWord.toLowerCase()) return false;
  if (/pass(word|wd)?|pwd/i.test(name)) return true;
  return v.length >= 12 && entropy(v) >= 3;
}

/** Words near a hash call saying that a password or token is hashed (password storage, not a digest). */
export const HASHES_A_SECRET = /pass|pwd|secret|token/i;
