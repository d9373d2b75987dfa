import type { Node } from 'web-tree-sitter';
import { OWASP, type Rule, type RuleContext } from '../../core/rule';
import type { Semantics } from '../../core/semantics';
import { cleartextUrl, LOCAL_HOST } from '../shared/local-hosts';
import { lookup } from '../../core/lookup';

const VERBS = 'get|post|put|patch|delete|head|options|request|stream|ws_connect';
/** HTTP clients whose first argument is the URL (`request`/`urllib3` take the method first). */
const HTTP_CALL = new RegExp(`^(requests|httpx)\\.(${VERBS})$|^(requests\\.(Session|session)|httpx\\.(Client|AsyncClient)|aiohttp\\.ClientSession|urllib3\\.PoolManager)\\(\\)\\.(${VERBS}|urlopen)$|^urllib\\.request\\.(urlopen|Request|urlretrieve)$|^urllib2\\.(urlopen|Request)$|^urllib3\\.request$`);
/** Receivers that are clients in practice even when their type is not resolved (`async with ClientSession() as s`). */
const CLIENT_RECEIVER = /(^|_)(session|client|http|sess)$/i;
const METHOD_FIRST = /\.request$|PoolManager\(\)\.urlopen$/;

/** Protocols with no TLS at all, or TLS only on request. */
const PLAIN_PROTOCOLS: Record<string, string> = {
  'ftplib.FTP': 'FTP sends the password and the files in cleartext: use ftplib.FTP_TLS (then .prot_p()) or SFTP.',
  'telnetlib.Telnet': 'Telnet sends everything, passwords included, in cleartext: use SSH (paramiko, asyncssh).',
};
const SMTP_PLAIN = /^smtplib\.(SMTP|LMTP)$/;

/** The constant text a URL starts with: a whole constant, an f-string's head or `CONST + x`. */
function leadingText(sem: Semantics, node: Node, depth = 0): string | undefined {
  if (depth > 6) return undefined;
  const whole = sem.stringValue(node);
  if (whole !== undefined) return whole;
  const n = sem.deref(node);
  if (n.type === 'string') {
    const first = n.namedChildren.find((c) => c?.type !== 'string_start');
    return first?.type === 'string_content' ? first.text : undefined;
  }
  if (n.type === 'binary_operator' && n.childForFieldName('operator')?.text === '+') {
    const left = n.childForFieldName('left');
    return left ? leadingText(sem, left, depth + 1) : undefined;
  }
  return undefined;
}

