/** GitHub annotations for a run that did not complete its work: what failed, on the run's page. */
import * as core from '@actions/core';
import { describeFailure, type RunManifest } from '@bbsync/core';

/**
 * One annotation per failed stream (an error when the run failed, a warning when it was partial), so the run's
 * page says what failed whatever `fail-on` decides about the step.
 */
export function annotateFailures(manifest: RunManifest, redact: (text: string) => string): void {
  if (manifest.status !== 'failed' && manifest.status !== 'partial') return;
  const annotate = manifest.status === 'failed' ? core.error : core.warning;
  const failures = manifest.failures ?? [];
  if (failures.length === 0) {
    annotate(redact(`bbsync ${manifest.status}: ${manifest.stopReason ?? 'see the job summary'}`), { title: `bbsync ${manifest.status}` });
    return;
  }
  for (const failure of failures) {
    const hint = manifest.errors.find((error) => error.stream === failure.stream)?.hint;
    annotate(redact(`${describeFailure(failure)}${hint === undefined ? '' : `. ${hint}`} The failed partitions are retried first next run.`), {
      title: `bbsync ${manifest.status}: ${failure.stream}`,
    });
  }
}
