import type { EventContract, EventName, EventOf } from './contract';

type Listener<K extends EventName> = (payload: EventOf<K>) => void;

/** A typed in-process event emitter that services publish to and transports forward from. */
export class EventHub {
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();

  on<K extends EventName>(event: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  emit<K extends EventName>(event: K, payload: EventOf<K>): void {
    for (const listener of this.listeners.get(event) ?? []) {
      (listener as Listener<K>)(payload);
    }
  }

  listenerCount(event: keyof EventContract): number {
    return this.listeners.get(event)?.size ?? 0;
  }
}
