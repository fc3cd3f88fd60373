import { Badge, Button, Card, CardHeader, Link, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Spinner, Text, Title3, tokens } from '@fluentui/react-components';
import { Copy20Regular } from '@fluentui/react-icons';
import { useCloudStore } from '../stores/cloud-store';

const useStyles = makeStyles({
  box: { display: 'flex', flexDirection: 'column', gap: '12px' },
  code: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeHero700, letterSpacing: '0.1em' },
  row: { display: 'flex', gap: '8px', alignItems: 'center', flexWrap: 'wrap' },
});

/**
 * Signing in to the active cloud: the sign-in buttons (interactive in Electron, device code in the
 * headless host), the device code to enter while a sign-in waits, and sign-out once signed in.
 * The Azure page and the wizard's sign-in step share it; the cloud store holds the state.
 */
export function SignInPanel() {
  const styles = useStyles();
  const { status, prompt, signingIn, error, signIn, cancel, signOut } = useCloudStore();
  return (
    <div className={styles.box}>
      {error && (
        <MessageBar intent="error">
          <MessageBarBody>
            <MessageBarTitle>Sign-in didn’t work</MessageBarTitle>
            {error}
          </MessageBarBody>
        </MessageBar>
      )}
      {prompt && (
        <Card aria-label="Device code sign-in">
          <CardHeader header={<Title3 as="h2">Finish signing in</Title3>} />
          <Text>
            Open <Link href={prompt.verificationUri} target="_blank" rel="noreferrer">{prompt.verificationUri}</Link> in a browser and enter this code:
          </Text>
          <div className={styles.row}>
            <Text className={styles.code} data-testid="device-code">
              {prompt.userCode}
            </Text>
            <Button icon={<Copy20Regular />} onClick={() => void navigator.clipboard?.writeText(prompt.userCode).catch(() => undefined)}>
              Copy code
            </Button>
          </div>
          <Text size={200}>The code expires at {new Date(prompt.expiresAt).toLocaleTimeString()}.</Text>
          <div>
            <Button onClick={() => void cancel()}>Cancel sign-in</Button>
          </div>
        </Card>
      )}
      <div className={styles.row}>
        {status?.account ? (
          <>
            <Badge color="success">Signed in</Badge>
            <Button onClick={() => void signOut()}>Sign out</Button>
          </>
        ) : (
          status &&
          !status.problem &&
          status.signInMethods.map((method) => (
            <Button key={method} appearance={method === status.signInMethods[0] ? 'primary' : 'secondary'} disabled={signingIn} onClick={() => void signIn(method)}>
              {method === 'interactive' ? 'Sign in with the browser' : 'Sign in with a code'}
            </Button>
          ))
        )}
        {signingIn && !prompt && <Spinner size="tiny" label="Waiting for Azure…" />}
      </div>
    </div>
  );
}
