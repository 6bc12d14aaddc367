// Reads an ESC/POS byte stream back into what the paper would say: lines of
// text with their alignment, emphasis and size, QR payloads, bar code data,
// cuts and feeds, status requests. Text is decoded GB18030 while the Chinese
// character mode (FS &) is on, PC437 otherwise. A command it does not know
// throws, with its offset: a test must never pass over garbage.
import iconv from 'iconv-lite';

export type Align = 'left' | 'center' | 'right';

export interface Style {
  align: Align;
  bold: boolean;
  /** Character size multipliers (GS ! / ESC !). */
  width: number;
  height: number;
  /** Chinese character mode was on when the text arrived. */
  chinese: boolean;
}

export interface Segment extends Omit<Style, 'align'> {
  text: string;
}

export interface Line {
  text: string;
  align: Align;
  /** Every segment of the line was bold / double size. */
  bold: boolean;
  large: boolean;
  segments: Segment[];
}

export type Item =
  | ({ kind: 'line' } & Line)
  | { kind: 'qr'; data: string; align: Align; model: number; size: number; correction: string }
  | { kind: 'barcode'; system: number; data: string; align: Align }
  | { kind: 'cut'; partial: boolean }
  | { kind: 'feed'; lines: number }
  | { kind: 'init' }
  | { kind: 'status-request'; n: number }
  | { kind: 'drawer' };

export interface Decoded {
  items: Item[];
  lines: Line[];
  /** The lines' text joined with '\n'. */
  text: string;
  qr: string[];
  barcodes: string[];
  cuts: number;
  /** Items that put ink on paper or move it (not init or status requests). */
  printed: Item[];
}

const fresh = (): Style => ({ align: 'left', bold: false, width: 1, height: 1, chinese: false });

export function summarize(items: Item[]): Decoded {
  const lines = items.filter((i): i is Extract<Item, { kind: 'line' }> => i.kind === 'line').map(({ kind: _, ...line }) => line);
  return {
    items,
    lines,
    text: lines.map((l) => l.text).join('\n'),
    qr: items.flatMap((i) => (i.kind === 'qr' ? [i.data] : [])),
    barcodes: items.flatMap((i) => (i.kind === 'barcode' ? [i.data] : [])),
    cuts: items.filter((i) => i.kind === 'cut').length,
    printed: items.filter((i) => i.kind !== 'init' && i.kind !== 'status-request'),
  };
}

/** Decodes `bytes`; throws on a command this decoder does not know. */
export function decodeEscpos(bytes: Uint8Array): Decoded {
  return summarize(new Decoder(Buffer.from(bytes)).run());
}

/** The stream cut into documents: each ends with its cut (what follows the last cut is dropped unless it printed something). */
export function decodeDocuments(bytes: Uint8Array): Decoded[] {
  const docs: Item[][] = [[]];
  for (const item of new Decoder(Buffer.from(bytes)).run()) {
    docs[docs.length - 1]!.push(item);
    if (item.kind === 'cut') docs.push([]);
  }
  return docs.map(summarize).filter((d) => d.printed.length > 0);
}

class Decoder {
  readonly #b: Buffer;
  #i = 0;
  #style = fresh();
  #codeTable = 0;
  #segments: Segment[] = [];
  #run: number[] = [];
  #runStyle: Style = fresh();
  #lineAlign: Align | null = null;
  #items: Item[] = [];
  #qr = { data: '', model: 2, size: 3, correction: 'M' };

  constructor(bytes: Buffer) {
    this.#b = bytes;
  }

  run(): Item[] {
    while (this.#i < this.#b.length) this.#step();
    if (this.#run.length || this.#segments.length) this.#endLine(); // text with no LF still shows in tests
    return this.#items;
  }

  #byte(): number {
    const b = this.#b[this.#i++];
    if (b === undefined) throw new Error(`ESC/POS stream ends inside a command at offset ${this.#i - 1}`);
    return b;
  }

  #take(n: number): Buffer {
    if (this.#i + n > this.#b.length) throw new Error(`ESC/POS stream ends inside a command at offset ${this.#i}`);
    const out = this.#b.subarray(this.#i, this.#i + n);
    this.#i += n;
    return out;
  }

  #unknown(at: number): never {
    const hex = this.#b.subarray(at, at + 6).toString('hex').replace(/(..)/g, '$1 ').trim();
    throw new Error(`unknown ESC/POS command at offset ${at}: ${hex}`);
  }

