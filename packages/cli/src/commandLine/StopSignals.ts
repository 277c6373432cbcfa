/** The signals a long-running command stops on. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** What a process signal source must offer; `process` in production, an EventEmitter in tests. */
export interface SignalSource {
  on(signal: StopSignal, listener: (signal: StopSignal) => void): unknown;
  off(signal: StopSignal, listener: (signal: StopSignal) => void): unknown;
}

/**
 * SIGINT and SIGTERM caught from before a long-running command starts up (gateway, strategy, node)
 * and handed to its stop logic once that exists. Without it, a Ctrl-C between "started" and the
 * handler's installation took the default action: the process died by the signal, with no
 * summary, no stopped line and no clean close. That window is small but real: on a loaded
 * machine a process can be descheduled between writing `ready` and installing its handler.
 *
 * During start-up, the first signal is kept and delivered when {@link handle} is called (the
 * command then stops as soon as it has started); a second one quits at once with status 130.
 *
 * @example
 * ```ts
 * const signals = StopSignals.listen(process, console.log);
 * await startEverything();
 * await new Promise<void>((done) => signals.handle(() => done()));
 * signals.close();
 * ```
 */
export class StopSignals {
  readonly #kept: StopSignal[] = [];
  #handler: ((signal: StopSignal, count: number) => void) | undefined;
  #count = 0;
  readonly #listener = (signal: StopSignal): void => {
    this.#count++;
    if (this.#handler) return this.#handler(signal, this.#count);
    if (this.#kept.length > 0) {
      this.out('\nsecond stop signal during start-up: quitting now');
      this.quit(130);
      return;
    }
    this.#kept.push(signal);
    this.out(`\n${signal} during start-up: stopping as soon as start-up has finished (Ctrl-C again quits now)`);
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

  /** The command's stop logic, called with each signal and how many came so far; a kept one is delivered now. */
  handle(handler: (signal: StopSignal, count: number) => void): void {
    this.#handler = handler;
    for (const s of this.#kept.splice(0)) handler(s, this.#count);
  }

  /** Stops listening: a later signal takes its default action again (a second Ctrl-C while stopping ends the process). */
  close(): void {
    this.source.off('SIGINT', this.#listener);
    this.source.off('SIGTERM', this.#listener);
  }
}
