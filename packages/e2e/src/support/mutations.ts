/**
 * Seeded changes to the simulator's data through its control API, made between a killed run and the next one:
 * pushes, new pull requests and comments, merges, declines, approvals, pipelines, repository renames (Cloud),
 * new and deleted repositories. The ground truth moves with them, so the merged output of all runs must end equal
 * to the data as it is after the last change.
 */
import type { ApiObject, Simulator } from './sim-types.js';
import type { ApiKind } from './sync-job.js';

/** How many repositories a dataset keeps at least (deletions stop there). */
const KEEP_REPOSITORIES = 2;

function pick<T>(items: readonly T[], random: () => number): T | undefined {
  return items.length === 0 ? undefined : items[Math.floor(random() * items.length)];
}

/**
 * Pull requests these changes opened (`<repository uuid or id>#<id>`): only those are merged or declined. The
 * simulator derives the history of its generated pull requests from their close date, so closing one of them
 * rewrites its past activity, which Bitbucket never does (a simulator limit, not a connector's).
 */
export class MutationMemory {
  readonly opened = new Set<string>();
}

/** Makes `count` seeded changes to the data of `api`; returns what was done (for failure messages). */
export function mutateData(api: ApiKind, sim: Simulator, random: () => number, count: number, memory: MutationMemory): string[] {
  const done: string[] = [];
  for (let i = 0; i < count; i++) {
    // Each change happens at a later instant, as real activity does (dates order incremental reads).
    sim.advance(60_000);
    done.push(api === 'cloud' ? mutateCloud(sim, random, memory) : mutateDataCenter(sim, random, memory));
  }
  return done;
}

function mutateCloud(sim: Simulator, random: () => number, memory: MutationMemory): string {
  const control = sim.cloud.control;
  const truth = sim.cloud.groundTruth();
  const repository = pick(truth.repositories, random);
  if (repository === undefined) return 'nothing (no repository)';
  const slug = String(repository.slug);
  const prs = truth.pullrequests[String(repository.uuid)] ?? [];
  const uuid = String(repository.uuid);
  const open = prs.filter((pr) => pr.state === 'OPEN').map((pr) => Number(pr.id));
  const anyPr = pick(
    prs.map((pr) => Number(pr.id)),
    random,
  );
  const openPr = pick(open, random);
  const closable = pick(
    open.filter((id) => memory.opened.has(`${uuid}#${id}`)),
    random,
  );
  const roll = random();
  if (roll < 0.2) return `push ${control.pushCommits(slug, { count: 1 + Math.floor(random() * 3) }).length} to ${slug}`;
  if (roll < 0.32) {
    const id = control.openPullRequest(slug, { commits: 1 + Math.floor(random() * 2) });
    memory.opened.add(`${uuid}#${id}`);
    return `open #${id} in ${slug}`;
  }
  if (roll < 0.44 && anyPr !== undefined) return `comment ${control.commentOnPullRequest(slug, anyPr, { text: 'seen after a kill' })} on ${slug}#${anyPr}`;
  if (roll < 0.56 && closable !== undefined) return `merge ${slug}#${closable} as ${control.mergePullRequest(slug, closable)}`;
  if (roll < 0.64 && closable !== undefined) {
    control.declinePullRequest(slug, closable);
    return `decline ${slug}#${closable}`;
  }
  if (roll < 0.72 && openPr !== undefined) {
    control.updatePullRequest(slug, openPr, { title: `Retitled ${Math.floor(random() * 1e6)}`, pushCommits: 1 });
    return `update ${slug}#${openPr}`;
  }
  if (roll < 0.8) {
    const pipeline = control.startPipeline(slug);
    if (random() < 0.5) control.finishPipeline(slug, pipeline);
    return `pipeline ${pipeline} in ${slug}`;
  }
  if (roll < 0.92) return `rename ${slug} to ${control.renameRepository(slug, `${slug.slice(0, 20)}-r${Math.floor(random() * 1e4)}`)}`;
  if (truth.repositories.length > KEEP_REPOSITORIES) {
    control.deleteRepository(slug);
    return `delete ${slug}`;
  }
  return `push ${control.pushCommits(slug, { count: 1 }).length} to ${slug}`;
}

function mutateDataCenter(sim: Simulator, random: () => number, memory: MutationMemory): string {
  const control = sim.datacenter.control;
  const truth = sim.datacenter.groundTruth();
  const repository = pick(truth.repositories, random);
  if (repository === undefined) return 'nothing (no repository)';
  const projectKey = String((repository.project as ApiObject).key);
  const slug = String(repository.slug);
  const prs = truth.pullRequests[Number(repository.id)] ?? [];
  const openPr = pick(
    prs.filter((pr) => pr.state === 'OPEN').map((pr) => Number(pr.id)),
    random,
  );
  const anyPr = pick(
    prs.map((pr) => Number(pr.id)),
    random,
  );
  const closable = pick(
    prs.filter((pr) => pr.state === 'OPEN' && memory.opened.has(`${String(repository.id)}#${String(pr.id)}`)).map((pr) => Number(pr.id)),
    random,
  );
  const where = `${projectKey}/${slug}`;
  const roll = random();
  if (roll < 0.25) {
    control.pushCommits({ projectKey, slug, count: 1 + Math.floor(random() * 3) });
    return `push to ${where}`;
  }
  if (roll < 0.4) {
    const id = String(control.openPullRequest({ projectKey, slug }).id);
    memory.opened.add(`${String(repository.id)}#${id}`);
    return `open #${id} in ${where}`;
  }
  if (roll < 0.55 && anyPr !== undefined) {
    control.commentPullRequest({ projectKey, slug, id: anyPr, text: 'seen after a kill' });
    return `comment on ${where}#${anyPr}`;
  }
  if (roll < 0.67 && closable !== undefined) {
    control.mergePullRequest({ projectKey, slug, id: closable });
    return `merge ${where}#${closable}`;
  }
  if (roll < 0.75 && closable !== undefined) {
    control.declinePullRequest({ projectKey, slug, id: closable });
    return `decline ${where}#${closable}`;
  }
  if (roll < 0.83 && openPr !== undefined) {
    control.updatePullRequest({ projectKey, slug, id: openPr, title: `Retitled ${Math.floor(random() * 1e6)}` });
    return `update ${where}#${openPr}`;
  }
  if (roll < 0.92) {
    const created = control.createRepository({ projectKey, name: `after-kill-${Math.floor(random() * 1e6)}`, commits: 3 });
    return `create ${projectKey}/${String(created.slug)}`;
  }
  if (truth.repositories.length > KEEP_REPOSITORIES) {
    control.deleteRepository({ projectKey, slug });
    return `delete ${where}`;
  }
  control.pushCommits({ projectKey, slug, count: 1 });
  return `push to ${where}`;
}
