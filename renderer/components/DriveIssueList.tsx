import { makeStyles, Text, tokens } from '@fluentui/react-components';
import { ErrorCircle16Filled, Info16Regular, Warning16Filled } from '@fluentui/react-icons';
import type { DriveIssue } from '../../shared/drives/drive';

const useStyles = makeStyles({
  list: { margin: 0, padding: 0, listStyleType: 'none', display: 'flex', flexDirection: 'column', gap: '4px' },
  item: { display: 'flex', gap: '6px', alignItems: 'flex-start' },
  error: { color: tokens.colorPaletteRedForeground1, flexShrink: 0, marginTop: '2px' },
  warning: { color: tokens.colorPaletteDarkOrangeForeground1, flexShrink: 0, marginTop: '2px' },
  info: { color: tokens.colorNeutralForeground3, flexShrink: 0, marginTop: '2px' },
});

/** Each reason for a drive's status, in plain words, most serious first. */
export function DriveIssueList({ issues }: { issues: DriveIssue[] }) {
  const styles = useStyles();
  if (issues.length === 0) return <Text>No problems found.</Text>;
  return (
    <ul className={styles.list}>
      {issues.map((issue) => (
        <li key={issue.code} className={styles.item} data-severity={issue.severity}>
          {issue.severity === 'warning' ? (
            <Warning16Filled className={styles.warning} aria-label="Warning" />
          ) : issue.severity === 'info' ? (
            <Info16Regular className={styles.info} aria-label="Note" />
          ) : (
            <ErrorCircle16Filled className={styles.error} aria-label="Error" />
          )}
          <Text>{issue.message}</Text>
        </li>
      ))}
    </ul>
  );
}
