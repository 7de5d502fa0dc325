// The HTTP server around the app, shared by the command and `startSandbox`: 64 KB of request line
// and headers, and a short JSON answer for requests Node refuses before the app sees them.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

export const MAX_HEADER_SIZE = 64 * 1024;

/**
 * Requests that Node refuses before the app sees them (request line and headers over 64 KB, or not
 * HTTP at all) get a short JSON explanation rather than Node's bare status line. No API is known
 * yet at this point, so this is the sandbox's own format, as for unknown paths.
 */
function answerUnparsableRequest(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, body] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', { error: 'request_header_fields_too_large', message: `The request line and headers are larger than ${MAX_HEADER_SIZE} bytes.` }]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', { error: 'request_timeout', message: 'The request was not received in time.' }]
        : [400, 'Bad Request', { error: 'bad_request', message: `The request is not valid HTTP (${error.code ?? 'parse error'}).` }];
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

/** An HTTP server for the app (long URIs get the provider's 414 from the pipeline rather than Node's bare 431). */
export function createHttpServer(app: RequestListener): Server {
  const server = createServer({ maxHeaderSize: MAX_HEADER_SIZE }, app);
  server.on('clientError', answerUnparsableRequest);
  return server;
}

/** The URL a browser or client on this machine uses for a server listening on `host`. */
export function originFor(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}
