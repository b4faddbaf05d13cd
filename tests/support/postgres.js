// A PostgreSQL server for the tests, from Debian's packages (scripts/setup.sh installs
// them): `initdb` into a temporary directory, `pg_ctl` on a free 127.0.0.1 port, run as
// the `postgres` user when the tests run as root (PostgreSQL refuses root). No system
// service, nothing left running: `close()` stops it and removes the directory.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './index.js';

/** The newest installed PostgreSQL's bin directory. */
function binDirectory() {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(a) - Number(b))
    : [];
  if (versions.length === 0) throw new Error('PostgreSQL is not installed in /usr/lib/postgresql: run scripts/setup.sh');
  return join(root, versions.at(-1), 'bin');
}

/**
 * Starts a server. Returns { url(database), createDatabase(name), stop(), start(), close() }:
 * `stop()`/`start()` (promises: the tests' clients go on meanwhile) restart it on the same
 * port and data, a database outage.
 */
export async function startPostgres() {
  const bin = binDirectory();
  const root = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'agora-postgres-'));
  if (root) {
    const { uid, gid } = JSON.parse(execFileSync('sh', ['-c', 'printf \'{"uid":%s,"gid":%s}\' "$(id -u postgres)" "$(id -g postgres)"']).toString());
    chownSync(dir, uid, gid);
  }
  const command = (program, args) => (root
    ? ['runuser', ['-u', 'postgres', '--', join(bin, program), ...args]]
    : [join(bin, program), args]);
  const run = (program, args) => execFileSync(...command(program, args), { stdio: 'pipe' });
  const runAsync = (program, args) => promisify(execFile)(...command(program, args));
  const data = join(dir, 'data');
  run('initdb', ['-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '-D', data]);
  const port = await freePort();
  const pgCtl = (...args) => ['-D', data, '-w', '-l', join(dir, 'server.log'), ...args];
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=300`;
  run('pg_ctl', pgCtl('-o', options, 'start'));
  return {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    createDatabase: (name) => run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-c', `CREATE DATABASE ${name}`]),
    stop: () => runAsync('pg_ctl', pgCtl('-m', 'fast', 'stop')),
    start: () => runAsync('pg_ctl', pgCtl('-o', options, 'start')),
    close: () => {
      try { run('pg_ctl', pgCtl('-m', 'immediate', 'stop')); } catch { /* already stopped */ }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
