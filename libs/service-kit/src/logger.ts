import type { LoggerOptions } from 'pino';

/** Never logged: credentials, kubeconfigs, cookies and the identity signature. */
export const redactedPaths = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-platform-signature"]',
  'res.headers["set-cookie"]',
  'password',
  'passwordHash',
  'rawKubeConfig',
  'kubeconfig',
  'token',
  '*.password',
  '*.passwordHash',
  '*.rawKubeConfig',
  '*.kubeconfig',
  '*.token',
];

/** pino JSON logs with one request id per request, carried from the gateway. */
export function loggerOptions(service: string, level: string): LoggerOptions {
  return {
    level,
    base: { service },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: truncateUrl(req.url), id: req.id }),
    },
  };
}

/** A hostile client controls the URL: keep one log line bounded. */
function truncateUrl(url: string): string {
  return url.length > 512 ? `${url.slice(0, 512)}…` : url;
}
