// The pass/fail rule of the notebook run, on hand-made executed notebooks (the shapes
// nbconvert writes with nbconvert_config.py's status stamp).
import { describe, expect, it } from 'vitest';
import { notebookProblems } from '../../scripts/notebooks/notebook-check.mjs';

const ok = { daqdata: { status: 'ok' } };
const code = (source: string, metadata: object, outputs: object[] = []) => ({ cell_type: 'code', source, metadata, outputs });
const svg = { output_type: 'display_data', data: { 'image/svg+xml': '<svg/>' }, metadata: {} };
const png = { output_type: 'display_data', data: { 'image/png': 'iVBORw0KGgo=' }, metadata: {} };
const stderr = (text: string) => ({ output_type: 'stream', name: 'stderr', text });

describe('notebookProblems', () => {
  it('passes a notebook whose cells all ran ok and whose plot cells show an SVG or a PNG', () => {
    const nb = {
      cells: [
        { cell_type: 'markdown', source: '# title', metadata: {} },
        code('const a = 1;', ok),
        code('show(svg)', { ...ok, tags: ['plot'] }, [svg]),
        code('show(png)', { ...ok, tags: ['plot'] }, [png]),
      ],
    };
    expect(notebookProblems(nb)).toEqual([]);
  });

  it('names a failed cell with its first line and the error text tslab wrote to stderr', () => {
    const nb = { cells: [code('\nconst a: number = "x";', { daqdata: { status: 'error' } }, [stderr("1:7 - Type 'string' is not assignable to type 'number'.\n")])] };
    expect(notebookProblems(nb)).toEqual([
      `cell 1 (const a: number = "x";) failed (status error):\n1:7 - Type 'string' is not assignable to type 'number'.`,
    ]);
  });

  it('reports the cells aborted after a failure in one line', () => {
    const nb = {
      cells: [
        code('throw new Error("boom")', { daqdata: { status: 'error' } }, [stderr('Error: boom')]),
        code('b()', { daqdata: { status: 'abort' } }),
        code('c()', { daqdata: { status: 'aborted' } }),
      ],
    };
    const problems = notebookProblems(nb);
    expect(problems).toHaveLength(2);
    expect(problems[1]).toBe('2 later cell(s) were aborted after the failure');
  });

  it('fails a plot cell that ran but displayed no image', () => {
    const nb = { cells: [code('plot()', { ...ok, tags: ['plot'] }, [{ output_type: 'stream', name: 'stdout', text: 'no figure' }])] };
    expect(notebookProblems(nb)).toEqual(['cell 1 (plot()) is tagged "plot" but produced no image (image/svg+xml or image/png output)']);
  });

  it('fails an untagged cell that calls display.svg or display.png but displayed no image', () => {
    const nb = {
      cells: [
        code('tslab.display.svg(await renderSvg(chart));', ok, []),
        code('tslab.display.png(bytes)', ok, [png]),
        code('const displayed = 1;', ok),
      ],
    };
    expect(notebookProblems(nb)).toEqual(['cell 1 (tslab.display.svg(await renderSvg(chart));) displays a figure but produced no image (image/svg+xml or image/png output)']);
  });

  it('fails a code cell without a status stamp (not executed) and a notebook without code', () => {
    expect(notebookProblems({ cells: [code('x()', {})] })).toEqual(['cell 1 (x()) was not executed']);
    expect(notebookProblems({ cells: [{ cell_type: 'markdown', source: 'text', metadata: {} }] })).toEqual(['the notebook has no code cell']);
  });
});
