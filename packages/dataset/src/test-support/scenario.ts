/**
 * The oracle scenario: hand-written Cloud records at exact times (pull request lifecycles, commits, deployments),
 * written as a snapshot folder. The expected figures are worked out by hand in `oracle.test.ts`, not by code.
 *
 * Repository R, people: Alice (author), Bob and Carol (reviewers), ci-bot (an app user).
 *   PR 1  author comments only, a bot approval, then Bob comments and approves (pickup 4 h, review 6 h)
 *   PR 2  opened as a draft, ready 6 h later, Carol approves (draft time excluded)
 *   PR 3  merged without review (only the bot approved)
 *   PR 4  force-pushed (the first commit is gone), Bob requests changes then approves
 *   PR 5  a revert of PR 1, reviewed quickly
 *   PR 6  declined; PR 7 still open; PR 8 merged in the week before
 *   Production: D0 (Feb 20) ok, D1 ships PR 1+2, D2 fails, D3 (a fix) ok, D4 ships PR 4 + the revert; one staging deploy.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const REPO = '{00000000-0000-4000-8000-000000000001}';
const user = (name: string, uuid: string, type = 'user') => ({ display_name: name, type, uuid: `{${uuid}}`, account_id: `acct-${name}`, nickname: name.toLowerCase().replace(/ /g, '') });
export const ALICE = user('Alice', '00000000-0000-4000-8000-00000000000a');
export const BOB = user('Bob', '00000000-0000-4000-8000-00000000000b');
export const CAROL = user('Carol', '00000000-0000-4000-8000-00000000000c');
export const BOT = user('ci-bot', '00000000-0000-4000-8000-0000000000b0', 'app_user');

export const AS_OF = '2026-03-01T00:00:00.000Z';
const SYNCED = AS_OF;

interface Envelope {
  stream: string;
  key: string;
  partition: string;
  synced_at: string;
  deleted: boolean;
  data: unknown;
}

/** A commit hash by label (the SHA-1 of the label: 40 hex characters, distinct per label). */
const hash = (label: string) => createHash('sha1').update(label).digest('hex');
/** Commit hashes by label. */
export const H = new Proxy({} as Record<string, string>, { get: (_, label: string) => hash(label) });

function record(stream: string, key: string, data: unknown, partition = REPO): Envelope {
  return { stream, key, partition, synced_at: SYNCED, deleted: false, data };
}

function commit(label: string, at: string, parents: string[], author = ALICE, message = `Commit ${label}\n`) {
  return {
    type: 'commit',
    hash: H[label],
    date: at.replace('Z', '+00:00'),
    author: { raw: `${author.display_name} <${author.nickname}@example.com>`, user: author },
    message,
    parents: parents.map((p) => ({ hash: H[p] })),
    repository_uuid: REPO,
  };
}

interface PrSpec {
  id: number;
  state: 'OPEN' | 'MERGED' | 'DECLINED';
  opened: string;
  closed?: string;
  merge?: string;
  source: string;
  draft?: boolean;
  commits: [label: string, at: string][];
  /** [kind, at, who] */
  events: [string, string, typeof ALICE][];
}

