// Frames out of one recorder connection's byte stream: pure, no I/O. The recorder writes, over
// and over, [module id: 2 bytes, big-endian][JSON header ending "\n\n"]['*'][pixels]
// (REFERENCE section 6). Headers are fixed-width, so the first frame fixes the header length
// and every later frame is exactly 2 + frameSize bytes. Header checks and pixel decoding are
// core's (checkFrame, decodePixelBlock), the same rules as frames read from files.
//
// Malformed input:
// - The first frame teaches the layout; when it cannot be learnt (no '{', no end of header
//   within the bound, a bad header, no '*'), the connection is beyond repair: the decoder
//   reports a fatal problem and the caller closes the connection (the recorder reconnects).
// - Later, a frame whose delimiters sit where the layout says ('{' after the prefix, "\n\n"
//   and '*' at the header's end) but whose header fails the checks is skipped whole: framing
//   is intact.
// - A frame whose delimiters are not where they should be means the framing was lost (bytes
//   dropped or inserted): the decoder scans forward byte by byte for the next position where a
//   complete frame passes every check, reports how many bytes it skipped, and carries on.
// A connection's buffer holds at most one incomplete frame (plus the chunk being decoded).
import {
  STAR,
  OPEN_BRACE,
  checkFrame,
  decodePixelBlock,
  frameLayoutFor,
  indexOfBlankLine,
  isPffError,
  type DataProductInfo,
  type FrameHeader,
  type FrameLayout,
  type Pixels,
} from '@daqdata/core';

/** Bytes of the module-id prefix before each frame. */
export const MODULE_ID_BYTES = 2;

const NEWLINE = 0x0a;

export interface RecorderFrame {
  moduleId: number;
  /** 0-based count of the good frames before this one on this connection. */
  index: number;
  /** Connection byte offset of the frame's module-id prefix. */
  offset: number;
  header: FrameHeader;
  pixels: Pixels;
}

export interface RecorderStreamProblem {
  /** Connection byte offset where the problem starts. */
  offset: number;
  reason: string;
  /** The connection cannot be decoded any further: close it. */
  fatal: boolean;
}

export interface DecodedChunk {
  frames: RecorderFrame[];
  problems: RecorderStreamProblem[];
}

export class RecorderStreamDecoder {
  private layout: FrameLayout | null = null;
  /** Bytes received but not yet decoded (less than one frame, or the start of the first header). */
  private pending: Uint8Array = new Uint8Array(0);
  /** Connection offset of pending[0]. */
  private pendingOffset = 0;
  /** Connection offset where framing was lost, while scanning for the next frame. */
  private lostAt: number | null = null;
  private failed = false;
  framesDecoded = 0;
  malformedFrames = 0;
  bytesSkipped = 0;
  /** Times the framing was found again after it was lost. */
  resynchronisations = 0;

  constructor(
    private readonly dataProduct: DataProductInfo,
    /** Name used in problem reasons from core's checks (e.g. "uds_img16"). */
    private readonly source: string,
    /** Bound on a header's length: a real one is ~120 bytes (ph256) or ~540 (32x32). */
    private readonly maxHeaderBytes: number,
  ) {}

  /** Bytes held for an incomplete frame (for logs when a connection ends). */
  get pendingBytes(): number {
    return this.pending.length;
  }

  /** Connection offset of the first byte not yet decoded. */
  get offset(): number {
    return this.pendingOffset;
  }

  /** The learnt frame layout, once the first frame was good. */
  get frameLayout(): FrameLayout | null {
    return this.layout;
  }

