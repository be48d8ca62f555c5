// Hand-written decoder for Prometheus remote_write 1.0 (prometheus.WriteRequest). It does not
// build objects: it records, per series, where each label's name and value bytes are and
// copies samples into typed arrays. The pipeline then hashes the raw label bytes and decodes
// strings only for series it does not know yet. Field numbers (prometheus/prompb):
//   WriteRequest { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
//   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; exemplars = 3; histograms = 4 }
//   Label        { string name = 1; string value = 2; }
//   Sample       { double value = 1; int64 timestamp = 2; }
// Anything else is skipped by wire type; a malformed message fails the whole request.
import { IngestError } from "./errors.js";

const WT_VARINT = 0;
const WT_I64 = 1;
const WT_LEN = 2;
const WT_I32 = 5;

/** The decoded request, in reusable typed arrays (valid until the next decode). */
export class DecodedWriteRequest {
  buf: Uint8Array = new Uint8Array(0);
  view: DataView = new DataView(new ArrayBuffer(0));
  series = 0;
  labelStart = new Int32Array(256); // per series: first label index
  labelEnd = new Int32Array(256);
  /** Per series: the bytes of all its label fields, when contiguous (else -1). */
  regionStart = new Int32Array(256);
  regionEnd = new Int32Array(256);
  sampleStart = new Int32Array(256); // per series: first sample index
  sampleEnd = new Int32Array(256);
  labels = 0;
  /** Per label: name start, name end, value start, value end (byte offsets in buf). */
  spans = new Int32Array(1024);
  samples = 0;
  ts = new Float64Array(1024);
  values = new Float64Array(1024);
}

export class RemoteWriteDecoder {
  private buf: Uint8Array = new Uint8Array(0);
  private view: DataView = new DataView(new ArrayBuffer(0));
  private pos = 0;
  private out = new DecodedWriteRequest();

  decode(buf: Uint8Array, out: DecodedWriteRequest = this.out): DecodedWriteRequest {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = 0;
    this.out = out;
    out.buf = buf;
    out.view = this.view;
    out.series = out.labels = out.samples = 0;
    const end = buf.length;
    while (this.pos < end) {
      const tag = this.varint32(end);
      if (tag >>> 3 === 1) {
        if ((tag & 7) !== WT_LEN) fail("WriteRequest.timeseries has the wrong wire type");
        const len = this.length(end);
        this.timeSeries(this.pos + len);
      } else {
        this.skip(tag, end);
      }
    }
    return out;
  }

  private timeSeries(end: number): void {
    const o = this.out;
    const i = o.series;
    if (i === o.labelStart.length) growSeries(o);
    o.labelStart[i] = o.labels;
    o.sampleStart[i] = o.samples;
    let rs = -1; // label region start
    let re = -1;
    let split = false; // another field came between two labels
    while (this.pos < end) {
      const at = this.pos;
      const tag = this.varint32(end);
      const field = tag >>> 3;
      if (field === 1 || field === 2) {
        if ((tag & 7) !== WT_LEN) fail("TimeSeries field has the wrong wire type");
        const len = this.length(end);
        if (field === 1) {
          if (rs < 0) rs = at;
          else if (re !== at) split = true;
          this.label(this.pos + len);
          re = this.pos;
        } else this.sample(this.pos + len);
      } else {
        this.skip(tag, end);
      }
    }
    o.regionStart[i] = split ? -1 : rs;
    o.regionEnd[i] = split ? -1 : re;
    o.labelEnd[i] = o.labels;
    o.sampleEnd[i] = o.samples;
    o.series = i + 1;
  }

