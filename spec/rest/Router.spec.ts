import { Router } from '../../lib/rest/Router';

describe('Router', () => {
  const r = new Router<string>().add('GET', '/jobs/overview', 'overview').add('GET', '/jobs/:jobId', 'job').add('PATCH', '/jobs/:jobId', 'cancel');

  it('matches in order, captures segments, and lets HEAD use GET routes', () => {
    expect(r.match('GET', '/jobs/overview')).toEqual({ kind: 'found', handler: 'overview', params: {} });
    expect(r.match('GET', '/jobs/abc/')).toEqual({ kind: 'found', handler: 'job', params: { jobId: 'abc' } });
    expect(r.match('HEAD', '/jobs/abc')).toMatchObject({ kind: 'found', handler: 'job' });
    expect(r.match('PATCH', '/jobs/abc')).toMatchObject({ kind: 'found', handler: 'cancel' });
  });

  it('tells a wrong method from an unknown path', () => {
    expect(r.match('DELETE', '/jobs/abc')).toEqual({ kind: 'methodNotAllowed', allowed: ['GET', 'PATCH'] });
    expect(r.match('GET', '/jobs/abc/more')).toEqual({ kind: 'notFound' });
    expect(r.match('GET', '/')).toEqual({ kind: 'notFound' });
  });
});
