import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createCase, engineerActor } from '../src/cases/cases.service.js';
import { insertTimelineEntries, type NewTimelineEntry } from '../src/cases/timeline.repo.js';
import { systemClock } from '../src/platform/clock.js';
import { openChromium } from '../test/e2e/support/chromium.js';
import { engineers, ensureConsoleBuilt, startConsoleServer } from '../test/e2e/support/console-server.js';
import { findEngineer } from '../test/e2e/support/find-engineer.js';
import type { BenchModule } from './lib.js';
import { percentile } from './lib.js';

const dist = join(import.meta.dirname, '..', 'web', 'dist');
const gz = (file: string) => gzipSync(readFileSync(join(dist, file))).length;

/** JS the browser loads before the first page renders: the entry script and its modulepreloads. */
function initialJs(): { files: string[]; gzipBytes: number } {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string);
  return { files, gzipBytes: files.reduce((sum, f) => sum + gz(f), 0) };
}

function quotedMail(i: number): string {
  return [
    `第 ${i} 封：日志已上传，请查收。CBS.log 中有 0x80073712。`,
    '',
    '发件人: Jia Wei <jia.wei@example.com>',
    '发送时间: 2021年9月24日 10:00',
    '主题: 回复: 补丁更新失败',
    '',
    ...Array.from({ length: 30 }, (_, j) => `> 引用的历史第 ${j} 行，KB5004244 KB5003646`),
  ].join('\n');
}

export const run: BenchModule['run'] = async ({ quick }) => {
  await ensureConsoleBuilt();
  const initial = initialJs();
  // A development build (React's jsxDEV) would measure something no one ships.
  if (initial.files.some((f) => readFileSync(join(dist, f), 'utf8').includes('jsxDEV')))
    throw new Error('web/dist is a development build; run `npm run build:web` (NODE_ENV=production)');
  const server = await startConsoleServer();
  const db = server.database.db;
  const liQi = await findEngineer(db, 'Li Qi');
  const deps = { db, clock: systemClock, trackingPrefix: 'CMIT' };
  const kase = await createCase(deps, engineerActor(liQi), { title: '200 条时间线', account: 'ICBC' });
  const start = Date.now() - 200 * 3_600_000;
  const entries: NewTimelineEntry[] = Array.from({ length: 199 }, (_, i) => {
    const occurredAt = new Date(start + i * 3_600_000);
    if (i % 4 === 0)
      return {
        caseId: kase.id,
        type: 'note',
        actor: engineerActor(liQi),
        occurredAt,
        payload: { text: `Note ${i}` },
      };
    if (i % 4 === 1)
      return {
        caseId: kase.id,
        type: 'call',
        actor: engineerActor(liQi),
        occurredAt,
        payload: { outcome: 'no_answer', note: `Call ${i}`, callee: '徐先生', durationSeconds: null },
      };
    return {
      caseId: kase.id,
      type: 'email',
      actor: { type: 'contact', id: null, name: '徐先生' },
      occurredAt,
      email: {
        direction: 'inbound',
        from: { name: '徐先生', address: 'xu@icbc.example' },
        to: [{ name: 'Li Qi', address: 'li.qi@example.com' }],
        cc: [],
        subject: `回复: [案例号: ${kase.number} ] % |P3|ICBC|200 条时间线 % 跟进 ${kase.trackingToken}`,
        text: quotedMail(i),
        html: null,
        sentAt: occurredAt,
        messageId: `<bench-${i}@icbc.example>`,
        inReplyTo: null,
        references: [],
        attachments: [],
      },
    };
  });
  await insertTimelineEntries(db, entries);

  const browser = await openChromium();
  const page = await browser.context.newPage();
  // The page notes, on its own clock (ms since navigation start), the frame after the 200th
  // timeline entry entered the DOM. Polling from outside (locator.waitFor) would run on the same
  // main thread as the page and slow down what it measures.
  await page.addInitScript(`(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelectorAll('article').length < 200) return;
      observer.disconnect();
      requestAnimationFrame(() => setTimeout(() => { window.__casePageRendered = performance.now(); }, 0));
    }).observe(document, { childList: true, subtree: true });
  })()`);
  const login = await page.request.post(`${server.url}/api/v1/auth/login`, {
    data: { login: engineers.liQi.name, password: engineers.liQi.password },
  });
  if (!login.ok()) throw new Error(`sign-in failed: ${login.status()}`);
  /** Navigates to the case page from `from` and returns the in-page time to 200 rendered entries. */
  const measureOnce = async (from: string): Promise<number> => {
    await page.goto(from);
    await page.goto(`${server.url}/cases/${kase.number}`);
    let rendered: unknown;
    for (const deadline = Date.now() + 60_000; rendered === undefined && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      rendered = await page.evaluate('window.__casePageRendered'); // over CDP: not subject to the page's CSP
    }
    if (typeof rendered !== 'number') throw new Error('the case page did not render 200 entries within 60 s');
    // What was measured is really on screen: 200 entries, the last one rendered.
    await page.locator('article').nth(199).waitFor({ timeout: 30_000 });
    if (process.env.CASEDESK_BENCH_DEBUG)
      process.stdout.write(
        `${await page.evaluate(`JSON.stringify(performance.getEntriesByType('resource').map((e) => [e.name.slice(-40), Math.round(e.startTime), Math.round(e.duration)]))`)}\n`,
      );
    return Math.round(rendered);
  };
  const runs = quick ? 3 : 7;
  // The figure: an engineer in the console opens a case by its address, coming from another page of
  // the same origin (here /healthz, a small JSON answer).
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await measureOnce(`${server.url}/healthz`));
  // Shown beside it: coming from about:blank, where chromium first starts a new renderer process
  // for the origin and compiles the bundle without its code cache.
  const fromBlank: number[] = [];
  for (let i = 0; i < runs; i++) fromBlank.push(await measureOnce('about:blank'));
  await browser.close();
  await server.close();

  return [
    {
      name: 'web.initial_js_gzip',
      value: Math.round((initial.gzipBytes / 1024) * 10) / 10,
      unit: 'KB',
      target: 300,
      better: 'lower',
      params: { files: initial.files },
    },
    {
      name: 'web.case_page_first_render_200_items',
      value: percentile(times, 50),
      unit: 'ms',
      target: 1000,
      better: 'lower',
      params: {
        items: 200,
        runs,
        p95: percentile(times, 95),
        browser: 'chromium headless',
        cache: 'warm',
        measure: 'navigation start to the frame after the 200th entry is in the DOM (in-page clock)',
        navigationFrom: 'a same-origin page (/healthz)',
        fromAboutBlankMedian: percentile(fromBlank, 50),
        fromAboutBlankP95: percentile(fromBlank, 95),
        loadAverage: Math.round((loadavg()[0] ?? 0) * 10) / 10,
      },
    },
  ];
};
