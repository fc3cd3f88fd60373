import {
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import type { ClassifiedDrive } from '../../shared/drives/drive';
import { formatBytes } from '../../shared/drives/format-bytes';
import { DriveIssueList } from './DriveIssueList';
import { DriveStatusBadge } from './DriveStatusBadge';

const useStyles = makeStyles({
  device: { display: 'flex', flexDirection: 'column' },
  sub: { color: tokens.colorNeutralForeground3 },
  mono: { fontFamily: tokens.fontFamilyMonospace },
  top: { verticalAlign: 'top', paddingTop: '8px', paddingBottom: '8px' },
  wrap: { overflowWrap: 'anywhere' },
});

/** Fixed widths for the short columns leave the reasons the room they need. */
const WIDTHS = { drive: '160px', size: '80px', bus: '70px', serial: '110px', mounts: '140px', status: '100px' };

/** One row per drive: identity, size, bus, serial, mounts, status, and every reason in words. */
export function DriveTable({ drives }: { drives: ClassifiedDrive[] }) {
  const styles = useStyles();
  return (
    <Table aria-label="Drives" size="medium">
      <TableHeader>
        <TableRow>
          <TableHeaderCell style={{ width: WIDTHS.drive }}>Drive</TableHeaderCell>
          <TableHeaderCell style={{ width: WIDTHS.size }}>Size</TableHeaderCell>
          <TableHeaderCell style={{ width: WIDTHS.bus }}>Bus</TableHeaderCell>
          <TableHeaderCell style={{ width: WIDTHS.serial }}>Serial</TableHeaderCell>
          <TableHeaderCell style={{ width: WIDTHS.mounts }}>Mounted at</TableHeaderCell>
          <TableHeaderCell style={{ width: WIDTHS.status }}>Status</TableHeaderCell>
          <TableHeaderCell>Details</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {drives.map((drive) => (
          <TableRow key={drive.device} data-device={drive.device} data-status={drive.status}>
            <TableCell className={styles.top}>
              <div className={styles.device}>
                <Text weight="semibold" className={styles.mono}>
                  {drive.device}
                </Text>
                <Text size={200} className={styles.sub}>
                  {drive.model ?? drive.displayName}
                </Text>
              </div>
            </TableCell>
            <TableCell className={styles.top} data-column="size">
              {formatBytes(drive.sizeBytes)}
            </TableCell>
            <TableCell className={styles.top}>{drive.bus}</TableCell>
            <TableCell className={`${styles.top} ${styles.mono}`}>{drive.serial ?? '—'}</TableCell>
            <TableCell className={`${styles.top} ${styles.wrap}`}>
              {drive.mountpoints.length === 0 ? 'Not mounted' : drive.mountpoints.map((m) => m.path).join(', ')}
            </TableCell>
            <TableCell className={styles.top}>
              <DriveStatusBadge status={drive.status} />
            </TableCell>
            <TableCell className={`${styles.top} ${styles.wrap}`}>
              <DriveIssueList issues={drive.issues} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
