// Reading a node's /metrics over HTTP in tests: the Prometheus text format parsed into
// samples, and a wait for a condition on them (polling the endpoint, as Prometheus would).
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Samples of the text exposition format (comments skipped; label values without escaped quotes, as ours are). */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)) labels[k!] = v!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

export async function scrape(metricsUrl: string): Promise<Sample[]> {
  const res = await fetch(`${metricsUrl}/metrics`);
  if (res.status !== 200) throw new Error(`GET ${metricsUrl}/metrics: ${res.status}`);
  return parsePrometheusText(await res.text());
}

/** The samples of one metric family. */
export function family(samples: readonly Sample[], name: string): Sample[] {
  return samples.filter((s) => s.name === name);
}

/** Scrapes until `pred` holds; the error names `what` and shows the last scrape's relevant lines. */
export async function untilScraped(metricsUrl: string, pred: (s: Sample[]) => boolean, what: string, timeoutMs = 20_000): Promise<Sample[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const samples = await scrape(metricsUrl);
    if (pred(samples)) return samples;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last scrape:\n${samples.filter((s) => s.name.startsWith('daq_')).map((s) => `${s.name}${JSON.stringify(s.labels)} ${s.value}`).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
