import { describe, expect, it } from 'vitest';
import { parseRedisUrl, redisUrlIssue } from './redis-url';

describe('parseRedisUrl', () => {
  it('passes one server through as is', () => {
    expect(parseRedisUrl('redis://:pw@cache:6380/2')).toEqual({
      kind: 'server',
      url: 'redis://:pw@cache:6380/2',
    });
    expect(parseRedisUrl('rediss://cache.example')).toMatchObject({ kind: 'server' });
  });

  it('reads sentinels, the master name, the database and passwords', () => {
    expect(parseRedisUrl('redis+sentinel://s1:26379,s2:26380,s3/mymaster')).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
        { host: 's3', port: 26379 },
      ],
      name: 'mymaster',
      db: 0,
    });
    expect(
      parseRedisUrl(
        'redis+sentinel://velvet:p%40ss@10.0.0.1:26379,[::1]:26379/main/3?sentinelPassword=s3cret',
      ),
    ).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '::1', port: 26379 },
      ],
      name: 'main',
      db: 3,
      username: 'velvet',
      password: 'p@ss',
      sentinelPassword: 's3cret',
    });
    expect(parseRedisUrl('redis+sentinel://:only-password@s1/m')).toMatchObject({
      password: 'only-password',
    });
  });

  it('reads Cluster nodes and credentials', () => {
    expect(parseRedisUrl('redis+cluster://:pw@n1:7000,n2,[::1]:7002')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 6379 },
        { host: '::1', port: 7002 },
      ],
      password: 'pw',
    });
  });

  it.each([
    ['redis+cluster://n1:7000/mymaster', /must be redis:\/\//],
    ['localhost:6379', /must be redis:\/\//],
    ['redis+sentinel://s1:26379', /must be redis:\/\//],
    ['redis+sentinel://s1:99999/m', /"s1:99999" is not a host:port/],
    ['redis+sentinel://s1,,s2/m', /"" is not a host:port/],
    ['redis+sentinel://s1/m?tls=1', /unknown option "tls"/],
  ])('refuses %s', (value, message) => {
    expect(redisUrlIssue(value)).toMatch(message);
  });
});
