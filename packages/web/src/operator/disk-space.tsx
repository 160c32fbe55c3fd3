import type { Counted } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { type Figures, useFigures } from '../use-figures.ts';
import type { HostRow, Stats } from './network.ts';
import { operatorStrings } from './strings.ts';

// The space hosts declare beside the real free space of their disks ([Note: Declared and real
// space] in the protocol's signed.ts), and the warning when they declare more than it.

/** A message about a size, in the form its number takes: "1,5 Gio déclaré", "400 Gio déclarés". */
function sized(
  fig: Figures,
  message: Counted,
  bytes: number,
  values: Record<string, string> = {},
): string {
  const size = fig.size(bytes);
  // The number as shown ("1 000,5 Gio" is 1000.5) picks the form.
  const shown = Number.parseFloat(size.replace(/\s/g, '').replace(',', '.'));
  return message(shown, { size, ...values });
}

/** "400 GiB declared". */
export function Declared({ bytes }: { bytes: number }) {
  const t = useT(operatorStrings);
  const fig = useFigures();
  return <>{sized(fig, t.pl_declaredSize, bytes)}</>;
}

/** "78 GiB free on disk, of 252 GiB", or that the host does not say. */
function FreeOnDisk({ disk }: { disk: HostRow['disk'] }) {
  const t = useT(operatorStrings);
  const fig = useFigures();
  if (!disk) return <>{t.diskUnknown}</>;
  return <>{sized(fig, t.pl_freeOnDisk, disk.freeBytes, { total: fig.size(disk.sizeBytes) })}</>;
}

/** A host's disk under its declared figure, and a warning if it declares more than it has. */
export function HostDisk({ h }: { h: HostRow }) {
  const t = useT(operatorStrings);
  return (
    <>
      <span className="muted small" data-disk="free">
        <FreeOnDisk disk={h.disk} />
      </span>
      {h.overcommitted && (
        <span className="disk-warn small" title={t.overcommittedHelp}>
          <span aria-hidden="true">⚠ </span>
          {t.overcommittedHost}
        </span>
      )}
    </>
  );
}

/** The network's disks, and how many hosts declare more than theirs have. */
export function NetworkDisk({ stats }: { stats: Stats }) {
  const t = useT(operatorStrings);
  const { disk } = stats;
  return (
    <>
      {disk.reporting > 0 && (
        <span className="sub" data-disk="free">
          <FreeOnDisk disk={disk} />
        </span>
      )}
      <span role="status" className="sub disk-warn">
        {disk.overcommitted > 0 && (
          <>
            <span aria-hidden="true">⚠ </span>
            {t.pl_overcommitted(disk.overcommitted)}
          </>
        )}
      </span>
    </>
  );
}
