import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  idleDurationWords,
  type KnotService,
} from '@knot-platform/plugin-knot-common';
import { knotApiRef } from '../../api/KnotApi';

/**
 * Idle stop of one service on the Services page: "stops in 45 min" and
 * Keep running while it runs; Start once idle stop scaled it to zero (the
 * reason above already says "Stopped after 8 h idle").
 */
export function IdleStopControls(props: {
  service: KnotService;
  onChanged: () => void;
}) {
  const { service, onChanged } = props;
  const knotApi = useApi(knotApiRef);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const idle = service.idle;
  if (!idle) return null;

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      onChanged();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  let text: string | undefined;
  let button: { label: string; run: () => Promise<void> } | undefined;
  if (idle.stoppedAt) {
    button = { label: 'Start', run: () => knotApi.startService(service.name) };
  } else if (idle.keepRunning) {
    text = 'Kept running';
    button = {
      label: 'Allow idle stop',
      run: () => knotApi.setServiceKeepRunning(service.name, false),
    };
  } else if (idle.stopsAt) {
    text = `Stops in ${idleDurationWords(
      Math.max(0, Date.parse(idle.stopsAt) - Date.now()),
    )} if unused`;
    button = {
      label: 'Keep running',
      run: () => knotApi.setServiceKeepRunning(service.name, true),
    };
  }
  if (!button) return null;
  return (
    <div>
      {text && (
        <Typography variant="caption" color="textSecondary">
          {text}{' '}
        </Typography>
      )}
      <Button
        size="small"
        color="primary"
        disabled={busy}
        aria-label={`${button.label} ${service.name}`}
        onClick={() => act(button!.run)}
      >
        {button.label}
      </Button>
      {error && (
        <Typography variant="caption" color="error">
          {error}
        </Typography>
      )}
    </div>
  );
}
