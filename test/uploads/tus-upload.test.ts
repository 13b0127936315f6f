import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Upload } from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTimeline } from '../../src/cases/timeline.repo.js';
import { engineerFetch, startUploadHarness, type UploadHarness, uploadLogin } from './upload-harness.js';

let h: UploadHarness;
beforeAll(async () => {
  h = await startUploadHarness({ uploadMaxBytes: 64 * 1024 * 1024 });
}, 120_000); // PGlite and argon2 start slowly on a loaded machine
afterAll(async () => h.close());

type Opened = { user: string; password: string; uploadUrl: string; expiresAt: string; state: string };

async function openWorkspace(body: Record<string, unknown> = {}): Promise<Opened> {
  const res = await engineerFetch(h, `/api/v1/cases/${h.caseNumber}/upload-workspaces`, {
    method: 'POST',
    body,
  });
  expect(res.status).toBe(201);
  return (await res.json()) as Opened;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Starts a tus upload; resolves with the upload once it succeeds, or rejects with its error. */
function tusUpload(
  data: Buffer,
  cookie: string,
  options: { uploadUrl?: string; name?: string } = {},
): { upload: Upload; done: Promise<Upload>; firstOffset: Promise<number> } {
  let resolveFirst: (n: number) => void = () => undefined;
  const firstOffset = new Promise<number>((r) => {
    resolveFirst = r;
  });
  let upload: Upload;
  const done = new Promise<Upload>((resolve, reject) => {
    upload = new Upload(data, {
      endpoint: `${h.baseUrl}/upload/tus`,
      ...(options.uploadUrl ? { uploadUrl: options.uploadUrl } : {}),
      headers: { cookie },
      metadata: { filename: options.name ?? 'CBS.log', filetype: 'text/plain' },
      retryDelays: [],
      onProgress: (sent) => resolveFirst(sent),
      onSuccess: () => resolve(upload),
      onError: reject,
    });
    upload.start();
  });
  // biome-ignore lint/style/noNonNullAssertion: assigned synchronously in the executor above
  return { upload: upload!, done, firstOffset };
}

async function serverOffset(url: string, cookie: string): Promise<number> {
  const res = await fetch(url, { method: 'HEAD', headers: { cookie, 'tus-resumable': '1.0.0' } });
  expect(res.status).toBe(200);
  return Number(res.headers.get('upload-offset'));
}

/**
 * A PATCH that sends the first `bytes` of `data` and then loses its connection, as a cut network
 * does. (Aborting tus-js-client from its own progress callback did this before, and once in a few
 * runs left the test process allocating until it ran out of heap: a raw request cuts the same way,
 * every time.)
 */
function patchThenDropConnection(url: string, cookie: string, data: Buffer, bytes: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const req = httpRequest(url, {
      method: 'PATCH',
      headers: {
        cookie,
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
        'content-length': String(data.length),
      },
    });
    req.on('error', () => resolve()); // the cut itself
    req.on('response', (res) => {
      res.resume();
      resolve();
    });
    req.write(data.subarray(0, bytes), () => {
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 200);
    });
  });
}

