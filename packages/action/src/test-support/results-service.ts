/**
 * A local stand-in for GitHub's results service, dependency-free (node:http), for end-to-end tests of the
 * bundled action: the cache v2 and artifact v4 Twirp endpoints, a blob store answering Azure's Put Blob,
 * Put Block, Put Block List and GET (what @azure/storage-blob and @actions/*'s plain-GET downloads send to a
 * non-`blob.core.windows.net` host), and the two REST routes the artifact fallback uses
 * (`GET /repos/{o}/{r}/actions/artifacts?name=`, `GET .../artifacts/{id}/zip` answering 302 to the blob).
 * See shared/ACTIONS.md §1.5, §1.6, §2.2, §3.2.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const CACHE = '/twirp/github.actions.results.api.v1.CacheService/';
const ARTIFACT = '/twirp/github.actions.results.api.v1.ArtifactService/';

export interface CacheEntry {
  readonly id: number;
  readonly key: string;
  readonly version: string;
  readonly blob: string;
  readonly createdAt: number;
  finalized: boolean;
  size: number;
}

export interface ArtifactEntry {
  readonly id: number;
  readonly runBackendId: string;
  readonly jobBackendId: string;
  readonly name: string;
  readonly blob: string;
  readonly createdAt: number;
  finalized: boolean;
  size: number;
  hash: string | undefined;
}

/**
 * `ok` serves; `down` answers every call with a non-retryable 501 (so tests do not sit through the clients' 5xx
 * backoff); `unavailable` answers 503 (retried by the clients, then given up); `reset` drops the connection
 * without an answer (what a refused or broken connection looks like to the client); `hang` accepts the request
 * and never answers.
 */
export type ServiceMode = 'ok' | 'down' | 'unavailable' | 'reset' | 'hang';

export interface ResultsService {
  /** http://127.0.0.1:PORT/ (ACTIONS_RESULTS_URL and GITHUB_API_URL). */
  readonly url: string;
  cacheMode: ServiceMode;
  artifactMode: ServiceMode;
  readonly cacheEntries: CacheEntry[];
  readonly artifacts: ArtifactEntry[];
  /** The committed bytes of a blob (by the path in its signed URL). */
  blob(path: string): Buffer | undefined;
  /** `METHOD path` of every request, for assertions. */
  readonly log: string[];
  close(): Promise<void>;
}