  #text(byte: number): void {
    const s = this.#style;
    const r = this.#runStyle;
    if (this.#run.length && (r.bold !== s.bold || r.width !== s.width || r.height !== s.height || r.chinese !== s.chinese)) this.#flushRun();
    if (!this.#run.length) this.#runStyle = { ...s };
    this.#lineAlign ??= s.align;
    this.#run.push(byte);
  }

  #flushRun(): void {
    if (!this.#run.length) return;
    const { align: _, ...style } = this.#runStyle;
    const bytes = Buffer.from(this.#run);
    const text = style.chinese ? iconv.decode(bytes, 'gb18030') : iconv.decode(bytes, this.#codeTable === 0 ? 'cp437' : 'latin1');
    this.#segments.push({ ...style, text });
    this.#run = [];
  }

  #endLine(): void {
    this.#flushRun();
    const segments = this.#segments;
    const inked = segments.filter((s) => s.text.trim() !== '');
    this.#items.push({
      kind: 'line',
      text: segments.map((s) => s.text).join(''),
      align: this.#lineAlign ?? this.#style.align,
      bold: inked.length > 0 && inked.every((s) => s.bold),
      large: inked.length > 0 && inked.every((s) => s.width > 1 && s.height > 1),
      segments,
    });
    this.#segments = [];
    this.#lineAlign = null;
  }

  /** Whatever is in the line buffer is printed before a code or a cut. */
  #printPending(): void {
    if (this.#run.length || this.#segments.length) this.#endLine();
  }

