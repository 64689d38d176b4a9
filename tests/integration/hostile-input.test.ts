import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApi, stopAll, TEST_API_TOKEN, type TestApi } from '../helpers/engine';
import { rawRequest } from '../helpers/net';
import { removeTempDirs } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait';

let app: TestApi;

beforeEach(async () => {
  app = await startApi();
  app.engine.start();
});

afterEach(async () => {
  await stopAll();
  removeTempDirs();
});

// Error envelopes are read loosely; their shape is the contract's and checked in local-api.test.ts.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

async function refused(response: Response, status = 400): Promise<Loose> {
  expect(response.status).toBe(status);
  const body: Loose = await response.json();
  expect(body.error.code).toBeTypeOf('string');
  return body.error;
}

const jobCount = async () => ((await (await app.call('/api/v1/jobs?limit=500')).json()) as unknown[]).length;
const port = () => Number(new URL(app.origin).port);

/** Writes `request` as raw bytes and reads until the server closes: for requests node's client would refuse to send. */
function rawSocket(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port(), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
    socket.write(request);
  });
}

describe('the instrument import source', () => {
  it.each([
    ['a file: URL with a query that looks like a master', 'file:///etc/passwd?x=.json.gz'],
    ['the Local API itself, with a query that looks like a master', 'http://127.0.0.1:{port}/api/v1/settings?.json.gz'],
    ['another host', 'https://example.com/market-quote/instruments/exchange/complete.json.gz'],
    ['a path that is not a master', '/etc/passwd'],
    ['a path that climbs out', '/tmp/../etc/shadow.json.gz'],
    ['a URL with credentials', 'https://user:pw@assets.upstox.com/market-quote/instruments/exchange/complete.json.gz'],
  ])('refuses %s with 400 naming the source, and starts no job', async (_name, template) => {
    const source = template.replace('{port}', String(port()));
    const before = await jobCount();
    const error = await refused(await app.call('/api/v1/instruments/import', json('POST', { source })));
    expect(error.details.map((d: Loose) => d.path.join('.'))).toContain('source');
    expect(await jobCount()).toBe(before);
  });

  it('says a local path is not a valid instrument master, whether or not it exists', async () => {
    const messages: string[] = [];
    for (const source of ['/etc/hostname.json.gz', '/no/such/file.json.gz', `${app.dataDir}/tickdesk.db.json.gz`]) {
      const started = await app.call('/api/v1/instruments/import', json('POST', { source }));
      expect(started.status).toBe(202);
      const { jobId }: Loose = await started.json();
      const job: Loose = await waitFor(async () => {
        const current: Loose = await (await app.call(`/api/v1/jobs/${jobId}`)).json();
        return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(current.status) ? current : null;
      }, `import job ${jobId} to finish`);
      expect(job.status).toBe('FAILED');
      messages.push(`${job.error.code}: ${job.error.message.replace(source, '<path>')}`);
    }
    expect(new Set(messages).size).toBe(1);
    expect(messages[0]).toMatch(/not a valid instrument master/);
    expect(messages[0]).not.toMatch(/ENOENT|exist|denied|directory/i);
  });

  it('validates a schedule payload by its job kind when it is saved', async () => {
    const schedule = async () =>
      ((await (await app.call('/api/v1/schedules')).json()) as Loose[]).find(
        (s) => s.name === 'instrument-master-refresh',
      );
    const before = await schedule();
    const error = await refused(
      await app.call(
        '/api/v1/schedules/instrument-master-refresh',
        json('PUT', { payload: { source: '/etc/passwd' } }),
      ),
    );
    expect(error.details.map((d: Loose) => d.path.join('.'))).toContain('payload.source');
    expect(await schedule()).toEqual(before);
    await refused(
      await app.call('/api/v1/schedules/no-such-schedule', json('PUT', { payload: { source: '/etc/passwd' } })),
      404,
    );
  });
});