const PRS: PrSpec[] = [
  {
    id: 1, state: 'MERGED', opened: '2026-02-23T10:00:00Z', closed: '2026-02-23T20:00:00Z', merge: 'm1', source: 'c1a',
    commits: [['c1a', '2026-02-23T08:00:00Z']],
    events: [
      ['approved', '2026-02-23T10:30:00Z', BOT],
      ['commented', '2026-02-23T11:00:00Z', ALICE],
      ['commented', '2026-02-23T14:00:00Z', BOB],
      ['approved', '2026-02-23T16:00:00Z', BOB],
    ],
  },
  {
    id: 2, state: 'MERGED', opened: '2026-02-24T09:00:00Z', closed: '2026-02-24T21:00:00Z', merge: 'm2', source: 'c2a', draft: true,
    commits: [['c2a', '2026-02-24T06:00:00Z']],
    events: [
      ['draft', '2026-02-24T09:00:00Z', ALICE],
      ['ready_for_review', '2026-02-24T15:00:00Z', ALICE],
      ['approved', '2026-02-24T17:00:00Z', CAROL],
    ],
  },
  {
    id: 3, state: 'MERGED', opened: '2026-02-25T11:00:00Z', closed: '2026-02-25T13:00:00Z', merge: 'm3', source: 'c3a',
    commits: [['c3a', '2026-02-25T10:00:00Z']],
    events: [['approved', '2026-02-25T12:00:00Z', BOT]],
  },
  {
    id: 4, state: 'MERGED', opened: '2026-02-26T10:00:00Z', closed: '2026-02-26T18:00:00Z', merge: 'm4', source: 'c4c',
    // c4a (07:00) was force-pushed away: the pull request's commits are what its branch holds now.
    commits: [['c4b', '2026-02-26T09:00:00Z'], ['c4c', '2026-02-26T12:00:00Z']],
    events: [
      ['commit_pushed', '2026-02-26T12:00:00Z', ALICE],
      ['changes_requested', '2026-02-26T13:00:00Z', BOB],
      ['approved', '2026-02-26T15:00:00Z', BOB],
    ],
  },
  {
    id: 5, state: 'MERGED', opened: '2026-02-27T09:30:00Z', closed: '2026-02-27T10:30:00Z', merge: 'm5', source: 'r5',
    commits: [['r5', '2026-02-27T09:00:00Z']],
    events: [['approved', '2026-02-27T10:00:00Z', BOB]],
  },
  { id: 6, state: 'DECLINED', opened: '2026-02-24T10:00:00Z', closed: '2026-02-25T10:00:00Z', source: 'c6a', commits: [['c6a', '2026-02-24T09:00:00Z']], events: [['commented', '2026-02-24T12:00:00Z', BOB]] },
  { id: 7, state: 'OPEN', opened: '2026-02-28T10:00:00Z', source: 'c7a', commits: [['c7a', '2026-02-28T09:00:00Z']], events: [] },
  {
    id: 8, state: 'MERGED', opened: '2026-02-19T10:00:00Z', closed: '2026-02-19T14:00:00Z', merge: 'm8', source: 'c8a',
    commits: [],
    events: [['commented', '2026-02-19T11:00:00Z', CAROL]],
  },
];

const MAIN_COMMITS: [label: string, at: string, parents: string[], message?: string][] = [
  ['b0', '2026-02-20T00:00:00Z', []],
  ['c1a', '2026-02-23T08:00:00Z', ['b0']],
  ['m1', '2026-02-23T20:00:00Z', ['b0', 'c1a']],
  ['c2a', '2026-02-24T06:00:00Z', ['m1']],
  ['m2', '2026-02-24T21:00:00Z', ['m1', 'c2a']],
  ['c3a', '2026-02-25T10:00:00Z', ['m2']],
  ['m3', '2026-02-25T13:00:00Z', ['m2', 'c3a']],
  ['f1', '2026-02-25T17:00:00Z', ['m3'], 'Fix the production config\n'],
  ['c4b', '2026-02-26T09:00:00Z', ['f1']],
  ['c4c', '2026-02-26T12:00:00Z', ['c4b']],
  ['m4', '2026-02-26T18:00:00Z', ['f1', 'c4c']],
  ['r5', '2026-02-27T09:00:00Z', ['m4'], `Revert "Add feature one"\n\nThis reverts commit ${hash('m1')}.\n`],
  ['m5', '2026-02-27T10:30:00Z', ['m4', 'r5']],
];

const DEPLOYMENTS: [key: string, env: string, type: string, state: string, completed: string, commit: string][] = [
  ['d0', 'production', 'production', 'SUCCESSFUL', '2026-02-20T01:00:00Z', 'b0'],
  ['d1', 'production', 'production', 'SUCCESSFUL', '2026-02-25T00:00:00Z', 'm2'],
  ['d2', 'production', 'production', 'FAILED', '2026-02-25T16:00:00Z', 'm3'],
  ['d3', 'production', 'production', 'SUCCESSFUL', '2026-02-25T18:00:00Z', 'f1'],
  ['s1', 'staging', 'staging', 'SUCCESSFUL', '2026-02-26T19:00:00Z', 'm4'],
  ['d4', 'production', 'production', 'SUCCESSFUL', '2026-02-27T12:00:00Z', 'm5'],
];

function pullRequest(pr: PrSpec) {
  return {
    type: 'pullrequest',
    id: pr.id,
    title: `PR ${pr.id}`,
    state: pr.state,
    author: ALICE,
    created_on: pr.opened.replace('Z', '.000000+00:00'),
    updated_on: (pr.closed ?? pr.opened).replace('Z', '.000000+00:00'),
    source: { branch: { name: `feature/${pr.id}` }, commit: { hash: H[pr.source]?.slice(0, 12), hash_full: H[pr.source] } },
    destination: { branch: { name: 'main' }, commit: { hash: H['b0']?.slice(0, 12), hash_full: H['b0'] } },
    merge_commit: pr.merge ? { hash: H[pr.merge]?.slice(0, 12), hash_full: H[pr.merge] } : null,
    draft: false,
    participants: [],
    repository_uuid: REPO,
  };
}

