/**
 * `environments`, `deployments` and `pull_request_events` against the simulator: full and incremental syncs
 * equal an oracle computed here from the simulator's ground truth (the default rules written out again, not
 * imported), deployments that finish between runs included; steps are read only for pipelines a rule may
 * match; a run where nothing changed costs the listing pages and nothing more.
 */
import type { CloudObject, CloudTruth } from '@bbsync/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { differences, startHarness, type Harness } from './testing/harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const HOUR = 3_600_000;
const DEPLOYMENT_STREAMS = ['environments', 'deployments'];

type Obj = Record<string, any>;
type Expected = Map<string, Record<string, unknown>>;

/** Completed results onto the record's states (spec: SUCCESSFUL, FAILED, STOPPED; ERROR fails, EXPIRED stops). */
function stateOf(completed: boolean, result: string | undefined): string {
  if (!completed) return 'IN_PROGRESS';
  return result === 'SUCCESSFUL' ? 'SUCCESSFUL' : result === 'STOPPED' || result === 'EXPIRED' ? 'STOPPED' : 'FAILED';
}

function expectedEnvironments(truth: CloudTruth): Expected {
  const out: Expected = new Map();
  for (const [repository, environments] of Object.entries(truth.environments)) {
    for (const e of environments as Obj[]) {
      out.set(`${repository}:${e.uuid}`, {
        type: e.type,
        uuid: e.uuid,
        name: e.name,
        slug: e.slug,
        rank: e.rank,
        hidden: e.hidden,
        environment_type: { name: e.environment_type.name, rank: e.environment_type.rank },
        category: { name: e.category.name },
        repository_uuid: repository,
      });
    }
  }
  return out;
}

/** The oracle: Deployments API records where a repository has them, else the two default rules. */
function expectedDeployments(truth: CloudTruth): { records: Expected; stepReads: number } {
  const records: Expected = new Map();
  let stepReads = 0;
  for (const repository of truth.repositories as Obj[]) {
    const uuid = repository.uuid as string;
    const api = (truth.deployments[uuid] ?? []) as Obj[];
    if (api.length > 0) {
      const environments = new Map(((truth.environments[uuid] ?? []) as Obj[]).map((e) => [e.uuid, e]));
      for (const d of api) {
        const environment = environments.get(d.environment.uuid) as Obj;
        const completed = d.state.name === 'COMPLETED';
        records.set(`${uuid}:${d.uuid}`, {
          id: d.uuid,
          repository: uuid,
          environment: environment.name,
          environment_type: environment.environment_type.name,
          state: completed ? d.state.status.name : 'IN_PROGRESS',
          started_on: d.state.start_date,
          completed_on: completed ? d.state.completion_date : null,
          commit: d.release.commit.hash,
          pipeline: d.release.pipeline.uuid,
          origin: 'deployments-api',
          rule: null,
        });
      }
      continue;
    }
    const main = repository.mainbranch?.name as string;
    for (const p of (truth.pipelines[uuid] ?? []) as Obj[]) {
      const selector = p.target.selector as Obj;
      const completed = p.state.name === 'COMPLETED';
      const base = { repository: uuid, commit: p.target.commit.hash, pipeline: p.uuid, origin: 'inferred' };
      if (selector.type === 'custom' && String(selector.pattern).startsWith('deploy-')) {
        const environment = String(selector.pattern).slice('deploy-'.length);
        records.set(`${uuid}:${p.uuid}`, {
          ...base,
          id: p.uuid,
          environment,
          environment_type: environment === 'prod' ? 'Production' : environment === 'staging' ? 'Staging' : null,
          state: stateOf(completed, p.state.result?.name),
          started_on: p.created_on,
          completed_on: completed ? p.completed_on : null,
          rule: 'custom-deploy',
        });
        continue;
      }
      if (p.target.ref_name !== main) continue;
      stepReads++;
      for (const step of (truth.pipelineSteps[uuid]?.[p.uuid] ?? []) as Obj[]) {
        if (!/^(deploy|release)/i.test(step.name) || step.started_on === undefined) continue;
        const stepCompleted = step.state.name === 'COMPLETED';
        records.set(`${uuid}:${p.uuid}:${step.uuid}`, {
          ...base,
          id: `${p.uuid}:${step.uuid}`,
          environment: 'production',
          environment_type: 'Production',
          state: stateOf(stepCompleted, step.state.result?.name),
          started_on: step.started_on,
          completed_on: stepCompleted ? step.completed_on : null,
          rule: 'deploy-step',
        });
      }
    }
  }
  return { records, stepReads };
}

