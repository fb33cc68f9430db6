/**
 * Data Center error bodies: `{"errors":[{"context":null,"message":"...","exceptionName":"..."}]}` (RestErrors).
 * Handlers throw `DcApiError`; the router turns it into a response.
 */
import type { RestErrors } from './rest.js';

/** An error response the API sends on purpose. */
export class DcApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly exceptionName: string | null,
    readonly context: string | null = null,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'DcApiError';
  }

  get body(): RestErrors {
    return { errors: [{ context: this.context, message: this.message, exceptionName: this.exceptionName }] };
  }
}

const AUTHORISATION = 'com.atlassian.bitbucket.AuthorisationException';

/**
 * DC answers 401 both for bad credentials and for a missing permission; only the message tells them apart.
 * [spec] DS-narr "Errors & Validation".
 */
export const dcErrors = {
  badCredentials: (): DcApiError => new DcApiError(401, 'Authentication failed. Please check your credentials and try again.', AUTHORISATION, null, { 'www-authenticate': 'Basic realm="Bitbucket"' }),
  notPermitted: (): DcApiError => new DcApiError(401, 'You are not permitted to access this resource', AUTHORISATION),
  notPermittedRepository: (key: string, slug: string): DcApiError => new DcApiError(401, `You are not permitted to access the repository ${key}/${slug}`, AUTHORISATION),
  notPermittedProject: (key: string): DcApiError => new DcApiError(401, `You are not permitted to access the project ${key}`, AUTHORISATION),
  noSuchProject: (key: string): DcApiError => new DcApiError(404, `Project ${key} does not exist.`, 'com.atlassian.bitbucket.project.NoSuchProjectException'),
  noSuchRepository: (key: string, slug: string): DcApiError => new DcApiError(404, `Repository ${key}/${slug} does not exist.`, 'com.atlassian.bitbucket.repository.NoSuchRepositoryException'),
  noSuchPullRequest: (id: string, key: string, slug: string): DcApiError => new DcApiError(404, `Pull request ${id} does not exist in ${key}/${slug}.`, 'com.atlassian.bitbucket.pull.NoSuchPullRequestException'),
  noSuchCommit: (id: string, slug: string): DcApiError => new DcApiError(404, `Commit '${id}' does not exist in repository '${slug}'.`, 'com.atlassian.bitbucket.commit.NoSuchCommitException'),
  noSuchBranch: (ref: string, slug: string): DcApiError => new DcApiError(404, `Repository '${slug}' does not have a branch named '${ref}'.`, 'com.atlassian.bitbucket.repository.NoSuchBranchException'),
  noSuchUser: (slug: string): DcApiError => new DcApiError(404, `User ${slug} does not exist.`, 'com.atlassian.bitbucket.user.NoSuchUserException'),
  invalid: (context: string, message: string): DcApiError => new DcApiError(400, message, 'com.atlassian.bitbucket.validation.ArgumentValidationException', context),
  notFound: (path: string): DcApiError => new DcApiError(404, `No resource matches ${path}`, null),
  methodNotAllowed: (): DcApiError => new DcApiError(405, 'Method not allowed', null),
  rateLimited: (retryAfterSeconds: number): DcApiError =>
    new DcApiError(429, 'You have been rate limited. Too many requests, please retry later.', 'com.atlassian.bitbucket.throttle.RateLimitedException', null, { 'retry-after': String(retryAfterSeconds) }),
};
