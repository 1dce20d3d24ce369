import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import {
  ArtifactError,
  extractArtifact,
  fetchAndExtractArtifact,
  fetchArtifact,
  rewriteArtifactURL,
  verifyDigest,
} from '@flotilla/runtime/artifact';

const scratch = fs.mkdtempSync('/dev/shm/flotilla-artifact-test-');
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

let dirCounter = 0;
/** A fresh case directory holding `root` (the extraction target) and `outside` (things an escape would hit). */
function caseDir(): { base: string; root: string; outside: string } {
  const base = path.join(scratch, `case-${dirCounter++}`);
  const root = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(root, { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret'), 'original');
  return { base, root, outside };
}

// --- hand-written tar headers, so malicious archives do not depend on any library's writer ---

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, type: string, size = 0, linkname = '', mode = 0o644): Buffer {
  const b = Buffer.alloc(512);
  b.write(name, 0, 100, 'utf8');
  b.write(octal(mode, 8), 100, 'latin1');
  b.write(octal(0, 8), 108, 'latin1');
  b.write(octal(0, 8), 116, 'latin1');
  b.write(octal(size, 12), 124, 'latin1');
  b.write(octal(0, 12), 136, 'latin1');
  b.fill(0x20, 148, 156);
  b.write(type, 156, 'latin1');
  b.write(linkname, 157, 100, 'utf8');
  b.write('ustar\0', 257, 'latin1');
  b.write('00', 263, 'latin1');
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return b;
}

/** One pax extended-header record: "<len> key=value\n", where len counts itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (`${len}${body}`.length !== len) len++;
  return `${len}${body}`;
}

function withPax(records: string, rest: Buffer): Buffer {
  const pax = Buffer.from(records);
  return Buffer.concat([header('PaxHeaders/x', 'x', pax.length), pax, Buffer.alloc((512 - (pax.length % 512)) % 512), rest]);
}

type Entry =
  | { name: string; type: 'file'; content: string | Buffer; mode?: number }
  | { name: string; type: 'dir' }
  | { name: string; type: 'symlink' | 'hardlink'; target: string }
  | { name: string; type: 'chardev' | 'fifo' };

function tarBlocks(entries: Entry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    if (e.type === 'file') {
      const data = Buffer.isBuffer(e.content) ? e.content : Buffer.from(e.content);
      parts.push(header(e.name, '0', data.length, '', e.mode ?? 0o644), data, Buffer.alloc((512 - (data.length % 512)) % 512));
    } else if (e.type === 'dir') parts.push(header(e.name, '5', 0, '', 0o755));
    else if (e.type === 'symlink') parts.push(header(e.name, '2', 0, e.target, 0o777));
    else if (e.type === 'hardlink') parts.push(header(e.name, '1', 0, e.target));
    else parts.push(header(e.name, e.type === 'chardev' ? '3' : '6'));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

const tgz = (entries: Entry[]): Buffer => gzipSync(tarBlocks(entries));

async function rejects(p: Promise<unknown>, reason: string, messagePart?: RegExp): Promise<ArtifactError> {
  const err = await p.then(
    () => assert.fail(`expected rejection with ${reason}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ArtifactError, `expected ArtifactError, got ${String(err)}`);
  assert.equal(err.reason, reason, err.message);
  if (messagePart) assert.match(err.message, messagePart);
  return err;
}

/** Every path under dir (type, content, link target, executable bits), for comparing two trees. */
function walk(dir: string): string[] {
  const out: string[] = [];
  const visit = (rel: string) => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const full = path.join(dir, r);
      const st = fs.lstatSync(full);
      if (st.isSymbolicLink()) out.push(`L ${r} -> ${fs.readlinkSync(full)}`);
      else if (st.isDirectory()) {
        out.push(`D ${r}`);
        visit(r);
      } else out.push(`F ${r} x=${(st.mode & 0o111).toString(8)} ${fs.readFileSync(full, 'base64')}`);
    }
  };
  visit('');
  return out;
}

