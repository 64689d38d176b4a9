import fs from 'node:fs';
import path from 'node:path';
import { ensureOwnerOnlyFile } from './owner-only';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(component: string): Logger;
}

/** Keys whose values never reach a log line, however deep they sit in the fields. */
const SECRET_KEY = /token|authorization|secret|password|cookie|api[-_]?key/i;
/** Bearer tokens and JWT-shaped strings inside free text. */
const SECRET_TEXT = /(bearer\s+)[\w.\-~+/]+=*|eyJ[\w-]+\.[\w-]+\.[\w-]*/gi;

const MAX_DEPTH = 8;

/** A copy of `value` safe to log: secrets masked at any depth, cycles and over-deep parts cut. */
export function redact(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string')
    return value.replace(SECRET_TEXT, (_m, bearer?: string) => `${bearer ?? ''}[redacted]`);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  if (value instanceof Error) return { name: value.name, message: redact(value.message), stack: redact(value.stack) };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value))
    out[key] = SECRET_KEY.test(key) ? '[redacted]' : redact(v, depth + 1, seen);
  return out;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Folder for `tickdesk.log` (JSON lines); none writes to the console only. */
  dir?: string;
  console?: boolean;
  now?: () => number;
}

export interface LogSink {
  write(line: string, level: LogLevel): void;
  close(): void;
}

function createSink(options: LoggerOptions): LogSink {
  let fd: number | undefined;
  if (options.dir) {
    ensureOwnerOnlyFile(path.join(options.dir, 'tickdesk.log'));
    fd = fs.openSync(path.join(options.dir, 'tickdesk.log'), 'a');
  }
  return {
    write(line, level) {
      if (fd !== undefined) fs.writeSync(fd, line + '\n');
      if (options.console) (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line + '\n');
    },
    close() {
      if (fd !== undefined) fs.closeSync(fd);
      fd = undefined;
    },
  };
}

type EntryWriter = (level: LogLevel, component: string, message: string, fields?: LogFields) => void;

function buildLogger(component: string, write: EntryWriter): Logger {
  return {
    debug: (m, f) => write('debug', component, m, f),
    info: (m, f) => write('info', component, m, f),
    warn: (m, f) => write('warn', component, m, f),
    error: (m, f) => write('error', component, m, f),
    child: (name) => buildLogger(`${component}.${name}`, write),
  };
}

export function createLogger(options: LoggerOptions = {}): Logger & { close(): void } {
  const sink = createSink(options);
  const threshold = LEVEL_RANK[options.level ?? 'info'];
  const now = options.now ?? Date.now;
  const write: EntryWriter = (level, component, message, fields) => {
    if (LEVEL_RANK[level] < threshold) return;
    const entry = {
      time: new Date(now()).toISOString(),
      level,
      component,
      message: redact(message),
      ...(fields ? (redact(fields) as LogFields) : {}),
    };
    sink.write(JSON.stringify(entry), level);
  };
  return Object.assign(buildLogger('engine', write), { close: () => sink.close() });
}

export interface MemoryLogEntry {
  level: LogLevel;
  component: string;
  message: string;
  fields?: LogFields;
}

/** A logger that keeps entries in memory, for tests that assert what was (or was not) logged. */
export function createMemoryLogger(): Logger & { entries: MemoryLogEntry[] } {
  const entries: MemoryLogEntry[] = [];
  const write: EntryWriter = (level, component, message, fields) =>
    entries.push({
      level,
      component,
      message: redact(message) as string,
      ...(fields ? { fields: redact(fields) as LogFields } : {}),
    });
  return Object.assign(buildLogger('engine', write), { entries });
}