/** The timeline oracle: the pull request, its visible activity and its listed commits. */
function expectedEvents(truth: CloudTruth, listedBots: readonly string[]): Expected {
  const out: Expected = new Map();
  for (const [repository, pullRequests] of Object.entries(truth.pullrequests)) {
    for (const pr of pullRequests as Obj[]) {
      const author = pr.author?.uuid ?? null;
      const put = (id: string, kind: string, at: string, user: Obj | null | undefined) => {
        const actor = user?.uuid ?? null;
        out.set(`${repository}:${pr.id}:${id}`, {
          id,
          pull_request: pr.id,
          repository,
          at,
          kind,
          actor,
          is_author: actor !== null && actor === author,
          is_bot: user?.type === 'app_user' || listedBots.includes(user?.display_name),
        });
      };
      put('opened', 'opened', pr.created_on, pr.author);
      for (const item of (truth.activity[`${repository}#${pr.id}`] ?? []) as Obj[]) {
        if (item.comment) put(`commented:${item.comment.id}`, 'commented', item.comment.created_on, item.comment.user);
        else if (item.approval) put(`approved:${item.approval.user.uuid}:${item.approval.date}`, 'approved', item.approval.date, item.approval.user);
        else if (item.changes_request) put(`changes_requested:${item.changes_request.user.uuid}:${item.changes_request.date}`, 'changes_requested', item.changes_request.date, item.changes_request.user);
        else if (item.update?.state === 'MERGED') put(`merged:${item.update.date}`, 'merged', item.update.date, item.update.author);
        else if (item.update?.state === 'DECLINED') put(`declined:${item.update.date}`, 'declined', item.update.date, item.update.author);
      }
      for (const commit of (truth.prCommits[`${repository}#${pr.id}`] ?? []) as Obj[]) put(`commit_pushed:${commit.hash}`, 'commit_pushed', commit.date, commit.author?.user);
    }
  }
  return out;
}

async function expectDeploymentsTruth(h: Harness): Promise<Map<string, Record<string, unknown>>> {
  const snapshot = await h.snapshot();
  const truth = h.sim.cloud.groundTruth();
  expect(differences(snapshot.get('environments'), expectedEnvironments(truth)).slice(0, 5), 'environments').toEqual([]);
  const deployments = snapshot.get('deployments') ?? new Map();
  expect(differences(deployments, expectedDeployments(truth).records).slice(0, 5), 'deployments').toEqual([]);
  return deployments;
}

/** Every in-progress deployment and unfinished pipeline, finished (so that nothing is left to revisit). */
function settle(h: Harness): void {
  const truth = h.sim.cloud.groundTruth();
  const control = h.sim.cloud.control;
  for (const repository of truth.repositories as Obj[]) {
    for (const d of (truth.deployments[repository.uuid] ?? []) as Obj[]) {
      if (d.state.name !== 'COMPLETED' && d.step === null) control.finishDeployment(repository.slug, d.uuid, 'SUCCESSFUL');
    }
    for (const p of (truth.pipelines[repository.uuid] ?? []) as Obj[]) if (p.state.name !== 'COMPLETED') control.finishPipeline(repository.slug, p.uuid, 'SUCCESSFUL');
  }
}

