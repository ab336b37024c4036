import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  KnotService,
  KnotServicePod,
} from '@knot-platform/plugin-knot-common';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { knotApiRef } from '../../api/KnotApi';
import { errorMessage } from '../../api/errorMessage';

/** The most text kept on the page: older lines go first. */
const MAX_CHARS = 2_000_000;

const useStyles = makeStyles(theme => ({
  controls: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(1),
  },
  picker: { minWidth: 220 },
  log: {
    height: '60vh',
    overflow: 'auto',
    margin: 0,
    padding: theme.spacing(1),
    fontSize: 12,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
    background: theme.palette.background.default,
  },
}));

/** A container as the picker names it: "web (init, 3 restarts)". */
function containerLabel(c: KnotServicePod['containers'][number]): string {
  const notes = [
    c.init ? 'init' : '',
    c.state !== 'running' ? c.reason ?? c.state : '',
    c.restarts > 0 ? `${c.restarts} restart${c.restarts > 1 ? 's' : ''}` : '',
  ].filter(Boolean);
  return notes.length ? `${c.name} (${notes.join(', ')})` : c.name;
}

/** The container a pod's log opens with: the first one that is not init. */
function defaultContainer(pod: KnotServicePod | undefined): string {
  return (
    pod?.containers.find(c => !c.init)?.name ?? pod?.containers[0]?.name ?? ''
  );
}

/**
 * A service's container logs: pick a pod and container, follow the log as
 * the container prints it (streamed, not polled), read the previous run's
 * log after a restart, download what is shown.
 */
export function ServiceLogsDialog(props: {
  service: KnotService;
  onClose: () => void;
}) {
  const { service, onClose } = props;
  const classes = useStyles();
  const knotApi = useApi(knotApiRef);
  const pods = useAsyncRetry(
    () => knotApi.listServicePods(service.name),
    [service.name],
  );
  const [podName, setPodName] = useState('');
  const [container, setContainer] = useState('');
  const [previous, setPrevious] = useState(false);
  const [follow, setFollow] = useState(true);
  const [autoscroll, setAutoscroll] = useState(true);
  const [text, setText] = useState('');
  const [reading, setReading] = useState(false);
  const [error, setError] = useState<Error>();
  const logRef = useRef<HTMLPreElement>(null);

  const items = useMemo(() => pods.value?.items ?? [], [pods.value]);
  const pod = items.find(p => p.name === podName);
  const current = pod?.containers.find(c => c.name === container);

  // The newest pod and its main container, until the user picks others
  // (or the picked pod is gone after a refresh).
  useEffect(() => {
    if (items.length > 0 && !items.some(p => p.name === podName)) {
      setPodName(items[0].name);
      setContainer(defaultContainer(items[0]));
      setPrevious(false);
    }
  }, [items, podName]);

  useEffect(() => {
    if (!podName || !container) return undefined;
    const controller = new AbortController();
    setText('');
    setError(undefined);
    setReading(true);
    knotApi
      .readServiceLogs(
        service.name,
        { pod: podName, container, previous, follow: follow && !previous },
        chunk =>
          setText(t => {
            const next = t + chunk;
            return next.length > MAX_CHARS
              ? next.slice(next.length - MAX_CHARS)
              : next;
          }),
        controller.signal,
      )
      .catch(e => {
        if (!controller.signal.aborted) setError(e);
      })
      .finally(() => {
        if (!controller.signal.aborted) setReading(false);
      });
    // Closing the dialog or picking another log stops this one's stream.
    return () => controller.abort();
  }, [knotApi, service.name, podName, container, previous, follow]);

  useLayoutEffect(() => {
    const el = logRef.current;
    if (autoscroll && el) el.scrollTop = el.scrollHeight;
  }, [text, autoscroll]);

  let readingNote = '';
  if (reading && follow && !previous) {
    readingNote = 'Following: new lines appear as the container prints them.';
  } else if (reading) {
    readingNote = 'Reading…';
  } else if (!error) {
    readingNote = 'End of the log.';
  }

  const download = () => {
    const url = URL.createObjectURL(
      new Blob([text], { type: 'text/plain;charset=utf-8' }),
    );
    const a = document.createElement('a');
    a.href = url;
    a.download = `${service.name}-${podName}-${container}${
      previous ? '-previous' : ''
    }.log`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    URL.revokeObjectURL(url);
  };

  return (
    <Dialog open onClose={onClose} maxWidth="lg" fullWidth>
      <DialogTitle>Logs of {service.name}</DialogTitle>
      <DialogContent>
        {pods.loading && !pods.value && <Progress />}
        {pods.error && (
          <WarningPanel
            title="Could not list the pods"
            message={errorMessage(pods.error)}
          />
        )}
        {pods.value && items.length === 0 && (
          <Typography>
            {service.name} has no pods now: there is no log to show.
          </Typography>
        )}
        {items.length > 0 && (
          <>
            <div className={classes.controls}>
              <TextField
                select
                label="Pod"
                className={classes.picker}
                value={podName}
                SelectProps={{ native: true }}
                inputProps={{ 'aria-label': 'Pod' }}
                onChange={e => {
                  const picked = items.find(p => p.name === e.target.value);
                  setPodName(e.target.value);
                  setContainer(defaultContainer(picked));
                  setPrevious(false);
                }}
              >
                {items.map(p => (
                  <option key={p.name} value={p.name}>
                    {p.name} ({p.phase})
                  </option>
                ))}
              </TextField>
              <TextField
                select
                label="Container"
                className={classes.picker}
                value={container}
                SelectProps={{ native: true }}
                inputProps={{ 'aria-label': 'Container' }}
                onChange={e => {
                  setContainer(e.target.value);
                  setPrevious(false);
                }}
              >
                {(pod?.containers ?? []).map(c => (
                  <option key={c.name} value={c.name}>
                    {containerLabel(c)}
                  </option>
                ))}
              </TextField>
              <FormControlLabel
                label="Follow"
                control={
                  <Checkbox
                    checked={follow && !previous}
                    disabled={previous}
                    onChange={e => setFollow(e.target.checked)}
                  />
                }
              />
              <FormControlLabel
                label="Previous run"
                control={
                  <Checkbox
                    checked={previous}
                    disabled={!current?.hasPrevious}
                    onChange={e => setPrevious(e.target.checked)}
                  />
                }
              />
              <FormControlLabel
                label="Scroll to new lines"
                control={
                  <Checkbox
                    checked={autoscroll}
                    onChange={e => setAutoscroll(e.target.checked)}
                  />
                }
              />
              <Button onClick={pods.retry}>Refresh pods</Button>
            </div>
            {error && (
              <WarningPanel
                title="Could not read the log"
                message={errorMessage(error)}
              />
            )}
            <pre
              ref={logRef}
              className={classes.log}
              aria-label={`Log of ${container}`}
            >
              {text}
            </pre>
            <Typography variant="caption">{readingNote}</Typography>
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={download} disabled={!text}>
          Download
        </Button>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
