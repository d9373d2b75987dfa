/**
 * The security checklist: the practice areas of protecting a website, each item saying what it
 * asks, why it matters, how SiteWarden decides it and what closes the gap. Evaluated items are
 * recomputed from the workspace every time; manual items are ticked by people (see state.ts).
 */

import type { ChecklistItemId } from '../core/checklist-ids';

export type { ChecklistItemId };

export type AreaId = 'secure-coding' | 'security-libraries' | 'fingerprinting' | 'monitoring' | 'audits' | 'education';

export interface Area {
  id: AreaId;
  title: string;
  summary: string;
}

/** An action that closes the gap: a command of the extension / CLI or a docs link. */
export interface ItemAction {
  title: string;
  /** VS Code command id (the extension runs it); the CLI prints the title. */
  command?: string;
  docs?: string;
}

export interface ChecklistItem {
  id: ChecklistItemId;
  area: AreaId;
  title: string;
  description: string;
  why: string;
  /** How SiteWarden evaluates it, in words; manual items say who confirms it. */
  howEvaluated: string;
  kind: 'evaluated' | 'manual';
  action?: ItemAction;
}

export const AREAS: readonly Area[] = [
  { id: 'secure-coding', title: 'Secure coding', summary: 'Untrusted input is validated, users are authenticated properly, data is encrypted and errors do not leak internals.' },
  { id: 'security-libraries', title: 'Security libraries', summary: 'Well-kept libraries do the hard parts: headers, CSRF tokens, tokens, encryption and query building.' },
  { id: 'fingerprinting', title: 'Browser fingerprinting', summary: 'Device signals help spot bots, fraud and account takeover, as one factor among others.' },
  { id: 'monitoring', title: 'Monitoring and incident response', summary: 'Security events are logged where someone looks, and the team knows what to do when something happens.' },
  { id: 'audits', title: 'Audits and updates', summary: 'Code and dependencies are checked regularly and automatically, and outsiders can report problems.' },
  { id: 'education', title: 'Team education', summary: 'The people who build and run the site know the threats and have practised the response.' },
];

