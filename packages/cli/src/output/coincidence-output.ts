// How `daq coincide` prints a group: one summary line, or one JSON object (bigint nanosecond
// times as decimal strings, as in `daq stream --json`).
import { isoFromUnixNs } from '@daqdata/core';
import type { CoincidenceGroup, CoincidenceStats } from '@daqdata/client';

/** `<start iso> span <ns> ns  <n> modules (a,b)  <n> nodes  m<id>/q<quabo> +<ns> ns peak <value>@(<row>,<col>) ...` */
export function coincidenceSummaryLine(g: CoincidenceGroup): string {
  const clock = g.clock === 'arrival' ? ' arrival-clock (WR unsynchronised)' : '';
  const members = g.members.map((m) => `m${m.moduleId}/q${m.quabo} +${m.timeNs - g.startNs} ns peak ${m.peak.value}@(${m.peak.row},${m.peak.col})`);
  return `${isoFromUnixNs(g.startNs)}${clock} span ${g.spanNs} ns  ${g.modules.length} modules (${g.modules.join(',')})  ${g.nodes.length} node${g.nodes.length === 1 ? '' : 's'}  ${members.join('  ')}`;
}

export function coincidenceJson(g: CoincidenceGroup): Record<string, unknown> {
  return {
    clock: g.clock,
    start: isoFromUnixNs(g.startNs),
    startNs: String(g.startNs),
    endNs: String(g.endNs),
    spanNs: String(g.spanNs),
    modules: g.modules,
    nodes: g.nodes,
    members: g.members.map((m) => ({
      host: m.host,
      moduleId: m.moduleId,
      dataProduct: m.dataProduct,
      quabo: m.quabo,
      timeNs: String(m.timeNs),
      offsetNs: String(m.timeNs - g.startNs),
      wrSynchronised: m.wrSynchronised,
      peak: m.peak,
      file: m.file,
      frameNumber: m.frameNumber,
    })),
  };
}

export function coincidenceJsonLine(g: CoincidenceGroup): string {
  return JSON.stringify(coincidenceJson(g));
}

/** The closing line on stderr: what the matcher saw and what it could not use. */
export function coincidenceStatsLine(s: CoincidenceStats): string {
  return `${s.groups} group${s.groups === 1 ? '' : 's'} of ${s.grouped} events from ${s.events} images (late ${s.late}, unsynchronised WR clock ${s.unsynchronised}, untimed ${s.untimed}, movie ${s.notPulseHeight}, forced early ${s.forced})`;
}
