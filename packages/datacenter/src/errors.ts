/**
 * Data Center's error mapping: core's mapper with a Data Center `messageOf`, plus the one Data Center quirk
 * it cannot know about: "401 covers both not authenticated and authenticated but lacking permission" (DC REST
 * narrative, "Errors & Validation"). The error body (`{errors:[{context, message, exceptionName}]}`) tells
 * them apart: `AuthorisationException` / "You are not permitted to access this resource" is a permission
 * problem (skippable: that repository is left out, the run goes on), an authentication failure is not.
 */
import { BbsyncError, createErrorMapper, type ErrorMapper } from '@bbsync/core';

interface DcErrorMessage {
  readonly message?: unknown;
  readonly exceptionName?: unknown;
  readonly context?: unknown;
}

function errorsOf(json: unknown): readonly DcErrorMessage[] {
  if (typeof json !== 'object' || json === null) return [];
  const errors = (json as { errors?: unknown }).errors;
  return Array.isArray(errors) ? errors.filter((item): item is DcErrorMessage => typeof item === 'object' && item !== null) : [];
}

/**
 * The message of a Data Center error body `{errors:[{context, message, exceptionName}]}`: the messages joined,
 * each prefixed by its field (`context`) for validation errors.
 */
export function dataCenterMessageOf(json: unknown): string | undefined {
  const messages = errorsOf(json)
    .map((error) => {
      if (typeof error.message !== 'string') return undefined;
      return typeof error.context === 'string' && error.context !== '' ? `${error.context}: ${error.message}` : error.message;
    })
    .filter((message): message is string => message !== undefined);
  return messages.length > 0 ? messages.join('; ') : undefined;
}

const PERMISSION_EXCEPTION = /Authori[sz]ation|Permission|Forbidden/i;
const AUTHENTICATION_EXCEPTION = /Authentication|Credential|Password|Token|Login/i;
const PERMISSION_MESSAGE = /not permitted|permission|not authori[sz]ed to|insufficient|access (is )?denied|not allowed/i;
const AUTHENTICATION_MESSAGE = /authentication|credentials|password|log ?in|expired|revoked|invalid (access )?token/i;

/**
 * True when a Data Center 401 body says "authenticated, but not allowed" rather than "not authenticated".
 * The message decides first ("You are not permitted to access this resource" vs "Authentication failed.
 * Please check your credentials"): servers have been seen using `AuthorisationException` for both.
 */
export function isPermissionDenial(body: Buffer): boolean {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return false;
  }
  const text = dataCenterMessageOf(json) ?? '';
  if (AUTHENTICATION_MESSAGE.test(text)) return false;
  if (PERMISSION_MESSAGE.test(text)) return true;
  const names = errorsOf(json).map((error) => (typeof error.exceptionName === 'string' ? error.exceptionName : ''));
  if (names.some((name) => AUTHENTICATION_EXCEPTION.test(name))) return false;
  return names.some((name) => PERMISSION_EXCEPTION.test(name));
}

const PERMISSION_HINT =
  'Data Center answers 401 for a missing permission too: the credential is valid but cannot read this resource ' +
  '(REPO_READ on the repository, PROJECT_READ on the project). Grant it, or give this repository or stream to ' +
  'another credential (credentials[].repositories / streams). Project and repository access tokens cannot call ' +
  'user-level endpoints such as /users.';

const CREDENTIALS_HINT =
  'Check the credential: Data Center takes { username, password } (a personal access token works as the password) ' +
  'or { accessToken } for HTTP access tokens (personal, project, repository; sent as Bearer). Is it expired or revoked?';

/** The error mapper of the Data Center client. */
export function createDataCenterErrorMapper(): ErrorMapper {
  const base = createErrorMapper({ messageOf: dataCenterMessageOf });
  return (input) => {
    const error = base(input);
    if (input.status !== 401) return error;
    if (isPermissionDenial(input.body)) {
      return new BbsyncError('invalid_permissions', error.message, {
        status: error.status,
        method: error.method,
        path: error.path,
        hint: PERMISSION_HINT,
      });
    }
    return new BbsyncError(error.code, error.message, {
      status: error.status,
      method: error.method,
      path: error.path,
      hint: error.code === 'invalid_credentials' ? CREDENTIALS_HINT : error.hint,
      disposition: error.disposition,
    });
  };
}
