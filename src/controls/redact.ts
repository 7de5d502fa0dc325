// Secrets sent to the sandbox are not kept: what the journal and the logs store passes through here.
// Values of secret-named fields (client_secret, client_assertion, password, access_token, …) become
// `[redacted]` in JSON and form-encoded text, query strings and headers; the credentials of an
// Authorization header and cookie values too; and any JWT keeps its header and claims (useful when
// debugging scopes) but loses its signature, the part that makes it usable.

export const REDACTED = '[redacted]';

/** Field, parameter and header names whose values are secrets (compared without case, `-` or `_`). */
const SECRET_NAME = /(secret|password|passwd|passphrase|token|assertion|apikey|credentials?|privatekey|authorization|cookie|codeverifier)$/;

export function isSecretName(name: string): boolean {
  // Header and field names repeat on every request: remember the answer for the first few hundred.
  let secret = secretNames.get(name);
  if (secret === undefined) {
    secret = SECRET_NAME.test(name.toLowerCase().replace(/[-_]/g, ''));
    if (secretNames.size < MAX_REMEMBERED_NAMES && name.length <= 64) secretNames.set(name, secret);
  }
  return secret;
}

const secretNames = new Map<string, boolean>();
/** Names are the client's choice: only this many answers are remembered (bytes: at most 64 characters each). */
export const MAX_REMEMBERED_NAMES = 512;

/** How many names isSecretName remembers (tests). */
export function rememberedSecretNames(): number {
  return secretNames.size;
}

/** Cheap pre-check: text without any of these cannot hold anything to redact. */
const HINT = /secret|passw|passphrase|token|assertion|api.?key|credential|private.?key|authorization|cookie|verifier|eyJ/i;
/** `"name": value` in JSON text (string, number or literal values). */
const JSON_PAIR = /"((?:[^"\\]|\\.){1,100})"(\s*:\s*)("(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*|true|false|null)/g;
/** `name=value` in form-encoded text and query strings. */
const FORM_PAIR = /(^|[&?;])([^=&?;\s]{1,100})=([^&;]*)/g;
/** A JWS compact serialization: header.payload.signature, the header being base64url JSON. */
const JWT = /\b(eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.)[A-Za-z0-9_-]+/g;

/**
 * Redacts secrets in text of any kind: JSON, form-encoded (`a=1&client_secret=…`), a query string
 * or plain text. Unchanged text is returned as is.
 */
export function redactText(text: string): string {
  if (!HINT.test(text)) return text;
  return text
    .replace(JSON_PAIR, (pair, name: string, colon: string) => (isSecretName(name) ? `"${name}"${colon}"${REDACTED}"` : pair))
    .replace(FORM_PAIR, (pair, start: string, name: string) => (isSecretName(decodeName(name)) ? `${start}${name}=${REDACTED}` : pair))
    .replace(JWT, `$1${REDACTED}`);
}

/** Characters redacted past the first `limit`, so that a pair ending a little after the cut is redacted as a whole. */
const HEAD_MARGIN = 256;
/** The `"name": ` before a JSON string value (at the end of the text it is tried on). */
const JSON_NAME_BEFORE = /"((?:[^"\\]|\\.){1,100})"(\s*:\s*)$/;
/** How far before a value its `"name": ` is looked for (a name of 100 escaped characters, some spaces). */
const NAME_REACH = 256;

/**
 * Where the JSON string that the end of `text` leaves open begins (its opening quote), or -1.
 * One pass from the start, jumping from quote to quote: linear in the text, whatever it holds.
 */
function openStringAt(text: string): number {
  for (let from = 0; ; ) {
    const open = text.indexOf('"', from);
    if (open === -1) return -1;
    for (let at = open + 1; ; ) {
      const close = text.indexOf('"', at);
      if (close === -1) return open;
      let backslashes = 0;
      while (close - 1 - backslashes > open && text.charCodeAt(close - 1 - backslashes) === 92) backslashes++;
      if (backslashes % 2 === 0) {
        from = close + 1;
        break;
      }
      at = close + 1;
    }
  }
}

/** A secret-named JSON string value that the end of the text cuts off (`"password": "abc…`), redacted. */
function redactCutPair(text: string): string {
  const open = openStringAt(text);
  if (open === -1) return text;
  const name = JSON_NAME_BEFORE.exec(text.slice(Math.max(0, open - NAME_REACH), open));
  if (!name || !isSecretName(name[1])) return text;
  return `${text.slice(0, open - name[0].length)}"${name[1]}"${name[2]}"${REDACTED}`;
}

/**
 * `redactText` of the text's first `limit` characters or so: all of it that a cut to `limit` UTF-8
 * bytes can keep (a character is at least one byte). The journal keeps 4 KiB of a body of up to
 * 8 MiB, so only that much is worked over. A secret cut off at the end of the window is redacted
 * whole: a secret-named JSON string left open, a form value (it runs to the end of the text), a
 * JWT's signature. `partial` says the text was cut (and must not be taken for the whole).
 */
export function redactHead(text: string, limit: number): { text: string; partial: boolean } {
  if (text.length <= limit + HEAD_MARGIN) return { text: redactText(text), partial: false };
  // A copy, not a slice: the window must not keep the whole body alive.
  const head = redactText(Buffer.from(text.slice(0, limit + HEAD_MARGIN)).toString());
  return { text: redactCutPair(head), partial: true };
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/** A URL (path and query) with its query string redacted. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q + 1) + redactText(url.slice(q + 1));
}

/** One header's value: credentials after an Authorization scheme, cookie values, secret-named headers. */
export function redactHeader(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (lower === 'authorization' || lower === 'proxy-authorization') {
    // Keep the scheme (RFC 9110 §11.4): `Bearer [redacted]`, `Basic [redacted]`.
    const scheme = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(\s+|$)/.exec(value)?.[1];
    return scheme ? `${scheme} ${REDACTED}` : REDACTED;
  }
  if (lower === 'cookie') return value.replace(/(^|;\s*)([^=;]+)=[^;]*/g, `$1$2=${REDACTED}`);
  if (lower === 'set-cookie') return value.replace(/^([^=;]+)=[^;]*/, `$1=${REDACTED}`);
  if (isSecretName(lower)) return REDACTED;
  return redactText(value);
}

/** Headers as Node gives them (values may be arrays) with every value redacted. */
export function redactHeaders(headers: Readonly<Record<string, string | string[] | number | undefined>>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map(v => redactHeader(name, v)) : redactHeader(name, String(value));
  }
  return out;
}

/** A parsed JSON value with secrets redacted; shares every unchanged part with the original. */
export function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const redacted = redactValue(item);
      if (redacted !== item) (copy ??= [...value])[i] = redacted;
    });
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const redacted = isSecretName(key) && item !== null && typeof item !== 'object' ? REDACTED : redactValue(item);
    if (redacted !== item) (copy ??= { ...value })[key] = redacted;
  }
  return copy ?? value;
}
