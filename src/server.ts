// The HTTP server around the app, with connection-level limits set on purpose: a client that
// sends its headers or body slowly (slowloris), holds idle connections, opens thousands of them or
// sends thousands of headers is cut off, not served forever.
import { createServer, IncomingMessage, ServerResponse, type RequestListener, type Server, type ServerOptions } from 'node:http';
import type { Duplex } from 'node:stream';

export interface ConnectionLimits {
  /** The request line and headers must arrive within this (ms). */
  headersTimeout: number;
  /** The whole request, body included, must arrive within this (ms); answering may take longer (long polls). */
  requestTimeout: number;
  /** An idle keep-alive connection is closed after this (ms). */
  keepAliveTimeout: number;
  /** How often the timeouts above are checked (ms): a slow client is cut off at most this late. */
  checkInterval: number;
  /** Concurrent connections; more are closed as soon as they open. */
  maxConnections: number;
  /** Headers read per request; the rest are ignored. */
  maxHeadersCount: number;
  /** Request line and headers together, in bytes (431 beyond). */
  maxHeaderSize: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  checkInterval: 1_000,
  maxConnections: 1_000,
  maxHeadersCount: 100,
  maxHeaderSize: 64 * 1024,
};

export function createSandboxServer(app: RequestListener, limits: Partial<ConnectionLimits> = {}): Server {
  const l = { ...DEFAULT_CONNECTION_LIMITS, ...limits };
  // Long URIs get the provider's 414 from the pipeline rather than Node's bare 431.
  const server = createServer(
    {
      maxHeaderSize: l.maxHeaderSize,
      headersTimeout: l.headersTimeout,
      requestTimeout: l.requestTimeout,
      keepAliveTimeout: l.keepAliveTimeout,
      connectionsCheckingInterval: l.checkInterval,
      ...bornAsTheApps(app),
    },
    app,
  );
  server.maxConnections = l.maxConnections;
  server.maxHeadersCount = l.maxHeadersCount;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerUnparsableRequest(error, socket, l.maxHeaderSize));
  return server;
}

/**
 * Node's request and response objects made with an Express app's own prototypes (`app.request`,
 * `app.response`) from the start, through the server's documented `IncomingMessage` and
 * `ServerResponse` options. Express gives every request these prototypes with
 * `Object.setPrototypeOf` on arrival (app.handle); on an object that Node has already filled in,
 * that moves it to a new hidden class, and V8 then looks the properties of every request and
 * response up the slow way, again and again: it cost about 40% of a get's instructions (callgrind).
 * Born with them, the objects keep one stable shape, and Express's `setPrototypeOf` finds the
 * prototype already in place and changes nothing. The prototype chain, and so everything Express
 * and the app see, is the same. Another listener (no `request`/`response` built on Node's) gets
 * Node's own classes.
 */
function bornAsTheApps(app: RequestListener): Pick<ServerOptions, 'IncomingMessage' | 'ServerResponse'> {
  const { request, response } = app as RequestListener & { request?: object; response?: object };
  if (!request || !response || !Object.prototype.isPrototypeOf.call(IncomingMessage.prototype, request) || !Object.prototype.isPrototypeOf.call(ServerResponse.prototype, response)) {
    return {};
  }
  function AppRequest(this: IncomingMessage, socket: ConstructorParameters<typeof IncomingMessage>[0]) {
    IncomingMessage.call(this, socket);
  }
  AppRequest.prototype = request;
  function AppResponse(this: ServerResponse, req: IncomingMessage, options?: object) {
    (ServerResponse as unknown as (this: ServerResponse, req: IncomingMessage, options?: object) => void).call(this, req, options);
  }
  AppResponse.prototype = response;
  return {
    IncomingMessage: AppRequest as unknown as typeof IncomingMessage,
    ServerResponse: AppResponse as unknown as typeof ServerResponse,
  };
}

/**
 * Requests that Node refuses before the app sees them (request line and headers over the limit, not
 * HTTP at all, or too slow) get a short JSON explanation rather than Node's bare status line. No
 * API is known yet at this point, so this is the sandbox's own format, as for unknown paths.
 */
function answerUnparsableRequest(error: NodeJS.ErrnoException, socket: Duplex, maxHeaderSize: number): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, body] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', { error: 'request_header_fields_too_large', message: `The request line and headers are larger than ${maxHeaderSize} bytes.` }]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', { error: 'request_timeout', message: 'The request was not received in time.' }]
        : [400, 'Bad Request', { error: 'bad_request', message: `The request is not valid HTTP (${error.code ?? 'parse error'}).` }];
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

/** The URL a browser or client on this machine uses for a server listening on `host`. */
export function originFor(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}
