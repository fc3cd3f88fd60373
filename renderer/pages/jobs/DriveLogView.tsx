import { Card, CardHeader, makeStyles, Text, Title3, tokens } from '@fluentui/react-components';
import type { DriveLogs } from '../../../shared/jobs/jobs-api';

const useStyles = makeStyles({
  box: { display: 'flex', flexDirection: 'column', gap: '8px' },
  pre: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, whiteSpace: 'pre-wrap', maxHeight: '320px', overflow: 'auto', backgroundColor: tokens.colorNeutralBackground3, padding: '8px' },
  list: { margin: 0, paddingLeft: '20px' },
});

/** A drive's copy logs in plain words: its result, files by status, each failed file, then the log itself. */
export function DriveLogView({ logs }: { logs: DriveLogs }) {
  const styles = useStyles();
  return (
    <Card aria-label={`Logs of drive ${logs.driveId}`}>
      <CardHeader header={<Title3 as="h4">Logs of drive {logs.driveId}</Title3>} />
      {logs.problem && <Text>{logs.problem}</Text>}
      {logs.logs.map((log) => (
        <div key={log.blobName} className={styles.box} aria-label={`${log.kind} log ${log.blobName}`}>
          <Text weight="semibold">
            {log.kind === 'error' ? 'Error log' : 'Verbose log'} · {log.blobName}
            {log.truncated ? ' (only its start is shown)' : ''}
          </Text>
          {log.status && (
            <Text>
              Drive result <b>{log.status}</b>: {log.statusExplanation?.meaning} {log.statusExplanation?.action}
            </Text>
          )}
          {log.blobCount > 0 && (
            <Text>
              Files: {Object.entries(log.blobsByStatus).map(([status, n]) => `${n} ${status}`).join(', ')}
            </Text>
          )}
          {log.problems.length > 0 && (
            <ul className={styles.list} aria-label="Files with problems">
              {log.problems.map((p, i) => (
                <li key={`${p.blobPath ?? ''}-${i}`}>
                  <Text>
                    <b>{p.blobPath ?? p.filePath ?? 'The drive'}</b> ({p.status}): {p.explanation}
                    {p.details.length > 0 ? `: ${p.details.join('; ')}` : ''}
                  </Text>
                </li>
              ))}
            </ul>
          )}
          <details>
            <summary>Show the whole log</summary>
            <pre className={styles.pre}>{log.text}</pre>
          </details>
        </div>
      ))}
    </Card>
  );
}
