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
  if (isWordFormOf(v, name)) return false;
  if (TYPE_WORD.test(v)) return false; // a schema or mapping: { password: 'string' }, { password: 'private' }
  if (/pass(word|wd)?|pwd/i.test(name)) return true;
  return v.length >= 12 && entropy(v) >= 3;
}

/** Type, visibility and field-kind words: what a schema or a key→group table maps a secret's name to. */
const TYPE_WORD = /^(string|number|boolean|bool|integer|int|float|double|object|array|date|datetime|text|email|hidden|public|private|protected|internal|required|optional|readonly|read-only|writeonly|write-only|encrypted|masked|sensitive)$/i;

/** "resetPassword", "RESET_PASSWORD", "reset-password" → ["reset", "password"]. */
function words(s: string): string[] {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * An enum-like constant: the value spells its own key (`RESET_PASSWORD = 'reset_password'`,
 * `tokenExpired: 'token-expired'`, `AUTH_TOKEN = 'app.auth.token'`). Letters and separators only —
 * a digit or symbol makes it a value someone chose (`password = 'password1'` stays reported).
 */
export function isWordFormOf(value: string, name: string): boolean {
  if (!/^[A-Za-z][A-Za-z_.:/ -]*$/.test(value)) return false;
  const k = words(name);
  const v = words(value);
  if (k.length === 0 || v.length < k.length) return false;
  return k.every((w, i) => v[v.length - k.length + i] === w);
}

/**
 * Translation and locale files: their values are labels in some language ("password": "Passwort"),
 * never credentials. Known token formats are still reported there.
 */
const LOCALE_PATH = /(^|\/)(i18n|l10n|locales?|translations?|lang|langs|languages|messages)\/|(^|\/)(messages|strings|labels|translations?)([_-][\w-]+)?\.(properties|json|ya?ml)$|\.(po|pot|xliff|xlf|strings|resx)$|(^|\/)[a-z]{2}([-_][A-Za-z]{2,4})?\.(json|ya?ml|properties)$/i;

export function isLocaleFile(relPath: string): boolean {
  return LOCALE_PATH.test(relPath.split('\\').join('/'));
}

/** Words near a hash call saying that a password or token is hashed (password storage, not a digest). */
export const HASHES_A_SECRET = /pass|pwd|secret|token/i;

/**
 * Names under which a value is a secret, in any spelling: `jwtSecret`, `cookie-secret`,
 * `SESSION_SECRET`, `signingKey`, `clientSecret` (camelCase words are split before matching).
 */
// `session_key` / `cookie_key` name where a value is stored (`SESSION_KEY = '_auth_user_id'`), not a key.
const KEY_OF = /(^|_)(crypto|cipher|hmac|jwt|master|signing|encryption|aes|app|secret|private|auth|access|api|client|encrypt|sign)_key($|_)/;
const SECRET_HEAD = new Set(['password', 'passwd', 'passphrase', 'pwd', 'pass', 'secret', 'token', 'apikey', 'credential', 'credentials', 'secretkey']);
export function isSecretName(name: string): boolean {
  const w = words(name);
  const normal = w.join('_');
  if (!normal) return false;
  if (NOT_A_SECRET_NAME.test(normal) || NOT_A_SECRET_NAME.test(name)) return false;
  if (SECRET_NAME.test(name)) return true;
  // In a compound name the last word says what the value is: `jwtSecret`, `signingKey` are
  // secrets; `passwordDoesNotComplySecurity`, `signingKeyNotConfigured` are messages about them.
  const last = w[w.length - 1];
  return SECRET_HEAD.has(last) || (last === 'key' && KEY_OF.test(w.slice(-2).join('_')));
}

export interface UrlCredential {
  /** The password as written (never printed: callers mask it). */
  password: string;
  host: string;
  /** localhost, a loopback address, or a single-label name (a compose service such as `db`). */
  local: boolean;
}

// Bounded parts: unbounded ones made the scan quadratic on long runs of scheme-like characters.
const URL_WITH_PASSWORD = /\b([a-z][a-z0-9+.-]{0,31}):\/\/([^\s:/@'"`]{1,256}):([^\s/@'"`]{1,256})@([^\s/:?#'"`]{1,256})/i;

/**
 * A password inside a connection URL (`postgres://app:s3cret@db.example.com/app`), unless it is a
 * placeholder or a reference (`${DB_PASSWORD}`, `<password>`, `****`, `$PASS`).
 */
export function urlCredential(text: string): UrlCredential | undefined {
  if (!text.includes('://') || !text.includes('@')) return undefined;
  const m = URL_WITH_PASSWORD.exec(text);
  if (!m) return undefined;
  const [, , user, password, host] = m;
  if (PLACEHOLDER.test(password) || /^[$%{<]|^\*+$|^x+$/i.test(password) || /^\$\{|^</.test(user)) return undefined;
  if (password.toLowerCase() === user.toLowerCase() && /^(user|username|name)$/i.test(user)) return undefined;
  const h = host.toLowerCase();
  const local = h === 'localhost' || h.startsWith('127.') || h === '[::1]' || h === '0.0.0.0' || !h.includes('.');
  return { password, host, local };
}

/** Values that are no secret at all, however long: guessed first by anyone who tries. */
const DICTIONARY_SECRET = /^(secret|secretkey|secret[-_]?key|mysecret|my[-_]?secret|supersecret|super[-_]?secret|jwt[-_]?secret|session[-_]?secret|changeme|change[-_]?this|password|passw0rd|p@ssw0rd|admin|default|keyboard cat|shhhh+|s3cr3t|qwerty|letmein|123456\d*|abc123|dev|development|test|insecure|notsecret|not[-_]?a[-_]?secret)$/i;

/**
 * A signing or session secret that offers no protection: a dictionary word or one too short to
 * resist guessing offline (HMAC keys under 32 characters, as Flask, Django and PyJWT advise).
 */
export function weakSecretValue(value: string): 'dictionary' | 'short' | undefined {
  const v = value.trim();
  if (!v) return undefined;
  if (DICTIONARY_SECRET.test(v)) return 'dictionary';
  if (v.length < 32) return 'short';
  return undefined;
}

/**
 * Secrets that sign or encrypt what the server trusts later (sessions, cookies, tokens):
 * `SECRET_KEY`, `jwtSecret`, `session_secret`, `cookieSecret`, `signingKey`. Any literal under
 * such a name ships in the code, and a dictionary one (`'keyboard cat'`, `'secret'`) is the first
 * guess of a token forger, so these are judged by `signingSecretLiteral`, not by entropy.
 */
const SIGNING = /(^|_)((jwt|session|cookie|csrf|token|signing|hmac|app|flask|django)_)?secret(_key)?($|_)|(^|_)(jwt|signing|hmac|secret)_key($|_)/;
export function isSigningSecretName(name: string): boolean {
  const normal = words(name).join('_');
  return !NOT_A_SECRET_NAME.test(normal) && SIGNING.test(normal) && !/pass(word|wd)?/.test(normal);
}

/** A literal that is a value, not a reference: `${X}`, `<secret>`, `%(x)s`, an environment variable's name. */
export function signingSecretLiteral(value: string, name: string): boolean {
  const v = value.trim();
  if (v.length < 4 || TYPE_WORD.test(v) || isWordFormOf(v, name)) return false;
  if (/^(\$\{.*\}|\$[A-Z_]+|\{\{.*\}\}|<.*>|%\(.*\)s|os\.environ.*|process\.env.*)$/.test(v)) return false;
  if (/^[A-Z][A-Z0-9_]+$/.test(v) && v.includes('_')) return false;
  if (/\s/.test(v) && v.length > 40) return false; // a sentence
  return true;
}