/** Every record of the scenario. `withEvents`: a `pull_request_events` stream; else the Cloud activity stream. */
export function scenarioRecords(options: { readonly withEvents: boolean }): Envelope[] {
  const out: Envelope[] = [];
  out.push(record('repositories', REPO, { type: 'repository', uuid: REPO, full_name: 'acme/r', name: 'r', slug: 'r', project: { key: 'P' }, mainbranch: { name: 'main' } }, ''));
  for (const member of [ALICE, BOB, CAROL, BOT]) out.push(record('workspace_members', member.uuid, { user: member, workspace: { slug: 'acme' } }, ''));
  for (const pr of PRS) {
    out.push(record('pull_requests', `${REPO}:${pr.id}`, pullRequest(pr)));
    for (const [label, at] of pr.commits) {
      out.push(record('pull_request_commits', `${REPO}:${pr.id}:${H[label]}`, { ...commit(label, at, []), pull_request_id: pr.id }));
    }
    if (options.withEvents) {
      const timeline: [string, string, typeof ALICE][] = [['opened', pr.opened, ALICE], ...pr.events];
      if (pr.state === 'MERGED' && pr.closed) timeline.push(['merged', pr.closed, BOB]);
      if (pr.state === 'DECLINED' && pr.closed) timeline.push(['declined', pr.closed, BOB]);
      timeline.forEach(([kind, at, who], i) => {
        out.push(
          record('pull_request_events', `${REPO}:${pr.id}:${i}`, {
            pull_request: pr.id, repository: REPO, at, kind, actor: who, is_author: who === ALICE, is_bot: who === BOT,
          }),
        );
      });
    } else {
      for (const [kind, at, who] of pr.events) {
        const date = at.replace('Z', '.000000+00:00');
        const data =
          kind === 'approved' ? { approval: { date, user: who, pullrequest: { id: pr.id } } }
          : kind === 'changes_requested' ? { changes_request: { date, user: who, pullrequest: { id: pr.id } } }
          : kind === 'commented' ? { comment: { id: pr.id * 100 + out.length, created_on: date, user: who, content: { raw: 'hm' } } }
          : undefined;
        if (data) out.push(record('pull_request_activity', `${REPO}:${pr.id}:${kind}:${who.uuid}:${date}`, { ...data, pull_request: { id: pr.id }, repository_uuid: REPO, pull_request_id: pr.id }));
      }
      if (pr.closed && pr.state !== 'OPEN') {
        const date = pr.closed.replace('Z', '.000000+00:00');
        out.push(record('pull_request_activity', `${REPO}:${pr.id}:update:${BOB.uuid}:${date}`, { update: { state: pr.state, date, author: BOB }, pull_request: { id: pr.id }, repository_uuid: REPO, pull_request_id: pr.id }));
      }
    }
  }
  for (const [label, at, parents, message] of MAIN_COMMITS) out.push(record('commits', `${REPO}:${H[label]}`, commit(label, at, parents, ALICE, message)));
  for (const [key, environment, type, state, completed, sha] of DEPLOYMENTS) {
    const started = new Date(Date.parse(completed) - 10 * 60_000).toISOString();
    out.push(
      record('deployments', `${REPO}:${key}`, {
        repository: REPO, environment, environment_type: type, state, started_on: started, completed_on: completed, commit: H[sha], pipeline: null, origin: 'deployments-api', rule: null,
      }),
    );
  }
  return out;
}

/** Writes records as a snapshot folder (`streams/<stream>/merged.1.jsonl.gz`). */
export async function writeSnapshot(dir: string, records: readonly Envelope[]): Promise<string> {
  const byStream = new Map<string, string[]>();
  for (const r of records) {
    const lines = byStream.get(r.stream) ?? [];
    lines.push(JSON.stringify(r));
    byStream.set(r.stream, lines);
  }
  for (const [stream, lines] of byStream) {
    await mkdir(join(dir, 'streams', stream), { recursive: true });
    await writeFile(join(dir, 'streams', stream, 'merged.1.jsonl.gz'), gzipSync(`${lines.join('\n')}\n`));
  }
  return dir;
}
