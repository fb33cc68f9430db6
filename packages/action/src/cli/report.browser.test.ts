/**
 * The demo's report.html in a real headless Chromium: no console error, no network request (the page is one
 * file under a strict CSP), every chart drew, and the overview's figures equal `bbsync metrics --json` for the
 * same database. With BBSYNC_WRITE_SCREENSHOT=1 (`pnpm --filter @bbsync/action screenshot`) this run also
 * writes the README's screenshot, docs/images/report.png.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { figureRows, type Metrics } from '@bbsync/dataset';
import { chromiumPath, visit } from '../test-support/chromium.js';
import { runCli } from './run-cli.js';
import { createTerminal } from './terminal.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.text += chunk.toString('utf8');
    callback();
  }
}

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(args, { terminal: createTerminal({ stdout, stderr, env: {} }), env: {}, cwd });
  return { code, out: stdout.text, err: stderr.text };
}

// CI installs Chromium (.ci/run); elsewhere the test is skipped when there is none.
const describeBrowser = chromiumPath() !== undefined || process.env['CI'] ? describe : describe.skip;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bbsync-report-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeBrowser('report.html in headless Chromium', { timeout: 180_000 }, () => {
  it('draws every chart with no console error and no network request; the overview equals bbsync metrics', async () => {
    const demo = await cli(['demo', '--source', 'cloud', '--size', 'small', '--out', join(dir, 'demo')], dir);
    expect(demo.code, demo.err).toBe(0);
    const database = join(dir, 'demo', 'cloud', 'bbsync.sqlite');
    const runs = join(dir, 'demo', 'cloud', 'runs');
    const report = join(dir, 'report.html');
    // As of the simulator's clock (the demo's own report says when), so the recent weeks have data.
    const demoHtml = await readFile(join(dir, 'demo', 'cloud', 'report.html'), 'utf8');
    const asOf = (/"as_of":"([^"]+)"/.exec(demoHtml) as RegExpExecArray)[1] as string;
    const built = await cli(['report', database, '--out', report, '--runs', runs, '--as-of', asOf], dir);
    expect(built.code, built.err).toBe(0);
    const metrics = JSON.parse((await cli(['metrics', database, '--json', '--as-of', asOf], dir)).out) as Metrics;
    expect(metrics.last_28_days.current.prs_merged).toBeGreaterThan(0);
    const html = await readFile(report, 'utf8');
    expect(Buffer.byteLength(html)).toBeLessThan(3 * 1024 * 1024);

    const page = await visit(pathToFileURL(report).href, { width: 1200, height: 900 });
    try {
      expect(await page.evaluate<string | null>("document.body.getAttribute('data-rendered')")).toBe('true');
      expect(page.consoleErrors).toEqual([]);
      expect(page.requests).toContain(pathToFileURL(report).href); // the recorder sees requests
      // Only the file itself; anything else (a font, a script, a beacon) would be a request.
      expect(page.requests.filter((url) => url !== pathToFileURL(report).href && !url.startsWith('data:'))).toEqual([]);

      const drawn = await page.evaluate<{ id: string; width: number; painted: boolean }[]>(`[...document.querySelectorAll('canvas')].map((c) => {
        const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let painted = false;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) { painted = true; break; }
        return { id: c.id, width: c.width, painted };
      })`);
      expect(drawn.map((c) => c.id)).toEqual(['chart-overview', 'chart-phases', 'chart-distribution', 'chart-reviewers', 'chart-first-review', 'chart-deployments', 'chart-dora', 'chart-health']);
      for (const canvas of drawn) expect(canvas, canvas.id).toEqual({ id: canvas.id, width: expect.any(Number), painted: true });

      const cells = await page.evaluate<string[][]>("[...document.querySelectorAll('#figures tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent))");
      expect(cells).toEqual(figureRows(metrics).rows);
      const embedded = await page.evaluate<Metrics>("JSON.parse(document.getElementById('report-data').textContent).metrics");
      expect(embedded).toEqual(metrics);
      const health = await page.evaluate<number>("document.querySelectorAll('#runs tbody tr').length");
      expect(health).toBe(2);

      // The repository filter redraws the flow charts from that repository's series.
      const repository = await page.evaluate<string>(`(() => { const s = document.getElementById('filter-repository'); s.selectedIndex = 1; s.dispatchEvent(new Event('change')); return s.value; })()`);
      const merged = await page.evaluate<number[]>("Chart.getChart('chart-overview').data.datasets[0].data");
      const data = JSON.parse(html.slice(html.indexOf('<script type="application/json" id="report-data">') + 49, html.indexOf('</script>', html.indexOf('id="report-data"')))) as { flow: Record<string, { merged: number[] }> };
      expect(merged).toEqual((data.flow[repository] as { merged: number[] }).merged.slice(-12));
      expect(page.consoleErrors).toEqual([]);

      if (process.env['BBSYNC_WRITE_SCREENSHOT'] === '1') {
        await page.evaluate(`(() => { const s = document.getElementById('filter-repository'); s.selectedIndex = 0; s.dispatchEvent(new Event('change')); })()`);
        const target = new URL('../../../../docs/images/report.png', import.meta.url);
        await mkdir(new URL('.', target), { recursive: true });
        await writeFile(target, await page.screenshot());
        await copyFile(report, join(dir, 'kept.html'));
      }
    } finally {
      await page.close();
    }
  });
});
