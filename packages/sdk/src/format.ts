/** A byte count for people: "6.0 MiB". Shared by the CLI and the web app. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  // Bytes are whole, but a rate (bytes over seconds) is not: "298 B/s", never "297.87… B/s".
  return `${u === 0 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}