describe('upload workspaces and resumable uploads', () => {
  it('opens workspaces named after the account, with a password shown once', async () => {
    const first = await openWorkspace();
    const second = await openWorkspace({ days: 7 });
    expect(first.user).toBe('ICBC001');
    expect(second.user).toBe('ICBC002');
    expect(first.password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){4}$/);
    expect(first.uploadUrl).toBe(`http://127.0.0.1:3000/upload/?user=ICBC001`);
    expect(new Date(second.expiresAt).getTime() - h.clock.now().getTime()).toBe(7 * 86_400_000);
    const list = await (await engineerFetch(h, `/api/v1/cases/${h.caseNumber}/upload-workspaces`)).json();
    expect(list).toHaveLength(2);
    expect(JSON.stringify(list)).not.toContain(first.password);
    const stored = await h.database.db.selectFrom('upload_workspaces').select('secret_hash').execute();
    expect(stored.every((r) => r.secret_hash.startsWith('$argon2id$'))).toBe(true);
  });

  it('refuses wrong credentials with one answer that names nothing', async () => {
    const ws = await openWorkspace();
    const wrongPassword = await uploadLogin(h, ws.user, 'not-the-password');
    const unknownUser = await uploadLogin(h, 'ACME001', ws.password);
    for (const { res, cookie } of [wrongPassword, unknownUser]) {
      expect(res.status).toBe(401);
      expect(cookie).toBeNull();
      const body = await res.json();
      expect(body).toMatchObject({ code: 'upload.bad_credentials', detail: 'Wrong user name or password' });
      expect(JSON.stringify(body)).not.toMatch(/CAS-|ICBC|补丁/);
    }
    const noSession = await fetch(`${h.baseUrl}/upload/api/session`);
    expect(noSession.status).toBe(401);
  });

  it('resumes an upload cut at half and stores the SHA-256 of the source', async () => {
    const ws = await openWorkspace();
    const { cookie } = await uploadLogin(h, ws.user, ws.password);
    expect(cookie).toBeTruthy();
    const data = randomBytes(24 * 1024 * 1024);
    // The first attempt: the upload is created, then its PATCH loses the connection half-way.
    const create = await fetch(`${h.baseUrl}/upload/tus`, {
      method: 'POST',
      headers: {
        cookie: cookie as string,
        'tus-resumable': '1.0.0',
        'upload-length': String(data.length),
        'upload-metadata': `filename ${Buffer.from('CBS.log').toString('base64')},filetype ${Buffer.from('text/plain').toString('base64')}`,
      },
    });
    expect(create.status).toBe(201);
    const url = new URL(create.headers.get('location') as string, `${h.baseUrl}/upload/tus`).href;
    expect(url).toMatch(/\/upload\/tus\/[0-9a-f]{32}$/);
    await patchThenDropConnection(url, cookie as string, data, data.length / 2);
    // The server kept what arrived before the cut; wait for the cut request to settle.
    let offset = 0;
    for (let i = 0; i < 50; i++) {
      offset = await serverOffset(url, cookie as string);
      if (offset > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(data.length);

    // The browser's client (tus-js-client) resumes from the server's offset.
    const second = tusUpload(data, cookie as string, { uploadUrl: url });
    await second.done;
    expect(await second.firstOffset).toBeGreaterThanOrEqual(offset);

    const id = url.split('/').pop() as string;
    const session = (await (
      await fetch(`${h.baseUrl}/upload/api/session`, { headers: { cookie: cookie as string } })
    ).json()) as { files: { id: string }[] };
    const receipt = session.files.find((f: { id: string }) => f.id === id);
    expect(receipt).toMatchObject({
      fileName: 'CBS.log',
      size: data.length,
      sha256: sha256(data),
      status: 'complete',
    });

    // On the case timeline, with name, size and hash.
    const timeline = await listTimeline(h.database.db, h.caseId);
    expect(timeline.map((a) => a.payload)).toContainEqual(
      expect.objectContaining({
        kind: 'upload.completed',
        fileName: 'CBS.log',
        size: data.length,
        sha256: sha256(data),
      }),
    );
    // Engineers download it with their own auth; the customer's cookie is not enough.
    const download = await engineerFetch(h, `/api/v1/cases/${h.caseNumber}/uploads/${id}/content`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain('attachment; filename="CBS.log"');
    expect(sha256(new Uint8Array(await download.arrayBuffer()))).toBe(sha256(data));
    const asCustomer = await fetch(`${h.baseUrl}/api/v1/cases/${h.caseNumber}/uploads/${id}/content`, {
      headers: { cookie: cookie as string },
    });
    expect(asCustomer.status).toBe(401);
  });

  it("hides one workspace's uploads from another", async () => {
    const a = await openWorkspace();
    const b = await openWorkspace();
    const cookieA = (await uploadLogin(h, a.user, a.password)).cookie as string;
    const cookieB = (await uploadLogin(h, b.user, b.password)).cookie as string;
    const { done } = tusUpload(Buffer.from('hello from A\n'), cookieA, { name: 'a.txt' });
    const url = (await done).url as string;
    const asB = await fetch(url, { method: 'HEAD', headers: { cookie: cookieB, 'tus-resumable': '1.0.0' } });
    expect(asB.status).toBe(404);
    const patchAsB = await fetch(url, {
      method: 'PATCH',
      headers: {
        cookie: cookieB,
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
      },
      body: 'overwrite',
    });
    expect(patchAsB.status).toBe(404);
    const sessionB = (await (
      await fetch(`${h.baseUrl}/upload/api/session`, { headers: { cookie: cookieB } })
    ).json()) as { files: unknown[] };
    expect(sessionB.files).toEqual([]);
  });

  it('refuses a file over the size limit with a clear message', async () => {
    const ws = await openWorkspace();
    const cookie = (await uploadLogin(h, ws.user, ws.password)).cookie as string;
    const res = await fetch(`${h.baseUrl}/upload/tus`, {
      method: 'POST',
      headers: { cookie, 'tus-resumable': '1.0.0', 'upload-length': String(65 * 1024 * 1024) },
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('at most 67108864 bytes (64 MB)');
  });

  it('ends sessions on revocation and refuses expired workspaces, saying why', async () => {
    const ws = await openWorkspace({ days: 1 });
    const cookie = (await uploadLogin(h, ws.user, ws.password)).cookie as string;
    const revoke = await engineerFetch(h, `/api/v1/upload-workspaces/${ws.user}/revoke`, { method: 'POST' });
    expect(await revoke.json()).toMatchObject({ user: ws.user, state: 'revoked' });
    const after = await fetch(`${h.baseUrl}/upload/api/session`, { headers: { cookie } });
    expect(after.status).toBe(401);
    const relogin = await uploadLogin(h, ws.user, ws.password);
    expect(relogin.res.status).toBe(403);
    expect(await relogin.res.json()).toMatchObject({ code: 'upload.workspace_revoked' });
    const tusAfter = await fetch(`${h.baseUrl}/upload/tus`, {
      method: 'POST',
      headers: { cookie, 'tus-resumable': '1.0.0', 'upload-length': '5' },
    });
    expect(tusAfter.status).toBe(401);

    const short = await openWorkspace({ days: 1 });
    const shortCookie = (await uploadLogin(h, short.user, short.password)).cookie as string;
    h.clock.advance(86_400_000 + 1000);
    const expiredSession = await fetch(`${h.baseUrl}/upload/api/session`, {
      headers: { cookie: shortCookie },
    });
    expect(expiredSession.status).toBe(401);
    const expired = await uploadLogin(h, short.user, short.password);
    expect(expired.res.status).toBe(403);
    expect(await expired.res.json()).toMatchObject({ code: 'upload.workspace_expired' });
    const wrong = await uploadLogin(h, short.user, 'guess');
    expect(wrong.res.status).toBe(401); // expiry is told only to someone holding the password
  });

  it('rate-limits sign-in attempts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await uploadLogin(h, 'ICBC001', 'guess')).res.status);
    expect(statuses).toContain(429);
    const limited = await uploadLogin(h, 'ICBC001', 'guess');
    expect(limited.res.status).toBe(429);
    expect(await limited.res.json()).toMatchObject({ code: 'request.rate_limited' });
  });
});