export const ITEMS: readonly ChecklistItem[] = [
  {
    id: 'input-validation',
    area: 'secure-coding',
    title: 'Untrusted input never reaches queries, commands or HTML unchecked',
    description: 'No SQL, NoSQL, command or code injection, no cross-site scripting, no unsafe deserialisation, path traversal, SSRF or open redirect in the code.',
    why: 'Injection and XSS remain the most exploited web flaws: one string-built query is enough to read or change the whole database.',
    howEvaluated: 'Fails while SiteWarden reports injection, XSS, deserialisation, path, SSRF or redirect findings; passes when the code was scanned and none remain.',
    kind: 'evaluated',
    action: { title: 'Open the findings and apply the quick fixes (parameterised queries, escaping, safe loaders)', command: 'sitewarden.auditWorkspace' },
  },
  {
    id: 'authentication',
    area: 'secure-coding',
    title: 'Authentication uses verified tokens, slow password hashes and protected cookies',
    description: 'JWTs are verified with a fixed algorithm list, passwords are hashed with bcrypt/argon2/scrypt/PBKDF2, session cookies are Secure and HttpOnly.',
    why: 'Forged tokens, cracked password hashes and stolen session cookies are the usual ways into accounts.',
    howEvaluated: 'Fails on JWT, weak password hashing or insecure cookie findings; passes when a password-hashing library is used and no such finding remains; unknown otherwise.',
    kind: 'evaluated',
    action: { title: 'Fix the JWT and cookie findings; hash passwords with argon2 or bcrypt' },
  },
  {
    id: 'encryption',
    area: 'secure-coding',
    title: 'Data is encrypted in transit and at rest',
    description: 'TLS certificate checks stay on, HSTS is sent, and sensitive data is stored with authenticated encryption (Fernet, AES-GCM) rather than weak ciphers.',
    why: 'Without TLS checks anyone on the path can read or alter traffic; without encryption at rest, one database dump exposes everything.',
    howEvaluated: 'Fails on TLS-verification, weak cipher, ECB or static-IV findings; passes when HSTS is configured and an authenticated-encryption helper is used; unknown otherwise.',
    kind: 'evaluated',
    action: { title: 'Add an encryption helper', command: 'sitewarden.addEncryptionHelper' },
  },
  {
    id: 'error-handling',
    area: 'secure-coding',
    title: 'Errors do not expose internals',
    description: 'Debug mode is off in production and stack traces are not returned to clients.',
    why: 'A debug page or a traceback hands attackers source code, settings and sometimes a live console.',
    howEvaluated: 'Fails on debug-mode findings or responses that return tracebacks; passes when the code was scanned and none are found.',
    kind: 'evaluated',
    action: { title: 'Take debug mode from the environment (quick fix on the finding)' },
  },
  {
    id: 'csrf',
    area: 'secure-coding',
    title: 'Forms and cookie-authenticated requests are protected against CSRF',
    description: 'Flask-WTF CSRFProtect, Django CsrfViewMiddleware or an Express CSRF middleware is active and not switched off per view.',
    why: 'Without CSRF tokens another site can make a logged-in user submit requests they never meant to send.',
    howEvaluated: 'Fails on CSRF-disabled or csrf_exempt findings; passes when CSRF middleware is found; unknown when neither.',
    kind: 'evaluated',
  },
  {
    id: 'security-headers',
    area: 'security-libraries',
    title: 'Security headers are set by a library',
    description: 'secure or Flask-Talisman for Flask, SecurityMiddleware with SECURE_* settings for Django, helmet for Express.',
    why: 'HSTS, a content security policy, nosniff and frame options shut whole classes of attacks for the cost of one line.',
    howEvaluated: 'Passes when one of these libraries is configured; fails on findings that headers are missing; unknown otherwise.',
    kind: 'evaluated',
    action: { title: 'Add security headers', command: 'sitewarden.addSecurityHeaders' },
  },
  {
    id: 'crypto-library',
    area: 'security-libraries',
    title: 'Cryptography comes from a maintained library, used correctly',
    description: 'No MD5/SHA-1 for security, no DES/RC4/ECB, no weak keys, no `random` for secrets.',
    why: 'Home-made or outdated cryptography fails silently: the data looks protected while it is not.',
    howEvaluated: 'Fails on crypto or insecure-randomness findings; passes when the code was scanned and none remain.',
    kind: 'evaluated',
  },
  {
    id: 'orm-queries',
    area: 'security-libraries',
    title: 'Queries go through an ORM or parameters',
    description: 'SQLAlchemy, the Django ORM or a query builder build the SQL, and raw SQL takes parameters.',
    why: 'Parameterised queries make SQL injection impossible by construction.',
    howEvaluated: 'Fails on SQL injection findings; passes when an ORM or query builder is used and none remain; unknown otherwise.',
    kind: 'evaluated',
  },
  {
    id: 'fingerprint-check',
    area: 'fingerprinting',
    title: 'A browser-fingerprint check scores real signals',
    description: 'A collector sends device signals and the server scores automation flags, inconsistencies, failed logins and request rate per visitor.',
    why: 'Fingerprints help with fraud detection, as an extra authentication signal and against bots, but only if the analysis does something.',
    howEvaluated: 'Fails when a fingerprint analyser is a stub that returns a constant, or when no fingerprint check exists; passes when an analyser that reads its input is found.',
    kind: 'evaluated',
    action: { title: 'Add a browser fingerprint check', command: 'sitewarden.addFingerprintCheck' },
  },
  {
    id: 'fingerprint-privacy',
    area: 'fingerprinting',
    title: 'Fingerprinting is disclosed and its data kept minimal',
    description: 'The privacy notice mentions device fingerprinting, the data kept is limited and has a retention period.',
    why: 'Fingerprinting is personal data processing in many jurisdictions; doing it silently creates legal and trust risk.',
    howEvaluated: 'Confirmed by a person (privacy or legal owner).',
    kind: 'manual',
  },
  {
    id: 'security-logging',
    area: 'monitoring',
    title: 'Security events are logged in a structured form',
    description: 'Logins, failed logins, permission failures and fingerprint decisions are logged with who, what and when, in a form a log pipeline (ELK or similar) can search.',
    why: 'Without these events an intrusion goes unseen and cannot be reconstructed afterwards.',
    howEvaluated: 'Passes when code logs authentication or permission events; unknown otherwise.',
    kind: 'evaluated',
    action: { title: 'Create the incident response plan and logging snippet', command: 'sitewarden.createIncidentResponsePlan' },
  },
  {
    id: 'incident-response-plan',
    area: 'monitoring',
    title: 'An incident response plan is in the repository',
    description: 'A plan covering preparation, identification, containment, eradication, recovery and lessons learned, with roles and contacts.',
    why: 'In an incident, time lost deciding who does what is time the attacker keeps.',
    howEvaluated: 'Passes when a plan file (e.g. docs/incident-response.md) names the six phases; fails otherwise.',
    kind: 'evaluated',
    action: { title: 'Create an incident response plan', command: 'sitewarden.createIncidentResponsePlan' },
  },
  {
    id: 'monitoring-tools',
    area: 'monitoring',
    title: 'Intrusion detection, a web application firewall and log analysis are in place',
    description: 'Network or host IDS, a WAF in front of the site, and someone reviewing the logs or alerts.',
    why: 'Code-level fixes do not see attacks in progress; monitoring does.',
    howEvaluated: 'Confirmed by a person (operations owner).',
    kind: 'manual',
  },
  {
    id: 'dependencies-current',
    area: 'audits',
    title: 'Dependencies are current and free of known advisories',
    description: 'No declared or locked package version has a published advisory, and majors are not far behind.',
    why: 'Most breaches through libraries use vulnerabilities that already had a fix.',
    howEvaluated: 'Fails on vulnerable, yanked or deprecated dependency findings; passes when the registries answered and none were found; unknown when offline or a registry could not be reached.',
    kind: 'evaluated',
    action: { title: 'Check dependencies', command: 'sitewarden.checkDependencies' },
  },
  {
    id: 'ci-audit',
    area: 'audits',
    title: 'CI runs a security scan on every change',
    description: 'The CI configuration runs sitewarden scan (or an equivalent such as pip-audit, npm audit, bandit).',
    why: 'Checks that depend on someone remembering to run them stop being run.',
    howEvaluated: 'Passes when a CI configuration invokes a security scanner; fails otherwise.',
    kind: 'evaluated',
    action: { title: 'Add `npx sitewarden scan --format sarif --output sitewarden.sarif` to CI' },
  },
  {
    id: 'security-policy',
    area: 'audits',
    title: 'A security policy tells people how to report a vulnerability',
    description: 'SECURITY.md at the root, in .github/ or docs/.',
    why: 'Researchers who cannot find a contact publish instead, or give up.',
    howEvaluated: 'Passes when SECURITY.md exists; fails otherwise.',
    kind: 'evaluated',
    action: { title: 'Create SECURITY.md with the incident response plan', command: 'sitewarden.createIncidentResponsePlan' },
  },
  {
    id: 'penetration-test',
    area: 'audits',
    title: 'A penetration test was done after the last major change',
    description: 'Ethical hackers tried to break in and their findings were fixed.',
    why: 'Automated tools miss logic flaws that a person finds in an afternoon.',
    howEvaluated: 'Confirmed by a person, with the date of the test.',
    kind: 'manual',
  },
  {
    id: 'code-review',
    area: 'audits',
    title: 'Changes are reviewed with security in mind',
    description: 'Every change is reviewed by someone other than its author, with a checklist that includes security.',
    why: 'Review catches the flaws that tools cannot see and spreads knowledge.',
    howEvaluated: 'Confirmed by a person (team lead).',
    kind: 'manual',
  },
  {
    id: 'training',
    area: 'education',
    title: 'The team had security training this year',
    description: 'Sessions on secure coding, common threats and the incident response procedure.',
    why: 'Most vulnerabilities are written by people who did not know the pattern was dangerous.',
    howEvaluated: 'Confirmed by a person, with the date.',
    kind: 'manual',
  },
  {
    id: 'drills',
    area: 'education',
    title: 'A security drill was run',
    description: 'The team rehearsed an incident following the plan.',
    why: 'A plan nobody has practised breaks at the first surprise.',
    howEvaluated: 'Confirmed by a person, with the date.',
    kind: 'manual',
  },
  {
    id: 'knowledge-sharing',
    area: 'education',
    title: 'Security knowledge is shared',
    description: 'Workshops, conference talks, write-ups of incidents and new threats are shared in the team.',
    why: 'Threats change; a team that keeps learning keeps up.',
    howEvaluated: 'Confirmed by a person.',
    kind: 'manual',
  },
];
