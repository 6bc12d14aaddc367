// Scanner contract: a barcode/QR reader that delivers decoded text, one code per read.

export interface ScannerStatus {
  /** false while the device is unplugged or cannot be opened. */
  present: boolean;
  detail?: string;
}

export interface Scanner {
  /**
   * Calls `listener` with each decoded code: printable text, terminator
   * removed. Garbage never reaches listeners. Returns an unsubscribe function.
   */
  onCode(listener: (code: string) => void): () => void;
  /** Calls `listener` whenever the device appears or disappears. */
  onStatus(listener: (status: ScannerStatus) => void): () => void;
  status(): ScannerStatus;
  /** Starts reading; a missing device is not an error (status says so, reopening goes on). */
  start(): Promise<void>;
  stop(): Promise<void>;
}
