// Requests built from a spec alone: the example request of an operation (valid by the spec's own
// examples), shared by the generic tests (contract, hostile input, concurrency, properties).
import type { IHttpOperation } from '@stoplight/types';

export type Param = { name: string; required?: boolean; examples?: Array<{ value?: unknown }>; schema?: { default?: unknown } };

export const exampleOf = (p: Param) => p.examples?.find(e => 'value' in e)?.value ?? p.schema?.default;

/** A request that the spec itself says is valid, or an explanation of what example is missing. */
export function exampleRequest(op: IHttpOperation) {
  const missing: string[] = [];
  const value = (p: Param, where: string) => {
    const v = exampleOf(p);
    if (v === undefined && p.required) missing.push(`${where} ${p.name}`);
    return v;
  };
  let path = op.path;
  for (const p of (op.request?.path ?? []) as Param[]) path = path.replace(`{${p.name}}`, encodeURIComponent(String(value(p, 'path parameter'))));
  const query = new URLSearchParams();
  for (const p of (op.request?.query ?? []) as Param[]) {
    const v = value(p, 'query parameter');
    if (v !== undefined && (p.required || p.examples?.length)) query.set(p.name, String(v));
  }
  const headers: Record<string, string> = {};
  for (const p of (op.request?.headers ?? []) as Param[]) {
    const v = value(p, 'header');
    if (v !== undefined && (p.required || p.examples?.length)) headers[p.name.toLowerCase()] = String(v);
  }
  const schemes = (op.security ?? []).find(requirement => requirement.length > 0) ?? [];
  for (const scheme of schemes) {
    if (scheme.type === 'apiKey' && scheme.in === 'header') headers[scheme.name.toLowerCase()] = 'contract-test';
    else if (scheme.type === 'http' && scheme.scheme === 'basic') headers.authorization = 'Basic Y29udHJhY3Q6dGVzdA==';
    else headers.authorization = 'Bearer contract-test';
  }
  let body: { mediaType: string; value: unknown } | undefined;
  const content = op.request?.body?.contents?.[0];
  if (content) {
    const example = content.examples?.find(e => 'value' in e) as { value?: unknown } | undefined;
    if (example) body = { mediaType: content.mediaType, value: example.value };
    else if (op.request?.body?.required) missing.push(`request body example (${content.mediaType})`);
  }
  return { path: `${path}${query.size ? `?${query}` : ''}`, headers, body, missing };
}

