/** The signals a long-running command stops on. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** What a process signal source must offer; `process` in production, an EventEmitter in tests. */
export interface SignalSource {
  on(signal: StopSignal, listener: (signal: StopSignal) => void): unknown;
  off(signal: StopSignal, listener: (signal: StopSignal) => void): unknown;
}

/** Thrown at a safe point of start-up when a stop signal came: the command cleans up and ends with {@link status}. */
export class StoppedDuringStartup extends Error {
  constructor(readonly signal: StopSignal) {
    super(`${signal} during start-up: stopped before trading started`);
  }

  /** The process status for it (130 for SIGINT, 143 for SIGTERM). */
  get status(): number {
    return QUIT_STATUS[this.signal];
  }
}

/** The shell's status for a process ended by `signal` (128 + its number). */
const QUIT_STATUS: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * SIGINT and SIGTERM caught from before a long-running command starts up (gateway, strategy, node)
 * and handed to its stop logic once that exists. Without it, a Ctrl-C between "started" and the
 * handler's installation took the default action: the process died by the signal, with no
 * summary, no stopped line and no clean close. That window is small but real: on a loaded
 * machine a process can be descheduled between writing `ready` and installing its handler.
 *
 * During start-up the first signal is kept: the command checks {@link requested} at the points
 * where it can still give up cleanly (before it trades), and {@link handle} delivers it to the
 * stop logic otherwise. A second signal during start-up quits at once (status 130 or 143).
 *
 * @example
 * ```ts
 * const signals = StopSignals.listen(process, console.log);
 * await connect();
 * signals.throwIfRequested(); // StoppedDuringStartup: nothing started, clean up and end
 * await startEverything();
 * await new Promise<void>((done) => signals.handle(() => done()));
 * signals.close();
 * ```
 */
export class StopSignals {
  #kept: StopSignal | undefined;
  #handler: ((signal: StopSignal) => void) | undefined;
  readonly #listener = (signal: StopSignal): void => {
    if (this.#handler) return this.#handler(signal);
    if (this.#kept !== undefined) {
      this.out(`\n${signal} again during start-up: quitting now`);
      this.quit(QUIT_STATUS[signal]);
      return;
    }
    this.#kept = signal;
    this.out(`\n${signal} during start-up: stopping at the first safe point (a second one quits now)`);
  };

  private constructor(
    private readonly source: SignalSource,
    private readonly out: (line: string) => void,
    private readonly quit: (status: number) => void,
  ) {}

  /** Starts listening; signals from now on are kept until {@link handle} is called. */
  static listen(source: SignalSource, out: (line: string) => void, quit: (status: number) => void = (s) => process.exit(s)): StopSignals {
    const signals = new StopSignals(source, out, quit);
    source.on('SIGINT', signals.#listener);
    source.on('SIGTERM', signals.#listener);
    return signals;
  }

  /** The signal kept during start-up, if one came: the command should give up before it trades. */
  get requested(): StopSignal | undefined {
    return this.#kept;
  }

  /** At a safe point of start-up: throws {@link StoppedDuringStartup} if a stop signal came. */
  throwIfRequested(): void {
    if (this.#kept !== undefined) throw new StoppedDuringStartup(this.#kept);
  }

  /**
   * The command's stop logic, called with each signal from now on; a kept one is delivered now.
   * Once only: a second handler would silently take the first one's signals.
   */
  handle(handler: (signal: StopSignal) => void): void {
    if (this.#handler) throw new Error('StopSignals.handle: the stop logic is already installed');
    this.#handler = handler;
    const kept = this.#kept;
    this.#kept = undefined;
    if (kept !== undefined) handler(kept);
  }

  /** Stops listening for `signal`: the next one takes its default action (ends the process). */
  restoreDefault(signal: StopSignal): void {
    this.source.off(signal, this.#listener);
  }

  /** Stops listening: a later signal takes its default action again (a second Ctrl-C while stopping ends the process). */
  close(): void {
    this.restoreDefault('SIGINT');
    this.restoreDefault('SIGTERM');
  }
}