function outsideUntouched(c: { base: string; outside: string }): void {
  assert.deepEqual(fs.readdirSync(c.base).sort(), ['outside', 'root']);
  assert.deepEqual(fs.readdirSync(c.outside), ['secret']);
  assert.equal(fs.readFileSync(path.join(c.outside, 'secret'), 'utf8'), 'original');
  assert.equal(fs.statSync(path.join(c.outside, 'secret')).nlink, 1);
}

describe('extracting archives written by GNU tar (oracle)', () => {
  for (const format of ['pax', 'gnu', 'ustar'] as const) {
    test(`${format} archive extracts to exactly the source tree`, async () => {
      const c = caseDir();
      const src = path.join(c.base, 'src');
      fs.mkdirSync(path.join(src, 'deploy/overlays/prod'), { recursive: true });
      fs.writeFileSync(path.join(src, 'kustomization.yaml'), 'resources:\n- deploy\n');
      fs.writeFileSync(path.join(src, 'deploy/overlays/prod/app.yaml'), 'kind: ConfigMap\n'.repeat(200));
      fs.writeFileSync(path.join(src, 'empty'), '');
      fs.writeFileSync(path.join(src, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
      fs.mkdirSync(path.join(src, 'empty-dir'));
      fs.symlinkSync('deploy/overlays/prod/app.yaml', path.join(src, 'app-link'));
      fs.symlinkSync('../../../kustomization.yaml', path.join(src, 'deploy/overlays/prod/up-link'));
      fs.linkSync(path.join(src, 'kustomization.yaml'), path.join(src, 'deploy/hard'));
      // ustar splits names at 155+100; pax and gnu carry longer names in extension headers.
      const longDir = format === 'ustar' ? 'd'.repeat(90) : 'l'.repeat(150);
      fs.mkdirSync(path.join(src, longDir));
      fs.writeFileSync(path.join(src, longDir, 'n'.repeat(format === 'ustar' ? 90 : 130)), 'long');
      const archive = path.join(c.base, 'a.tgz');
      execFileSync('tar', [`--format=${format}`, '-czf', archive, '-C', src, '.']);
      fs.rmSync(c.outside, { recursive: true });

      const stats = await extractArtifact(fs.readFileSync(archive), c.root);
      assert.deepEqual(walk(c.root), walk(src));
      assert.equal(stats.files, 5, 'regular files; the hardlink is a link entry');
      assert.equal(fs.statSync(path.join(c.root, 'deploy/hard')).ino, fs.statSync(path.join(c.root, 'kustomization.yaml')).ino);
    });
  }
});

test('a pax size record overrides the header size field', async () => {
  const c = caseDir();
  const content = Buffer.from('twelve bytes');
  const body = Buffer.concat([header('big', '0', 0), content, Buffer.alloc(512 - content.length), header('after', '0', 0), Buffer.alloc(1024)]);
  await extractArtifact(gzipSync(withPax(paxRecord('size', String(content.length)), body)), c.root);
  assert.deepEqual(fs.readFileSync(path.join(c.root, 'big')), content);
  assert.equal(fs.readFileSync(path.join(c.root, 'after'), 'utf8'), '');
});

describe('unsafe archives are refused and nothing is written outside the root', () => {
  test('entry path ../x', async () => {
    const c = caseDir();
    await rejects(extractArtifact(tgz([{ name: '../x', type: 'file', content: 'pwned' }]), c.root), 'ArtifactUnsafe', /escapes/);
    outsideUntouched(c);
  });

  test('entry path a/../../outside/secret that only escapes after normalisation', async () => {
    const c = caseDir();
    const archive = tgz([
      { name: 'a/', type: 'dir' },
      { name: 'a/../../outside/secret', type: 'file', content: 'pwned' },
    ]);
    await rejects(extractArtifact(archive, c.root), 'ArtifactUnsafe');
    outsideUntouched(c);
  });

  test('pax path record that escapes, behind a harmless ustar name', async () => {
    const c = caseDir();
    const blocks = withPax(paxRecord('path', '../outside/secret'), tarBlocks([{ name: 'harmless', type: 'file', content: 'pwned' }]));
    await rejects(extractArtifact(gzipSync(blocks), c.root), 'ArtifactUnsafe', /\.\.\/outside\/secret/);
    outsideUntouched(c);
    assert.deepEqual(fs.readdirSync(c.root), []);
  });

  test('absolute entry path', async () => {
    const c = caseDir();
    const target = path.join(c.outside, 'secret');
    await rejects(extractArtifact(tgz([{ name: target, type: 'file', content: 'pwned' }]), c.root), 'ArtifactUnsafe', /absolute/);
    await rejects(extractArtifact(tgz([{ name: '/etc/flotilla-test-x', type: 'file', content: 'pwned' }]), c.root), 'ArtifactUnsafe');
    assert.equal(fs.existsSync('/etc/flotilla-test-x'), false);
    outsideUntouched(c);
  });

  test('symlink to /etc/passwd followed by a file of the same name', async () => {
    const c = caseDir();
    const before = fs.readFileSync('/etc/passwd');
    const archive = tgz([
      { name: 'passwd', type: 'symlink', target: '/etc/passwd' },
      { name: 'passwd', type: 'file', content: 'root::0:0::/:/bin/sh\n' },
    ]);
    await rejects(extractArtifact(archive, c.root), 'ArtifactUnsafe', /absolute path \/etc\/passwd/);
    assert.deepEqual(fs.readFileSync('/etc/passwd'), before);
    assert.deepEqual(fs.readdirSync(c.root), []);
  });

  test('relative symlink leaving the root, then a file written through it', async () => {
    const c = caseDir();
    const archive = tgz([
      { name: 'dir/', type: 'dir' },
      { name: 'dir/out', type: 'symlink', target: '../../outside' },
      { name: 'dir/out/secret', type: 'file', content: 'pwned' },
    ]);
    await rejects(extractArtifact(archive, c.root), 'ArtifactUnsafe', /outside the extraction root/);
    outsideUntouched(c);
  });

  test('no entry is written through a symlink, even one pointing inside the root', async () => {
    // Two-step escape: an in-root symlink is later re-pointed by the on-disk layout, so paths through
    // any symlink are refused outright.
    const c = caseDir();
    const archive = tgz([
      { name: 'sub/', type: 'dir' },
      { name: 'inner', type: 'symlink', target: 'sub' },
      { name: 'inner/file', type: 'file', content: 'x' },
    ]);
    await rejects(extractArtifact(archive, c.root), 'ArtifactUnsafe', /through symlink/);
    assert.deepEqual(fs.readdirSync(path.join(c.root, 'sub')), []);
  });

  test('a later file entry replaces an in-root symlink instead of writing to its target', async () => {
    const c = caseDir();
    const archive = tgz([
      { name: 'real', type: 'file', content: 'keep' },
      { name: 'link', type: 'symlink', target: 'real' },
      { name: 'link', type: 'file', content: 'new' },
    ]);
    await extractArtifact(archive, c.root);
    assert.equal(fs.readFileSync(path.join(c.root, 'real'), 'utf8'), 'keep');
    assert.equal(fs.lstatSync(path.join(c.root, 'link')).isSymbolicLink(), false);
    assert.equal(fs.readFileSync(path.join(c.root, 'link'), 'utf8'), 'new');
  });

  test('hardlinks to files outside the root', async () => {
    const c = caseDir();
    const secret = path.join(c.outside, 'secret');
    await rejects(extractArtifact(tgz([{ name: 'h', type: 'hardlink', target: '../outside/secret' }]), c.root), 'ArtifactUnsafe');
    await rejects(extractArtifact(tgz([{ name: 'h', type: 'hardlink', target: secret }]), c.root), 'ArtifactUnsafe');
    // A hardlink to an in-root symlink would pin whatever the symlink names; only regular files qualify.
    const viaSymlink = tgz([
      { name: 's', type: 'symlink', target: 'nowhere' },
      { name: 'h', type: 'hardlink', target: 's' },
    ]);
    await rejects(extractArtifact(viaSymlink, c.root), 'ArtifactUnsafe');
    outsideUntouched(c);
    assert.equal(fs.existsSync(path.join(c.root, 'h')), false);
  });

  test('device and fifo entries', async () => {
    const c = caseDir();
    await rejects(extractArtifact(tgz([{ name: 'tty', type: 'chardev' }]), c.root), 'ArtifactUnsafe', /device/);
    await rejects(extractArtifact(tgz([{ name: 'pipe', type: 'fifo' }]), c.root), 'ArtifactUnsafe');
    assert.deepEqual(fs.readdirSync(c.root), []);
  });
});

describe('size and entry limits', () => {
  test('gzip bomb: one 101 MiB file of zeros exceeds the default 100 MiB limit at its header', async () => {
    const c = caseDir();
    const archive = tgz([{ name: 'zeros', type: 'file', content: Buffer.alloc(101 * 1024 * 1024) }]);
    assert.ok(archive.length < 1024 * 1024, 'the bomb compresses to well under 1 MiB');
    await rejects(extractArtifact(archive, c.root), 'ArtifactTooLarge', /exceed/);
    assert.deepEqual(fs.readdirSync(c.root), []);
  });

  test('many small files whose total exceeds a configured limit stop extraction early', async () => {
    const c = caseDir();
    const entries: Entry[] = [];
    for (let i = 0; i < 40; i++) entries.push({ name: `f${i}`, type: 'file', content: Buffer.alloc(64 * 1024, 1) });
    await rejects(extractArtifact(tgz(entries), c.root, { maxBytes: 1024 * 1024 }), 'ArtifactTooLarge');
    const written = fs.readdirSync(c.root).reduce((sum, f) => sum + fs.statSync(path.join(c.root, f)).size, 0);
    assert.ok(written <= 1024 * 1024, `wrote ${written} bytes`);
    assert.ok(fs.readdirSync(c.root).length < 40);
  });

  test('too many entries', async () => {
    const c = caseDir();
    const entries: Entry[] = [];
    for (let i = 0; i < 100; i++) entries.push({ name: `e${i}`, type: 'file', content: '' });
    await rejects(extractArtifact(tgz(entries), c.root, { maxEntries: 50 }), 'ArtifactTooLarge', /more than 50 entries/);
    assert.ok(fs.readdirSync(c.root).length <= 50);
    const ok = caseDir();
    const stats = await extractArtifact(tgz(entries), ok.root, { maxEntries: 100 });
    assert.equal(stats.entries, 100);
  });

  test('garbage, corrupt headers and truncated archives are invalid', async () => {
    const c = caseDir();
    await rejects(extractArtifact(Buffer.from('not gzip at all'), c.root), 'ArtifactInvalid');
    const blocks = tarBlocks([{ name: 'a', type: 'file', content: 'hello' }]);
    blocks[0] = blocks[0]! ^ 0xff;
    await rejects(extractArtifact(gzipSync(blocks), c.root), 'ArtifactInvalid', /checksum/);
    const whole = tarBlocks([{ name: 'b', type: 'file', content: Buffer.alloc(4096, 7) }]);
    await rejects(extractArtifact(gzipSync(whole.subarray(0, 1024)), c.root), 'ArtifactInvalid', /truncated/);
  });
});

describe('fetching over HTTP', () => {
  const good = tgz([
    { name: 'dir/', type: 'dir' },
    { name: 'dir/a.yaml', type: 'file', content: 'a: 1\n' },
    { name: 'b.yaml', type: 'file', content: 'b: 2\n' },
  ]);
  const goodSha256 = `sha256:${createHash('sha256').update(good).digest('hex')}`;
  const hits = new Map<string, number>();
  let failuresBeforeSuccess = 0;
  let server: http.Server;
  let base: string;
  let hostPort: string;

  before(async () => {
    server = http.createServer((req, res) => {
      const url = req.url ?? '';
      hits.set(url, (hits.get(url) ?? 0) + 1);
      if (url === '/gitrepository/flux-system/app/good.tar.gz') return void res.end(good);
      if (url === '/flaky.tar.gz') {
        if (hits.get(url)! <= failuresBeforeSuccess) {
          res.statusCode = 500;
          return void res.end('boom');
        }
        return void res.end(good);
      }
      if (url === '/always-503') {
        res.statusCode = 503;
        return void res.end();
      }
      if (url === '/forbidden') {
        res.statusCode = 403;
        return void res.end();
      }
      if (url === '/drop') return void req.socket.destroy();
      res.statusCode = 404;
      res.end('404 page not found\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hostPort = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    base = `http://${hostPort}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const fast = { retryWaitMinMs: 1, retryWaitMaxMs: 5 };

  test('good artifact with a matching digest extracts exactly', async () => {
    const c = caseDir();
    const stats = await fetchAndExtractArtifact({ url: `${base}/gitrepository/flux-system/app/good.tar.gz`, digest: goodSha256 }, c.root, fast);
    assert.deepEqual(walk(c.root), ['F b.yaml x=0 ' + Buffer.from('b: 2\n').toString('base64'), 'D dir', 'F dir/a.yaml x=0 ' + Buffer.from('a: 1\n').toString('base64')]);
    assert.equal(stats.files, 2);
  });

  test('SOURCE_CONTROLLER_LOCALHOST-style override redirects the in-cluster URL', async () => {
    const inCluster = 'http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/app/good.tar.gz';
    assert.equal(rewriteArtifactURL(inCluster, hostPort), `${base}/gitrepository/flux-system/app/good.tar.gz`);
    const data = await fetchArtifact({ url: inCluster, digest: goodSha256 }, { ...fast, localhost: hostPort });
    assert.deepEqual(data, good);
  });

  test('digest mismatch names the expected and actual digests', async () => {
    const wrong = `sha256:${'0'.repeat(64)}`;
    const err = await rejects(fetchArtifact({ url: `${base}/gitrepository/flux-system/app/good.tar.gz`, digest: wrong }, fast), 'ArtifactDigestMismatch');
    assert.equal(err.details.expected, wrong);
    assert.equal(err.details.actual, goodSha256);
    assert.ok(err.message.includes(wrong) && err.message.includes(goodSha256), err.message);
  });

  test('sha384 and sha512 digests verify; unknown algorithms are refused', () => {
    for (const algo of ['sha384', 'sha512']) {
      const d = `${algo}:${createHash(algo).update(good).digest('hex')}`;
      verifyDigest(good, d);
      assert.throws(() => verifyDigest(Buffer.concat([good, Buffer.from([0])]), d), (e: unknown) => e instanceof ArtifactError && e.reason === 'ArtifactDigestMismatch');
    }
    assert.throws(() => verifyDigest(good, `md5:${createHash('md5').update(good).digest('hex')}`), (e: unknown) => e instanceof ArtifactError && e.reason === 'ArtifactDigestInvalid');
  });

  test('500 responses are retried until success', async () => {
    failuresBeforeSuccess = 2;
    hits.delete('/flaky.tar.gz');
    const data = await fetchArtifact({ url: `${base}/flaky.tar.gz`, digest: goodSha256 }, fast);
    assert.deepEqual(data, good);
    assert.equal(hits.get('/flaky.tar.gz'), 3);
  });

  test('404 fails at once without retries', async () => {
    const err = await rejects(fetchArtifact({ url: `${base}/gone.tar.gz` }, fast), 'ArtifactNotFound');
    assert.equal(err.details.status, 404);
    assert.equal(hits.get('/gone.tar.gz'), 1);
  });

  test('persistent 5xx gives up after the configured retries; other 4xx are not retried', async () => {
    await rejects(fetchArtifact({ url: `${base}/always-503` }, { ...fast, retries: 2 }), 'ArtifactFetchFailed', /after 3 attempts/);
    assert.equal(hits.get('/always-503'), 3);
    await rejects(fetchArtifact({ url: `${base}/forbidden` }, fast), 'ArtifactFetchFailed', /403/);
    assert.equal(hits.get('/forbidden'), 1);
  });

  test('connection errors are retried', async () => {
    await rejects(fetchArtifact({ url: `${base}/drop` }, { ...fast, retries: 1 }), 'ArtifactFetchFailed', /after 2 attempts/);
    assert.equal(hits.get('/drop'), 2);
  });

  test('downloads larger than the limit are refused', async () => {
    await rejects(fetchArtifact({ url: `${base}/gitrepository/flux-system/app/good.tar.gz` }, { ...fast, maxDownloadBytes: 10 }), 'ArtifactTooLarge');
  });
});
