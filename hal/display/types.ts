// Display contract: a fixed grid of text cells. CJK characters take two cells.

export interface Frame {
  /** Exactly `rows` strings, each at most `cols` cells wide (see hal/display/width.ts). */
  rows: string[];
  /** Row indexes shown emphasised (inverse or bold, as the device can). */
  emphasis?: number[];
}

export interface DisplaySize {
  rows: number;
  cols: number;
}

export interface Display {
  readonly size: DisplaySize;
  /** Shows `frame`, replacing the previous one; rows that did not change may be left alone. */
  render(frame: Frame): void;
  start(): Promise<void>;
  /** Leaves the device as it was found (cursor shown, screen cleared); idempotent. */
  stop(): Promise<void>;
}