  push(chunk: Uint8Array): DecodedChunk {
    const out: DecodedChunk = { frames: [], problems: [] };
    if (this.failed) return out;
    let data: Uint8Array;
    if (this.pending.length === 0) data = chunk;
    else {
      data = new Uint8Array(this.pending.length + chunk.length);
      data.set(this.pending);
      data.set(chunk, this.pending.length);
    }
    const base = this.pendingOffset;
    let p = 0;
    const goodStarts: number[] = [];
    const good: Array<{ moduleId: number; offset: number; header: FrameHeader }> = [];
    for (;;) {
      if (!this.layout) {
        const learnt = this.learnLayout(data, p, base, out);
        if (learnt === 'need-more' || learnt === 'failed') break;
      }
      const layout = this.layout!;
      const step = MODULE_ID_BYTES + layout.frameSize;
      if (data.length - p < step) break;
      if (!delimitersInPlace(data, p, layout)) {
        if (this.lostAt === null) {
          this.lostAt = base + p;
          out.problems.push({ offset: base + p, reason: 'frame delimiters are not where the frame size puts them: scanning for the next frame', fatal: false });
        }
        p++;
        this.bytesSkipped++;
        continue;
      }
      const frameBytes = data.subarray(p + MODULE_ID_BYTES, p + step);
      let header: FrameHeader;
      try {
        header = checkFrame(frameBytes, layout, { file: this.source, offset: base + p + MODULE_ID_BYTES });
      } catch (err) {
        if (!isPffError(err)) throw err;
        if (this.lostAt !== null) {
          // Still scanning: a position that merely looks like a frame is not one.
          p++;
          this.bytesSkipped++;
          continue;
        }
        this.malformedFrames++;
        out.problems.push({ offset: base + p, reason: `malformed frame skipped: ${err.detail}`, fatal: false });
        p += step;
        continue;
      }
      if (this.lostAt !== null) {
        out.problems.push({ offset: base + p, reason: `re-synchronised after skipping ${base + p - this.lostAt} bytes`, fatal: false });
        this.lostAt = null;
        this.resynchronisations++;
      }
      good.push({ moduleId: (data[p]! << 8) | data[p + 1]!, offset: base + p, header });
      goodStarts.push(p + MODULE_ID_BYTES + layout.headerLength + 1);
      p += step;
    }
    if (good.length > 0) {
      const pixels = decodePixelBlock(this.dataProduct, data, goodStarts);
      good.forEach((g, i) => out.frames.push({ ...g, index: this.framesDecoded++, pixels: pixels[i]! }));
    }
    // Keep the undecoded rest: a copy, so the caller may reuse its chunk.
    this.pending = this.failed ? new Uint8Array(0) : data.slice(p);
    this.pendingOffset = base + p;
    return out;
  }

  /**
   * Learns the header length from the first frame at `p`: 'need-more' until the whole first
   * frame is there, 'failed' (with a fatal problem) when it cannot be a frame of this product.
   */
  private learnLayout(data: Uint8Array, p: number, base: number, out: DecodedChunk): 'need-more' | 'failed' | 'learnt' {
    const fail = (offset: number, reason: string): 'failed' => {
      this.failed = true;
      out.problems.push({ offset, reason, fatal: true });
      return 'failed';
    };
    const start = p + MODULE_ID_BYTES;
    if (data.length <= start) return 'need-more';
    if (data[start] !== OPEN_BRACE) {
      return fail(base + start, `first frame: header does not start with '{' (found byte 0x${data[start]!.toString(16).padStart(2, '0')})`);
    }
    const blank = indexOfBlankLine(data.subarray(start), this.maxHeaderBytes);
    if (blank < 0) {
      if (data.length - start >= this.maxHeaderBytes) return fail(base + start, `first frame: no end of header ("}\\n\\n") within ${this.maxHeaderBytes} bytes`);
      return 'need-more';
    }
    const layout = frameLayoutFor(this.dataProduct, data.subarray(start, start + blank + 2));
    if (data.length - p < MODULE_ID_BYTES + layout.frameSize) return 'need-more';
    try {
      checkFrame(data.subarray(start, start + layout.frameSize), layout, { file: this.source, offset: base + start });
    } catch (err) {
      if (!isPffError(err)) throw err;
      return fail(err.offset, `first frame: ${err.detail}`);
    }
    this.layout = layout;
    return 'learnt';
  }
}

/** Whether the frame at `p` has '{' after its prefix and "\n\n*" at the end of its header. */
function delimitersInPlace(data: Uint8Array, p: number, layout: FrameLayout): boolean {
  const h = p + MODULE_ID_BYTES;
  const end = h + layout.headerLength;
  return data[h] === OPEN_BRACE && data[end] === STAR && data[end - 1] === NEWLINE && data[end - 2] === NEWLINE;
}
