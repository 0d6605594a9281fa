import { SnapshotOutcome } from '../../lib/controlplane/JobSubmission';
import { SavepointTriggers } from '../../lib/rest/SavepointTriggers';

describe('savepoint operations', () => {
  it('are read once a client saw their outcome, so a process whose job ended knows when it may stop answering', async () => {
    const triggers = new SavepointTriggers();
    expect(triggers.allRead()).toBe(true);
    let finish!: (o: SnapshotOutcome) => void;
    const id = triggers.start('job', new Promise<SnapshotOutcome>((resolve) => (finish = resolve)));
    let read = false;
    const whenRead = triggers.whenAllRead().then(() => (read = true));
    expect(triggers.status('job', id)).toEqual({ status: { id: 'IN_PROGRESS' } });
    finish({ checkpointId: 3, path: '/sp/savepoint-3' });
    await Promise.resolve();
    await Promise.resolve();
    expect(triggers.allRead()).toBe(false);
    // Asking for another job's operation reads nothing.
    expect(triggers.status('other', id)).toBeUndefined();
    await Promise.resolve();
    expect(read).toBe(false);
    expect(triggers.status('job', id)).toEqual({ status: { id: 'COMPLETED' }, operation: { location: '/sp/savepoint-3' } });
    await whenRead;
    expect(triggers.allRead()).toBe(true);
  });
});
