import pino, { type Logger } from 'pino';
import type { Config } from './config.js';

/** One JSON line per event on stdout. Known secret-bearing keys are redacted wherever they appear. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>): Logger {
  return pino({
    level: config.LOG_LEVEL,
    base: { service: 'backroom' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'password',
        '*.password',
        'cookie',
        '*.cookie',
        'token',
        '*.token',
        'authorization',
        '*.authorization',
      ],
      censor: '[redacted]',
    },
  });
}