/** An unsigned JWT whose `scp` claim is `Actions.Results:<runId>:<jobId>` (what @actions/artifact decodes). */
export function fakeRuntimeToken(runBackendId: string, jobBackendId: string): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ scp: `Actions.GenericRead:00000000 Actions.Results:${runBackendId}:${jobBackendId}`, exp: 4102444800 })}.`;
}

/** Starts the service on 127.0.0.1 (any free port). */
export async function startResultsService(): Promise<ResultsService> {
  const blobs = new Map<string, Buffer>();
  // `x-ms-blob-content-type` of each blob: downloads answer with it (the artifact client unzips application/zip).
  const contentTypes = new Map<string, string>();
  const blocks = new Map<string, Map<string, Buffer>>();
  const cacheEntries: CacheEntry[] = [];
  const artifacts: ArtifactEntry[] = [];
  const log: string[] = [];
  let nextId = 1;
  let clock = 0;
  // Creation order matters ("the most recently created cache"), and wall-clock ms can tie.
  const created = () => Date.now() * 1000 + (clock++ % 1000);
  let origin = '';

  const service: ResultsService = {
    url: '',
    cacheMode: 'ok',
    artifactMode: 'ok',
    cacheEntries,
    artifacts,
    blob: (path) => blobs.get(path),
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  const twirpCache = (method: string, body: Record<string, unknown>): [number, unknown] => {
    const key = String(body.key ?? '');
    const version = String(body.version ?? '');
    switch (method) {
      case 'CreateCacheEntry': {
        if (cacheEntries.some((e) => e.key === key && e.version === version)) {
          return [409, { code: 'already_exists', msg: `cache entry with key ${key} already exists` }];
        }
        const id = nextId++;
        const blob = `/blob/cache/${id}`;
        cacheEntries.push({ id, key, version, blob, createdAt: created(), finalized: false, size: 0 });
        return [200, { ok: true, signed_upload_url: `${origin}${blob}?sv=2026-04-06&sp=cw&sig=fake` }];
      }
      case 'FinalizeCacheEntryUpload': {
        const entry = cacheEntries.find((e) => e.key === key && e.version === version && !e.finalized);
        if (!entry || !blobs.has(entry.blob)) return [200, { ok: false, entry_id: '0', message: 'no upload to finalize' }];
        entry.finalized = true;
        entry.size = blobs.get(entry.blob)?.length ?? 0;
        return [200, { ok: true, entry_id: String(entry.id) }];
      }
      case 'GetCacheEntryDownloadURL': {
        const candidates = cacheEntries.filter((e) => e.finalized && e.version === version).sort((a, b) => b.createdAt - a.createdAt);
        const restoreKeys = Array.isArray(body.restore_keys) ? body.restore_keys.map(String) : [];
        // Exact key, then prefix of key, then each restore key exact then prefix: newest created wins.
        const match =
          candidates.find((e) => e.key === key) ??
          candidates.find((e) => e.key.startsWith(key)) ??
          restoreKeys.map((k) => candidates.find((e) => e.key === k) ?? candidates.find((e) => e.key.startsWith(k))).find((e) => e !== undefined);
        if (!match) return [200, { ok: false, signed_download_url: '', matched_key: '' }];
        return [200, { ok: true, signed_download_url: `${origin}${match.blob}?sv=2026-04-06&sp=r&sig=fake`, matched_key: match.key }];
      }
      default:
        return [404, { code: 'bad_route', msg: `no method ${method}` }];
    }
  };

  const twirpArtifact = (method: string, body: Record<string, unknown>): [number, unknown] => {
    const run = String(body.workflow_run_backend_id ?? '');
    const job = String(body.workflow_job_run_backend_id ?? '');
    const name = String(body.name ?? '');
    switch (method) {
      case 'CreateArtifact': {
        // Artifacts are immutable: one name per run.
        if (artifacts.some((a) => a.runBackendId === run && a.name === name)) return [409, { code: 'already_exists', msg: `an artifact named ${name} exists in this run` }];
        const id = nextId++;
        const blob = `/blob/artifacts/${id}`;
        artifacts.push({ id, runBackendId: run, jobBackendId: job, name, blob, createdAt: created(), finalized: false, size: 0, hash: undefined });
        return [200, { ok: true, signed_upload_url: `${origin}${blob}?sv=2026-04-06&sp=cw&sig=fake` }];
      }
      case 'FinalizeArtifact': {
        const entry = artifacts.find((a) => a.runBackendId === run && a.name === name && !a.finalized);
        if (!entry || !blobs.has(entry.blob)) return [200, { ok: false, artifact_id: '0' }];
        entry.finalized = true;
        entry.size = Number(body.size ?? 0);
        entry.hash = typeof body.hash === 'string' ? body.hash : undefined;
        return [200, { ok: true, artifact_id: String(entry.id) }];
      }
      case 'ListArtifacts': {
        const filterName = (body.name_filter as string | undefined) ?? undefined;
        const list = artifacts.filter((a) => a.finalized && a.runBackendId === run && (filterName === undefined || a.name === filterName));
        return [200, { artifacts: list.map((a) => ({ workflow_run_backend_id: a.runBackendId, workflow_job_run_backend_id: a.jobBackendId, database_id: String(a.id), name: a.name, size: String(a.size), created_at: new Date(a.createdAt / 1000).toISOString() })) }];
      }
      case 'GetSignedArtifactURL': {
        const entry = artifacts.find((a) => a.finalized && a.runBackendId === run && a.name === name);
        if (!entry) return [404, { code: 'not_found', msg: 'artifact not found' }];
        return [200, { signed_url: `${origin}${entry.blob}?sv=2026-04-06&sp=r&sig=fake` }];
      }
      default:
        return [404, { code: 'bad_route', msg: `no method ${method}` }];
    }
  };

  const handleBlob = (req: IncomingMessage, url: URL, body: Buffer): [number, Record<string, string>, Buffer | undefined] => {
    const path = url.pathname;
    const headers = { etag: `"0x${(clock++).toString(16)}"`, 'last-modified': new Date().toUTCString(), 'x-ms-request-id': String(clock), 'x-ms-version': '2026-04-06', 'x-ms-request-server-encrypted': 'true' };
    if (req.method === 'PUT') {
      const comp = url.searchParams.get('comp');
      const blobType = req.headers['x-ms-blob-content-type'];
      if (typeof blobType === 'string' && comp !== 'block') contentTypes.set(path, blobType);
      if (comp === 'block') {
        const id = url.searchParams.get('blockid') ?? '';
        const map = blocks.get(path) ?? new Map<string, Buffer>();
        map.set(id, body);
        blocks.set(path, map);
        return [201, headers, undefined];
      }
      if (comp === 'blocklist') {
        const ids = [...body.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g)].map((m) => m[1] as string);
        const map = blocks.get(path) ?? new Map<string, Buffer>();
        const missing = ids.find((id) => !map.has(id));
        if (missing !== undefined) return [400, { 'x-ms-error-code': 'InvalidBlockList' }, Buffer.from('InvalidBlockList')];
        blobs.set(path, Buffer.concat(ids.map((id) => map.get(id) as Buffer)));
        blocks.delete(path);
        return [201, headers, undefined];
      }
      if (comp === null) {
        blobs.set(path, body);
        return [201, headers, undefined];
      }
      return [400, {}, Buffer.from(`unsupported comp=${comp}`)];
    }
    const data = blobs.get(path);
    if (!data) return [404, { 'x-ms-error-code': 'BlobNotFound' }, Buffer.from('BlobNotFound')];
    const out = { ...headers, 'content-type': contentTypes.get(path) ?? 'application/octet-stream', 'content-length': String(data.length), 'accept-ranges': 'bytes' };
    return [200, out, req.method === 'HEAD' ? undefined : data];
  };

  const handleRest = (url: URL): [number, Record<string, string>, unknown] | undefined => {
    const list = /^\/repos\/([^/]+)\/([^/]+)\/actions\/artifacts$/.exec(url.pathname);
    if (list) {
      const name = url.searchParams.get('name');
      const items = artifacts
        .filter((a) => a.finalized && (name === null || a.name === name))
        .sort((a, b) => b.createdAt - a.createdAt)
        .map((a) => ({ id: a.id, name: a.name, size_in_bytes: a.size, expired: false, created_at: new Date(a.createdAt / 1000).toISOString(), workflow_run: { id: Number(a.runBackendId) } }));
      return [200, { 'content-type': 'application/json' }, { total_count: items.length, artifacts: items }];
    }
    const zip = /^\/repos\/([^/]+)\/([^/]+)\/actions\/artifacts\/(\d+)\/zip$/.exec(url.pathname);
    if (zip) {
      const entry = artifacts.find((a) => a.finalized && a.id === Number(zip[3]));
      if (!entry) return [404, { 'content-type': 'application/json' }, { message: 'Not Found' }];
      return [302, { location: `${origin}${entry.blob}?sv=2026-04-06&sp=r&sig=fake` }, undefined];
    }
    return undefined;
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', origin);
      log.push(`${req.method ?? 'GET'} ${url.pathname}${url.search.replace(/sig=[^&]*/, 'sig=***')}`);
      const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
        const payload = Buffer.from(JSON.stringify(value));
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(payload.length), ...headers });
        res.end(payload);
      };
      try {
        const isCacheCall = url.pathname.startsWith(CACHE) || url.pathname.startsWith('/blob/cache/');
        const isArtifactCall = url.pathname.startsWith(ARTIFACT) || url.pathname.startsWith('/blob/artifacts/');
        const mode = isCacheCall ? service.cacheMode : isArtifactCall ? service.artifactMode : 'ok';
        if (mode === 'hang') return;
        if (mode === 'reset') return void req.socket.destroy();
        if (mode === 'unavailable') return json(503, { code: 'unavailable', msg: 'service unavailable (test)' });
        if (url.pathname.startsWith(CACHE) || url.pathname.startsWith(ARTIFACT)) {
          const isCache = url.pathname.startsWith(CACHE);
          if ((isCache ? service.cacheMode : service.artifactMode) === 'down') return json(501, { code: 'unimplemented', msg: 'service down (test)' });
          const method = url.pathname.slice((isCache ? CACHE : ARTIFACT).length);
          const parsed = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
          const [status, value] = isCache ? twirpCache(method, parsed) : twirpArtifact(method, parsed);
          return json(status, value);
        }
        if (url.pathname.startsWith('/blob/')) {
          const isCache = url.pathname.startsWith('/blob/cache/');
          if ((isCache ? service.cacheMode : service.artifactMode) === 'down') return json(503, { message: 'down (test)' });
          const [status, headers, payload] = handleBlob(req, url, body);
          res.writeHead(status, payload && !('content-length' in headers) ? { ...headers, 'content-length': String(payload.length) } : headers);
          res.end(payload);
          return;
        }
        const rest = handleRest(url);
        if (rest) {
          const [status, headers, value] = rest;
          if (value === undefined) {
            res.writeHead(status, headers);
            res.end();
          } else json(status, value, headers);
          return;
        }
        json(404, { message: `no route ${url.pathname}` });
      } catch (error) {
        json(500, { code: 'internal', msg: error instanceof Error ? error.message : String(error) });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  (service as { url: string }).url = `${origin}/`;
  return service;
}