function httpsFix(ctx: RuleContext, url: Node) {
  if (url.type !== 'string') return undefined;
  const text = url.text.replace(/^([rRuUfFbB]{0,2}(?:'''|"""|'|"))(http|ws):/, (_s, q: string, sch: string) => `${q}${sch}s:`);
  return text === url.text ? undefined : { title: 'Use https://', safe: false, edits: [ctx.replace(url, text)] };
}

const rule: Rule = {
  meta: {
    id: 'py-cleartext-transport',
    title: 'Cleartext transport: http://, FTP, Telnet or SMTP without TLS',
    language: 'python',
    family: 'tls',
    checklist: ['encryption'],
    severity: 'medium',
    confidence: 'high',
    cwe: ['CWE-319'],
    owasp: [OWASP.A02],
    bandit: ['B312', 'B321'],
    wholeFile: true,
    message: 'This connection is not encrypted: anyone on the network path can read and change it.',
    docs: {
      whatItDoes: 'Finds requests, httpx, aiohttp, urllib and urllib3 calls to a constant `http://` URL whose host is not local (localhost, 127.x, single-label names such as a compose service, `.local`, `.test`, `.internal`, example domains); `ftplib.FTP` and `telnetlib.Telnet` connections; and `smtplib.SMTP` to a non-local host in a file that never calls `starttls()`.',
      whyBad: 'Traffic without TLS can be read and rewritten by every network in between: public Wi-Fi, a compromised router, a hosting neighbour. API keys, passwords and session data travel in the open, and a rewritten response can carry code or false data.',
      example: 'resp = requests.post("http://payments.acme.io/charge", json=order, timeout=10)\nftp = ftplib.FTP("files.acme.io")',
      useInstead: 'resp = requests.post("https://payments.acme.io/charge", json=order, timeout=10)\nftp = ftplib.FTP_TLS("files.acme.io"); ftp.login(user, pw); ftp.prot_p()\n# SMTP: smtplib.SMTP_SSL(host) or server.starttls(context=ssl.create_default_context())',
      references: ['https://cwe.mitre.org/data/definitions/319.html', 'https://docs.python.org/3/library/ftplib.html#ftplib.FTP_TLS', 'https://docs.python.org/3/library/smtplib.html#smtplib.SMTP.starttls'],
    },
  },
  create(ctx) {
    const { sem } = ctx;
    const smtp: Node[] = [];
    let starttls = false;
    return {
      call(node: Node) {
        const name = sem.calleeName(node);
        const method = sem.methodName(node);
        if (method === 'starttls') starttls = true;
        if (!name && !method) return;
        const plain = lookup(PLAIN_PROTOCOLS, name);
        if (plain) {
          const host = sem.stringValue(sem.arg(node, 0, 'host'));
          if (host !== undefined && LOCAL_HOST.test(host)) return;
          ctx.report({ node, message: plain });
          return;
        }
        if (name && SMTP_PLAIN.test(name)) {
          const host = sem.stringValue(sem.arg(node, 0, 'host'));
          if (host !== undefined && (host === '' || LOCAL_HOST.test(host))) return; // local relay
          smtp.push(node);
          return;
        }
        const known = !!name && HTTP_CALL.test(name);
        const receiver = sem.receiver(node);
        const guessed = !known && !!method && new RegExp(`^(${VERBS})$`).test(method) && !!receiver && CLIENT_RECEIVER.test(receiver.text);
        if (!known && !guessed) return;
        const url = METHOD_FIRST.test(name ?? `.${method}`) ? sem.arg(node, 1, 'url') : sem.arg(node, 0, 'url');
        if (!url) return;
        const m = cleartextUrl(leadingText(sem, url));
        if (!m) return;
        ctx.report({ node: url, message: `${m.prefix} is reached over cleartext ${m.scheme}://: use ${m.scheme}s://.`, fix: httpsFix(ctx, url) });
      },
      'program:exit'() {
        if (starttls) return;
        for (const node of smtp) ctx.report({ node, message: 'This SMTP connection never calls starttls(): the login and the mail go in cleartext. Use smtplib.SMTP_SSL or call starttls() before login().' });
      },
    };
  },
  tests: {
    valid: [
      'import requests\nrequests.get("https://api.partner.com/v1/orders", timeout=5)',
      'import requests\nrequests.get("http://localhost:8000/health", timeout=5)',
      'import requests\nrequests.get("http://internal_server:8089/users", timeout=5)',
      'import httpx\nhttpx.get("http://127.0.0.1:9200/_cluster/health")',
      'import requests\nrequests.get(url, timeout=5)',
      '# requests.get("http://api.partner.com")\nDOC = "http://api.partner.com"',
      'import ftplib\nftp = ftplib.FTP_TLS("files.acme.io")',
      'import smtplib, ssl\ns = smtplib.SMTP("mail.acme.io", 587)\ns.starttls(context=ssl.create_default_context())\ns.login(u, p)',
      'import smtplib\ns = smtplib.SMTP("localhost")',
      'import smtplib\ns = smtplib.SMTP_SSL("mail.acme.io")',
      'cache = {}\ncache.get("http://api.partner.com/x")',
    ],
    invalid: [
      { code: 'import requests\nrequests.post("http://payments.acme.io/charge", json=order, timeout=10)', errors: [2], output: 'import requests\nrequests.post("https://payments.acme.io/charge", json=order, timeout=10)', messages: ["http://payments.acme.io is reached over cleartext http://: use https://."] },
      { code: 'import httpx\nBASE = "http://api.partner.com"\nhttpx.get(BASE + "/users/" + uid)', errors: [3] },
      { code: 'import requests\nrequests.get(f"http://api.partner.com/users/{uid}", timeout=5)', errors: [2], output: 'import requests\nrequests.get(f"https://api.partner.com/users/{uid}", timeout=5)' },
      { code: 'import aiohttp\nasync def f():\n    async with aiohttp.ClientSession() as session:\n        await session.get("http://feeds.acme.io/rss")', errors: [4] },
      { code: 'from urllib.request import urlopen\nurlopen("http://updates.acme.io/latest.json")', errors: [2] },
      { code: 'import urllib3\nhttp = urllib3.PoolManager()\nhttp.request("GET", "http://api.partner.com/x")', errors: [3] },
      { code: 'import ftplib\nftp = ftplib.FTP("files.acme.io")\nftp.login(user, pw)', errors: [2] },
      { code: 'import telnetlib\ntn = telnetlib.Telnet(host)', errors: [2] },
      { code: 'import smtplib\nserver = smtplib.SMTP("smtp.acme.io", 25)\nserver.login(user, pw)', errors: [2] },
    ],
  },
};

export default rule;
