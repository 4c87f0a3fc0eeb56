/** Injected failures for the LINE endpoints, matched in the order they were set. */
import type { FaultInput } from './types.js';

interface ActiveFault {
  readonly fault: FaultInput;
  remaining: number;
}

export class Faults {
  private active: ActiveFault[] = [];

  add(fault: FaultInput): void {
    checkFault(fault);
    this.active.push({ fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.active = [];
  }

  list(): FaultInput[] {
    return this.active.map((entry) => entry.fault);
  }

  /** The first fault matching this call, counted as used once. */
  take(path: string, channelId: string | undefined): FaultInput | undefined {
    const entry = this.active.find(({ fault }) => matches(fault, path, channelId));
    if (entry === undefined) return undefined;

    entry.remaining -= 1;
    if (entry.remaining <= 0) this.active = this.active.filter((other) => other !== entry);

    return entry.fault;
  }
}

function checkFault(fault: FaultInput): void {
  const { status, times, delayMs } = fault;
  if (status !== undefined && !(Number.isInteger(status) && status >= 400 && status <= 599)) {
    throw new RangeError(`a fault status must be from 400 to 599, got ${status}`);
  }
  if (times !== undefined && !(Number.isInteger(times) && times >= 1)) {
    throw new RangeError(`a fault's times must be a whole number from 1, got ${times}`);
  }
  if (delayMs !== undefined && !(Number.isFinite(delayMs) && delayMs >= 0)) {
    throw new RangeError(`a fault's delayMs must be 0 or more, got ${delayMs}`);
  }
}

function matches(fault: FaultInput, path: string, channelId: string | undefined): boolean {
  if (fault.path !== undefined && fault.path !== path) return false;

  return fault.channelId === undefined || fault.channelId === channelId;
}
