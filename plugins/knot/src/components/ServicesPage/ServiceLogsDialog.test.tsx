import { renderInTestApp } from '@backstage/frontend-test-utils';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import type {
  KnotService,
  KnotServicePodList,
} from '@knot-platform/plugin-knot-common';
import {
  knotApiRef,
  type KnotApi,
  type KnotServiceLogRequest,
} from '../../api/KnotApi';
import { ServiceLogsDialog } from './ServiceLogsDialog';

const web: KnotService = {
  name: 'web',
  namespace: 'knot-alice',
  profile: 'alice',
  chart: 'hello-kubernetes',
  chartVersion: '1.0.0',
  appVersion: '1.10',
  revision: 1,
  helmStatus: 'deployed',
  state: 'Running',
  ready: '1/1',
  updated: new Date().toISOString(),
  url: 'https://web-alice.knot.test/',
  entityRef: 'component:default/web-alice',
};

const pods: KnotServicePodList = {
  items: [
    {
      name: 'web-new',
      phase: 'Running',
      created: '2026-12-02T12:00:00.000Z',
      containers: [
        {
          name: 'init-db',
          init: true,
          state: 'terminated',
          reason: 'Completed',
          restarts: 0,
          hasPrevious: false,
        },
        {
          name: 'server',
          init: false,
          state: 'running',
          restarts: 2,
          hasPrevious: true,
        },
      ],
    },
    {
      name: 'web-old',
      phase: 'Running',
      created: '2026-12-02T11:00:00.000Z',
      containers: [
        {
          name: 'server',
          init: false,
          state: 'running',
          restarts: 0,
          hasPrevious: false,
        },
      ],
    },
  ],
};

/** A log stream the test writes to, open until the dialog aborts it. */
interface OpenLog {
  request: KnotServiceLogRequest;
  write: (text: string) => void;
  signal: AbortSignal;
}

function fakeApi() {
  const opened: OpenLog[] = [];
  const knotApi = {
    listServicePods: jest.fn(async () => pods),
    readServiceLogs: jest.fn(
      (
        _name: string,
        request: KnotServiceLogRequest,
        onText: (text: string) => void,
        signal?: AbortSignal,
      ) =>
        new Promise<void>((resolve, reject) => {
          opened.push({ request, write: onText, signal: signal! });
          if (!request.follow) {
            onText(`${request.container} previous line\n`);
            resolve();
          }
          signal!.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    ),
  } as Partial<KnotApi> as KnotApi;
  return { knotApi, opened };
}

jest.setTimeout(60_000);

describe('ServiceLogsDialog', () => {
  it('follows the newest pod’s main container: lines appear as they arrive', async () => {
    const { knotApi, opened } = fakeApi();
    await renderInTestApp(
      <ServiceLogsDialog service={web} onClose={() => {}} />,
      { apis: [[knotApiRef, knotApi]] },
    );
    await waitFor(() => expect(opened).toHaveLength(1));
    expect(opened[0].request).toEqual({
      pod: 'web-new',
      container: 'server',
      previous: false,
      follow: true,
    });
    const log = screen.getByLabelText('Log of server');
    expect(log.textContent).toBe('');
    act(() => opened[0].write('first line\n'));
    expect(log.textContent).toBe('first line\n');
    // The same request, still open, brings the next line.
    act(() => opened[0].write('second line\n'));
    expect(log.textContent).toBe('first line\nsecond line\n');
    expect(opened).toHaveLength(1);
    expect(screen.getByText(/Following: new lines appear/)).toBeInTheDocument();
  });

  it('picks a container and its previous run; the old stream is closed', async () => {
    const { knotApi, opened } = fakeApi();
    await renderInTestApp(
      <ServiceLogsDialog service={web} onClose={() => {}} />,
      { apis: [[knotApiRef, knotApi]] },
    );
    await waitFor(() => expect(opened).toHaveLength(1));
    const previous = screen.getByRole('checkbox', { name: 'Previous run' });
    // server restarted twice: its previous run can be read.
    expect(previous).not.toBeDisabled();

    fireEvent.change(screen.getByLabelText('Container'), {
      target: { value: 'init-db' },
    });
    await waitFor(() => expect(opened).toHaveLength(2));
    expect(opened[0].signal.aborted).toBe(true);
    expect(opened[1].request).toMatchObject({
      pod: 'web-new',
      container: 'init-db',
    });
    // The init container never restarted.
    expect(
      screen.getByRole('checkbox', { name: 'Previous run' }),
    ).toBeDisabled();

    fireEvent.change(screen.getByLabelText('Container'), {
      target: { value: 'server' },
    });
    await waitFor(() => expect(opened).toHaveLength(3));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Previous run' }));
    await waitFor(() => expect(opened).toHaveLength(4));
    expect(opened[3].request).toEqual({
      pod: 'web-new',
      container: 'server',
      previous: true,
      follow: false,
    });
    expect(
      await screen.findByText('server previous line', { exact: false }),
    ).toBeInTheDocument();
    expect(await screen.findByText('End of the log.')).toBeInTheDocument();

    fireEvent.change(screen.getByLabelText('Pod'), {
      target: { value: 'web-old' },
    });
    await waitFor(() => expect(opened).toHaveLength(5));
    expect(opened[4].request).toMatchObject({
      pod: 'web-old',
      container: 'server',
      previous: false,
      follow: true,
    });
  });

  it('downloads the text shown, and stops streaming when closed', async () => {
    const { knotApi, opened } = fakeApi();
    const blobs: Blob[] = [];
    URL.createObjectURL = jest.fn((b: Blob) => {
      blobs.push(b);
      return 'blob:log';
    });
    URL.revokeObjectURL = jest.fn();
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function saveAs(this: HTMLAnchorElement) {
        expect(this.download).toBe('web-web-new-server.log');
      });
    const { unmount } = await renderInTestApp(
      <ServiceLogsDialog service={web} onClose={() => {}} />,
      { apis: [[knotApiRef, knotApi]] },
    );
    await waitFor(() => expect(opened).toHaveLength(1));
    act(() => opened[0].write('a\nb\n'));
    fireEvent.click(screen.getByRole('button', { name: 'Download' }));
    expect(click).toHaveBeenCalledTimes(1);
    expect(blobs).toHaveLength(1);
    expect(await blobs[0].text()).toBe('a\nb\n');
    unmount();
    expect(opened[0].signal.aborted).toBe(true);
  });

  it('says why a log cannot be read', async () => {
    const { knotApi } = fakeApi();
    knotApi.readServiceLogs = async () => {
      throw new Error(
        'Container server of pod web-new has not restarted: there is no previous log',
      );
    };
    await renderInTestApp(
      <ServiceLogsDialog service={web} onClose={() => {}} />,
      { apis: [[knotApiRef, knotApi]] },
    );
    expect(
      await screen.findByText(/there is no previous log/),
    ).toBeInTheDocument();
  });
});