describe('deployments', () => {
  it('a full sync equals the oracle, every default rule and every state included, steps read only where a rule may match', async () => {
    const h = (harness = await startHarness({ size: 'small' }));
    const run = await h.run({ streams: DEPLOYMENT_STREAMS });
    expect(run.manifest.status, JSON.stringify(run.manifest.errors)).toBe('complete');
    const deployments = await expectDeploymentsTruth(h);
    const records = [...deployments.values()];
    expect(new Set(records.map((r) => `${String(r.origin)}:${String(r.rule)}`))).toEqual(new Set(['deployments-api:null', 'inferred:custom-deploy', 'inferred:deploy-step']));
    expect(new Set(records.map((r) => r.state))).toEqual(new Set(['SUCCESSFUL', 'FAILED', 'STOPPED', 'IN_PROGRESS']));
    const steps = h.sim.cloud.requestLog().filter((entry) => entry.endpoint.endsWith('/steps')).length;
    console.log(`deployments, full sync: ${run.requests} requests, ${steps} steps listings, ${deployments.size} deployments (${JSON.stringify(run.byEndpoint)})`);
    expect(steps).toBe(expectedDeployments(h.sim.cloud.groundTruth()).stepReads);
  });

  it.each([true, false])('incremental runs pick up new deployments and revisit unfinished ones until they are final (listing newest first: %s)', async (newestFirst) => {
    const h = (harness = await startHarness({ size: 'tiny', config: { pageSizes: { pipelines: 2 } } }));
    // The listing's order is undocumented: the result must not depend on it.
    h.sim.cloud.control.setDeploymentOrder({ newestFirst });
    expect((await h.run({ streams: DEPLOYMENT_STREAMS })).manifest.status).toBe('complete');
    await expectDeploymentsTruth(h);
    const control = h.sim.cloud.control;
    const truth = h.sim.cloud.groundTruth();
    const [api, unused, none] = control.repositories() as [string, string, string];
    const inProgress = (truth.deployments[(truth.repositories[0] as Obj).uuid] ?? []).find((d) => (d.state as Obj).name !== 'COMPLETED') as Obj;

    control.advance(HOUR);
    control.finishDeployment(api, inProgress.uuid, 'FAILED');
    const running = control.addDeployment(api, { environment: 'Production' });
    const rollback = control.addDeployment(api, { environment: 'Production', release: (truth.deployments[(truth.repositories[0] as Obj).uuid]?.at(-1) as Obj).release.pipeline.uuid, finishAfterMs: 30 * 60_000 });
    const custom = control.startDeployPipeline(unused, { custom: 'deploy-staging' });
    const stepped = control.startDeployPipeline(none, { steps: ['Build', 'Release'] });
    const preview = control.startDeployPipeline(none, { steps: ['Build', 'Deploy preview'], branch: undefined });
    control.advance(60_000);
    expect((await h.run({ streams: DEPLOYMENT_STREAMS })).manifest.status).toBe('complete');
    const second = await expectDeploymentsTruth(h);
    expect([...second.values()].filter((r) => r.state === 'IN_PROGRESS').length).toBeGreaterThanOrEqual(4);

    control.advance(HOUR);
    control.finishDeployment(api, running, 'SUCCESSFUL');
    // The rollback finishes by itself as the clock passes its end: no control call.
    control.finishPipeline(unused, custom, 'FAILED');
    control.finishPipeline(none, stepped, 'SUCCESSFUL');
    control.finishPipeline(none, preview, 'SUCCESSFUL');
    control.advance(60_000);
    expect((await h.run({ streams: DEPLOYMENT_STREAMS })).manifest.status).toBe('complete');
    const third = await expectDeploymentsTruth(h);
    for (const id of [running, rollback]) expect(third.get(`${(truth.repositories[0] as Obj).uuid}:${id}`)?.state).not.toBe('IN_PROGRESS');

    // The repository that had environments but no deployment starts using the Deployments API: it wins, and what
    // was inferred for that repository leaves the dataset.
    const unusedUuid = (truth.repositories[1] as Obj).uuid as string;
    expect([...third.values()].some((r) => r.repository === unusedUuid && r.origin === 'inferred')).toBe(true);
    control.advance(HOUR);
    control.addDeployment(unused, { environment: 'Staging', status: 'SUCCESSFUL' });
    control.advance(60_000);
    expect((await h.run({ streams: DEPLOYMENT_STREAMS })).manifest.status).toBe('complete');
    const fourth = await expectDeploymentsTruth(h);
    expect([...fourth.values()].filter((r) => r.repository === unusedUuid).map((r) => r.origin)).toEqual(['deployments-api']);
  });

  it('a run where nothing changed costs the environments page and one listing page per repository', async () => {
    const h = (harness = await startHarness({ size: 'small' }));
    settle(h);
    await h.run({ streams: DEPLOYMENT_STREAMS });
    h.sim.cloud.control.advance(HOUR);
    const idle = await h.run({ streams: DEPLOYMENT_STREAMS });
    expect(idle.manifest.status).toBe('complete');
    const truth = h.sim.cloud.groundTruth();
    // The repository listing, then per repository: environments, and the deployments page where there are
    // environments, and the pipelines page where the Deployments API has no record.
    let expected = 1;
    for (const repository of truth.repositories as Obj[]) {
      const environments = (truth.environments[repository.uuid] ?? []).length > 0;
      const api = (truth.deployments[repository.uuid] ?? []).length > 0;
      expected += 1 + (environments ? 1 : 0) + (api ? 0 : 1);
    }
    console.log(`deployments, nothing changed: ${idle.requests} requests for ${truth.repositories.length} repositories (${JSON.stringify(idle.byEndpoint)})`);
    expect(idle.requests, JSON.stringify(idle.byEndpoint)).toBe(expected);
    await expectDeploymentsTruth(h);
  });

  it('the opt-in rule makes every successful default-branch pipeline a production deployment', async () => {
    const h = (harness = await startHarness({ size: 'tiny', config: { deployments: { rules: [], everyDefaultBranchPipeline: true } } }));
    expect((await h.run({ streams: ['deployments'] })).manifest.status).toBe('complete');
    const snapshot = await h.snapshot();
    const truth = h.sim.cloud.groundTruth();
    // The Deployments API still wins where it has records.
    const expected: Expected = new Map([...expectedDeployments(truth).records].filter(([, record]) => record.origin === 'deployments-api'));
    for (const repository of truth.repositories as Obj[]) {
      if ((truth.deployments[repository.uuid] ?? []).length > 0) continue;
      for (const p of (truth.pipelines[repository.uuid] ?? []) as Obj[]) {
        if (p.target.ref_name !== repository.mainbranch.name || p.state.name !== 'COMPLETED' || p.state.result?.name !== 'SUCCESSFUL') continue;
        expected.set(`${repository.uuid}:${p.uuid}`, {
          id: p.uuid,
          repository: repository.uuid,
          environment: 'production',
          environment_type: 'Production',
          state: 'SUCCESSFUL',
          started_on: p.created_on,
          completed_on: p.completed_on,
          commit: p.target.commit.hash,
          pipeline: p.uuid,
          origin: 'inferred',
          rule: 'default-branch-success',
        });
      }
    }
    expect(expected.size).toBeGreaterThan(0);
    expect(differences(snapshot.get('deployments'), expected).slice(0, 5)).toEqual([]);
    // No step rule: no steps read.
    expect(h.sim.cloud.requestLog().filter((entry) => entry.endpoint.endsWith('/steps'))).toEqual([]);
  });
});

