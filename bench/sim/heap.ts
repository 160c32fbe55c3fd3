// Binary min-heaps: one of timed events, one of numbers with an integer payload.

export interface SimEvent {
  t: number;
  seq: number;
  kind: 'outage' | 'return' | 'away' | 'lost' | 'fail' | 'exit' | 'lie' | 'join' | 'countryOutage';
  host: number;
  epoch: number;
}

export class EventHeap {
  private items: SimEvent[] = [];
  private seq = 0;

  get size() {
    return this.items.length;
  }

  peekTime() {
    return this.items[0]?.t ?? Number.POSITIVE_INFINITY;
  }

  push(t: number, kind: SimEvent['kind'], host = -1, epoch = 0) {
    if (!Number.isFinite(t)) return;
    const a = this.items;
    const e: SimEvent = { t, seq: this.seq++, kind, host, epoch };
    let i = a.length;
    a.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p] as SimEvent;
      if (!before(e, parent)) break;
      a[i] = parent;
      i = p;
    }
    a[i] = e;
  }

  pop(): SimEvent | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (!top || !last || a.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const r = l + 1;
      const left = a[l] as SimEvent;
      const right = a[r];
      const [c, child] = right && before(right, left) ? [r, right] : [l, left];
      if (!before(child, last)) break;
      a[i] = child;
      i = c;
    }
    a[i] = last;
    return top;
  }
}

const before = (x: SimEvent, y: SimEvent) => x.t < y.t || (x.t === y.t && x.seq < y.seq);

/** Min-heap of (key, value) pairs in typed arrays; ties come out in no particular order. */
export class NumHeap {
  private keys = new Float64Array(1024);
  private values = new Int32Array(1024);
  size = 0;

  push(key: number, value: number) {
    if (this.size === this.keys.length) {
      const keys = new Float64Array(this.size * 2);
      keys.set(this.keys);
      this.keys = keys;
      const values = new Int32Array(this.size * 2);
      values.set(this.values);
      this.values = values;
    }
    const k = this.keys;
    const v = this.values;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pk = k[p] ?? 0;
      if (pk <= key) break;
      k[i] = pk;
      v[i] = v[p] ?? 0;
      i = p;
    }
    k[i] = key;
    v[i] = value;
  }

  /** The value with the smallest key; only call with size > 0. */
  pop(): number {
    const k = this.keys;
    const v = this.values;
    const top = v[0] ?? -1;
    const n = --this.size;
    const lastKey = k[n] ?? 0;
    const lastValue = v[n] ?? 0;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && (k[c + 1] ?? 0) < (k[c] ?? 0)) c++;
      const ck = k[c] ?? 0;
      if (ck >= lastKey) break;
      k[i] = ck;
      v[i] = v[c] ?? 0;
      i = c;
    }
    k[i] = lastKey;
    v[i] = lastValue;
    return top;
  }
}
