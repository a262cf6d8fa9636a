/** Listener map: event name → listener signature. */
export type EventMap = { [event: string]: (...args: never[]) => void };

/**
 * Minimal typed event emitter. A throwing listener neither stops the other listeners nor the
 * SDK's own bookkeeping: its error is re-thrown on a fresh task so it still surfaces.
 */
export class Emitter<Events extends EventMap> {
  readonly #listeners = new Map<keyof Events, Set<Events[keyof Events]>>();

  /** Adds a listener; returns a function that removes it. */
  on<E extends keyof Events>(event: E, listener: Events[E]): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => this.off(event, listener);
  }

  off<E extends keyof Events>(event: E, listener: Events[E]): void {
    this.#listeners.get(event)?.delete(listener);
  }

  /** Resolves with the arguments of the next `event`. */
  once<E extends keyof Events>(event: E): Promise<Parameters<Events[E]>> {
    return new Promise((resolve) => {
      const listener = ((...args: Parameters<Events[E]>) => {
        this.off(event, listener);
        resolve(args);
      }) as unknown as Events[E];
      this.on(event, listener);
    });
  }

  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  protected emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (...a: Parameters<Events[E]>) => void)(...args);
      } catch (error) {
        setTimeout(() => {
          throw error;
        }, 0);
      }
    }
  }

  protected removeAllListeners(): void {
    this.#listeners.clear();
  }
}
