// Request logs: one line per request (pino-http) with sandbox, API, operation, status and time —
// human-readable on a terminal, JSON lines otherwise.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type Logger, type LevelWithSilent } from 'pino';
import { pinoHttp } from 'pino-http';
import pretty from 'pino-pretty';
import type { RequestRecord } from './core/pipeline.js';

export const LOG_LEVELS: LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
export type LogFormat = 'pretty' | 'json';

export function createLogger(level: LevelWithSilent, format: LogFormat): Logger {
  if (format === 'pretty') {
    return pino(
      { level, base: undefined },
      pretty({ colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'reqId,req,res,responseTime,sandbox,api,operationId,problems,violations' }),
    );
  }
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 1, sync: false }));
}

/** The pipeline's record of an API request, attached to the response for the log line. */
export function recordOf(res: ServerResponse): RequestRecord | undefined {
  return (res as ServerResponse & { locals?: { sandboxRequest?: RequestRecord } }).locals?.sandboxRequest;
}

export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    quietReqLogger: true,
    serializers: {
      req: (req: IncomingMessage & { originalUrl?: string }) => ({ method: req.method, url: req.originalUrl ?? req.url }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: req => (req.url ?? '').startsWith('/docs/assets/') },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    customSuccessMessage: (req, res, responseTime) => summary(req, res, responseTime),
    customErrorMessage: (req, res) => summary(req, res),
    customProps: (_req, res) => {
      const record = recordOf(res);
      if (!record) return {};
      return {
        sandbox: record.sandbox,
        api: record.api,
        operationId: record.operationId,
        ...(record.requestProblems.length ? { problems: record.requestProblems.map(p => `${p.field}: ${p.message}`) } : {}),
        ...(record.responseViolations.length ? { violations: record.responseViolations } : {}),
      };
    },
  });
}

function summary(req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, responseTime?: number): string {
  const record = recordOf(res);
  const where = record ? ` ${record.api}${record.operationId ? `.${record.operationId}` : ''} [${record.sandbox}]` : '';
  const time = responseTime === undefined ? '' : ` ${Math.round(responseTime * 10) / 10}ms`;
  const problems = record?.requestProblems.length ? ` — ${record.requestProblems.map(p => p.field).join(', ')}` : '';
  const violations = record?.responseViolations.length ? ` — ${record.responseViolations.length} response violation(s)` : '';
  return `${req.method} ${req.originalUrl ?? req.url} ${res.statusCode}${where}${time}${problems}${violations}`;
}
