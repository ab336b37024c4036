import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { KnotAuditEntry } from '@knot-platform/plugin-knot-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { auditApiRef, type AuditApi } from '../../api/AuditApi';
import { AuditPanel } from './AuditPanel';
import { MyActivity } from './MyActivity';

const entry = (
  id: number,
  fields: Partial<KnotAuditEntry>,
): KnotAuditEntry => ({
  id,
  at: '2026-12-02T10:00:00.000Z',
  action: 'service.deploy',
  actor: 'alice',
  actingProfile: 'alice',
  target: 'service alice/web',
  result: 'success',
  sourceIp: '10.1.2.3',
  ...fields,
});

describe('AuditPanel', () => {
  it('shows the log, filters by user and action, pages and exports', async () => {
    const list = jest.fn<
      ReturnType<AuditApi['list']>,
      Parameters<AuditApi['list']>
    >(async query =>
      query.before
        ? { items: [entry(1, { actor: 'bob', action: 'file.delete' })] }
        : {
            items: [
              entry(3, {}),
              entry(2, {
                action: 'service.upgrade',
                result: 'failure',
                details: { changed: { replicas: { from: 1, to: 2 } } },
              }),
            ],
            nextBefore: 2,
          },
    );
    const exportLog = jest.fn(async () => new Blob(['id\n']));
    const createObjectURL = jest.fn(() => 'blob:x');
    Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });
    await renderInTestApp(<AuditPanel />, {
      apis: [[auditApiRef, { list, exportLog } as AuditApi]],
    });

    const table = await screen.findByRole('table', { name: 'Audit log' });
    expect(within(table).getAllByText('service alice/web')).toHaveLength(2);
    expect(within(table).getByText('failed')).toBeInTheDocument();
    expect(
      within(table).getByText('changed: {"replicas":{"from":1,"to":2}}'),
    ).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Load older entries' }));
    expect(await within(table).findByText('bob')).toBeInTheDocument();

    fireEvent.change(screen.getByLabelText('User'), {
      target: { value: 'alice' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Filter' }));
    await waitFor(() =>
      expect(list).toHaveBeenLastCalledWith(
        expect.objectContaining({ user: 'alice', limit: 50 }),
        {},
      ),
    );

    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    await waitFor(() =>
      expect(exportLog).toHaveBeenCalledWith(
        expect.objectContaining({ user: 'alice' }),
        'csv',
      ),
    );
    expect(createObjectURL).toHaveBeenCalled();
  });

  it('says why the log could not be read', async () => {
    const list = jest.fn(async () => {
      throw new Error('Only Knot admins may export the audit log');
    });
    await renderInTestApp(<AuditPanel />, {
      apis: [[auditApiRef, { list } as unknown as AuditApi]],
    });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Only Knot admins',
    );
  });
});

describe('MyActivity', () => {
  it("asks for the user's own entries only", async () => {
    const list = jest.fn(async () => ({
      items: [
        entry(5, {
          action: 'impersonation.start',
          actor: 'dana',
          actingProfile: 'alice',
        }),
      ],
    }));
    await renderInTestApp(<MyActivity />, {
      apis: [[auditApiRef, { list } as unknown as AuditApi]],
    });
    const table = await screen.findByRole('table', { name: 'My activity' });
    expect(within(table).getByText('impersonation.start')).toBeInTheDocument();
    expect(within(table).getByText('dana')).toBeInTheDocument();
    expect(list).toHaveBeenCalledWith(expect.objectContaining({ limit: 50 }), {
      mine: true,
    });
  });
});
