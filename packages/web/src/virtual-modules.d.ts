// Made at build time by packages/web/build/world-map.ts from @svg-maps/world (CC BY 4.0).
declare module 'virtual:world-map' {
  /** The map's extent, in tenths of the source map's units. */
  export const viewBox: string;
  export const countries: readonly {
    /** ISO 3166-1 alpha-2, upper case. */
    id: string;
    /** English name from the map (the app shows Intl.DisplayNames in the page's language). */
    name: string;
    d: string;
    /** Marker position: the centroid of the largest ring. */
    x: number;
    y: number;
  }[];
}