describe('bodies and requests built to break the server', () => {
  it('answers a 4,200-deep JSON body with 400, not 500', async () => {
    const deep = '{"a":'.repeat(4200) + '1' + '}'.repeat(4200);
    const error = await refused(await app.call('/api/v1/commands/settings.update', json('POST', deep)));
    expect(error.code).toBe('VALIDATION_FAILED');
    const nested = await refused(
      await app.call(
        '/api/v1/schedules/job-cleanup',
        json('PUT', { payload: JSON.parse('['.repeat(40) + ']'.repeat(40)) }),
      ),
    );
    expect(nested.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a 900 KB schedule payload and keeps the schedule as it was', async () => {
    const before = await (await app.call('/api/v1/schedules')).json();
    await refused(
      await app.call('/api/v1/schedules/job-cleanup', json('PUT', { payload: { note: 'x'.repeat(900_000) } })),
    );
    expect(await (await app.call('/api/v1/schedules')).json()).toEqual(before);
  });

  it('answers headers over 16 KB with a 431 envelope', async () => {
    const response = await rawRequest({
      port: port(),
      path: `/api/v1/health?q=${'a'.repeat(20_000)}`,
      headers: { authorization: `Bearer ${TEST_API_TOKEN}` },
    });
    expect(response.status).toBe(431);
    expect(JSON.parse(response.body).error.code).toBe('HEADERS_TOO_LARGE');
  });

  it.each([
    [
      'a negative Content-Length',
      'POST /api/v1/commands/system.health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n\r\n',
    ],
    [
      'both Content-Length and Transfer-Encoding',
      'POST /api/v1/commands/system.health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ],
  ])('answers %s with a 400 envelope and closes', async (_name, request) => {
    const answer = await rawSocket(request);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a null body on a command instead of reading it as no input', async () => {
    const error = await refused(await app.call('/api/v1/commands/settings.update', json('POST', 'null')));
    expect(error.code).toBe('VALIDATION_FAILED');
  });
});

describe('fields a trader never types', () => {
  it.each([
    ['an impossible date', { date: '2099-02-31', description: 'Holiday' }, 'date'],
    ['a description with a NUL', { date: '2099-03-02', description: 'Holi\u0000' }, 'description'],
    ['a description with an ANSI escape', { date: '2099-03-02', description: '\u001b[31mHoli' }, 'description'],
  ])('refuses a holiday with %s, naming the field, and stores nothing', async (_name, body, field) => {
    const before = await (await app.call('/api/v1/calendar/holidays')).json();
    const error = await refused(await app.call('/api/v1/calendar/holidays', json('POST', body)));
    expect(error.details.map((d: Loose) => d.path.join('.'))).toContain(field);
    expect(await (await app.call('/api/v1/calendar/holidays')).json()).toEqual(before);
  });

  it.each([['NSE_EQ|\u0000\n'], ['A|<script>'], ['NSE_EQ|INE002A01018\r\nX-Injected: 1']])(
    'refuses the instrument key %j and subscribes nothing',
    async (key) => {
      const error = await refused(
        await app.call('/api/v1/feed/subscriptions', json('POST', { instrumentKeys: [key] })),
      );
      expect(error.details.map((d: Loose) => d.path.join('.'))).toContain('instrumentKeys.0');
      expect(await (await app.call('/api/v1/feed/subscriptions')).json()).toEqual([]);
    },
  );

  it.each([['%200x10%20'], ['1e3'], ['-1'], ['10.5']])('refuses limit=%s as not a whole number', async (limit) => {
    const error = await refused(await app.call(`/api/v1/jobs?limit=${limit}`));
    expect(error.details.map((d: Loose) => d.path.join('.'))).toContain('limit');
  });
});

describe('order tickets', () => {
  const base = { instrumentKey: 'NSE_EQ|INE002A01018', side: 'BUY', quantity: 1, orderType: 'MARKET', product: 'I' };
  it.each([
    ['an unknown field', { ...base, account: 'someone-else' }, []],
    ['a quantity as text', { ...base, quantity: '10' }, ['quantity']],
    ['a quantity past what any exchange takes', { ...base, quantity: 1e12 }, ['quantity']],
    ['a price of a fraction of a paisa', { ...base, orderType: 'LIMIT', price: 100.001 }, ['price']],
    ['a price of 1e308', { ...base, orderType: 'LIMIT', price: 1e308 }, ['price']],
    ['a negative trigger', { ...base, orderType: 'SL-M', triggerPrice: -5 }, ['triggerPrice']],
    ['a clientOrderId with a path in it', { ...base, clientOrderId: '../../etc/passwd' }, ['clientOrderId']],
    ['a clientOrderId with a line break', { ...base, clientOrderId: 'a\nb' }, ['clientOrderId']],
    ['a clientOrderId of 65 characters', { ...base, clientOrderId: 'x'.repeat(65) }, ['clientOrderId']],
    [
      'an instrument key with SQL in it',
      { ...base, instrumentKey: "NSE_EQ|x'); DROP TABLE orders;--" },
      ['instrumentKey'],
    ],
    ['a product that does not exist', { ...base, product: 'MTF' }, ['product']],
  ])('refuses %s with 400 naming the field, and stores no order and no job', async (_name, body, path) => {
    const before = await jobCount();
    const error = await refused(await app.call('/api/v1/orders', json('POST', body)));
    expect(error.code).toBe('VALIDATION_FAILED');
    if (path.length > 0) expect(error.details.map((d: Loose) => d.path)).toContainEqual(path);
    expect(await (await app.call('/api/v1/orders')).json()).toEqual([]);
    expect(await jobCount()).toBe(before);
  });

  it('refuses a __proto__ key in a ticket instead of taking it as a field', async () => {
    const error = await refused(
      await app.call('/api/v1/orders', json('POST', `{"__proto__":{"quantity":5},${JSON.stringify(base).slice(1)}`)),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(await (await app.call('/api/v1/orders')).json()).toEqual([]);
  });
});