const PR_STREAMS = ['pull_requests', 'pull_request_activity', 'pull_request_comments', 'pull_request_commits'];

describe('pull_request_events', () => {
  /** A first sync, scripted activity of every kind (bots included), an incremental sync; the requests of each. */
  async function scenario(h: Harness, streams: readonly string[], check: (h: Harness) => Promise<void>): Promise<number[]> {
    const control = h.sim.cloud.control;
    const [a, b, c] = control.repositories() as [string, string, string];
    const listedBot = control.addMember({ displayName: 'Listed Bot', nickname: 'listedbot' });
    const bot = control.addBot({ displayName: 'Deploy Bot' });
    const withdrawn = control.openPullRequest(c, { author: 1, reviewers: [0], commits: 1 });
    control.approvePullRequest(c, withdrawn, 0);
    const first = await h.run({ streams });
    expect(first.manifest.status, JSON.stringify(first.manifest.errors)).toBe('complete');
    await check(h);
    control.advance(HOUR);
    const opened = control.openPullRequest(a, { author: 2, commits: 2 });
    control.commentOnPullRequest(a, opened, { text: 'CI passed', user: bot });
    control.approvePullRequest(a, opened, bot);
    control.commentOnPullRequest(a, opened, { text: 'lgtm', user: listedBot });
    control.requestChanges(a, opened, 3);
    control.updatePullRequest(a, opened, { pushCommits: 1 });
    control.commentOnPullRequest(a, opened, { text: 'replying', user: 2 });
    control.mergePullRequest(a, opened, 3);
    const declined = control.openPullRequest(b, { author: 1, commits: 1 });
    control.declinePullRequest(b, declined, 1);
    control.unapprovePullRequest(c, withdrawn, 0);
    control.advance(60_000);
    const second = await h.run({ streams });
    expect(second.manifest.status).toBe('complete');
    await check(h);
    return [first.requests, second.requests];
  }

  it('full and incremental syncs equal the timeline oracle, bots by account type and by the configured list, at no extra request', async () => {
    const listed = ['Listed Bot'];
    const h = (harness = await startHarness({ size: 'tiny', config: { bots: listed } }));
    const kinds = new Set<unknown>();
    const withEvents = await scenario(h, [...PR_STREAMS, 'pull_request_events'], async (run) => {
      const expected = expectedEvents(run.sim.cloud.groundTruth(), listed);
      expect(differences((await run.snapshot()).get('pull_request_events'), expected).slice(0, 5)).toEqual([]);
      expect([...expected.values()].some((event) => event.is_bot === true)).toBe(true);
      for (const event of expected.values()) kinds.add(event.kind);
    });
    for (const kind of ['opened', 'commit_pushed', 'commented', 'approved', 'changes_requested', 'merged', 'declined']) expect(kinds, kind).toContain(kind);
    await h.close();
    // The same world and script without the timeline spends exactly the same requests.
    const plain = (harness = await startHarness({ size: 'tiny', config: { bots: listed } }));
    expect(await scenario(plain, PR_STREAMS, async () => {})).toEqual(withEvents);
  });
});

export type { CloudObject };
