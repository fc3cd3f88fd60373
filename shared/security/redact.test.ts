import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact';

describe('redactSecrets', () => {
  it.each([
    ['recovery password', 'key 123456-234567-345678-456789-567890-678901-789012-890123 set', '123456-234567'],
    ['bearer token', 'Authorization: Bearer abc.def-ghi', 'abc.def-ghi'],
    ['jwt', 'token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.sig', 'eyJzdWIiOiIxIn0'],
    ['session token in a URL', 'GET http://127.0.0.1:7860/?token=s3cr3tT0ken', 's3cr3tT0ken'],
    ['passphrase field', '{"passphrase":"correct horse battery staple"}', 'correct horse'],
    ['bitLockerKey field', 'bitLockerKey=238810-662376-487685-429601-392654-700776-125147-303952', '238810'],
  ])('masks a %s', (_name, input, secret) => {
    const out = redactSecrets(input);
    expect(out).not.toContain(secret);
  });

  it('leaves ordinary text alone', () => {
    const text = 'Prepared /dev/sdb (serial WD-1234) in 12 s, 384 MiB';
    expect(redactSecrets(text)).toBe(text);
  });
});
