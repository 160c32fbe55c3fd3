// A small seeded PRNG, so a run is reproducible from its seed.

export type Rng = () => number;

/** mulberry32: 32 bits of state, uniform in [0, 1). Plenty for a simulation, not for keys. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Time to the next event of a Poisson process with `rate` events per unit (Infinity if 0). */
export const exponential = (rng: Rng, rate: number) =>
  rate > 0 ? -Math.log(1 - rng()) / rate : Number.POSITIVE_INFINITY;

/** Log-uniform in [lo, hi]: as many outages of 5-10 minutes as of 6-12 hours. */
export const logUniform = (rng: Rng, lo: number, hi: number) =>
  lo * Math.exp(rng() * Math.log(hi / lo));