  #step(): void {
    const at = this.#i;
    const b = this.#byte();
    if (b >= 0x20 && b !== 0x7f) return this.#text(b);
    switch (b) {
      case 0x0a: // LF
        return this.#endLine();
      case 0x0d: // CR: ignored when auto line feed is off (the default)
        return;
      case 0x10: {
        const fn = this.#byte();
        if (fn === 0x04) return void this.#items.push({ kind: 'status-request', n: this.#byte() }); // DLE EOT n
        return this.#unknown(at);
      }
      case 0x1b:
        return this.#esc(at);
      case 0x1c:
        return this.#fs(at);
      case 0x1d:
        return this.#gs(at);
      default:
        return this.#unknown(at);
    }
  }

  #esc(at: number): void {
    const c = this.#byte();
    switch (c) {
      case 0x40: // ESC @
        this.#printPending();
        this.#style = fresh();
        this.#codeTable = 0;
        return void this.#items.push({ kind: 'init' });
      case 0x61: {
        const n = this.#byte() % 48; // ESC a n: 0/48 left, 1/49 centre, 2/50 right
        this.#style.align = n === 1 ? 'center' : n === 2 ? 'right' : 'left';
        return;
      }
      case 0x45: // ESC E n
        this.#style.bold = (this.#byte() & 1) === 1;
        return;
      case 0x21: {
        const n = this.#byte(); // ESC ! n
        this.#style.bold = (n & 0x08) !== 0;
        this.#style.height = n & 0x10 ? 2 : 1;
        this.#style.width = n & 0x20 ? 2 : 1;
        return;
      }
      case 0x64: {
        this.#printPending();
        return void this.#items.push({ kind: 'feed', lines: this.#byte() }); // ESC d n
      }
      case 0x74: // ESC t n
        this.#codeTable = this.#byte();
        return;
      case 0x70: // ESC p m t1 t2: drawer pulse
        this.#take(3);
        return void this.#items.push({ kind: 'drawer' });
      case 0x52: // ESC R n
      case 0x2d: // ESC - n
      case 0x4d: // ESC M n
      case 0x33: // ESC 3 n
      case 0x7b: // ESC { n
        this.#byte();
        return;
      case 0x32: // ESC 2
        return;
      default:
        return this.#unknown(at);
    }
  }

  #fs(at: number): void {
    const c = this.#byte();
    if (c === 0x26) this.#style.chinese = true; // FS &
    else if (c === 0x2e) this.#style.chinese = false; // FS .
    else if (c === 0x21) this.#byte(); // FS ! n
    else this.#unknown(at);
  }

  #gs(at: number): void {
    const c = this.#byte();
    switch (c) {
      case 0x21: {
        const n = this.#byte(); // GS ! n: width in the high nibble, height in the low
        this.#style.width = (n >> 4) + 1;
        this.#style.height = (n & 0x0f) + 1;
        return;
      }
      case 0x56: {
        this.#printPending();
        const m = this.#byte(); // GS V m [n]
        if (m === 65 || m === 66) this.#byte();
        return void this.#items.push({ kind: 'cut', partial: m === 1 || m === 49 || m === 66 });
      }
      case 0x48: // GS H n
      case 0x66: // GS f n
      case 0x77: // GS w n
      case 0x68: // GS h n
      case 0x42: // GS B n
      case 0x72: // GS r n
        this.#byte();
        return;
      case 0x6b:
        return this.#barcode();
      case 0x28: {
        if (this.#byte() !== 0x6b) return this.#unknown(at);
        return this.#symbol(at);
      }
      default:
        return this.#unknown(at);
    }
  }

  /** GS k m: m 0–6 data up to NUL; m 65–73 n d1…dn. */
  #barcode(): void {
    this.#printPending();
    const m = this.#byte();
    let data: Buffer;
    if (m <= 6) {
      const end = this.#b.indexOf(0, this.#i);
      if (end < 0) throw new Error(`bar code without NUL at offset ${this.#i}`);
      data = this.#take(end - this.#i);
      this.#i += 1;
    } else data = this.#take(this.#byte());
    const text = m === 73 ? code128Text(data) : data.toString('latin1');
    this.#items.push({ kind: 'barcode', system: m, data: text, align: this.#style.align });
  }

  /** GS ( k pL pH cn fn …: only QR (cn 49) is known. */
  #symbol(at: number): void {
    const length = this.#byte() + this.#byte() * 256;
    const body = this.#take(length);
    const [cn, fn] = [body[0], body[1]];
    if (cn !== 0x31) return this.#unknown(at);
    if (fn === 0x41) this.#qr.model = (body[2] ?? 0x32) - 0x30; // model
    else if (fn === 0x43) this.#qr.size = body[2] ?? 3; // module size
    else if (fn === 0x45) this.#qr.correction = 'LMQH'[(body[2] ?? 0x31) - 0x30] ?? '?';
    else if (fn === 0x50) this.#qr.data = body.subarray(3).toString('utf8'); // store: cn fn m d…
    else if (fn === 0x51) {
      this.#printPending();
      this.#items.push({ kind: 'qr', align: this.#style.align, ...this.#qr });
    } else this.#unknown(at);
  }
}

/** CODE128 data of GS k 73: `{A`/`{B`/`{C` select a code set, `{{` is `{`, in set C a byte is two digits. */
export function code128Text(data: Uint8Array): string {
  let set: 'A' | 'B' | 'C' | null = null;
  let out = '';
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    if (b === 0x7b) {
      const next = data[++i];
      if (next === 0x7b) out += '{';
      else if (next === 0x41 || next === 0x42 || next === 0x43) set = String.fromCharCode(next) as 'A' | 'B' | 'C';
      else if (next === undefined) throw new Error('CODE128 data ends after {');
      continue; // {S, {1…{4: shift and function characters carry no text
    }
    if (set === null) throw new Error('CODE128 data must start with {A, {B or {C');
    if (set === 'C') {
      if (b > 99) throw new Error(`CODE128 set C byte ${b} is not 0–99`);
      out += String(b).padStart(2, '0');
    } else out += String.fromCharCode(b);
  }
  return out;
}