  private label(end: number): void {
    const o = this.out;
    if ((o.labels + 1) * 4 > o.spans.length) o.spans = grow(o.spans);
    const k = o.labels * 4;
    // Fast path for the usual layout: name (1-byte length) then value (1-byte length).
    const b = this.buf;
    const p = this.pos;
    if (b[p] === 0x0a && p + 1 < end && b[p + 1]! < 0x80) {
      const ne = p + 2 + b[p + 1]!;
      if (ne + 1 < end && b[ne] === 0x12 && b[ne + 1]! < 0x80 && ne + 2 + b[ne + 1]! === end) {
        o.spans[k] = p + 2;
        o.spans[k + 1] = ne;
        o.spans[k + 2] = ne + 2;
        o.spans[k + 3] = end;
        this.pos = end;
        o.labels++;
        return;
      }
    }
    // A missing field is the empty string (proto3 default).
    o.spans[k] = o.spans[k + 1] = o.spans[k + 2] = o.spans[k + 3] = end;
    while (this.pos < end) {
      const tag = this.varint32(end);
      const field = tag >>> 3;
      if (field === 1 || field === 2) {
        if ((tag & 7) !== WT_LEN) fail("Label field has the wrong wire type");
        const len = this.length(end);
        const at = k + (field - 1) * 2;
        o.spans[at] = this.pos;
        o.spans[at + 1] = this.pos += len;
      } else {
        this.skip(tag, end);
      }
    }
    o.labels++;
  }

  private sample(end: number): void {
    const o = this.out;
    if (o.samples === o.ts.length) {
      o.ts = grow(o.ts);
      o.values = grow(o.values);
    }
    let value = 0;
    let ts = 0;
    while (this.pos < end) {
      const tag = this.varint32(end);
      if (tag === 0x09) {
        if (this.pos + 8 > end) fail("truncated Sample.value");
        value = this.view.getFloat64(this.pos, true);
        this.pos += 8;
      } else if (tag === 0x10) {
        ts = this.varint64(end);
      } else if (tag >>> 3 === 1 || tag >>> 3 === 2) {
        fail("Sample field has the wrong wire type");
      } else {
        this.skip(tag, end);
      }
    }
    o.ts[o.samples] = ts;
    o.values[o.samples++] = value;
  }

  private varint32(end: number): number {
    const c = this.buf[this.pos]!;
    if (c < 0x80) {
      this.pos++;
      return c;
    }
    const v = this.varint64(end);
    if (v > 0xffffffff) fail("varint too large");
    return v;
  }

  /** Reads a varint as a number: exact below 2^53; int64 two's complement comes out negative. */
  private varint64(end: number): number {
    const b = this.buf;
    let lo = 0;
    let hi = 0;
    let c = 0;
    for (let i = 0; i < 4; i++) {
      if (this.pos >= end) fail("truncated varint");
      c = b[this.pos++]!;
      lo |= (c & 0x7f) << (7 * i);
      if (c < 0x80) return lo;
    }
    if (this.pos >= end) fail("truncated varint");
    c = b[this.pos++]!;
    lo |= (c & 0x0f) << 28;
    hi = (c & 0x7f) >>> 4;
    for (let i = 0; c >= 0x80; i++) {
      if (i === 5) fail("varint longer than 10 bytes");
      if (this.pos >= end) fail("truncated varint");
      c = b[this.pos++]!;
      hi |= (c & 0x7f) << (3 + 7 * i);
    }
    return (hi | 0) * 4294967296 + (lo >>> 0);
  }

  private length(end: number): number {
    const c = this.buf[this.pos]!;
    if (c < 0x80 && this.pos < end) {
      if (++this.pos + c > end) fail("length beyond the enclosing message");
      return c;
    }
    const len = this.varint64(end);
    if (len < 0 || this.pos + len > end) fail("length beyond the enclosing message");
    return len;
  }

  private skip(tag: number, end: number): void {
    if (tag >>> 3 === 0) fail("field number 0");
    switch (tag & 7) {
      case WT_VARINT:
        this.varint64(end);
        return;
      case WT_I64:
        this.pos += 8;
        break;
      case WT_LEN: {
        const n = this.length(end); // read before adding: `pos += f()` would use the old pos
        this.pos += n;
        return;
      }
      case WT_I32:
        this.pos += 4;
        break;
      default:
        fail(`unsupported wire type ${tag & 7}`);
    }
    if (this.pos > end) fail("truncated fixed-width field");
  }
}

function fail(message: string): never {
  throw new IngestError("bad_protobuf", `remote_write: ${message}`);
}

function grow<T extends Int32Array | Float64Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  return b;
}

function growSeries(o: DecodedWriteRequest): void {
  o.regionStart = grow(o.regionStart);
  o.regionEnd = grow(o.regionEnd);
  o.labelStart = grow(o.labelStart);
  o.labelEnd = grow(o.labelEnd);
  o.sampleStart = grow(o.sampleStart);
  o.sampleEnd = grow(o.sampleEnd);
}
